"""What the CSMS calls on the session engine: Authorize (an app session's tag or an RFID card), transactions
started and stopped, meter readings, connector statuses, and transactions the charge point lost."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal, cast

import msgspec
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from chargeassist.domain.sessions import Effect, MeterReading, SessionEvent, Transition, apply
from chargeassist.domain.tariffs import encode_tariff
from chargeassist.store import (
    ChargeSession,
    Database,
    EvseRow,
    LocationRow,
    OcppTransaction,
    PaymentMethod,
    utcnow,
)

from .._batch import BatchWriter, MeterReadingRow
from .._charge_points import ChargePointService, EvseLink
from .._issued_tokens import IssuedTokenService
from .._locations import LocationService
from .._tariffs import TariffService, build_tariff_view
from ._billing import SessionBilling
from ._records import NO_TRANSACTION, Background, SessionRecords, status_of, text_of

_log = logging.getLogger("chargeassist.sessions")

IdTagStatus = Literal["Accepted", "Blocked", "Expired", "Invalid", "ConcurrentTx"]
# Meter readings are kept as decimal text in String(40) columns; a register of 10^15 Wh is a petawatt-hour.
_MEASURED_TEXT = 40
_MAX_MEASURED = Decimal(10) ** 15


@dataclass(frozen=True, slots=True)
class StartedTransaction:
    """The answer to a StartTransaction."""

    transaction_id: int
    id_tag_status: IdTagStatus


class ChargerEvents:
    """The charge point's side of sessions: its transaction events, readings and statuses."""

    def __init__(
        self,
        db: Database,
        *,
        records: SessionRecords,
        billing: SessionBilling,
        background: Background,
        locations: LocationService,
        tariffs: TariffService,
        charge_points: ChargePointService,
        writer: BatchWriter,
    ) -> None:
        self._db = db
        self._records = records
        self._billing = billing
        self._background = background
        self._locations = locations
        self._tariffs = tariffs
        self._charge_points = charge_points
        self._writer = writer
        # What an idTag means; it keeps nothing but the store, so it needs no wiring of its own.
        self._cards = IssuedTokenService(db)
        # Which charge point each transaction belongs to: checked once, then remembered (bounded).
        self._owners: dict[int, str] = {}
        self.on_readings: Callable[[int], None] | None = None
        """Told of each transaction whose readings were stored (the hold check of a session paid by card); it
        must not wait or read the store, as it runs on the MeterValues path."""

    async def authorize(self, charge_point_id: str, id_tag: str) -> IdTagStatus:
        """Authorize: an app session's own tag while it waits to start, or an RFID card in some wallet."""
        async with self._db.read() as session:
            waiting = await session.scalar(
                select(ChargeSession.id)
                .where(
                    ChargeSession.id_tag == id_tag,
                    ChargeSession.charge_point_id == charge_point_id,
                    ChargeSession.status.in_(("REQUESTED", "STARTING")),
                )
                .limit(1)
            )
        if waiting is not None:
            return "Accepted"
        status, _ = await self._card(charge_point_id, id_tag)
        return status

    async def _card(self, charge_point_id: str, id_tag: str) -> tuple[IdTagStatus, tuple[PaymentMethod, str] | None]:
        """Whether an RFID card may charge at this charge point, and the card and its partner when it may.

        The card's VALID payment method decides whose wallet a swipe charges on (see
        :meth:`IssuedTokenService.card_for_id_tag`): a blocked or expired token is Blocked or Expired, a card
        only PENDING is Invalid. At a closed-loop location the card's partner must also be one it lists.
        """
        decision = await self._cards.card_for_id_tag(id_tag)
        if decision.card is None or decision.status != "Accepted":
            return decision.status, None
        partner_id = decision.card.partner_id
        async with self._db.read() as session:
            places = (
                await session.execute(
                    select(LocationRow.restricted, LocationRow.allowed_partner_ids)
                    .join(EvseRow, EvseRow.location_pk == LocationRow.pk)
                    .where(EvseRow.charge_point_id == charge_point_id, LocationRow.deleted.is_(False))
                    .distinct()
                )
            ).all()
        closed = [set(msgspec.json.decode(allowed)) for restricted, allowed in places if restricted]
        if any(partner_id not in allowed for allowed in closed):
            _log.info(
                "%s: card %s swiped at a closed-loop location its partner is not listed at", charge_point_id, id_tag
            )
            return "Invalid", None
        return "Accepted", (decision.card, partner_id)

    async def transaction_started(
        self,
        charge_point_id: str,
        *,
        connector_id: int,
        id_tag: str,
        meter_start: int,
        timestamp: datetime,
        reservation_id: int | None,
    ) -> StartedTransaction:
        """StartTransaction: link it to the app session that asked for it, or open a session for an RFID card.

        The same StartTransaction again (a retry after a lost answer) gets the same transaction id and answer,
        and creates nothing.
        """
        existing = await self._transaction_at(charge_point_id, connector_id, timestamp)
        if existing is not None:
            return await self._started_again(existing)
        # A connector runs one transaction at a time, and a charge point sends its transaction messages in
        # order: a new start on a connector says the transaction still open there is gone from the charge
        # point (it rebooted, or its StopTransaction was lost). End it, so no session charges forever.
        for stale in await self._records.open_transactions(charge_point_id, connector_id):
            await self._records.close_lost(stale, "the charge point started another transaction on the connector")
        async with self._db.read() as session:
            linked = await session.scalar(
                select(ChargeSession)
                .where(ChargeSession.id_tag == id_tag, ChargeSession.charge_point_id == charge_point_id)
                .order_by(ChargeSession.pk.desc())
                .limit(1)
            )
        if linked is not None and linked.start_kind == "APP":
            preview = apply(status_of(linked), SessionEvent.TRANSACTION_STARTED)
            status: IdTagStatus = "Invalid" if Effect.REFUSE_TRANSACTION in preview.effects else "Accepted"
            if status == "Accepted" and linked.transaction_id is not None:
                # The session's idTag already runs a transaction (on another connector): one at a time.
                status = "ConcurrentTx"
            new_session: ChargeSession | None = None
        else:
            status, card = await self._card(charge_point_id, id_tag)
            link = await self._charge_points.evse_of(charge_point_id, connector_id) if card else None
            if card is not None and link is None:
                status = "Invalid"  # a connector the operator mapped to no EVSE: nothing to bill against
            new_session = None
            if card is not None and link is not None and status == "Accepted":
                new_session = await self._rfid_session(card, link, charge_point_id, connector_id, id_tag)
            linked = None
        while True:
            transaction = OcppTransaction(
                charge_point_id=charge_point_id,
                connector_id=connector_id,
                id_tag=id_tag,
                id_tag_status=status,
                meter_start=meter_start,
                started_at=timestamp,
                reservation_id=reservation_id,
                session_id=linked.id if linked is not None else new_session.id if new_session is not None else None,
            )
            try:
                async with self._db.transaction() as session:
                    session.add(transaction)
                    await session.flush()
                    if new_session is not None:
                        new_session.transaction_id = transaction.id
                        new_session.started_at = timestamp
                        new_session.meter_start = meter_start
                        session.add(new_session)
                break
            except IntegrityError:
                # The same StartTransaction on another connection at the same moment: answer as that one was.
                again = await self._transaction_at(charge_point_id, connector_id, timestamp)
                if again is not None:
                    return await self._started_again(again)
                if new_session is None:
                    raise
                # The card's session could not take the EVSE: another session holds it (an app start waiting
                # for this connector). The transaction is recorded refused, and bills nobody.
                _log.info("%s: RFID start on connector %s refused: its EVSE is in use", charge_point_id, connector_id)
                new_session, status = None, "Invalid"
        self._owners[transaction.id] = charge_point_id
        if new_session is not None:
            await self._records.publish(new_session.id, new_session.status)
        elif linked is not None and status == "Accepted":
            _, transition = await self._link(linked.id, transaction)
            if Effect.REFUSE_TRANSACTION in transition.effects:
                # The session ended (timed out, cancelled) between the decision and now.
                status = "Invalid"
                async with self._db.transaction() as session:
                    await session.execute(
                        update(OcppTransaction).where(OcppTransaction.id == transaction.id).values(id_tag_status=status)
                    )
        return StartedTransaction(transaction_id=transaction.id, id_tag_status=status)

    async def _transaction_at(self, charge_point_id: str, connector_id: int, at: datetime) -> OcppTransaction | None:
        async with self._db.read() as session:
            found: OcppTransaction | None = await session.scalar(
                select(OcppTransaction).where(
                    OcppTransaction.charge_point_id == charge_point_id,
                    OcppTransaction.connector_id == connector_id,
                    OcppTransaction.started_at == at,
                )
            )
            return found

    async def _started_again(self, transaction: OcppTransaction) -> StartedTransaction:
        status = cast("IdTagStatus", transaction.id_tag_status)
        if transaction.session_id is not None and status == "Accepted":
            # The first time may have ended before the session was linked (a crash): link it now.
            await self._link(transaction.session_id, transaction)
        self._owners[transaction.id] = transaction.charge_point_id
        return StartedTransaction(transaction_id=transaction.id, id_tag_status=status)

    async def _link(self, session_id: str, transaction: OcppTransaction) -> tuple[ChargeSession, Transition]:
        return await self._records.transition(
            session_id,
            SessionEvent.TRANSACTION_STARTED,
            transaction_id=transaction.id,
            started_at=transaction.started_at,
            meter_start=transaction.meter_start,
        )

    async def _rfid_session(
        self,
        card: tuple[PaymentMethod, str],
        link: EvseLink,
        charge_point_id: str,
        connector_id: int,
        id_tag: str,
    ) -> ChargeSession:
        method, partner_id = card
        location = await self._locations.get(link.location_id)
        evse = location.evse(link.evse_uid)
        connector = evse.connectors[0] if evse is not None and evse.connectors else None
        chosen = await self._tariffs.first_of(connector.tariff_ids if connector else None)
        vat = build_tariff_view(chosen[0], chosen[1]).vat_percentage if chosen else None
        now = utcnow()
        return ChargeSession(
            id="cs_" + secrets.token_urlsafe(12),
            partner_id=partner_id,
            app_token_pk=method.app_token_pk,
            payment_method_id=method.id,
            start_kind="RFID",
            location_id=location.id,
            evse_uid=link.evse_uid,
            evse_pk=link.evse_pk,
            connector_id=connector.id if connector else "1",
            charge_point_id=charge_point_id,
            ocpp_connector_id=connector_id,
            id_tag=id_tag,
            status="CHARGING",
            requested_at=now,
            tariff_id=chosen[0] if chosen else None,
            tariff_document=encode_tariff(chosen[1]).decode() if chosen else None,
            currency=chosen[1].currency if chosen else None,
            time_zone=location.location.time_zone,
            vat_percentage=text_of(vat),
        )

    async def owns(self, charge_point_id: str, transaction_id: int) -> bool:
        """Whether the transaction is this charge point's (a charge point may not write into another's)."""
        owner = self._owners.get(transaction_id)
        if owner is None:
            async with self._db.read() as session:
                owner = await session.scalar(
                    select(OcppTransaction.charge_point_id).where(OcppTransaction.id == transaction_id)
                )
            if owner is None:
                return False
            if len(self._owners) > 100_000:
                self._owners.clear()
            self._owners[transaction_id] = owner
        return owner == charge_point_id

    async def open_transaction(self, charge_point_id: str, connector_id: int) -> int | None:
        """The transaction running on a connector, for MeterValues that do not name theirs."""
        async with self._db.read() as session:
            found: int | None = await session.scalar(
                select(OcppTransaction.id)
                .where(
                    OcppTransaction.charge_point_id == charge_point_id,
                    OcppTransaction.connector_id == connector_id,
                    OcppTransaction.stopped_at.is_(None),
                )
                .order_by(OcppTransaction.id.desc())
                .limit(1)
            )
            return found

    async def meter_readings(self, transaction_id: int, readings: Sequence[MeterReading]) -> None:
        """MeterValues of a transaction; returns once they are stored. Readings delivered late (after an
        outage) keep their own timestamps; one delivered twice changes nothing."""
        await self._writer.write_readings([_row(transaction_id, reading) for reading in readings])
        if self.on_readings is not None:
            self.on_readings(transaction_id)

    async def transaction_stopped(
        self,
        charge_point_id: str,
        *,
        transaction_id: int,
        meter_stop: int,
        timestamp: datetime,
        reason: str | None,
        id_tag: str | None,
        readings: Sequence[MeterReading],
    ) -> None:
        """StopTransaction, whoever ended it (app, cable, card): store it once, complete and price the session.

        The same StopTransaction again changes nothing.
        """
        if not await self.owns(charge_point_id, transaction_id):
            _log.warning("%s: StopTransaction for unknown transaction %s", charge_point_id, transaction_id)
            return
        stopped = {"meter_stop": meter_stop, "stopped_at": timestamp, "stop_reason": reason, "stop_id_tag": id_tag}
        async with self._db.transaction() as session:
            result = await session.execute(
                update(OcppTransaction)
                .where(OcppTransaction.id == transaction_id, OcppTransaction.stopped_at.is_(None))
                .values(**stopped)
                .returning(OcppTransaction.session_id, OcppTransaction.id_tag_status)
            )
            first = result.first()
            was_lost = False
            if first is None:
                # Closed here because the charge point seemed to have lost it: its own word replaces the estimate.
                result = await session.execute(
                    update(OcppTransaction)
                    .where(OcppTransaction.id == transaction_id, OcppTransaction.lost_at.is_not(None))
                    .values(**stopped, lost_at=None)
                    .returning(OcppTransaction.session_id, OcppTransaction.id_tag_status)
                )
                first = result.first()
                was_lost = first is not None
            if first is not None and readings:
                await session.execute(self._writer.readings_sql, [_row(transaction_id, r) for r in readings])
        if first is None:
            return  # stopped before: a retry
        session_id, tag_status = first
        if session_id is None or tag_status != "Accepted":
            return
        if was_lost:
            await self._restate_lost(session_id, stopped_at=timestamp, meter_stop=meter_stop, stop_reason=reason)
            return
        _, transition = await self._records.transition(
            session_id,
            SessionEvent.TRANSACTION_STOPPED,
            stopped_at=timestamp,
            meter_stop=meter_stop,
            stop_reason=reason,
        )
        if Effect.PRICE in transition.effects:
            self._background.spawn(self._billing.price(session_id), f"price-{session_id}")

    async def connector_status(self, charge_point_id: str, connector_id: int, status: str) -> None:
        """A connector's status during a transaction: SuspendedEV/EVSE is PARKING, Charging is CHARGING; a
        status that no transaction has (Available, Preparing, Reserved, Finishing) while one is open on the
        connector says the charge point no longer runs it, and ends its session (see ``SessionRecords.close_lost``)."""
        if status in NO_TRANSACTION:
            for transaction_id in await self._records.open_transactions(charge_point_id, connector_id):
                await self._records.close_lost(transaction_id, f"the charge point reports the connector {status}")
            return
        if status in ("SuspendedEV", "SuspendedEVSE"):
            event, current = SessionEvent.CHARGING_SUSPENDED, "CHARGING"
        elif status == "Charging":
            event, current = SessionEvent.CHARGING_RESUMED, "PARKING"
        else:
            return
        async with self._db.read() as session:
            session_id = await session.scalar(
                select(ChargeSession.id)
                .where(
                    ChargeSession.charge_point_id == charge_point_id,
                    ChargeSession.ocpp_connector_id == connector_id,
                    ChargeSession.status == current,
                )
                .order_by(ChargeSession.pk.desc())
                .limit(1)
            )
        if session_id is not None:
            await self._records.transition(session_id, event)

    async def _restate_lost(
        self, session_id: str, *, stopped_at: datetime, meter_stop: int, stop_reason: str | None
    ) -> None:
        """The charge point's StopTransaction for a transaction closed as lost: its figures replace the
        estimate while the session is not priced yet; after that, the priced session stands."""
        async with self._db.transaction() as session:
            result = await session.execute(
                update(ChargeSession)
                .where(ChargeSession.id == session_id, ChargeSession.status == "COMPLETED")
                .values(stopped_at=stopped_at, meter_stop=meter_stop, stop_reason=stop_reason, status_reason=None)
            )
        if getattr(result, "rowcount", 0) == 1:
            self._background.spawn(self._billing.price(session_id), f"price-{session_id}")
        else:
            _log.warning("session %s: StopTransaction after the session was priced from its readings", session_id)


def _measured(value: Decimal | None) -> str | None:
    # A value no meter gives (not a number, infinite, beyond any register, or more digits than the column
    # holds) is left out of the reading rather than let fail the batch it is written in, or the pricing.
    if value is None or not value.is_finite() or abs(value) >= _MAX_MEASURED:
        return None
    text = str(value)
    return text if len(text) <= _MEASURED_TEXT else None


def _row(transaction_id: int, reading: MeterReading) -> MeterReadingRow:
    return {
        "transaction_id": transaction_id,
        "timestamp": reading.timestamp,
        "energy_wh": _measured(reading.energy_wh),
        "power_w": _measured(reading.power_w),
        "current_a": _measured(reading.current_a),
        "soc": _measured(reading.soc),
    }
