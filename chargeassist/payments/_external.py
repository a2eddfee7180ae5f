"""The external provider: the integrator settles with the driver itself, so no money moves here.

Every step succeeds at once and nothing is recorded at a PSP; it exists so the session engine runs one code
path for every payment method. The reference is derived from the idempotency key, so a repeated step
answers the same reference, as a real provider would.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from decimal import Decimal

from chargeassist.payments._base import (
    AmountNotRepresentable,
    AuthorizationStatus,
    ChargeStatus,
    IncrementNotSupported,
    PaymentAuthorization,
    PaymentCharge,
    PaymentIntentStatus,
    PaymentMethodUnusable,
    PaymentNotFound,
    PaymentState,
    SavedCard,
    to_minor_units,
)

__all__ = ["ExternalPaymentProvider"]


def _reference(idempotency_key: str) -> str:
    return "ext_" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:24]


class ExternalPaymentProvider:
    """Settled outside Charge Assist: holds and captures succeed without moving money."""

    @property
    def name(self) -> str:
        return "EXTERNAL"

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
        to_minor_units(amount, currency)  # the same amounts are refused on every provider
        return PaymentAuthorization(
            reference=_reference(idempotency_key),
            status=AuthorizationStatus.AUTHORIZED,
            amount=amount,
            currency=currency.upper(),
        )

    async def capture(self, reference: str, amount: Decimal, *, idempotency_key: str) -> PaymentState:
        if not amount.is_finite() or amount < 0:
            raise AmountNotRepresentable(f"not a capturable amount: {amount}")
        # The currency is the session's; this provider never learnt it, and nothing here needs it.
        return PaymentState(
            reference=reference,
            status=PaymentIntentStatus.SUCCEEDED,
            currency="",
            amount=amount,
            amount_capturable=Decimal(0),
            amount_received=amount,
        )

    async def release(self, reference: str, *, idempotency_key: str) -> PaymentState:
        return PaymentState(
            reference=reference,
            status=PaymentIntentStatus.CANCELED,
            currency="",
            amount=Decimal(0),
            amount_capturable=Decimal(0),
            amount_received=Decimal(0),
        )

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
        to_minor_units(amount, currency)
        return PaymentCharge(
            reference=_reference(idempotency_key),
            status=ChargeStatus.SUCCEEDED,
            amount=amount,
            currency=currency.upper(),
        )

    async def retrieve(self, reference: str) -> PaymentState:
        raise PaymentNotFound(
            "the external provider keeps no records; its steps are idempotent, repeat the step with its key"
        )

    async def increment_authorization(
        self, reference: str, new_amount: Decimal, *, idempotency_key: str
    ) -> PaymentState:
        raise IncrementNotSupported("the external provider holds nothing to raise")

    async def create_customer(
        self, *, idempotency_key: str, email: str | None = None, metadata: Mapping[str, str] | None = None
    ) -> str:
        raise PaymentMethodUnusable("the external provider saves no cards", code="cards_not_offered")

    async def create_setup_intent(self, customer: str, *, idempotency_key: str) -> str:
        raise PaymentMethodUnusable("the external provider saves no cards", code="cards_not_offered")

    async def retrieve_payment_method(self, payment_method: str, *, customer: str | None = None) -> SavedCard:
        raise PaymentMethodUnusable("the external provider saves no cards", code="cards_not_offered")

    async def aclose(self) -> None:
        return None
