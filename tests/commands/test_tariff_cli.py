"""``chargeassist tariff price`` and ``chargeassist tariff estimate``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from chargeassist.commands.tariff import tariff

TARIFF: dict[str, Any] = {
    "country_code": "DE",
    "party_id": "ALL",
    "id": "17",
    "currency": "EUR",
    "elements": [
        {
            "price_components": [
                {"type": "FLAT", "price": 0.50, "vat": 20.0, "step_size": 1},
                {"type": "ENERGY", "price": 0.25, "vat": 10.0, "step_size": 1},
                {"type": "PARKING_TIME", "price": 2.00, "vat": 20.0, "step_size": 900},
            ]
        }
    ],
    "last_updated": "2018-12-17T11:36:01Z",
}
CDR: dict[str, Any] = {
    "start_date_time": "2022-01-13T14:30:00Z",
    "end_date_time": "2022-01-13T16:10:00Z",
    "currency": "EUR",
    "charging_periods": [
        {"start_date_time": "2022-01-13T14:30:00Z", "dimensions": [{"type": "ENERGY", "volume": 20}]},
        {"start_date_time": "2022-01-13T15:30:00Z", "dimensions": [{"type": "PARKING_TIME", "volume": 0.6667}]},
    ],
    "total_cost": {"excl_vat": 7.0, "incl_vat": 7.9},
    "total_energy": 20,
    "total_time": 1.6667,
}
TOTAL_FIELDS = {
    "total_cost",
    "total_fixed_cost",
    "total_energy",
    "total_energy_cost",
    "total_time",
    "total_time_cost",
    "total_parking_time",
    "total_parking_cost",
    "total_reservation_cost",
}


def _write(folder: Path, name: str, content: dict[str, Any] | str) -> str:
    path = folder / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def _run(*arguments: str) -> Result:
    return CliRunner().invoke(tariff, list(arguments))


def _price(tmp_path: Path, tariff_content: dict[str, Any] | str = TARIFF, cdr: dict[str, Any] | str = CDR) -> Result:
    return _run("price", _write(tmp_path, "tariff.json", tariff_content), _write(tmp_path, "cdr.json", cdr))


def test_price_prints_the_totals_and_exits_0(tmp_path: Path) -> None:
    result = _price(tmp_path)

    assert result.exit_code == 0
    assert json.loads(result.stdout)["total_cost"] == {"excl_vat": 7.0, "incl_vat": 7.9}


def test_price_uses_the_cdr_total_field_names(tmp_path: Path) -> None:
    result = _price(tmp_path)

    assert set(json.loads(result.stdout)) == TOTAL_FIELDS


def test_price_gives_totals_to_4_decimals(tmp_path: Path) -> None:
    result = _price(tmp_path)

    assert '"total_time": 1.6667' in result.stdout


def test_price_honours_a_time_zone_option(tmp_path: Path) -> None:
    evening = dict(TARIFF)
    evening["elements"] = [
        {
            "price_components": [{"type": "ENERGY", "price": 1.00, "step_size": 1}],
            "restrictions": {"start_time": "15:00", "end_time": "16:00"},
        }
    ]

    result = _run(
        "price", _write(tmp_path, "t.json", evening), _write(tmp_path, "c.json", CDR), "--tz", "Europe/Amsterdam"
    )

    assert json.loads(result.stdout)["total_energy_cost"] == {"excl_vat": 20.0, "incl_vat": 20.0}


def _error_line(result: Result) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    return lines[0]


def test_a_missing_file_exits_2_with_one_line(tmp_path: Path) -> None:
    result = _run("price", str(tmp_path / "absent.json"), _write(tmp_path, "cdr.json", CDR))

    assert (result.exit_code, _error_line(result)) == (2, f"error: {tmp_path / 'absent.json'}: no such file")


def test_bad_json_exits_2_naming_the_problem(tmp_path: Path) -> None:
    result = _price(tmp_path, tariff_content='{"id": "1",')

    assert result.exit_code == 2
    assert "malformed JSON" in _error_line(result)


def test_an_invalid_tariff_exits_2_naming_the_field(tmp_path: Path) -> None:
    broken = json.loads(json.dumps(TARIFF))
    broken["elements"][0]["price_components"][1]["step_size"] = 0

    result = _price(tmp_path, tariff_content=broken)

    assert result.exit_code == 2
    assert "elements[0].price_components[1].step_size: must be >= 1" in _error_line(result)


def test_an_invalid_cdr_exits_2_naming_the_field(tmp_path: Path) -> None:
    broken = json.loads(json.dumps(CDR))
    broken["charging_periods"][1]["dimensions"][0]["type"] = "VOLTAGE"

    result = _price(tmp_path, cdr=broken)

    assert result.exit_code == 2
    assert "charging_periods[1].dimensions[0].type" in _error_line(result)


def test_a_cdr_in_another_currency_exits_2(tmp_path: Path) -> None:
    result = _price(tmp_path, cdr={**CDR, "currency": "CHF"})

    assert result.exit_code == 2
    assert "currency" in _error_line(result)


def test_a_directory_instead_of_a_file_exits_2(tmp_path: Path) -> None:
    result = _run("price", str(tmp_path), _write(tmp_path, "cdr.json", CDR))

    assert result.exit_code == 2
    assert "cannot read" in _error_line(result)


def test_estimate_prints_about_the_amount(tmp_path: Path) -> None:
    result = _run(
        "estimate", _write(tmp_path, "t.json", TARIFF), "--kwh", "20", "--kw", "11", "--start", "2024-06-03T10:00Z"
    )

    assert result.exit_code == 0
    assert result.stdout.startswith("about 6.10 EUR incl. VAT (5.50 EUR excl. VAT)")


def test_estimate_reads_a_start_without_offset_as_local_time(tmp_path: Path) -> None:
    result = _run(
        "estimate",
        _write(tmp_path, "t.json", TARIFF),
        "--kwh",
        "11",
        "--kw",
        "11",
        "--start",
        "2024-06-03T10:00",
        "--tz",
        "Europe/Amsterdam",
    )

    assert "from 2024-06-03T10:00:00+02:00" in result.stdout


def test_estimate_includes_parking_minutes(tmp_path: Path) -> None:
    result = _run(
        "estimate",
        _write(tmp_path, "t.json", TARIFF),
        "--kwh",
        "20",
        "--kw",
        "11",
        "--start",
        "2024-06-03T10:00Z",
        "--parking-minutes",
        "40",
        "--json",
    )

    assert json.loads(result.stdout)["amount_due_incl_vat"] == 7.9


def test_estimate_json_gives_totals_and_amounts(tmp_path: Path) -> None:
    result = _run(
        "estimate",
        _write(tmp_path, "t.json", TARIFF),
        "--kwh",
        "20",
        "--kw",
        "11",
        "--start",
        "2024-06-03T10:00Z",
        "--json",
    )

    assert set(json.loads(result.stdout)) == {"currency", "amount_due", "amount_due_incl_vat", "totals"}


def test_estimate_with_an_unknown_time_zone_exits_2(tmp_path: Path) -> None:
    result = _run("estimate", _write(tmp_path, "t.json", TARIFF), "--kwh", "20", "--kw", "11", "--tz", "Mars/Base")

    assert result.exit_code == 2
    assert "unknown time zone" in _error_line(result)


@pytest.mark.parametrize("value", ["abc", "nan"])
def test_estimate_refuses_a_non_number(tmp_path: Path, value: str) -> None:
    result = _run("estimate", _write(tmp_path, "t.json", TARIFF), "--kwh", value, "--kw", "11")

    assert result.exit_code == 2


def test_estimate_with_zero_power_exits_2(tmp_path: Path) -> None:
    result = _run("estimate", _write(tmp_path, "t.json", TARIFF), "--kwh", "20", "--kw", "0")

    assert (result.exit_code, _error_line(result)) == (2, "error: power_kw must be a finite number > 0")
