"""Sessions as the driver API shows them: the view of a session row, its meter readings and the data points
the app charts."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from chargeassist.domain.receipts import session_amounts
from chargeassist.domain.sessions import MeterReading, SessionStatus, live_figures, next_status_call, pricing_samples
from chargeassist.domain.tariffs import TariffValidationError, decode_tariff, price_session
from chargeassist.store import ChargeSession, Database, MeterValueRow, Receipt, SessionPayment, utcnow

from ._records import KWH, SessionRecords, decimal_of, status_of

_log = logging.getLogger("chargeassist.sessions")
_POLL_WHILE_CHARGING = timedelta(seconds=10)
_MAX_DATA_POINTS = 500


class CostLine(msgspec.Struct, frozen=True, kw_only=True):
    """One line of a session's receipt; costs rounded to 4 decimals, as OCPI gives them."""

    dimension: str
    start_date_time: datetime | None
    quantity: Decimal
    unit_price: Decimal
    vat: Decimal | None
    cost_excl_vat: Decimal
    cost_incl_vat: Decimal


_cost_lines = msgspec.json.Decoder(list[CostLine])


@dataclass(frozen=True, slots=True)
class DataPoint:
    """One reading as the app charts it: energy since the start, power and state of charge."""

    timestamp: datetime
    energy_kwh: Decimal | None
    power_kw: Decimal | None
    soc: Decimal | None


@dataclass(frozen=True, slots=True)
class PaymentView:
    """How the session is paid: through the provider with a hold, or settled outside (``EXTERNAL``, ``NONE``)."""

    provider: str
    status: str
    authorized_amount: Decimal | None = None
    captured_amount: Decimal | None = None
    psp_transaction_id: str | None = None
    client_secret: str | None = None
    """Only while ``REQUIRES_ACTION``: the app completes the card's authentication (3-D Secure) with it."""
    failure_code: str | None = None
    running_cost: Decimal | None = None
    """While it charges against a hold: what it costs so far (incl. VAT), to show against the hold."""


_SETTLED_OUTSIDE = PaymentView(provider="EXTERNAL", status="NONE")


@dataclass(frozen=True, slots=True)
class SessionView:
    """A session as the driver API shows it."""

    id: str
    location_id: str
    evse_uid: str
    connector_id: str
    status: SessionStatus
    status_reason: str | None
    start_kind: str
    payment_method_id: str | None
    requested_at: datetime
    start_time: datetime | None
    end_time: datetime | None
    energy_kwh: Decimal
    power_kw: Decimal | None
    soc: Decimal | None
    currency: str | None
    total_cost: Decimal | None
    total_vat: Decimal | None
    vat_percentage: Decimal | None
    cost_breakdown: list[CostLine] | None
    next_status_call: datetime | None
    data_points: list[DataPoint] | None
    payment: PaymentView | None = None
    receipt_number: str | None = None


async def readings_of(session: AsyncSession, transaction_id: int | None) -> list[MeterReading]:
    """A transaction's meter readings, oldest first."""
    if transaction_id is None:
        return []
    rows = (
        await session.execute(
            select(
                MeterValueRow.timestamp,
                MeterValueRow.energy_wh,
                MeterValueRow.power_w,
                MeterValueRow.current_a,
                MeterValueRow.soc,
            )
            .where(MeterValueRow.transaction_id == transaction_id)
            .order_by(MeterValueRow.timestamp)
        )
    ).all()
    return [
        MeterReading(
            timestamp=r.timestamp,
            energy_wh=decimal_of(r.energy_wh),
            power_w=decimal_of(r.power_w),
            current_a=decimal_of(r.current_a),
            soc=decimal_of(r.soc),
        )
        for r in rows
    ]


