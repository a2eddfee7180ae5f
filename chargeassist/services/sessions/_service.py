"""The session engine as one service: :class:`SessionService` composes the parts and is what the API, the
CSMS and the container call."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta

from chargeassist.domain.sessions import MeterReading, Timeouts
from chargeassist.settings import Settings
from chargeassist.store import Database

from .._batch import BatchWriter
from .._charge_points import ChargePointService
from .._commands import CommandBus
from .._events import SessionEventBus, Subscription
from .._locations import LocationService
from .._paging import ContinuationCodec
from .._payments import PaymentSteps
from .._receipts import ReceiptService
from .._tariffs import TariffService
from .._wallet import AppTokenRecord
from ._billing import SessionBilling
from ._charger import ChargerEvents, IdTagStatus, StartedTransaction
from ._charger_commands import ChargerCommands
from ._driver import DriverSessions, SessionFilters, StartRequest
from ._payments import SessionPayments
from ._records import Background, SessionRecords
from ._sweeper import SessionSweeper
from ._views import SessionView, SessionViews


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
        payments: PaymentSteps | None = None,
        receipts: ReceiptService | None = None,
    ) -> None:
        self.commands = commands
        self.events = events
        self.timeouts = Timeouts(
            remote_start=timedelta(seconds=settings.remote_start_timeout_s),
            start_transaction=timedelta(seconds=settings.start_transaction_timeout_s),
        )
        self._background = Background()
        records = SessionRecords(db, events=events, timeouts=self.timeouts)
        self._events = events
        views = SessionViews(db, records=records)
        charger_commands = ChargerCommands(
            db,
            records=records,
            commands=commands,
            charge_points=charge_points,
            remote_start_timeout_s=settings.remote_start_timeout_s,
            response_timeout_s=settings.ocpp_response_timeout_s,
        )
        self._billing = SessionBilling(db, records=records)
        self.payments: SessionPayments | None = None
        if payments is not None and receipts is not None:
            self.payments = SessionPayments(
                db,
                records=records,
                steps=payments,
                charger_commands=charger_commands,
                receipts=receipts,
                background=self._background,
            )
            records.hooks.append(self.payments.plan)
        # A charge point back from an outage sends its boot, its connectors' statuses, then what it queued while
        # offline: a StopTransaction it kept arrives within moments of the status that made its transaction
        # look lost, so a lost transaction is priced only after a grace period.
        self._sweeper = SessionSweeper(
            db,
            records=records,
            billing=self._billing,
            timeouts=self.timeouts,
            lost_grace=timedelta(seconds=settings.session_lost_grace_s),
            interval_s=settings.session_sweep_interval_s,
        )
        self._driver = DriverSessions(
            db,
            records=records,
            views=views,
            charger_commands=charger_commands,
            background=self._background,
            locations=locations,
            tariffs=tariffs,
            charge_points=charge_points,
            commands=commands,
            payments=self.payments,
            default_hold=settings.payments.preauth_amount,
        )
        self._charger = ChargerEvents(
            db,
            records=records,
            billing=self._billing,
            background=self._background,
            locations=locations,
            tariffs=tariffs,
            charge_points=charge_points,
            writer=writer,
        )
        if self.payments is not None and self.payments.steps_enabled:
            self._charger.on_readings = self.payments.watch_hold

    @property
    def continuation(self) -> ContinuationCodec | None:
        return self._driver.continuation

    @property
    def lost_grace(self) -> timedelta:
        """How long a session whose transaction the charge point lost waits for a late StopTransaction
        before it is priced from the readings the store has."""
        return self._sweeper.lost_grace

    @lost_grace.setter
    def lost_grace(self, value: timedelta) -> None:
        self._sweeper.lost_grace = value

    # --- lifecycle -----------------------------------------------------------------------------------

    async def start(self, continuation: ContinuationCodec) -> None:
        """Start the sweeper that times sessions out and prices finished ones, also after a restart."""
        self._driver.continuation = continuation
        self._sweeper.start()

    async def stop(self) -> None:
        """Stop the sweeper and background work (commands in flight are abandoned: their deadlines remain)."""
        tasks = [t for t in (self._sweeper.task, *self._background.tasks) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._background.tasks.clear()
        self._sweeper.task = None
        await self._events.close()

    async def wait_idle(self) -> None:
        """Wait until background work started so far is done (tests, orderly shutdown)."""
        await self._background.wait_idle()

    # --- driver API ----------------------------------------------------------------------------------

    async def start_session(
        self, token: AppTokenRecord, request: StartRequest, *, idempotency_key: str | None
    ) -> tuple[SessionView, bool]:
        """Create a session and send RemoteStartTransaction in the background; returns at once.

        The flag says whether this is the answer to an earlier request with the same ``idempotency_key``.
        """
        return await self._driver.start_session(token, request, idempotency_key=idempotency_key)

    async def get(self, token: AppTokenRecord, session_id: str) -> SessionView:
        """One session of this token, with its meter data; 404 for any other."""
        return await self._driver.get(token, session_id)

    async def stop_session(self, token: AppTokenRecord, session_id: str) -> SessionView:
        """Stop charging (RemoteStopTransaction), or cancel a session that has not started; idempotent."""
        return await self._driver.stop_session(token, session_id)

    async def history(
        self,
        token: AppTokenRecord,
        filters: SessionFilters,
        *,
        page_size: int,
        continuation_token: str | None,
    ) -> tuple[list[SessionView], str | None]:
        """This token's sessions, newest first, a page at a time."""
        return await self._driver.history(token, filters, page_size=page_size, continuation_token=continuation_token)

    def follow(
        self, token: AppTokenRecord, session_id: str
    ) -> AbstractAsyncContextManager[tuple[SessionView, Subscription]]:
        """The session now, and its updates from then on (subscribed before reading, so none is missed)."""
        return self._driver.follow(token, session_id)

    # --- the charge point's side ---------------------------------------------------------------------

    async def authorize(self, charge_point_id: str, id_tag: str) -> IdTagStatus:
        """Authorize: an app session's own tag while it waits to start, or an RFID card in some wallet."""
        return await self._charger.authorize(charge_point_id, id_tag)

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
        """StartTransaction: link it to the app session that asked for it, or open a session for an RFID card."""
        return await self._charger.transaction_started(
            charge_point_id,
            connector_id=connector_id,
            id_tag=id_tag,
            meter_start=meter_start,
            timestamp=timestamp,
            reservation_id=reservation_id,
        )

    async def owns(self, charge_point_id: str, transaction_id: int) -> bool:
        """Whether the transaction is this charge point's (a charge point may not write into another's)."""
        return await self._charger.owns(charge_point_id, transaction_id)

    async def open_transaction(self, charge_point_id: str, connector_id: int) -> int | None:
        """The transaction running on a connector, for MeterValues that do not name theirs."""
        return await self._charger.open_transaction(charge_point_id, connector_id)

    async def meter_readings(self, transaction_id: int, readings: Sequence[MeterReading]) -> None:
        """MeterValues of a transaction; returns once they are stored."""
        await self._charger.meter_readings(transaction_id, readings)

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
        """StopTransaction, whoever ended it (app, cable, card): store it once, complete and price the session."""
        await self._charger.transaction_stopped(
            charge_point_id,
            transaction_id=transaction_id,
            meter_stop=meter_stop,
            timestamp=timestamp,
            reason=reason,
            id_tag=id_tag,
            readings=readings,
        )

    async def connector_status(self, charge_point_id: str, connector_id: int, status: str) -> None:
        """A connector's status during a transaction (see :meth:`ChargerEvents.connector_status`)."""
        await self._charger.connector_status(charge_point_id, connector_id, status)

    # --- sweeping and pricing ------------------------------------------------------------------------

    async def sweep(self) -> int:
        """Time out sessions past their deadline and price finished ones nobody priced; returns how many
        sessions it acted on. Runs periodically in every process; safe to race."""
        return await self._sweeper.sweep()

    async def price(self, session_id: str) -> None:
        """Price a COMPLETED session from its meter data with the tariff it started under (CDR_AVAILABLE)."""
        await self._billing.price(session_id)
