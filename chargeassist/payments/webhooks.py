"""Inbound Stripe webhooks: verify the signature and read the event into a typed value.

The HTTP endpoint and what an event does to a session live elsewhere; this is only the trust boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import stripe

from chargeassist.payments._base import PaymentError

__all__ = ["DEFAULT_TOLERANCE_S", "StripeEvent", "WebhookSignatureInvalid", "verify_stripe_webhook"]

DEFAULT_TOLERANCE_S = 300
"""Stripe's own default: a signed timestamp older (or newer) than this is refused, so a replay goes stale."""


class WebhookSignatureInvalid(PaymentError):
    """The payload is not signed with our secret, is stale, or is not a Stripe event."""

    code = "webhook_signature_invalid"


@dataclass(frozen=True, slots=True)
class StripeEvent:
    """One verified Stripe event, reduced to what the session engine acts on."""

    id: str
    """Stripe's event id (``evt_...``), to deduplicate deliveries."""
    type: str
    """``payment_intent.succeeded``, ``payment_intent.amount_capturable_updated``, ... (unknown types too)."""
    created: datetime
    """When Stripe created the event; deliveries may arrive out of order."""
    object_type: str
    """The ``object`` of the event's subject (``payment_intent``, ``charge``, ...)."""
    payment_intent_id: str | None
    """The PaymentIntent the event is about, when it is about one."""
    status: str | None
    """That PaymentIntent's status as Stripe sent it, when the subject is a PaymentIntent."""


def verify_stripe_webhook(
    payload: bytes | str, signature_header: str | None, secret: str, *, tolerance_s: int = DEFAULT_TOLERANCE_S
) -> StripeEvent:
    """Verify ``payload`` against its ``Stripe-Signature`` header with the endpoint's signing secret."""
    if not secret:
        raise WebhookSignatureInvalid("no webhook signing secret is configured", code="webhook_not_configured")
    if not signature_header:
        raise WebhookSignatureInvalid("the Stripe-Signature header is missing")
    body = payload.decode("utf-8") if isinstance(payload, bytes) else payload
    try:
        event = stripe.Webhook.construct_event(body, signature_header, secret, tolerance=tolerance_s)
    except stripe.SignatureVerificationError as error:
        # Stripe's message says which check failed (no signature matched, timestamp outside tolerance).
        raise WebhookSignatureInvalid(f"signature refused: {error.user_message or error}") from None
    except ValueError as error:
        raise WebhookSignatureInvalid(f"not a Stripe event: {error}", code="webhook_payload_invalid") from None
    data = event.to_dict()
    subject = data.get("data", {}).get("object", {}) if isinstance(data.get("data"), dict) else {}
    if not isinstance(subject, dict) or not isinstance(data.get("id"), str) or not isinstance(data.get("type"), str):
        raise WebhookSignatureInvalid("the event has no id, type or object", code="webhook_payload_invalid")
    object_type = str(subject.get("object") or "")
    payment_intent: object = subject.get("id") if object_type == "payment_intent" else subject.get("payment_intent")
    if isinstance(payment_intent, dict):
        payment_intent = payment_intent.get("id")
    created = data.get("created")
    return StripeEvent(
        id=data["id"],
        type=data["type"],
        created=datetime.fromtimestamp(int(created), UTC) if isinstance(created, int) else datetime.now(UTC),
        object_type=object_type,
        payment_intent_id=payment_intent if isinstance(payment_intent, str) else None,
        status=str(subject["status"]) if object_type == "payment_intent" and "status" in subject else None,
    )
