"""``chargeassist tariff``: price a CDR with an OCPI 2.2.1 tariff, or estimate a session before it starts.

Exit status 0 on success, 2 with a one-line ``error: ...`` on stderr when an input is unusable.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NoReturn, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
import msgspec

from chargeassist.domain.tariffs import (
    OcpiValidationError,
    PricedSession,
    Tariff,
    decode_cdr,
    decode_tariff,
    estimate_session,
    price_charging_periods,
)

__all__ = ["tariff"]

_T = TypeVar("_T")
_ENCODER = msgspec.json.Encoder(decimal_format="number")
_MIN_PER_HOUR = 60
_MICROSECONDS_PER_MINUTE = 60_000_000
_FOUR_DECIMALS = Decimal("0.0001")
_UNITS = {"ENERGY": "kWh", "TIME": "h", "PARKING_TIME": "h", "RESERVATION_TIME": "h"}


def _decimal(ctx: click.Context, param: click.Parameter, value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise click.BadParameter(f"{value!r} is not a number") from None
    if not number.is_finite():
        raise click.BadParameter(f"{value!r} is not a finite number")
    return number


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {' '.join(message.split())}", err=True)
    raise click.exceptions.Exit(2)


def _load(path: str, decode: Callable[[bytes], _T]) -> _T:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        _fail(f"{path}: no such file")
    except OSError as exc:
        _fail(f"{path}: cannot read ({exc.strerror or exc})")
    try:
        return decode(data)
    except OcpiValidationError as exc:
        _fail(f"{path}: {exc}")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


@click.group(name="tariff")
def tariff() -> None:
    """Price charging sessions with OCPI 2.2.1 tariffs."""


@tariff.command(name="price")
@click.argument("tariff_file", metavar="TARIFF.json")
@click.argument("cdr_file", metavar="CDR.json")
@click.option(
    "--tz",
    "time_zone",
    default=None,
    help="Time zone of the location (IANA name). Default: the CDR's cdr_location.time_zone, else UTC.",
)
def price(tariff_file: str, cdr_file: str, time_zone: str | None) -> None:
    """Print the totals of CDR.json's charging_periods priced with TARIFF.json, as OCPI CDR JSON."""
    parsed_tariff = _load(tariff_file, decode_tariff)
    cdr = _load(cdr_file, decode_cdr)
    if cdr.currency is not None and cdr.currency != parsed_tariff.currency:
        _fail(f"{cdr_file}: currency: the CDR is in {cdr.currency}, the tariff in {parsed_tariff.currency}")
    zone = time_zone or (cdr.cdr_location.time_zone if cdr.cdr_location else None) or "UTC"
    try:
        session = price_charging_periods(
            parsed_tariff,
            cdr.charging_periods,
            session_start=cdr.start_date_time,
            session_end=cdr.end_date_time,
            time_zone=zone,
        )
    except ValueError as exc:
        _fail(f"{cdr_file}: {exc}")
    click.echo(msgspec.json.format(_ENCODER.encode(session.totals), indent=2))


@tariff.command(name="estimate")
@click.argument("tariff_file", metavar="TARIFF.json")
@click.option("--kwh", "energy_kwh", callback=_decimal, required=True, help="Energy to charge, in kWh.")
@click.option("--kw", "power_kw", callback=_decimal, required=True, help="Charging power, in kW.")
@click.option(
    "--start",
    default=None,
    help="Start as ISO 8601; without an offset it is local time in --tz. Default: now.",
)
@click.option("--tz", "time_zone", default="UTC", show_default=True, help="Time zone of the location.")
@click.option("--parking-minutes", callback=_decimal, default="0", help="Minutes plugged in after charging.")
@click.option("--current", "current_a", callback=_decimal, default=None, help="Charging current, A over all phases.")
@click.option("--json", "as_json", is_flag=True, help="Print the OCPI totals and amounts as JSON.")
def estimate(
    tariff_file: str,
    energy_kwh: Decimal,
    power_kw: Decimal,
    start: str | None,
    time_zone: str,
    parking_minutes: Decimal,
    current_a: Decimal | None,
    as_json: bool,
) -> None:
    """Estimate what charging --kwh at --kw would cost with TARIFF.json."""
    parsed_tariff = _load(tariff_file, decode_tariff)
    try:
        zone = _zone(time_zone)
        if start is None:
            begin = datetime.now(zone)
        else:
            begin = datetime.fromisoformat(start)
            if begin.tzinfo is None:
                begin = begin.replace(tzinfo=zone)
        parking = timedelta(microseconds=int(parking_minutes * _MICROSECONDS_PER_MINUTE))
        session = estimate_session(
            parsed_tariff,
            energy_kwh=energy_kwh,
            power_kw=power_kw,
            start=begin,
            time_zone=zone,
            parking=parking,
            current_a=current_a,
        )
    except ValueError as exc:
        _fail(str(exc))
    if as_json:
        payload = {
            "currency": session.currency,
            "amount_due": session.amount_due,
            "amount_due_incl_vat": session.amount_due_incl_vat,
            "totals": session.totals,
        }
        click.echo(msgspec.json.format(_ENCODER.encode(payload), indent=2))
        return
    click.echo(_describe(parsed_tariff, session, energy_kwh, power_kw, begin, time_zone))


def _describe(
    parsed_tariff: Tariff,
    session: PricedSession,
    energy_kwh: Decimal,
    power_kw: Decimal,
    begin: datetime,
    time_zone: str,
) -> str:
    currency = session.currency
    charging_minutes = round((session.totals.total_time - session.totals.total_parking_time) * _MIN_PER_HOUR)
    hours, minutes = divmod(int(charging_minutes), _MIN_PER_HOUR)
    lines = [
        f"about {session.amount_due_incl_vat} {currency} incl. VAT ({session.amount_due} {currency} excl. VAT)",
        f"tariff {parsed_tariff.id}: {energy_kwh} kWh at {power_kw} kW from {begin.isoformat()} ({time_zone}),"
        f" charging {hours} h {minutes:02d} min",
    ]
    for line in session.breakdown:
        quantity = f"{line.quantity.quantize(_FOUR_DECIMALS).normalize():f} {_UNITS.get(line.dimension, '')}"
        lines.append(
            f"  {line.dimension:<16} {quantity:>14} x {line.unit_price:>6}"
            f" = {line.cost_incl_vat_rounded:>9} {currency} incl. VAT"
        )
    return "\n".join(lines)
