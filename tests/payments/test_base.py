"""Money crossing the payments interface: exact minor units per currency, and derived idempotency keys."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chargeassist.payments import (
    AmountNotRepresentable,
    from_minor_units,
    idempotency_key,
    minor_unit_exponent,
    to_minor_units,
)


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        (Decimal("12.34"), "EUR", 1234),
        (Decimal("12.3"), "eur", 1230),
        (Decimal("50"), "EUR", 5000),
        (Decimal("0.01"), "USD", 1),
        (Decimal("12.340000"), "EUR", 1234),
        (Decimal("0"), "EUR", 0),
        (Decimal("5000"), "JPY", 5000),
        (Decimal("5000.00"), "JPY", 5000),
        (Decimal("1.230"), "KWD", 1230),
    ],
)
def test_an_amount_becomes_exact_minor_units(amount: Decimal, currency: str, minor: int) -> None:
    assert to_minor_units(amount, currency) == minor


@pytest.mark.parametrize(
    ("amount", "currency"),
    [
        (Decimal("12.345"), "EUR"),
        (Decimal("0.001"), "EUR"),
        (Decimal("100.5"), "JPY"),
        (Decimal("1.235"), "KWD"),
    ],
)
def test_an_amount_that_would_need_rounding_is_refused(amount: Decimal, currency: str) -> None:
    with pytest.raises(AmountNotRepresentable, match=r"round it first|steps of 0\.01"):
        to_minor_units(amount, currency)


@pytest.mark.parametrize("amount", [Decimal("-1"), Decimal("NaN"), Decimal("Infinity")])
def test_a_negative_or_non_finite_amount_is_refused(amount: Decimal) -> None:
    with pytest.raises(AmountNotRepresentable):
        to_minor_units(amount, "EUR")


def test_a_float_is_refused() -> None:
    with pytest.raises(AmountNotRepresentable, match="Decimal"):
        to_minor_units(12.34, "EUR")  # type: ignore[arg-type]


@pytest.mark.parametrize("currency", ["EU", "EURO", "E1R", ""])
def test_a_currency_that_is_not_iso_4217_is_refused(currency: str) -> None:
    with pytest.raises(AmountNotRepresentable) as refused:
        minor_unit_exponent(currency)
    assert refused.value.code == "currency_invalid"


@pytest.mark.parametrize(("currency", "exponent"), [("EUR", 2), ("jpy", 0), ("KRW", 0), ("BHD", 3)])
def test_each_currency_has_its_minor_unit(currency: str, exponent: int) -> None:
    assert minor_unit_exponent(currency) == exponent


@pytest.mark.parametrize(
    ("minor", "currency", "amount"),
    [(1234, "EUR", "12.34"), (5, "EUR", "0.05"), (5000, "JPY", "5000"), (1230, "KWD", "1.230")],
)
def test_minor_units_come_back_with_the_currencys_decimals(minor: int, currency: str, amount: str) -> None:
    converted = from_minor_units(minor, currency)
    assert converted == Decimal(amount)
    assert str(converted) == amount


def test_the_key_of_a_step_is_derived_from_session_and_step() -> None:
    assert idempotency_key("s-1", "capture") == idempotency_key("s-1", "capture")
    assert idempotency_key("s-1", "capture") != idempotency_key("s-1", "authorize")
    assert idempotency_key("s-1", "capture") != idempotency_key("s-2", "capture")


@pytest.mark.parametrize(("session", "step"), [("", "capture"), ("s-1", "")])
def test_a_key_needs_a_session_and_a_step(session: str, step: str) -> None:
    with pytest.raises(ValueError, match="session id and a step"):
        idempotency_key(session, step)


def test_a_key_longer_than_stripe_allows_is_refused() -> None:
    with pytest.raises(ValueError, match="255"):
        idempotency_key("s" * 250, "capture")
