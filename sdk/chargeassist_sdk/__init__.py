"""Python SDK for the Charge Assist EV charging API.

    from chargeassist_sdk import ChargeAssist

    with ChargeAssist(api_key="...", base_url="https://charge.example.com") as client:
        client.tokens.register("guest-room-101")

:class:`ChargeAssist` blocks, :class:`AsyncChargeAssist` is the same for asyncio. Errors are exceptions
under :class:`ChargeAssistError`; answer types live in :mod:`chargeassist_sdk.models`. :func:`verify_webhook`
checks the signature of a webhook Charge Assist sent.
"""

from ._client import AsyncChargeAssist, ChargeAssist
from ._core import DEFAULT_BASE_URL, DEFAULT_TIMEOUT
from ._errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    ChargeAssistError,
    ConflictError,
    FieldError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    UnexpectedResponseError,
    ValidationError,
    WaitTimeoutError,
)
from ._pagination import AsyncPaginator, Page, Paginator
from ._retry import IDEMPOTENCY_KEY, RetryPolicy
from ._sessions import FINAL_STATUSES, SESSION_STATUSES
from ._sse import ServerSentEvent
from ._webhooks import WebhookVerificationError, verify_webhook

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "FINAL_STATUSES",
    "IDEMPOTENCY_KEY",
    "SESSION_STATUSES",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AsyncChargeAssist",
    "AsyncPaginator",
    "AuthenticationError",
    "ChargeAssist",
    "ChargeAssistError",
    "ConflictError",
    "FieldError",
    "NotFoundError",
    "Page",
    "Paginator",
    "PermissionDeniedError",
    "RateLimitError",
    "RetryPolicy",
    "ServerError",
    "ServerSentEvent",
    "UnexpectedResponseError",
    "ValidationError",
    "WaitTimeoutError",
    "WebhookVerificationError",
    "verify_webhook",
]
