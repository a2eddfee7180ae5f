"""The one interface every payment provider implements, its value types, errors and money helpers.

Amounts cross this interface as ``Decimal`` in the currency's major unit (euros, yen); a provider converts
them to its own wire form (Stripe: whole minor units) exactly, or refuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

__all__ = [
    "AmountNotRepresentable",
    "AuthorizationStatus",
    "CaptureExceedsHold",
    "ChargeStatus",
    "IdempotencyConflict",
    "IncrementNotSupported",
    "PaymentAuthorization",
    "PaymentCharge",
    "PaymentDecline",
    "PaymentDeclined",
    "PaymentError",
    "PaymentIntentStatus",
    "PaymentMethodUnusable",
    "PaymentNotFound",
    "PaymentProvider",
    "PaymentProviderMisconfigured",
    "PaymentProviderUnavailable",
    "PaymentRequestRefused",
    "PaymentState",
    "SavedCard",
    "from_minor_units",
    "idempotency_key",
    "minor_unit_exponent",
    "to_minor_units",
]

# ISO 4217 currencies Stripe counts in whole major units (no cents).
_ZERO_DECIMAL = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}
)
# Three-decimal currencies: Stripe counts thousandths but accepts only multiples of ten of them.
_THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})
_IDEMPOTENCY_KEY_MAX = 255  # Stripe's limit


# --- errors ----------------------------------------------------------------------------------


class PaymentError(Exception):
    """Base of every payment failure; ``code`` is stable and safe to show to API clients."""

    code: str = "payment_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class AmountNotRepresentable(PaymentError, ValueError):
    """An amount that the currency cannot carry exactly (a fraction of its smallest unit, negative, NaN)."""

    code = "amount_not_representable"


class PaymentDeclined(PaymentError):
    """The card issuer (or the PSP's risk checks) refused: nothing was held or charged."""

    code = "payment_declined"

    def __init__(self, message: str, *, code: str | None = None, decline_code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.decline_code = decline_code


class PaymentMethodUnusable(PaymentError):
    """The payment method is unknown, detached from its customer, not a card, or not the caller's."""

    code = "payment_method_unusable"


class PaymentNotFound(PaymentError):
    """The provider has no payment (PaymentIntent) under that reference."""

    code = "payment_not_found"


class PaymentRequestRefused(PaymentError):
    """The provider refused the request as invalid in the payment's current state; nothing changed."""

    code = "payment_request_refused"


class CaptureExceedsHold(PaymentRequestRefused):
    """A capture for more than the amount still held; nothing was captured."""

    code = "capture_exceeds_hold"


class IncrementNotSupported(PaymentRequestRefused):
    """The hold cannot be raised (the card, the payment or the provider does not allow it)."""

    code = "increment_not_supported"


class IdempotencyConflict(PaymentRequestRefused):
    """The idempotency key was already used for a different request."""

    code = "idempotency_conflict"


class PaymentProviderMisconfigured(PaymentError):
    """The provider refused our credentials: a configuration fault, not the driver's."""

    code = "payment_provider_misconfigured"


class PaymentProviderUnavailable(PaymentError):
    """The provider could not be reached or failed (network, timeout, 5xx, rate limit).

    The outcome is UNKNOWN: the request may have taken effect. The caller must reconcile (retrieve the
    payment, or repeat the request with the same idempotency key), never retry with a new key.
    """

    code = "payment_provider_unavailable"


# --- value types -----------------------------------------------------------------------------


class AuthorizationStatus(StrEnum):
    """Outcome of placing a hold."""

    AUTHORIZED = "AUTHORIZED"
    REQUIRES_ACTION = "REQUIRES_ACTION"
    DECLINED = "DECLINED"


class ChargeStatus(StrEnum):
    """Outcome of an immediate (automatically captured) charge."""

    SUCCEEDED = "SUCCEEDED"
    PROCESSING = "PROCESSING"
    REQUIRES_ACTION = "REQUIRES_ACTION"
    DECLINED = "DECLINED"


class PaymentIntentStatus(StrEnum):
    """Where a payment stands at the provider (Stripe's PaymentIntent statuses)."""

    REQUIRES_PAYMENT_METHOD = "REQUIRES_PAYMENT_METHOD"
    REQUIRES_CONFIRMATION = "REQUIRES_CONFIRMATION"
    REQUIRES_ACTION = "REQUIRES_ACTION"
    PROCESSING = "PROCESSING"
    REQUIRES_CAPTURE = "REQUIRES_CAPTURE"
    SUCCEEDED = "SUCCEEDED"
    CANCELED = "CANCELED"


@dataclass(frozen=True, slots=True)
class PaymentDecline:
    """Why a payment was refused: the PSP's error code, the issuer's decline code and a message for people."""

    code: str
    decline_code: str | None
    message: str


@dataclass(frozen=True, slots=True)
class PaymentAuthorization:
    """Result of :meth:`PaymentProvider.authorize`.

    ``reference`` is the provider's id of the payment (Stripe: the PaymentIntent id); it may be ``None`` only
    for a decline the provider kept no record of.
    """

    reference: str | None
    status: AuthorizationStatus
    amount: Decimal
    currency: str
    client_secret: str | None = None
    """Set with ``REQUIRES_ACTION``: the app completes the authentication (3-D Secure) with it."""
    decline: PaymentDecline | None = None
    """Set with ``DECLINED``."""


@dataclass(frozen=True, slots=True)
class PaymentCharge:
    """Result of :meth:`PaymentProvider.charge_off_session`."""

    reference: str | None
    status: ChargeStatus
    amount: Decimal
    currency: str
    client_secret: str | None = None
    decline: PaymentDecline | None = None


@dataclass(frozen=True, slots=True)
class PaymentState:
    """A payment as the provider has it now (for capture/release answers and for the reconciler)."""

    reference: str
    status: PaymentIntentStatus
    currency: str
    """Upper-case ISO 4217 code; empty where the provider never learns it (external)."""
    amount: Decimal
    """The amount asked for (the hold, for a manual-capture payment; raised by an increment)."""
    amount_capturable: Decimal
    """What is still held and could be captured."""
    amount_received: Decimal
    """What was actually taken."""
    client_secret: str | None = None
    decline: PaymentDecline | None = None
    """The last payment error, if the payment was refused."""
    metadata: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class SavedCard:
    """A saved card as the provider has it (no full number ever reaches us)."""

    payment_method_id: str
    customer_id: str
    brand: str
    """Lower-case scheme name as the PSP spells it: ``visa``, ``mastercard``, ``amex``..."""
    last4: str
    exp_month: int
    exp_year: int


# --- the interface ---------------------------------------------------------------------------


class PaymentProvider(Protocol):
    """A way to hold and take money. Every call that changes anything takes the caller's idempotency key, so
    a repeated call (after a crash, or after :class:`PaymentProviderUnavailable`) has its effect once."""

    @property
    def name(self) -> str:
        """The provider as the API shows it (``EXTERNAL``, ``STRIPE``)."""
        ...

    async def authorize(
        self,
        *,
        amount: Decimal,
        currency: str,
        customer: str,
        payment_method: str,
        idempotency_key: str,
        metadata: Mapping[str, str] | None = None,
        request_incremental: bool = True,
    ) -> PaymentAuthorization:
        """Place a hold of ``amount`` on the saved payment method (create and confirm, manual capture)."""
        ...

    async def capture(self, reference: str, amount: Decimal, *, idempotency_key: str) -> PaymentState:
        """Take exactly ``amount`` of the hold and release the rest; refuses more than is held."""
        ...

    async def release(self, reference: str, *, idempotency_key: str) -> PaymentState:
        """Cancel the hold without taking anything."""
        ...

    async def charge_off_session(
        self,
        *,
        amount: Decimal,
        currency: str,
        customer: str,
        payment_method: str,
        idempotency_key: str,
        metadata: Mapping[str, str] | None = None,
    ) -> PaymentCharge:
        """Charge the saved payment method now, without the driver present (captured at once)."""
        ...

    async def retrieve(self, reference: str) -> PaymentState:
        """The payment as the provider has it now."""
        ...

    async def increment_authorization(
        self, reference: str, new_amount: Decimal, *, idempotency_key: str
    ) -> PaymentState:
        """Raise the hold to ``new_amount`` (the new total, not the difference).

        Raises :class:`IncrementNotSupported` where the hold cannot be raised, :class:`PaymentDeclined` when
        the issuer refuses the higher amount; either way the old hold stands.
        """
        ...

    async def create_customer(
        self, *, idempotency_key: str, email: str | None = None, metadata: Mapping[str, str] | None = None
    ) -> str:
        """Create a customer to save cards under; returns its id."""
        ...

    async def create_setup_intent(self, customer: str, *, idempotency_key: str) -> str:
        """Start saving a card for off-session use under ``customer``; returns the client secret for the app."""
        ...

    async def retrieve_payment_method(self, payment_method: str, *, customer: str | None = None) -> SavedCard:
        """The saved card ``payment_method``; with ``customer``, it must be attached to that customer.

        Raises :class:`PaymentMethodUnusable` (``code`` says why) for an unknown, detached or foreign method,
        or one that is not a card.
        """
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


# --- helpers ---------------------------------------------------------------------------------


def idempotency_key(charge_session_id: str, step: str) -> str:
    """The idempotency key of one payment step of one session (``authorize``, ``capture``, ``retry-2``...).

    Derived, never random, so the step repeated after a crash sends the same key and takes effect once.
    """
    if not charge_session_id or not step:
        raise ValueError("idempotency_key needs a session id and a step")
    key = f"chargeassist:{charge_session_id}:{step}"
    if len(key) > _IDEMPOTENCY_KEY_MAX:
        raise ValueError(f"idempotency key longer than {_IDEMPOTENCY_KEY_MAX} characters")
    return key


def minor_unit_exponent(currency: str) -> int:
    """Digits after the decimal point in the PSP's smallest unit of ``currency`` (EUR 2, JPY 0, KWD 3)."""
    code = currency.upper()
    if len(code) != 3 or not code.isalpha():
        raise AmountNotRepresentable(f"not an ISO 4217 currency code: {currency!r}", code="currency_invalid")
    if code in _ZERO_DECIMAL:
        return 0
    if code in _THREE_DECIMAL:
        return 3
    return 2


def to_minor_units(amount: Decimal, currency: str) -> int:
    """``amount`` (major unit) as a whole number of minor units, exactly; refuses what would need rounding."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise AmountNotRepresentable(f"not a finite Decimal amount: {amount!r}")
    if amount < 0:
        raise AmountNotRepresentable(f"negative amount: {amount}")
    exponent = minor_unit_exponent(currency)
    scaled = amount.scaleb(exponent)
    if scaled != scaled.to_integral_value():
        raise AmountNotRepresentable(
            f"{amount} {currency.upper()} is not a whole number of minor units (10^-{exponent}); round it first"
        )
    minor = int(scaled)
    if exponent == 3 and minor % 10:
        raise AmountNotRepresentable(f"{amount} {currency.upper()}: Stripe takes this currency in steps of 0.01")
    return minor


def from_minor_units(minor: int, currency: str) -> Decimal:
    """A whole number of minor units as a ``Decimal`` in the major unit, with the currency's decimals."""
    exponent = minor_unit_exponent(currency)
    return Decimal(minor).scaleb(-exponent).quantize(Decimal(1).scaleb(-exponent))
