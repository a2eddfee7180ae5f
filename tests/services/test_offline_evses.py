"""EVSEs of a gone charge point show UNKNOWN in search and detail, and get their last status back when it is back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, update

from chargeassist.services import SearchFilters, Services
from chargeassist.services._offline_evses import OfflineEvses
from chargeassist.store import ChargePoint, ConnectorStatus, utcnow
from tests.api._helpers import ocpi_evse, ocpi_location
from tests.conftest import make_settings

CHARGE_POINT = "CP-OFF-1"
LOCATION = "nl-tst-off-1"
HEARTBEAT_S = 60
WINDOW = timedelta(seconds=2 * HEARTBEAT_S + 60)  # what the services take a charge point's liveness window for


@pytest.fixture
async def services(database_url: str) -> AsyncIterator[Services]:
    """Services on each store, with one location whose two EVSEs are the connectors of one charge point."""
    started = Services.create(make_settings(database_url, ocpp_heartbeat_interval_s=HEARTBEAT_S))
    await started.start()
    try:
        location = ocpi_location("off-1", evses=[ocpi_evse("E-1"), ocpi_evse("E-2")])
        await started.locations.put(LOCATION, location)
        await started.charge_points.put(CHARGE_POINT, "a-password-of-16-chars", ["E-1", "E-2"])
        yield started
    finally:
        await started.stop()


async def _live(services: Services, *, connected: bool, last_seen: datetime | None) -> None:
    async with services.db.transaction() as session:
        await session.execute(
            update(ChargePoint)
            .where(ChargePoint.id == CHARGE_POINT)
            .values(connected=connected, last_seen_at=last_seen)
        )


async def _reported(services: Services, connector_id: int, status: str) -> None:
    """The charge point's StatusNotification as the CSMS records it: per connector, and on the EVSE."""
    now = utcnow()
    async with services.db.transaction() as session:
        await session.execute(
            delete(ConnectorStatus).where(
                ConnectorStatus.charge_point_id == CHARGE_POINT, ConnectorStatus.connector_id == connector_id
            )
        )
        session.add(
            ConnectorStatus(
                charge_point_id=CHARGE_POINT,
                connector_id=connector_id,
                status=status,
                error_code="NoError",
                updated_at=now,
            )
        )
    link = await services.charge_points.evse_of(CHARGE_POINT, connector_id)
    assert link is not None
    await services.locations.set_evse_status(link.evse_pk, {"Charging": "CHARGING", "Available": "AVAILABLE"}[status])


async def _statuses(services: Services) -> list[str]:
    stored = await services.locations.get(LOCATION)
    return [evse.status for evse in stored.location.evses or ()]


def _sweeper(services: Services) -> OfflineEvses:
    assert services.offline_evses is not None
    return services.offline_evses


@pytest.fixture
async def charging(services: Services) -> Services:
    """The charge point connected and heard from, charging on connector 1, available on connector 2."""
    await _live(services, connected=True, last_seen=utcnow())
    await _reported(services, 1, "Charging")
    await _reported(services, 2, "Available")
    return services


async def test_a_live_charge_point_keeps_its_statuses(charging: Services) -> None:
    assert await _sweeper(charging).sweep() == 0
    assert await _statuses(charging) == ["CHARGING", "AVAILABLE"]


async def test_a_disconnected_charge_point_shows_unknown(charging: Services) -> None:
    await _live(charging, connected=False, last_seen=utcnow())
    await _sweeper(charging).sweep()
    assert await _statuses(charging) == ["UNKNOWN", "UNKNOWN"]


async def test_a_silent_charge_point_shows_unknown_once_the_window_has_passed(charging: Services) -> None:
    await _live(charging, connected=True, last_seen=utcnow() - WINDOW - timedelta(seconds=1))
    await _sweeper(charging).sweep()
    assert await _statuses(charging) == ["UNKNOWN", "UNKNOWN"]


async def test_a_silent_charge_point_keeps_its_statuses_within_the_window(charging: Services) -> None:
    await _live(charging, connected=True, last_seen=utcnow() - WINDOW + timedelta(seconds=30))
    await _sweeper(charging).sweep()
    assert await _statuses(charging) == ["CHARGING", "AVAILABLE"]


async def test_search_shows_no_available_connector_of_a_gone_charge_point(charging: Services) -> None:
    await _live(charging, connected=False, last_seen=utcnow())
    await _sweeper(charging).sweep()
    found = charging.locations.index.nearest(
        52.370216, 4.895168, radius_m=1000, partner_id="someone", filters=SearchFilters(is_available=True), limit=5
    )
    assert found == []


async def test_statuses_come_back_when_the_charge_point_is_back(charging: Services) -> None:
    await _live(charging, connected=False, last_seen=utcnow())
    await _sweeper(charging).sweep()
    await _live(charging, connected=True, last_seen=utcnow())
    await _sweeper(charging).sweep()
    assert await _statuses(charging) == ["CHARGING", "AVAILABLE"]


async def test_a_report_that_came_in_between_wins_over_the_sweep(charging: Services) -> None:
    # The sweep moves an EVSE only from the status it saw; one the charge point reported since is left alone.
    await _live(charging, connected=False, last_seen=utcnow())
    link = await charging.charge_points.evse_of(CHARGE_POINT, 1)
    assert link is not None
    changed = await charging.locations.set_evse_statuses({link.evse_pk: ("AVAILABLE", "UNKNOWN")})
    assert changed == 0
    assert (await _statuses(charging))[0] == "CHARGING"


async def test_two_sweeps_write_the_same_thing(charging: Services) -> None:
    await _live(charging, connected=False, last_seen=utcnow())
    assert await _sweeper(charging).sweep() == 1
    assert await _sweeper(charging).sweep() == 0
    assert await _statuses(charging) == ["UNKNOWN", "UNKNOWN"]
