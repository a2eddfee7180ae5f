"""Processes seeding the demo into one fresh PostgreSQL store at the same moment all succeed, and seed it once."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from chargeassist.demo import demo_tariffs
from chargeassist.services._seed import DEMO_CHARGE_POINTS
from chargeassist.store import Base, ChargePoint, Database, Partner, TariffRow, upgrade
from tests.conftest import fresh_postgres_database

PROCESSES = 6

# Each process starts its services as a worker does, waits for the same moment, then seeds the demo.
_SEED_AT = """
import asyncio, sys, time
from chargeassist.services import Services
from chargeassist.services._seed import seed_demo
from chargeassist.settings import Settings

async def main() -> None:
    services = Services.create(Settings(database_url=sys.argv[1], demo=True, search_refresh_interval_s=0.0))
    await services.start()
    try:
        await asyncio.sleep(max(0.0, float(sys.argv[2]) - time.time()))
        await seed_demo(services)
    finally:
        await services.stop()

asyncio.run(main())
"""


@pytest.fixture
def fresh_store() -> Iterator[str]:
    with fresh_postgres_database("chargeassist_seed") as url:
        upgrade(url)
        yield url


async def _count(url: str, table: type[Base]) -> int:
    db = Database(url)
    try:
        async with db.read() as session:
            return int(await session.scalar(select(func.count()).select_from(table)) or 0)
    finally:
        await db.dispose()


def test_workers_seeding_a_fresh_store_at_once_all_start(fresh_store: str) -> None:
    at = time.time() + 4  # past every interpreter's imports and start-up
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _SEED_AT, fresh_store, str(at)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    outputs = [process.communicate(timeout=180)[0] for process in processes]
    assert [process.returncode for process in processes] == [0] * PROCESSES, "\n".join(outputs)
    assert asyncio.run(_count(fresh_store, TariffRow)) == len(demo_tariffs())
    assert asyncio.run(_count(fresh_store, Partner)) == 3
    assert asyncio.run(_count(fresh_store, ChargePoint)) == len(DEMO_CHARGE_POINTS)
