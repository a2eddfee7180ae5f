"""What the session engine asks of a charge point: the remote start of an app session and its outcome, and
the remote stop."""

from __future__ import annotations

from sqlalchemy import select

from chargeassist.domain.sessions import SessionEvent
from chargeassist.store import ChargeSession, Database, utcnow

from .._charge_points import ChargePointService
from .._commands import CommandBus, CommandBusUnavailable, CommandOutcome, StartCharging, StopCharging
from ._records import NO_TRANSACTION, SessionRecords


class ChargerCommands:
    """RemoteStartTransaction and RemoteStopTransaction for a session, and what their answers do to it."""

    def __init__(
        self,
        db: Database,
        *,
        records: SessionRecords,
        commands: CommandBus,
        charge_points: ChargePointService,
        remote_start_timeout_s: float,
        response_timeout_s: float,
    ) -> None:
        self._db = db
        self._records = records
        self.commands = commands
        self._charge_points = charge_points
        self._remote_start_timeout_s = remote_start_timeout_s
        self._response_timeout_s = response_timeout_s

    async def remote_start(self, session_id: str) -> None:
        async with self._db.read() as session:
            row = await session.scalar(select(ChargeSession).where(ChargeSession.id == session_id))
        if row is None or row.status != "REQUESTED":
            return
        command = StartCharging(connector_id=row.ocpp_connector_id, id_tag=row.id_tag)
        try:
            outcome = await self.commands.send(row.charge_point_id, command, timeout_s=self._remote_start_timeout_s)
        except CommandBusUnavailable:
            await self._records.transition(
                session_id,
                SessionEvent.START_FAILED,
                status_reason="the command bus to the charge point was unavailable",
            )
            return
        await self.on_remote_start(session_id, outcome)

    async def on_remote_start(self, session_id: str, outcome: CommandOutcome) -> None:
        if outcome.status == "answered":
            accepted = (outcome.payload or {}).get("status") == "Accepted"
            if accepted:
                await self._records.transition(session_id, SessionEvent.START_ACCEPTED, start_answered_at=utcnow())
            else:
                await self._records.transition(
                    session_id, SessionEvent.START_REJECTED, status_reason="the charge point rejected the start"
                )
        elif outcome.status == "timeout":
            await self._records.transition(
                session_id, SessionEvent.DEADLINE_PASSED, status_reason="the charge point did not answer the start"
            )
        else:
            reason = (
                f"the charge point answered {outcome.error_code}"
                if outcome.status == "call_error"
                else "the charge point went offline"
            )
            await self._records.transition(session_id, SessionEvent.START_FAILED, status_reason=reason)

    async def remote_stop(self, session_id: str) -> None:
        async with self._db.read() as session:
            row = await session.scalar(select(ChargeSession).where(ChargeSession.id == session_id))
        if row is None or row.transaction_id is None:
            return
        command = StopCharging(transaction_id=row.transaction_id)
        try:
            outcome = await self.commands.send(row.charge_point_id, command, timeout_s=self._response_timeout_s)
        except CommandBusUnavailable:
            # Nothing reached the charge point: the session charges on, and the driver may stop again.
            await self._records.transition(session_id, SessionEvent.STOP_REJECTED)
            return
        if outcome.status == "answered" and (outcome.payload or {}).get("status") == "Accepted":
            return  # StopTransaction follows
        if outcome.status == "answered":
            # Rejected: "not now", or "no such transaction". A charge point that reports its connector
            # without a transaction (or never reported it) does not have it: end the session, or it would
            # go back to CHARGING and every stop would bounce off the charge point again.
            known = await self._charge_points.connector_status(row.charge_point_id, row.ocpp_connector_id)
            if known is None or known in NO_TRANSACTION:
                await self._records.close_lost(
                    row.transaction_id, "the charge point rejected the stop with its connector " + (known or "unknown")
                )
                return
        await self._records.transition(session_id, SessionEvent.STOP_REJECTED)
