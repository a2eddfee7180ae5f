"""Checking the webhooks Charge Assist sends: each is signed over its timestamp and body with the endpoint's secret."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

from ._errors import ChargeAssistError

__all__ = ["SIGNATURE_HEADER", "WebhookVerificationError", "verify_webhook"]

SIGNATURE_HEADER = "Charge-Assist-Signature"
"""The header that carries ``t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">``."""


class WebhookVerificationError(ChargeAssistError):
    """A webhook whose signature does not match its body and secret, is malformed, or is older than the tolerance."""


def verify_webhook(payload: bytes, header: str, secret: str, tolerance: int = 300) -> dict[str, Any]:
    """The event ``{id, type, createdAt, data}`` of a webhook, once its signature is checked.

    ``payload`` is the request body exactly as received (before any JSON parsing), ``header`` the value of
    ``Charge-Assist-Signature`` and ``secret`` the endpoint's secret. A timestamp more than ``tolerance`` seconds
    from now is refused, so a captured request cannot be replayed later (0 switches the check off). Several
    ``v1`` values are accepted, any of which may match. Events can arrive more than once: deduplicate by ``id``.

    Raises :class:`WebhookVerificationError`.
    """
    timestamp: int | None = None
    signatures: list[str] = []
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise WebhookVerificationError("the signature header's timestamp is not a number") from None
        elif key == "v1" and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        raise WebhookVerificationError("the signature header has no timestamp or no v1 signature")
    if tolerance > 0 and abs(time.time() - timestamp) > tolerance:
        raise WebhookVerificationError("the webhook's timestamp is outside the tolerance")
    expected = hmac.new(secret.encode(), str(timestamp).encode() + b"." + payload, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, signature) for signature in signatures):
        raise WebhookVerificationError("the signature does not match the payload and secret")
    try:
        event = json.loads(payload)
    except ValueError:
        raise WebhookVerificationError("the payload is not JSON") from None
    if not isinstance(event, dict):
        raise WebhookVerificationError("the payload is not a JSON object")
    return event
