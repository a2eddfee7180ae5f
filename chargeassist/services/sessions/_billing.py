"""Billing a finished session: pricing a COMPLETED session into its CDR with the tariff it started under, and
ending a session that cannot be priced. The one place a session is priced (:meth:`SessionBilling.price`) and
the one place a failed session is ended (:meth:`SessionBilling.fail`).

A session paid by an external method or a charge card is paid when it is priced: its receipt is issued in
the transaction that makes it CDR_AVAILABLE (a PSP's session gets its receipt when its payment is captured)."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from chargeassist.domain.receipts import session_amounts
from chargeassist.domain.sessions import MeterReading, SessionEvent, Transition, pricing_samples
from chargeassist.domain.tariffs import TariffValidationError, decode_tariff, price_session
from chargeassist.store import ChargeSession, Database, PaymentMethod, utcnow

from .._receipts import ReceiptService, paid_with_method
from ._records import KWH, SessionRecords
from ._views import CostLine, readings_of

_log = logging.getLogger("chargeassist.sessions")
_encoder = msgspec.json.Encoder()


class SessionBilling:
    """Prices finished sessions."""

    def __init__(self, db: Database, *, records: SessionRecords) -> None:
        self._db = db
        self._records = records
        self._receipts = ReceiptService(db)
        records.hooks.append(self._issue_receipt)

    async def _issue_receipt(self, session: AsyncSession, row: ChargeSession, transition: Transition) -> None:
        """Inside the change to CDR_AVAILABLE: the receipt of a session its wallet's method paid on pricing."""
        if not transition.changed or transition.status != "CDR_AVAILABLE" or row.payment_method_id is None:
            return
        method = await session.scalar(select(PaymentMethod).where(PaymentMethod.id == row.payment_method_id))
        paid = paid_with_method(method, Decimal(row.total_cost or "0"))
        if paid is None:
            return
        try:
            async with session.begin_nested():
                await self._receipts.issue(session, row, paid)
        except Exception:
            # A receipt that cannot be made must not keep the session from being priced; it is logged to fix.
            _log.exception("session %s: issuing its receipt failed", row.id)

    async def price(self, session_id: str) -> None:
        """Price a COMPLETED session from its meter data with the tariff it started under (CDR_AVAILABLE)."""
        async with self._db.read() as session:
            row = await session.scalar(select(ChargeSession).where(ChargeSession.id == session_id))
            if row is None or row.status != "COMPLETED":
                return
            readings = await readings_of(session, row.transaction_id)
        try:
            values = self._priced_values(row, readings)
        except (ValueError, ArithmeticError, TariffValidationError) as exc:
            _log.exception("pricing session %s failed", session_id)
            await self.fail(session_id, f"pricing failed: {exc}")
            return
        await self._records.transition(session_id, SessionEvent.PRICED, **values)

    def _priced_values(self, row: ChargeSession, readings: list[MeterReading]) -> dict[str, Any]:
        started_at = row.started_at or row.requested_at
        stopped_at = max(row.stopped_at or started_at, started_at)
        meter_start = row.meter_start or 0
        meter_stop = max(row.meter_stop if row.meter_stop is not None else meter_start, meter_start)
        energy = (Decimal(meter_stop) - Decimal(meter_start)) / KWH
        values: dict[str, Any] = {"total_energy_kwh": str(energy), "priced_at": utcnow()}
        if row.tariff_document is None:
            zero = str(Decimal("0.00"))
            return values | {
                "total_cost_excl_vat": zero,
                "total_cost": zero,
                "total_vat": zero,
                "cost_breakdown": "[]",
            }
        tariff = decode_tariff(row.tariff_document)
        samples = pricing_samples(
            started_at=started_at,
            meter_start=meter_start,
            stopped_at=stopped_at,
            meter_stop=meter_stop,
            readings=readings,
        )
        priced = price_session(
            tariff,
            session_start=started_at,
            samples=samples,
            charging_end=stopped_at,
            session_end=stopped_at,
            time_zone=row.time_zone or "UTC",
        )
        lines = [
            CostLine(
                dimension=line.dimension,
                start_date_time=line.start_date_time,
                quantity=line.quantity,
                unit_price=line.unit_price,
                vat=line.vat,
                cost_excl_vat=line.cost_excl_vat_rounded,
                cost_incl_vat=line.cost_incl_vat_rounded,
            )
            for line in priced.breakdown
        ]
        # The receipt's totals: VAT is the exact VAT rounded once (not the difference of two rounded totals),
        # the gross is what is charged, and the net is what is left; the receipt issued later shows the same.
        totals = session_amounts(priced).totals
        return values | {
            "total_energy_kwh": str(priced.totals.total_energy),
            "total_cost_excl_vat": str(totals.net),
            "total_cost": str(totals.gross),
            "total_vat": str(totals.vat),
            "cost_breakdown": _encoder.encode(lines).decode(),
        }

    async def fail(self, session_id: str, reason: str) -> None:
        """End a COMPLETED session that cannot be billed in ERROR, with the reason."""
        async with self._db.transaction() as session:
            result = await session.execute(
                update(ChargeSession)
                .where(ChargeSession.id == session_id, ChargeSession.status == "COMPLETED")
                .values(status="ERROR", status_reason=reason[:255], ended_at=utcnow())
            )
        if getattr(result, "rowcount", 0):
            await self._records.publish(session_id, "ERROR")
