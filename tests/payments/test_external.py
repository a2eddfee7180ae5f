"""The external provider: every step succeeds without a PSP, and a repeated step answers the same."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chargeassist.payments import (
    AmountNotRepresentable,
    AuthorizationStatus,
    ChargeStatus,
    ExternalPaymentProvider,
    IncrementNotSupported,
    PaymentIntentStatus,
    PaymentMethodUnusable,
    PaymentNotFound,
)

provider = ExternalPaymentProvider()


async def _authorize(key: str, amount: Decimal = Decimal("50")) -> str | None:
    authorization = await provider.authorize(
        amount=amount, currency="eur", customer="", payment_method="ext-ref", idempotency_key=key
    )
    assert authorization.status is AuthorizationStatus.AUTHORIZED
    assert authorization.currency == "EUR"
    return authorization.reference


async def test_authorize_succeeds_with_a_reference_derived_from_the_key() -> None:
    assert await _authorize("k1") == await _authorize("k1")
    assert await _authorize("k1") != await _authorize("k2")


async def test_authorize_refuses_amounts_the_currency_cannot_carry() -> None:
    with pytest.raises(AmountNotRepresentable):
        await _authorize("k1", Decimal("1.001"))


async def test_capture_reports_the_amount_taken() -> None:
    state = await provider.capture("ext_x", Decimal("12.34"), idempotency_key="k")
    assert (state.status, state.amount_received, state.amount_capturable) == (
        PaymentIntentStatus.SUCCEEDED,
        Decimal("12.34"),
        Decimal(0),
    )


async def test_release_reports_the_hold_canceled() -> None:
    assert (await provider.release("ext_x", idempotency_key="k")).status is PaymentIntentStatus.CANCELED


async def test_an_off_session_charge_succeeds() -> None:
    charge = await provider.charge_off_session(
        amount=Decimal("3"), currency="EUR", customer="", payment_method="ext-ref", idempotency_key="k"
    )
    assert charge.status is ChargeStatus.SUCCEEDED


async def test_retrieve_says_it_keeps_no_records() -> None:
    with pytest.raises(PaymentNotFound, match="no records"):
        await provider.retrieve("ext_x")


async def test_a_hold_cannot_be_raised() -> None:
    with pytest.raises(IncrementNotSupported):
        await provider.increment_authorization("ext_x", Decimal("80"), idempotency_key="k")


async def test_no_cards_are_saved() -> None:
    with pytest.raises(PaymentMethodUnusable) as refused:
        await provider.retrieve_payment_method("pm_x")
    assert refused.value.code == "cards_not_offered"
