"""EVSEs of charge points that are gone show OCPI ``UNKNOWN``; they get their status back when the charger is back.

A charge point's EVSEs keep the status of its last StatusNotification. Once its connection is gone, or it has been
silent for longer than the liveness window, that status is a guess a driver would act on (drive to a charger
shown AVAILABLE, or give up on one shown CHARGING), so the EVSE says ``UNKNOWN`` (OCPI: "also used when offline").
When the charge point is live again its EVSEs take the status it last reported, until it reports a new one.

One process at a time sweeps: the holder of the store lease ``locations.offline-sweep`` (see
:class:`~chargeassist.services._leases.ClaimedWork`; a process that dies hands it on within three intervals). A lease
rather than row claims: the sweep is one read of every EVSE whose status disagrees with its charge point, and N
processes would each make it and write the same changes. A sweep still changes an EVSE only from the status it saw,
so a charge point's report that lands in between wins, and two sweeps (a stalled holder past its lease and the
next) write the same thing. Search indexes of other processes catch up through ``change_seq`` like after any
location write.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import and_, not_, or_, select

from chargeassist.store import ChargePoint, ConnectorStatus, Database, EvseRow, LocationRow, utcnow

from ._charge_points import ocpi_status
from ._leases import ClaimedWork
from ._locations import LocationService

__all__ = ["OFFLINE_STATUS", "SWEEP_INTERVAL_S", "SWEEP_LEASE", "OfflineEvses"]

OFFLINE_STATUS = "UNKNOWN"
SWEEP_INTERVAL_S = 15.0
"""How often a process sweeps: a charge point's EVSEs show ``UNKNOWN`` at most this long after the liveness window
(heartbeat interval plus grace) has passed; the sweep is one indexed read when nothing changes."""
SWEEP_LEASE = "locations.offline-sweep"
_log = logging.getLogger("chargeassist.locations")


class OfflineEvses:
    """Sweeps EVSE statuses against their charge points' liveness (see the module)."""

    def __init__(self, db: Database, locations: LocationService, *, liveness_window: timedelta) -> None:
        self._db = db
        self._locations = locations
        self._window = liveness_window

    async def sweep(self, now: datetime | None = None) -> int:
        """One pass: EVSEs of gone charge points to ``UNKNOWN``, of live ones back from ``UNKNOWN`` to their last
        reported status. Returns how many locations changed; reads only, unless something is to change."""
        cutoff = (now or utcnow()) - self._window
        live = and_(
            ChargePoint.connected.is_(True), ChargePoint.last_seen_at.is_not(None), ChargePoint.last_seen_at >= cutoff
        )
        async with self._db.read() as session:
            rows = (
                await session.execute(
                    select(EvseRow.pk, EvseRow.status, live.label("live"), ConnectorStatus.status)
                    .join(ChargePoint, ChargePoint.id == EvseRow.charge_point_id)
                    .join(LocationRow, LocationRow.pk == EvseRow.location_pk)
                    .outerjoin(
                        ConnectorStatus,
                        and_(
                            ConnectorStatus.charge_point_id == EvseRow.charge_point_id,
                            ConnectorStatus.connector_id == EvseRow.ocpp_connector_id,
                        ),
                    )
                    .where(
                        LocationRow.deleted.is_(False),
                        or_(
                            and_(not_(live), EvseRow.status != OFFLINE_STATUS),
                            and_(live, EvseRow.status == OFFLINE_STATUS, ConnectorStatus.status.is_not(None)),
                        ),
                    )
                )
            ).all()
        changes: dict[int, tuple[str, str]] = {}
        for evse_pk, status, is_live, reported in rows:
            wanted = ocpi_status(reported) if is_live and reported is not None else OFFLINE_STATUS
            if wanted != status:
                changes[evse_pk] = (status, wanted)
        if not changes:
            return 0
        changed = await self._locations.set_evse_statuses(changes)
        if changed:
            _log.info("offline sweep: %d EVSEs changed status at %d locations", len(changes), changed)
        return changed

    async def run(self, interval_s: float) -> None:
        """Sweep every ``interval_s`` seconds while this process holds the sweep's lease, until cancelled; a failed
        sweep is logged and the next one runs."""
        await ClaimedWork(self._db, SWEEP_LEASE, interval_s=interval_s).run(self.sweep)
