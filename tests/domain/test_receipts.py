"""Receipt arithmetic: lines and totals in whole minor units that add up, and the gross is what is charged."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings

from chargeassist.domain.receipts import (
    PricedLine,
    ReceiptAmounts,
    receipt_amounts,
    session_amounts,
)
from chargeassist.domain.tariffs import (
    CdrDimension,
    ChargingPeriod,
    Tariff,
    convert_tariff,
    price_charging_periods,
)

from .tariffs.factories import utc
from .tariffs.test_properties import sessions, tariffs

FAST = settings(max_examples=200, deadline=None)
ZERO = Decimal(0)


def _line(dimension: str, excl: str, incl: str, *, vat: str | None = "20", price: str = "0.25") -> PricedLine:
    return PricedLine(
        dimension=dimension,
        quantity=Decimal(1),
        unit_price=Decimal(price),
        vat=None if vat is None else Decimal(vat),
        cost_excl_vat=Decimal(excl),
        cost_incl_vat=Decimal(incl),
    )


def _check_adds_up(amounts: ReceiptAmounts) -> None:
    for line in amounts.lines:
        assert line.net + line.vat == line.gross
    totals = amounts.totals
    assert totals.net + totals.vat == totals.gross
    assert sum((line.net for line in amounts.lines), ZERO) == totals.net
    assert sum((line.vat for line in amounts.lines), ZERO) == totals.vat
    assert sum((line.gross for line in amounts.lines), ZERO) == totals.gross
    assert sum((part.gross for part in totals.vat_by_rate), ZERO) == totals.gross
    assert sum((part.vat for part in totals.vat_by_rate), ZERO) == totals.vat


def _priced(tariff: Tariff, session: Any) -> Any:
    periods, start, end, zone = session
    return price_charging_periods(tariff, periods, session_start=start, session_end=end, time_zone=zone)


def test_vat_is_the_sessions_exact_vat_rounded_once() -> None:
    # 0.0235 net at 20 % is 0.0047 VAT: the VAT shown is 0.00, not 0.03 - 0.02.
    amounts = receipt_amounts([_line("ENERGY", "0.0235", "0.0282")], currency="EUR", gross=Decimal("0.03"))

    assert (amounts.totals.net, amounts.totals.vat, amounts.totals.gross) == (
        Decimal("0.03"),
        Decimal("0.00"),
        Decimal("0.03"),
    )


def test_each_line_adds_up_in_cents() -> None:
    lines = [_line("ENERGY", "3.3333", "3.99996"), _line("TIME", "1.1111", "1.33332"), _line("FLAT", "0.5", "0.6")]

    amounts = receipt_amounts(lines, currency="EUR", gross=Decimal("5.93"))

    assert [(line.net, line.vat, line.gross) for line in amounts.lines] == [
        (Decimal("3.33"), Decimal("0.67"), Decimal("4.00")),
        (Decimal("1.11"), Decimal("0.22"), Decimal("1.33")),
        (Decimal("0.50"), Decimal("0.10"), Decimal("0.60")),
    ]


def test_the_rounding_difference_goes_to_the_largest_remainder() -> None:
    # Three lines of 0.3333 gross: 0.99999 rounds to 1.00; the missing cent goes to the first of the
    # equal remainders, not to every line (which would make 1.02).
    lines = [_line("ENERGY", "0.3333", "0.3333", vat=None, price=str(p)) for p in ("0.1", "0.2", "0.3")]

    amounts = receipt_amounts(lines, currency="EUR", gross=Decimal("1.00"))

    assert [line.gross for line in amounts.lines] == [Decimal("0.34"), Decimal("0.33"), Decimal("0.33")]


def test_the_larger_remainder_wins_over_line_order() -> None:
    lines = [_line("ENERGY", "0.101", "0.101", vat=None), _line("TIME", "0.109", "0.109", vat=None)]

    amounts = receipt_amounts(lines, currency="EUR", gross=Decimal("0.21"))

    assert [line.gross for line in amounts.lines] == [Decimal("0.10"), Decimal("0.11")]


def test_lines_of_one_dimension_and_price_become_one_line() -> None:
    lines = [_line("ENERGY", "1.25", "1.5"), _line("ENERGY", "1.25", "1.5"), _line("ENERGY", "1", "1.2", price="0.5")]

    amounts = receipt_amounts(lines, currency="EUR", gross=Decimal("4.20"))

    assert [(line.dimension, line.quantity, line.unit_price) for line in amounts.lines] == [
        ("ENERGY", Decimal("2.0000"), Decimal("0.25")),
        ("ENERGY", Decimal("1.0000"), Decimal("0.5")),
    ]


def test_units_name_what_is_counted() -> None:
    lines = [_line("ENERGY", "1", "1.2"), _line("PARKING_TIME", "1", "1.2"), _line("FLAT", "1", "1.2")]

    amounts = receipt_amounts(lines, currency="EUR", gross=Decimal("3.60"))

    assert [line.unit for line in amounts.lines] == ["kWh", "h", "each"]


def test_vat_per_rate_when_rates_differ() -> None:
    lines = [_line("ENERGY", "10", "12.1", vat="21"), _line("TIME", "10", "10.9", vat="9")]

    totals = receipt_amounts(lines, currency="EUR", gross=Decimal("23.00")).totals

    assert [(part.rate, part.net, part.vat, part.gross) for part in totals.vat_by_rate] == [
        (Decimal(21), Decimal("10.00"), Decimal("2.10"), Decimal("12.10")),
        (Decimal(9), Decimal("10.00"), Decimal("0.90"), Decimal("10.90")),
    ]


def test_no_vat_is_a_rate_of_zero() -> None:
    amounts = receipt_amounts([_line("FLAT", "2", "2", vat=None)], currency="EUR", gross=Decimal("2.00"))

    assert (amounts.lines[0].vat_rate, amounts.lines[0].vat) == (ZERO, Decimal("0.00"))


def test_a_max_price_appears_as_a_negative_adjustment_at_the_sessions_rate() -> None:
    lines = [_line("ENERGY", "12", "14.4"), _line("MAX_PRICE", "-2", "-2.4", vat=None, price="-2")]

    adjustment = receipt_amounts(lines, currency="EUR", gross=Decimal("12.00")).lines[1]

    assert (adjustment.dimension, adjustment.unit_price, adjustment.vat_rate, adjustment.gross) == (
        "MAX_PRICE",
        Decimal(-2),
        Decimal(20),
        Decimal("-2.40"),
    )


def test_a_min_price_without_incl_vat_adds_no_vat() -> None:
    lines = [_line("ENERGY", "1", "1.2"), _line("MIN_PRICE", "4", "4", vat=None, price="4")]

    adjustment = receipt_amounts(lines, currency="EUR", gross=Decimal("5.20")).lines[1]

    assert (adjustment.vat_rate, adjustment.vat, adjustment.net) == (ZERO, Decimal("0.00"), Decimal("4.00"))


def test_an_adjustment_at_no_rate_of_the_session_has_no_rate() -> None:
    lines = [_line("ENERGY", "1", "1.2"), _line("MIN_PRICE", "4", "4.3", vat=None, price="4")]

    assert receipt_amounts(lines, currency="EUR", gross=Decimal("5.50")).lines[1].vat_rate is None


def test_a_currency_without_minor_unit_is_whole() -> None:
    amounts = receipt_amounts([_line("ENERGY", "100.4", "120.48")], currency="JPY", gross=Decimal(120))

    assert (amounts.totals.net, amounts.totals.vat, amounts.totals.gross) == (Decimal(100), Decimal(20), Decimal(120))


def test_a_given_vat_total_is_kept() -> None:
    amounts = receipt_amounts(
        [_line("ENERGY", "0.0235", "0.0282")], currency="EUR", gross=Decimal("0.03"), vat=Decimal("0.01")
    )

    assert (amounts.lines[0].net, amounts.lines[0].vat) == (Decimal("0.02"), Decimal("0.01"))


def test_a_gross_finer_than_the_minor_unit_is_refused() -> None:
    with pytest.raises(ValueError, match="minor unit"):
        receipt_amounts([_line("ENERGY", "1", "1.2")], currency="EUR", gross=Decimal("1.205"))


def test_a_gross_without_lines_is_refused() -> None:
    with pytest.raises(ValueError, match="without lines"):
        receipt_amounts([], currency="EUR", gross=Decimal("1.00"))


def test_nothing_priced_is_an_empty_receipt() -> None:
    amounts = receipt_amounts([], currency="EUR", gross=Decimal("0.00"))

    assert (amounts.lines, amounts.totals.gross, amounts.totals.vat_by_rate) == ((), Decimal("0.00"), ())


def test_a_priced_session_charges_its_receipt_gross() -> None:
    tariff = convert_tariff(
        {
            "id": "T",
            "currency": "EUR",
            "elements": [
                {
                    "price_components": [
                        {"type": "ENERGY", "price": "0.3333", "vat": "21", "step_size": 1},
                        {"type": "FLAT", "price": "0.4999", "vat": "21", "step_size": 1},
                    ]
                }
            ],
        }
    )
    start = utc("2025-01-06T08:00")
    period = ChargingPeriod(start_date_time=start, dimensions=(CdrDimension(type="ENERGY", volume=Decimal("7.777")),))
    priced = price_charging_periods(tariff, [period], session_start=start, session_end=start + timedelta(hours=1))

    amounts = session_amounts(priced)

    assert amounts.totals.gross == priced.amount_due_incl_vat
    assert [line.dimension for line in amounts.lines] == ["FLAT", "ENERGY"]


@FAST
@given(tariffs(), sessions())
def test_every_line_and_the_totals_add_up_for_any_session(tariff: Tariff, session: Any) -> None:
    _check_adds_up(session_amounts(_priced(tariff, session)))


@FAST
@given(tariffs(), sessions())
def test_the_receipt_gross_is_the_amount_charged_for_any_session(tariff: Tariff, session: Any) -> None:
    priced = _priced(tariff, session)

    assert session_amounts(priced).totals.gross == priced.amount_due_incl_vat


@FAST
@given(tariffs(), sessions())
def test_no_line_is_a_whole_cent_off_its_exact_amount(tariff: Tariff, session: Any) -> None:
    priced = _priced(tariff, session)
    amounts = session_amounts(priced)

    exact: dict[str, Decimal] = {}
    for line in priced.breakdown:
        exact[line.dimension] = exact.get(line.dimension, ZERO) + line.cost_incl_vat
    for dimension, amount in exact.items():
        shown = sum((line.gross for line in amounts.lines if line.dimension == dimension), ZERO)
        count = sum(1 for line in amounts.lines if line.dimension == dimension)
        assert abs(shown - amount) < Decimal("0.01") * max(count, 1)


@FAST
@given(tariffs(), sessions())
def test_receipts_rebuilt_from_four_decimal_lines_keep_the_totals(tariff: Tariff, session: Any) -> None:
    priced = _priced(tariff, session)
    first = session_amounts(priced)
    kept = [
        PricedLine(
            dimension=line.dimension,
            quantity=line.quantity,
            unit_price=line.unit_price,
            vat=line.vat,
            cost_excl_vat=line.cost_excl_vat_rounded,
            cost_incl_vat=line.cost_incl_vat_rounded,
        )
        for line in priced.breakdown
    ]

    rebuilt = receipt_amounts(kept, currency="EUR", gross=first.totals.gross, vat=first.totals.vat)

    _check_adds_up(rebuilt)
    assert (rebuilt.totals.net, rebuilt.totals.vat, rebuilt.totals.gross) == (
        first.totals.net,
        first.totals.vat,
        first.totals.gross,
    )


def test_a_dimension_priced_at_nothing_keeps_its_line() -> None:
    lines = [_line("ENERGY", "0", "0"), _line("FLAT", "1", "1.2")]

    amounts = receipt_amounts(lines, currency="EUR", gross=Decimal("1.20"))

    assert [(line.dimension, line.gross) for line in amounts.lines] == [
        ("ENERGY", Decimal("0.00")),
        ("FLAT", Decimal("1.20")),
    ]
