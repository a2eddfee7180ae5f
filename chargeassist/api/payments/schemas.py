"""Wire shapes of the payment operations."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

import msgspec

__all__ = [
    "FailedPaymentResponse",
    "RetryPaymentRequest",
    "SetupIntentResponse",
    "StripeCardRequest",
    "WebhookAck",
]


class SetupIntentResponse(msgspec.Struct, kw_only=True, rename="camel"):
    """What the app needs to save a card with Stripe's SDK; the secret key never leaves the server."""

    client_secret: str
    """The SetupIntent's client secret, for the app's Stripe SDK."""
    customer_id: str
    """The Stripe customer of this app token; cards are saved under it."""
    publishable_key: str
    """The Stripe publishable key the app initialises its SDK with."""


class StripeCardRequest(msgspec.Struct, kw_only=True, rename="camel"):
    """A card the app saved with Stripe: its PaymentMethod id (``pm_...``)."""

    psp_payment_method_id: Annotated[str, msgspec.Meta(min_length=1, max_length=255, pattern=r"^[A-Za-z0-9_]+$")]
    psp_customer_id: Annotated[str, msgspec.Meta(min_length=1, max_length=255, pattern=r"^[A-Za-z0-9_]+$")] | None = (
        None
    )
    """Optional: when given, it must be the customerId the setup-intent answered."""


class FailedPaymentResponse(msgspec.Struct, kw_only=True, rename="camel"):
    """A session whose payment failed (or was only partly taken): what is still owed, and its retries."""

    id: str
    charge_session_id: str
    status: Literal["FAILED", "PARTIALLY_FAILED", "CAPTURED"]
    """CAPTURED once a retry paid it."""
    currency: str
    amount_due: Decimal
    """What the session cost (incl. VAT)."""
    amount_paid: Decimal
    amount_outstanding: Decimal
    payment_method_id: str | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    retries: int = 0
    next_retry_at: datetime | None = None
    """When it is tried again automatically; null when no automatic retry is left."""


class RetryPaymentRequest(msgspec.Struct, kw_only=True, rename="camel"):
    """Retry with the same card, or with another Stripe card of the wallet."""

    payment_method_id: Annotated[str, msgspec.Meta(min_length=1, max_length=40)] | None = None


class WebhookAck(msgspec.Struct, kw_only=True, rename="camel"):
    """Stripe's event was taken (or was seen before, or is of a type this service ignores)."""

    received: bool = True
    duplicate: bool = False
