"""EVSE status writes, offline sweeps and location writes at the same moment, as several processes make them:
each takes the location counter before any row, so none waits for another in a cycle (on PostgreSQL a
deadlock would abort one of them)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from chargeassist.services import Services
from chargeassist.store import EvseRow
from tests.api._helpers import ocpi_evse, ocpi_location
from tests.conftest import make_settings

EVSE_COUNT = 12


@pytest.fixture
async def two_processes(database_url: str) -> AsyncIterator[tuple[Services, Services]]:
    first, second = Services.create(make_settings(database_url)), Services.create(make_settings(database_url))
    await first.start()
    await second.start()
    await first.locations.put(
        "nl-tst-busy", ocpi_location("busy", evses=[ocpi_evse(f"busy-{n}") for n in range(EVSE_COUNT)])
    )
    yield first, second
    await first.stop()
    await second.stop()


async def _evse_pks(services: Services) -> list[int]:
    async with services.db.read() as session:
        return list((await session.scalars(select(EvseRow.pk).order_by(EvseRow.pk))).all())


async def test_status_writes_and_sweeps_at_once_all_complete(two_processes: tuple[Services, Services]) -> None:
    first, second = two_processes
    pks = await _evse_pks(first)

    async def writer(services: Services, offset: int) -> None:
        for round_ in range(6):
            for pk in pks[offset::4]:
                await services.locations.set_evse_status(pk, "CHARGING" if round_ % 2 else "AVAILABLE")

    async def sweeper(services: Services) -> None:
        for round_ in range(6):
            seen, wanted = ("AVAILABLE", "UNKNOWN") if round_ % 2 else ("UNKNOWN", "AVAILABLE")
            await services.locations.set_evse_statuses(dict.fromkeys(pks, (seen, wanted)))

    async def relocator(services: Services) -> None:
        for _ in range(3):
            document = ocpi_location("busy", evses=[ocpi_evse(f"busy-{n}") for n in range(EVSE_COUNT)])
            await services.locations.put("nl-tst-busy", document)

    await asyncio.gather(
        *(writer(services, offset) for offset, services in enumerate((first, second, first, second))),
        sweeper(first),
        sweeper(second),
        relocator(second),
    )
    assert len(await _evse_pks(first)) == EVSE_COUNT
