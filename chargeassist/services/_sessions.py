"""Charging sessions: started by a driver's app or an RFID card, driven by what the charge point reports,
priced by the tariff engine when the transaction stops.

Every status change goes through :func:`chargeassist.domain.sessions.apply` and is written as a conditional
update (``WHERE status = <the status it was computed from>``), so the CSMS, the API and the timeout sweeper
of any process may race without losing or doubling a change. Deadlines are derived from timestamps in the
store, so a restart does not forget them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import string
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal, cast

import msgspec
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from chargeassist.domain.sessions import (
    ACTIVE_STATUSES,
    FINAL_STATUSES,
    Effect,
    MeterReading,
    SessionEvent,
    SessionStatus,
    Timeouts,
    Transition,
    apply,
    deadline,
    live_figures,
    next_status_call,
    pricing_samples,
)
from chargeassist.domain.tariffs import (
    TariffValidationError,
    decode_tariff,
    encode_tariff,
    price_session,
)
from chargeassist.settings import Settings
from chargeassist.store import (
    AppToken,
    ChargeSession,
    Database,
    EvseRow,
    LocationRow,
    MeterValueRow,
    OcppTransaction,
    PaymentMethod,
    utcnow,
)

from ._batch import BatchWriter, MeterReadingRow
from ._charge_points import ChargePointService, EvseLink
from ._commands import ChargePointCommand, CommandBus, CommandOutcome
from ._errors import ServiceError
from ._events import SessionEventBus, SessionUpdate, Subscription
from ._locations import LocationService
from ._paging import ContinuationCodec, InvalidContinuationToken
from ._tariffs import TariffService, build_tariff_view
from ._wallet import AppTokenRecord

__all__ = [
    "CostLine",
    "DataPoint",
    "IdTagStatus",
    "SessionFilters",
    "SessionService",
    "SessionView",
    "StartRequest",
    "StartedTransaction",
]

_log = logging.getLogger("chargeassist.sessions")

IdTagStatus = Literal["Accepted", "Blocked", "Expired", "Invalid", "ConcurrentTx"]
_ID_TAG_ALPHABET = string.ascii_uppercase + string.digits
_POLL_WHILE_CHARGING = timedelta(seconds=10)
_MAX_DATA_POINTS = 500
# Connector statuses in which OCPP 1.6 has no transaction running on the connector (Finishing: it stopped).
_NO_TRANSACTION = frozenset({"Available", "Preparing", "Reserved", "Finishing"})
_KWH = Decimal(1000)
# Meter readings are kept as decimal text in String(40) columns; a register of 10^15 Wh is a petawatt-hour.
_MEASURED_TEXT = 40
_MAX_MEASURED = Decimal(10) ** 15
_encoder = msgspec.json.Encoder()


def _decimal(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


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


@dataclass(frozen=True, slots=True)
class StartRequest:
    """What the driver asks to charge at, and with which payment method."""

    location_id: str
    evse_uid: str
    connector_id: str | None
    payment_method_id: str


@dataclass(frozen=True, slots=True)
class SessionFilters:
    """History filters; all optional."""

    statuses: tuple[SessionStatus, ...] = ()
    requested_from: datetime | None = None
    requested_to: datetime | None = None
    payment_method_id: str | None = None


@dataclass(frozen=True, slots=True)
class StartedTransaction:
    """The answer to a StartTransaction."""

    transaction_id: int
    id_tag_status: IdTagStatus


def _status_of(row: ChargeSession) -> SessionStatus:
    return cast("SessionStatus", row.status)


def _new_id_tag() -> str:
    # One idTag per app-started session (an OCPP CiString20): StartTransaction names its session by it.
    return "CA" + "".join(secrets.choice(_ID_TAG_ALPHABET) for _ in range(18))


class SessionService:
    """Driver-facing session operations, the charge point's transaction events, and the timeout sweeper."""

    def __init__(
        self,
        db: Database,
        *,
        settings: Settings,
        locations: LocationService,
        tariffs: TariffService,
        charge_points: ChargePointService,
        commands: CommandBus,
        events: SessionEventBus,
        writer: BatchWriter,
    ) -> None:
        self._db = db
        self._settings = settings
        self._locations = locations
        self._tariffs = tariffs
        self._charge_points = charge_points
        self.commands = commands
        self.events = events
        self._writer = writer
        self.continuation: ContinuationCodec | None = None
        self.timeouts = Timeouts(
            remote_start=timedelta(seconds=settings.remote_start_timeout_s),
            start_transaction=timedelta(seconds=settings.start_transaction_timeout_s),
        )
        self._tasks: set[asyncio.Task[Any]] = set()
        self._sweeper: asyncio.Task[None] | None = None
        # Which charge point each transaction belongs to: checked once, then remembered (bounded).
        self._owners: dict[int, str] = {}
        # A charge point back from an outage sends its boot, its connectors' statuses, then what it queued while
        # offline: a StopTransaction it kept arrives within moments of the status that made its transaction
        # look lost, so a lost transaction is priced only after a grace period.
        self.lost_grace = timedelta(seconds=settings.session_lost_grace_s)
        """How long a session whose transaction the charge point lost waits for a late StopTransaction
        before it is priced from the readings the store has."""

    # --- lifecycle -----------------------------------------------------------------------------------

    async def start(self, continuation: ContinuationCodec) -> None:
        """Start the sweeper that times sessions out and prices finished ones, also after a restart."""
        self.continuation = continuation
        if self._sweeper is None:
            self._sweeper = asyncio.create_task(self._sweep_forever(), name="session-sweeper")

    async def stop(self) -> None:
        """Stop the sweeper and background work (commands in flight are abandoned: their deadlines remain)."""
        tasks = [t for t in (self._sweeper, *self._tasks) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        self._sweeper = None

    def _spawn(self, coro: Any, name: str) -> None:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            _log.error("session task %s failed", task.get_name(), exc_info=task.exception())

    async def wait_idle(self) -> None:
        """Wait until background work started so far is done (tests, orderly shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # --- driver API ----------------------------------------------------------------------------------

    async def start_session(
        self, token: AppTokenRecord, request: StartRequest, *, idempotency_key: str | None
    ) -> tuple[SessionView, bool]:
        """Create a session and send RemoteStartTransaction in the background; returns at once.

        The flag says whether this is the answer to an earlier request with the same ``idempotency_key``.
        """
        if idempotency_key is not None:
            replay = await self._replay(token, request, idempotency_key)
            if replay is not None:
                return replay, True
        row = await self._new_app_session(token, request, idempotency_key)
        try:
            async with self._db.transaction() as session:
                session.add(row)
        except IntegrityError as exc:
            if idempotency_key is not None:
                # The same key arrived twice at once; the other request created the session.
                replay = await self._replay(token, request, idempotency_key)
                if replay is not None:
                    return replay, True
            # The store holds one active session per EVSE: another start got there first.
            raise await self._evse_taken(token, row) from exc
        await self._publish(row.id, "REQUESTED")
        self._spawn(self._remote_start(row.id), f"remote-start-{row.id}")
        return await self._view(row, with_data=False), False

    async def _evse_taken(self, token: AppTokenRecord, row: ChargeSession) -> ServiceError:
        async with self._db.read() as session:
            holder = (
                await session.execute(
                    select(ChargeSession.id, ChargeSession.app_token_pk)
                    .where(ChargeSession.evse_pk == row.evse_pk, ChargeSession.status.in_(ACTIVE_STATUSES))
                    .limit(1)
                )
            ).first()
        if holder is not None and holder.app_token_pk == token.pk:
            return ServiceError(
                409, "session_already_active", f"this token already has an active session ({holder.id}) on this EVSE"
            )
        return ServiceError(409, "evse_not_available", f"EVSE {row.evse_uid!r} is not available (in use)")

    async def _replay(self, token: AppTokenRecord, request: StartRequest, key: str) -> SessionView | None:
        async with self._db.read() as session:
            row = await session.scalar(
                select(ChargeSession).where(
                    ChargeSession.app_token_pk == token.pk, ChargeSession.idempotency_key == key
                )
            )
        if row is None:
            return None
        same = (
            row.location_id == request.location_id.lower()
            and row.evse_uid == request.evse_uid
            and row.payment_method_id == request.payment_method_id
            and (request.connector_id is None or row.connector_id == request.connector_id)
        )
        if not same:
            raise ServiceError(
                409,
                "idempotency_key_reused",
                "this Idempotency-Key was used for a different request; use a new key for a new session",
            )
        return await self._view(row, with_data=False)

    async def _new_app_session(
        self, token: AppTokenRecord, request: StartRequest, idempotency_key: str | None
    ) -> ChargeSession:
        async with self._db.read() as session:
            method = await session.scalar(
                select(PaymentMethod).where(
                    PaymentMethod.id == request.payment_method_id, PaymentMethod.app_token_pk == token.pk
                )
            )
        if method is None:
            raise ServiceError(
                422,
                "payment_method_not_in_wallet",
                "paymentMethodId: no such payment method in this token's wallet",
                field="paymentMethodId",
            )
        if method.verification_status != "VALID":
            raise ServiceError(
                422,
                "payment_method_not_valid",
                f"paymentMethodId: the payment method is {method.verification_status}, not VALID",
                field="paymentMethodId",
            )
        location = await self._locations.get(request.location_id, partner_id=token.partner_id)
        evse = location.evse(request.evse_uid)
        if evse is None:
            raise ServiceError(404, "evse_not_found", f"no EVSE {request.evse_uid!r} at location {location.id!r}")
        if request.connector_id is None:
            connector = evse.connectors[0]
        else:
            found = next((c for c in evse.connectors if c.id == request.connector_id), None)
            if found is None:
                raise ServiceError(
                    404, "connector_not_found", f"no connector {request.connector_id!r} on EVSE {evse.uid!r}"
                )
            connector = found
        async with self._db.read() as session:
            evse_row = (
                await session.execute(
                    select(EvseRow.pk, EvseRow.charge_point_id, EvseRow.ocpp_connector_id).where(
                        EvseRow.location_pk == location.pk, EvseRow.uid == evse.uid
                    )
                )
            ).one()
            active = await session.scalar(
                select(ChargeSession.id)
                .where(
                    ChargeSession.app_token_pk == token.pk,
                    ChargeSession.evse_pk == evse_row.pk,
                    ChargeSession.status.in_(ACTIVE_STATUSES),
                )
                .limit(1)
            )
        if evse_row.charge_point_id is None or evse_row.ocpp_connector_id is None:
            raise ServiceError(
                409, "evse_not_remote_startable", f"EVSE {evse.uid!r} is not connected to this service's CSMS"
            )
        if active is not None:
            raise ServiceError(
                409, "session_already_active", f"this token already has an active session ({active}) on this EVSE"
            )
        if not await self.commands.is_connected(evse_row.charge_point_id):
            raise ServiceError(503, "charge_point_offline", f"the charge point of EVSE {evse.uid!r} is offline")
        ocpp_status = await self._charge_points.connector_status(evse_row.charge_point_id, evse_row.ocpp_connector_id)
        startable = ocpp_status in ("Available", "Preparing") if ocpp_status is not None else evse.status == "AVAILABLE"
        if not startable:
            shown = ocpp_status or evse.status
            raise ServiceError(409, "evse_not_available", f"EVSE {evse.uid!r} is not available ({shown})")
        chosen = await self._tariffs.first_of(connector.tariff_ids)
        vat: Decimal | None = None
        if chosen is not None:
            vat = build_tariff_view(chosen[0], chosen[1]).vat_percentage
        return ChargeSession(
            id="cs_" + secrets.token_urlsafe(12),
            partner_id=token.partner_id,
            app_token_pk=token.pk,
            payment_method_id=method.id,
            idempotency_key=idempotency_key,
            start_kind="APP",
            location_id=location.id,
            evse_uid=evse.uid,
            evse_pk=evse_row.pk,
            connector_id=connector.id,
            charge_point_id=evse_row.charge_point_id,
            ocpp_connector_id=evse_row.ocpp_connector_id,
            id_tag=_new_id_tag(),
            status="REQUESTED",
            requested_at=utcnow(),
            tariff_id=chosen[0] if chosen else None,
            tariff_document=encode_tariff(chosen[1]).decode() if chosen else None,
            currency=chosen[1].currency if chosen else None,
            time_zone=location.location.time_zone,
            vat_percentage=_text(vat),
        )

    async def get(self, token: AppTokenRecord, session_id: str) -> SessionView:
        """One session of this token, with its meter data; 404 for any other."""
        row = await self._owned(token, session_id)
        row = await self._apply_deadline(row)
        return await self._view(row, with_data=True)

    async def stop_session(self, token: AppTokenRecord, session_id: str) -> SessionView:
        """Stop charging (RemoteStopTransaction), or cancel a session that has not started; idempotent."""
        row = await self._owned(token, session_id)
        row = await self._apply_deadline(row)
        row, transition = await self._transition(row.id, SessionEvent.STOP_REQUESTED, stop_requested_at=utcnow())
        if Effect.SEND_REMOTE_STOP in transition.effects:
            self._spawn(self._remote_stop(row.id), f"remote-stop-{row.id}")
        return await self._view(row, with_data=False)

    async def history(
        self,
        token: AppTokenRecord,
        filters: SessionFilters,
        *,
        page_size: int,
        continuation_token: str | None,
    ) -> tuple[list[SessionView], str | None]:
        """This token's sessions, newest first, a page at a time."""
        codec = self.continuation
        assert codec is not None, "start() first"
        fingerprint = codec.fingerprint(
            "sessions",
            token.partner_id,
            token.app_token,
            sorted(filters.statuses),
            filters.requested_from,
            filters.requested_to,
            filters.payment_method_id,
            page_size,
        )
        query = select(ChargeSession).where(ChargeSession.app_token_pk == token.pk)
        if continuation_token is not None:
            try:
                (after,) = codec.decode(continuation_token, fingerprint)
            except (InvalidContinuationToken, ValueError) as exc:
                raise ServiceError(
                    400,
                    "invalid_continuation_token",
                    "continuationToken: not valid for this query",
                    field="continuationToken",
                ) from exc
            query = query.where(ChargeSession.pk < after)
        if filters.statuses:
            query = query.where(ChargeSession.status.in_(filters.statuses))
        if filters.requested_from is not None:
            query = query.where(ChargeSession.requested_at >= filters.requested_from)
        if filters.requested_to is not None:
            query = query.where(ChargeSession.requested_at < filters.requested_to)
        if filters.payment_method_id is not None:
            query = query.where(ChargeSession.payment_method_id == filters.payment_method_id)
        async with self._db.read() as session:
            rows = list((await session.scalars(query.order_by(ChargeSession.pk.desc()).limit(page_size + 1))).all())
        more = len(rows) > page_size
        rows = rows[:page_size]
        next_token = codec.encode((rows[-1].pk,), fingerprint) if more and rows else None
        return [await self._view(row, with_data=False) for row in rows], next_token

    @contextlib.asynccontextmanager
    async def follow(self, token: AppTokenRecord, session_id: str) -> AsyncIterator[tuple[SessionView, Subscription]]:
        """The session now, and its updates from then on (subscribed before reading, so none is missed)."""
        row = await self._owned(token, session_id)
        async with self.events.subscribe(row.id) as subscription:
            yield await self.get(token, session_id), subscription

    async def _owned(self, token: AppTokenRecord, session_id: str) -> ChargeSession:
        async with self._db.read() as session:
            row = await session.scalar(
                select(ChargeSession).where(ChargeSession.id == session_id, ChargeSession.app_token_pk == token.pk)
            )
        if row is None:
            raise ServiceError(404, "session_not_found", f"no session {session_id!r} for this token")
        return row

    # --- the charge point's side ---------------------------------------------------------------------

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

        Until cards are verified by their issuer, anyone may type a card number into a wallet, so a number
        proves nothing about whose card is swiped. So a swipe belongs to a wallet only at a closed-loop
        location, whose listed partners issue the cards their drivers carry there, and only when exactly one
        wallet of those partners holds the card: a card held by wallets of several of them charges on none.
        At a public location a swipe charges on no wallet (the charge point is answered Invalid), so a partner
        that registers someone else's card number learns nothing of that card's sessions.
        """
        async with self._db.read() as session:
            holders = (
                await session.execute(
                    select(PaymentMethod, AppToken.partner_id)
                    .join(AppToken, AppToken.pk == PaymentMethod.app_token_pk)
                    .where(PaymentMethod.id_tag == id_tag, PaymentMethod.type == "CHARGE_CARD")
                    .limit(10)
                )
            ).all()
            if not holders:
                return "Invalid", None
            places = (
                await session.execute(
                    select(LocationRow.restricted, LocationRow.allowed_partner_ids)
                    .join(EvseRow, EvseRow.location_pk == LocationRow.pk)
                    .where(EvseRow.charge_point_id == charge_point_id, LocationRow.deleted.is_(False))
                    .distinct()
                )
            ).all()
        closed = [set(msgspec.json.decode(allowed)) for restricted, allowed in places if restricted]
        if not closed:
            _log.info(
                "%s: card %s swiped at a public location: no card is verified to charge on", charge_point_id, id_tag
            )
            return "Invalid", None
        welcome = [(card, partner) for card, partner in holders if all(partner in allowed for allowed in closed)]
        if not welcome:
            return "Invalid", None
        if len(welcome) > 1:
            _log.info(
                "%s: card %s is in the wallets of %d partners: charging on none", charge_point_id, id_tag, len(welcome)
            )
            return "Invalid", None
        card, partner_id = welcome[0]
        if card.verification_status != "VALID":
            return "Blocked", None
        return "Accepted", (card, partner_id)

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
        for stale in await self._open_transactions(charge_point_id, connector_id):
            await self._close_lost(stale, "the charge point started another transaction on the connector")
        async with self._db.read() as session:
            linked = await session.scalar(
                select(ChargeSession)
                .where(ChargeSession.id_tag == id_tag, ChargeSession.charge_point_id == charge_point_id)
                .order_by(ChargeSession.pk.desc())
                .limit(1)
            )
        if linked is not None and linked.start_kind == "APP":
            preview = apply(_status_of(linked), SessionEvent.TRANSACTION_STARTED)
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
            await self._publish(new_session.id, new_session.status)
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
        return await self._transition(
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
            vat_percentage=_text(vat),
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
        _, transition = await self._transition(
            session_id,
            SessionEvent.TRANSACTION_STOPPED,
            stopped_at=timestamp,
            meter_stop=meter_stop,
            stop_reason=reason,
        )
        if Effect.PRICE in transition.effects:
            self._spawn(self.price(session_id), f"price-{session_id}")

    async def connector_status(self, charge_point_id: str, connector_id: int, status: str) -> None:
        """A connector's status during a transaction: SuspendedEV/EVSE is PARKING, Charging is CHARGING; a
        status that no transaction has (Available, Preparing, Reserved, Finishing) while one is open on the
        connector says the charge point no longer runs it, and ends its session (see ``_close_lost``)."""
        if status in _NO_TRANSACTION:
            for transaction_id in await self._open_transactions(charge_point_id, connector_id):
                await self._close_lost(transaction_id, f"the charge point reports the connector {status}")
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
            await self._transition(session_id, event)

    # --- transactions the charge point lost ----------------------------------------------------------

    async def _open_transactions(self, charge_point_id: str, connector_id: int) -> list[int]:
        async with self._db.read() as session:
            found = await session.scalars(
                select(OcppTransaction.id).where(
                    OcppTransaction.charge_point_id == charge_point_id,
                    OcppTransaction.connector_id == connector_id,
                    OcppTransaction.stopped_at.is_(None),
                )
            )
            return list(found.all())

    async def _close_lost(self, transaction_id: int, why: str) -> None:
        """End a transaction the charge point no longer has, at its last energy reading (or its start, with
        none), and complete its session with a reason that says so. It is priced by the sweeper once
        ``lost_grace`` has passed: a charge point that still has the transaction queued (it was offline, and
        replays it after its boot) sends its StopTransaction in the meantime, and that replaces the estimate."""
        async with self._db.transaction() as session:
            started = (
                await session.execute(
                    select(OcppTransaction.started_at, OcppTransaction.meter_start).where(
                        OcppTransaction.id == transaction_id, OcppTransaction.stopped_at.is_(None)
                    )
                )
            ).first()
            if started is None:
                return
            stopped_at, meter_stop = started.started_at, started.meter_start
            last = (
                await session.execute(
                    select(MeterValueRow.timestamp, MeterValueRow.energy_wh)
                    .where(MeterValueRow.transaction_id == transaction_id, MeterValueRow.energy_wh.is_not(None))
                    .order_by(MeterValueRow.timestamp.desc())
                    .limit(1)
                )
            ).first()
            energy = _decimal(last.energy_wh) if last is not None else None
            if last is not None and energy is not None and energy.is_finite():
                stopped_at = max(last.timestamp, stopped_at)
                meter_stop = max(int(energy), meter_stop)
            result = await session.execute(
                update(OcppTransaction)
                .where(OcppTransaction.id == transaction_id, OcppTransaction.stopped_at.is_(None))
                .values(meter_stop=meter_stop, stopped_at=stopped_at, stop_reason="Other", lost_at=utcnow())
                .returning(OcppTransaction.session_id, OcppTransaction.id_tag_status)
            )
            first = result.first()
        if first is None:
            return
        session_id, tag_status = first
        _log.info("transaction %s closed: %s", transaction_id, why)
        if session_id is None or tag_status != "Accepted":
            return
        await self._transition(
            session_id,
            SessionEvent.TRANSACTION_LOST,
            stopped_at=stopped_at,
            meter_stop=meter_stop,
            status_reason=f"{why} and no longer the transaction; ended at the last meter reading received"[:255],
        )

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
            self._spawn(self.price(session_id), f"price-{session_id}")
        else:
            _log.warning("session %s: StopTransaction after the session was priced from its readings", session_id)

    # --- pricing -------------------------------------------------------------------------------------

    async def price(self, session_id: str) -> None:
        """Price a COMPLETED session from its meter data with the tariff it started under (CDR_AVAILABLE)."""
        async with self._db.read() as session:
            row = await session.scalar(select(ChargeSession).where(ChargeSession.id == session_id))
            if row is None or row.status != "COMPLETED":
                return
            readings = await self._readings(session, row.transaction_id)
        try:
            values = self._priced_values(row, readings)
        except (ValueError, ArithmeticError, TariffValidationError) as exc:
            _log.exception("pricing session %s failed", session_id)
            await self._fail(session_id, f"pricing failed: {exc}")
            return
        await self._transition(session_id, SessionEvent.PRICED, **values)

    def _priced_values(self, row: ChargeSession, readings: list[MeterReading]) -> dict[str, Any]:
        started_at = row.started_at or row.requested_at
        stopped_at = max(row.stopped_at or started_at, started_at)
        meter_start = row.meter_start or 0
        meter_stop = max(row.meter_stop if row.meter_stop is not None else meter_start, meter_start)
        energy = (Decimal(meter_stop) - Decimal(meter_start)) / _KWH
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
        return values | {
            "total_energy_kwh": str(priced.totals.total_energy),
            "total_cost_excl_vat": str(priced.amount_due),
            "total_cost": str(priced.amount_due_incl_vat),
            "total_vat": str(priced.amount_due_incl_vat - priced.amount_due),
            "cost_breakdown": _encoder.encode(lines).decode(),
        }

    async def _fail(self, session_id: str, reason: str) -> None:
        async with self._db.transaction() as session:
            result = await session.execute(
                update(ChargeSession)
                .where(ChargeSession.id == session_id, ChargeSession.status == "COMPLETED")
                .values(status="ERROR", status_reason=reason[:255], ended_at=utcnow())
            )
        if getattr(result, "rowcount", 0):
            await self._publish(session_id, "ERROR")

    # --- commands ------------------------------------------------------------------------------------

    async def _remote_start(self, session_id: str) -> None:
        async with self._db.read() as session:
            row = await session.scalar(select(ChargeSession).where(ChargeSession.id == session_id))
        if row is None or row.status != "REQUESTED":
            return
        command = ChargePointCommand(
            action="RemoteStartTransaction", payload={"idTag": row.id_tag, "connectorId": row.ocpp_connector_id}
        )
        outcome = await self.commands.send(
            row.charge_point_id, command, timeout_s=self._settings.remote_start_timeout_s
        )
        await self._on_remote_start(session_id, outcome)

    async def _on_remote_start(self, session_id: str, outcome: CommandOutcome) -> None:
        if outcome.status == "answered":
            accepted = (outcome.payload or {}).get("status") == "Accepted"
            if accepted:
                await self._transition(session_id, SessionEvent.START_ACCEPTED, start_answered_at=utcnow())
            else:
                await self._transition(
                    session_id, SessionEvent.START_REJECTED, status_reason="the charge point rejected the start"
                )
        elif outcome.status == "timeout":
            await self._transition(
                session_id, SessionEvent.DEADLINE_PASSED, status_reason="the charge point did not answer the start"
            )
        else:
            reason = (
                f"the charge point answered {outcome.error_code}"
                if outcome.status == "call_error"
                else "the charge point went offline"
            )
            await self._transition(session_id, SessionEvent.START_FAILED, status_reason=reason)

    async def _remote_stop(self, session_id: str) -> None:
        async with self._db.read() as session:
            row = await session.scalar(select(ChargeSession).where(ChargeSession.id == session_id))
        if row is None or row.transaction_id is None:
            return
        command = ChargePointCommand(action="RemoteStopTransaction", payload={"transactionId": row.transaction_id})
        outcome = await self.commands.send(
            row.charge_point_id, command, timeout_s=self._settings.ocpp_response_timeout_s
        )
        if outcome.status == "answered" and (outcome.payload or {}).get("status") == "Accepted":
            return  # StopTransaction follows
        if outcome.status == "answered":
            # Rejected: "not now", or "no such transaction". A charge point that reports its connector
            # without a transaction (or never reported it) does not have it: end the session, or it would
            # go back to CHARGING and every stop would bounce off the charge point again.
            known = await self._charge_points.connector_status(row.charge_point_id, row.ocpp_connector_id)
            if known is None or known in _NO_TRANSACTION:
                await self._close_lost(
                    row.transaction_id, "the charge point rejected the stop with its connector " + (known or "unknown")
                )
                return
        await self._transition(session_id, SessionEvent.STOP_REJECTED)

    # --- deadlines -----------------------------------------------------------------------------------

    def _deadline(self, row: ChargeSession) -> datetime | None:
        return deadline(
            _status_of(row),
            requested_at=row.requested_at,
            start_answered_at=row.start_answered_at,
            timeouts=self.timeouts,
        )

    async def _apply_deadline(self, row: ChargeSession) -> ChargeSession:
        due = self._deadline(row)
        if due is None or utcnow() < due:
            return row
        updated, _ = await self._transition(
            row.id, SessionEvent.DEADLINE_PASSED, only_from=row.status, status_reason=_timeout_reason(row.status)
        )
        return updated

    async def sweep(self) -> int:
        """Time out sessions past their deadline and price finished ones nobody priced; returns how many
        sessions it acted on. Runs periodically in every process; safe to race."""
        now = utcnow()
        async with self._db.read() as session:
            due = (
                await session.execute(
                    select(ChargeSession.id, ChargeSession.status).where(
                        (
                            (ChargeSession.status == "REQUESTED")
                            & (ChargeSession.requested_at <= now - self.timeouts.remote_start)
                        )
                        | (
                            (ChargeSession.status == "STARTING")
                            & (ChargeSession.start_answered_at <= now - self.timeouts.start_transaction)
                        )
                    )
                )
            ).all()
            unpriced = (
                await session.scalars(
                    select(ChargeSession.id)
                    .outerjoin(OcppTransaction, OcppTransaction.id == ChargeSession.transaction_id)
                    .where(
                        ChargeSession.status == "COMPLETED",
                        (OcppTransaction.lost_at.is_(None) & (ChargeSession.updated_at <= now - timedelta(seconds=5)))
                        | (OcppTransaction.lost_at.is_not(None) & (ChargeSession.updated_at <= now - self.lost_grace)),
                    )
                )
            ).all()
        for session_id, status in due:
            # Only from the status whose deadline passed: a session that moved on since (the charge point
            # answered the start just now) has a deadline of its own, for a later sweep.
            await self._transition(
                session_id, SessionEvent.DEADLINE_PASSED, only_from=status, status_reason=_timeout_reason(status)
            )
        for session_id in unpriced:
            await self.price(session_id)
        return len(due) + len(unpriced)

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self._settings.session_sweep_interval_s)
            try:
                await self.sweep()
            except Exception:
                _log.exception("session sweep failed")

    # --- transitions ---------------------------------------------------------------------------------

    async def _transition(
        self, session_id: str, event: SessionEvent, *, only_from: str | None = None, **values: Any
    ) -> tuple[ChargeSession, Transition]:
        """Apply ``event`` with a compare-and-set on the status; ``values`` are written with a change.
        With ``only_from``, the event applies only while the session is still in that status."""
        for _ in range(20):
            async with self._db.read() as session:
                row = await session.scalar(select(ChargeSession).where(ChargeSession.id == session_id))
            if row is None:
                raise ServiceError(404, "session_not_found", f"no session {session_id!r}")
            if only_from is not None and row.status != only_from:
                return row, Transition(status=_status_of(row), changed=False)
            transition = apply(_status_of(row), event)
            if not transition.changed:
                return row, transition
            changes: dict[str, Any] = {"status": transition.status, **values}
            if transition.status in FINAL_STATUSES:
                changes.setdefault("ended_at", utcnow())
            async with self._db.transaction() as session:
                result = await session.execute(
                    update(ChargeSession)
                    .where(ChargeSession.id == session_id, ChargeSession.status == row.status)
                    .values(**changes)
                )
            if getattr(result, "rowcount", 0) == 1:
                for name, value in changes.items():
                    setattr(row, name, value)
                await self._publish(session_id, transition.status)
                return row, transition
        raise RuntimeError(f"session {session_id}: status kept changing under {event}")

    async def _publish(self, session_id: str, status: str) -> None:
        try:
            await self.events.publish(SessionUpdate(session_id=session_id, status=status, at=utcnow()))
        except Exception:
            _log.exception("publishing an update of session %s failed", session_id)

    # --- views ---------------------------------------------------------------------------------------

    @staticmethod
    async def _readings(session: AsyncSession, transaction_id: int | None) -> list[MeterReading]:
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
                energy_wh=_decimal(r.energy_wh),
                power_w=_decimal(r.power_w),
                current_a=_decimal(r.current_a),
                soc=_decimal(r.soc),
            )
            for r in rows
        ]

    async def _view(self, row: ChargeSession, *, with_data: bool) -> SessionView:
        status = _status_of(row)
        readings: list[MeterReading] = []
        running = row.transaction_id is not None and row.meter_stop is None
        if row.transaction_id is not None and (with_data or running):
            async with self._db.read() as session:
                readings = await self._readings(session, row.transaction_id)
        figures = live_figures(row.meter_start, readings)
        energy = figures.energy_kwh
        if row.meter_stop is not None and row.meter_start is not None:
            energy = max(Decimal(0), Decimal(row.meter_stop - row.meter_start)) / _KWH
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
            total_cost=_decimal(row.total_cost),
            total_vat=_decimal(row.total_vat),
            vat_percentage=_decimal(row.vat_percentage),
            cost_breakdown=breakdown,
            next_status_call=next_status_call(
                status, now=now, deadline_at=self._deadline(row), poll_interval=_POLL_WHILE_CHARGING
            ),
            data_points=data_points,
        )


def _timeout_reason(status: str) -> str:
    if status == "REQUESTED":
        return "the charge point did not answer the start"
    return "the charge point accepted the start but charging did not begin"


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


def _data_points(meter_start: int | None, readings: list[MeterReading]) -> list[DataPoint]:
    step = max(1, -(-len(readings) // _MAX_DATA_POINTS))
    chosen = readings[::step]
    if readings and chosen[-1] is not readings[-1]:
        chosen.append(readings[-1])
    return [
        DataPoint(
            timestamp=r.timestamp,
            energy_kwh=(
                max(Decimal(0), r.energy_wh - meter_start) / _KWH
                if r.energy_wh is not None and meter_start is not None
                else None
            ),
            power_kw=r.power_w / _KWH if r.power_w is not None else None,
            soc=r.soc,
        )
        for r in chosen
    ]
