"""Third-party OCPI 2.2.1 tariff conformance cases, kept beside this file in ``conformance/`` (see its README).

Each folder holds a ``tariff.json`` (which must parse) and possibly ``cdr*.json`` files whose ``total_*``
fields are the expected answer for their ``charging_periods``, compared at the 4 decimals OCPI uses.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from chargeassist.domain.tariffs import Cdr, Price, decode_cdr, decode_tariff, price_charging_periods

CASES = Path(__file__).resolve().parent / "conformance"

_PRICES = (
    "total_cost",
    "total_fixed_cost",
    "total_energy_cost",
    "total_time_cost",
    "total_parking_cost",
    "total_reservation_cost",
)
_QUANTITIES = ("total_energy", "total_time", "total_parking_time")
_FOUR = Decimal("0.0001")

# The conformance data expects total_cost 0.30/0.33 here, ignoring the tariff's min_price of 0.50/0.55.
# OCPI 2.2.1 says a session with a min_price costs at least that amount, so the spec's answer is asserted.
_SPEC_OVERRIDES = {
    ("025kwh_min_price", "cdr2_less_than_2kWh.json", "total_cost"): Price(
        excl_vat=Decimal("0.50"), incl_vat=Decimal("0.55")
    ),
}


def _folders() -> list[str]:
    return sorted(entry.name for entry in CASES.iterdir() if entry.is_dir())


def _cdrs() -> list[tuple[str, str]]:
    return sorted((cdr.parent.name, cdr.name) for cdr in CASES.glob("*/cdr*.json"))


def _quantize(price: Price | None) -> tuple[Decimal, Decimal]:
    if price is None:
        return Decimal(0).quantize(_FOUR), Decimal(0).quantize(_FOUR)
    assert price.incl_vat is not None
    return price.excl_vat.quantize(_FOUR), price.incl_vat.quantize(_FOUR)


def _expected(cdr: Cdr, folder: str, name: str, field: str) -> Price | None:
    override = _SPEC_OVERRIDES.get((folder, name, field))
    return override if override is not None else getattr(cdr, field)


@pytest.mark.parametrize("folder", _folders())
def test_the_tariff_parses(folder: str) -> None:

    tariff = decode_tariff((CASES / folder / "tariff.json").read_bytes())

    assert tariff.elements


@pytest.mark.parametrize(("folder", "name"), _cdrs())
@pytest.mark.parametrize("field", _PRICES)
def test_the_cdr_cost_is_reproduced(folder: str, name: str, field: str) -> None:
    tariff = decode_tariff((CASES / folder / "tariff.json").read_bytes())
    cdr = decode_cdr((CASES / folder / name).read_bytes())

    session = price_charging_periods(
        tariff, cdr.charging_periods, session_start=cdr.start_date_time, session_end=cdr.end_date_time
    )

    assert _quantize(getattr(session.totals, field)) == _quantize(_expected(cdr, folder, name, field))


@pytest.mark.parametrize(("folder", "name"), _cdrs())
@pytest.mark.parametrize("field", _QUANTITIES)
def test_the_cdr_quantity_is_reproduced(folder: str, name: str, field: str) -> None:
    tariff = decode_tariff((CASES / folder / "tariff.json").read_bytes())
    cdr = decode_cdr((CASES / folder / name).read_bytes())

    session = price_charging_periods(
        tariff, cdr.charging_periods, session_start=cdr.start_date_time, session_end=cdr.end_date_time
    )

    expected = getattr(cdr, field)
    assert getattr(session.totals, field) == (Decimal(0) if expected is None else expected).quantize(_FOUR)


def test_min_price_case_keeps_the_energy_cost_the_data_states() -> None:
    tariff = decode_tariff((CASES / "025kwh_min_price" / "tariff.json").read_bytes())
    cdr = decode_cdr((CASES / "025kwh_min_price" / "cdr2_less_than_2kWh.json").read_bytes())

    session = price_charging_periods(
        tariff, cdr.charging_periods, session_start=cdr.start_date_time, session_end=cdr.end_date_time
    )

    assert _quantize(session.totals.total_energy_cost) == _quantize(cdr.total_energy_cost)


def test_every_case_of_the_copied_data_is_collected() -> None:
    # An empty parameter set would skip silently; the copy holds 24 tariffs and 9 CDRs.
    assert (len(_folders()), len(_cdrs())) == (24, 9)