class SessionViews:
    """Builds :class:`SessionView` from session rows and their readings."""

    def __init__(self, db: Database, *, records: SessionRecords) -> None:
        self._db = db
        self._records = records

    async def view(self, row: ChargeSession, *, with_data: bool) -> SessionView:
        status = status_of(row)
        readings: list[MeterReading] = []
        running = row.transaction_id is not None and row.meter_stop is None
        payment: PaymentView | None = _SETTLED_OUTSIDE if row.start_kind == "APP" else None
        async with self._db.read() as session:
            if row.transaction_id is not None and (with_data or running):
                readings = await readings_of(session, row.transaction_id)
            held = await session.scalar(select(SessionPayment).where(SessionPayment.session_pk == row.pk))
            receipt_number: str | None = None
            if row.priced_at is not None:
                # Only a priced session can have been paid, so the others skip the lookup.
                receipt_number = await session.scalar(
                    select(Receipt.receipt_number).where(Receipt.session_id == row.id)
                )
        if held is not None:
            payment = PaymentView(
                provider=held.provider,
                status=held.status,
                authorized_amount=Decimal(held.authorized_amount),
                captured_amount=Decimal(held.captured_amount),
                psp_transaction_id=held.reference,
                client_secret=held.client_secret if held.status == "REQUIRES_ACTION" else None,
                failure_code=held.failure_code,
                # Priced from the readings already loaded for a running session: no extra read.
                running_cost=_running_cost_or_none(row, readings) if running and held.status == "AUTHORIZED" else None,
            )
        figures = live_figures(row.meter_start, readings)
        energy = figures.energy_kwh
        if row.meter_stop is not None and row.meter_start is not None:
            energy = max(Decimal(0), Decimal(row.meter_stop - row.meter_start)) / KWH
        now = utcnow()
        breakdown = _cost_lines.decode(row.cost_breakdown) if row.cost_breakdown else None
        data_points: list[DataPoint] | None = None
        if with_data:
            data_points = _data_points(row.meter_start, readings)
        return SessionView(
            id=row.id,
            location_id=row.location_id,
            evse_uid=row.evse_uid,
            connector_id=row.connector_id,
            status=status,
            status_reason=row.status_reason,
            start_kind=row.start_kind,
            payment_method_id=row.payment_method_id,
            requested_at=row.requested_at,
            start_time=row.started_at,
            end_time=row.stopped_at or row.ended_at,
            energy_kwh=energy,
            power_kw=figures.power_kw if running else (Decimal(0) if row.meter_stop is not None else None),
            soc=figures.soc,
            currency=row.currency,
            total_cost=decimal_of(row.total_cost),
            total_vat=decimal_of(row.total_vat),
            vat_percentage=decimal_of(row.vat_percentage),
            cost_breakdown=breakdown,
            next_status_call=next_status_call(
                status, now=now, deadline_at=self._records.deadline(row), poll_interval=_POLL_WHILE_CHARGING
            ),
            data_points=data_points,
            payment=payment,
            receipt_number=receipt_number,
        )


def running_cost(row: ChargeSession, readings: Sequence[MeterReading]) -> Decimal:
    """What a charging session costs so far (incl. VAT), priced as if it stopped at its latest reading."""
    if row.tariff_document is None or not readings:
        return Decimal(0)
    started_at = row.started_at or row.requested_at
    meter_start = row.meter_start or 0
    registers = [r.energy_wh for r in readings if r.energy_wh is not None]
    meter_now = max([meter_start, *(int(value) for value in registers)])
    until = max(readings[-1].timestamp, started_at)
    samples = pricing_samples(
        started_at=started_at, meter_start=meter_start, stopped_at=until, meter_stop=meter_now, readings=readings
    )
    priced = price_session(
        decode_tariff(row.tariff_document),
        session_start=started_at,
        samples=samples,
        charging_end=until,
        session_end=until,
        time_zone=row.time_zone or "UTC",
    )
    return session_amounts(priced).totals.gross


def _running_cost_or_none(row: ChargeSession, readings: Sequence[MeterReading]) -> Decimal | None:
    try:
        return running_cost(row, readings)
    except (ValueError, ArithmeticError, TariffValidationError):
        _log.warning("session %s: its running cost cannot be priced", row.id)
        return None


def _data_points(meter_start: int | None, readings: list[MeterReading]) -> list[DataPoint]:
    step = max(1, -(-len(readings) // _MAX_DATA_POINTS))
    chosen = readings[::step]
    if readings and chosen[-1] is not readings[-1]:
        chosen.append(readings[-1])
    return [
        DataPoint(
            timestamp=r.timestamp,
            energy_kwh=(
                max(Decimal(0), r.energy_wh - meter_start) / KWH
                if r.energy_wh is not None and meter_start is not None
                else None
            ),
            power_kw=r.power_w / KWH if r.power_w is not None else None,
            soc=r.soc,
        )
        for r in chosen
    ]
