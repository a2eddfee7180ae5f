"""The batch writer on both stores: a row the store refuses fails its own caller only, every other caller's
rows are committed; readings for a transaction the charge point stopped are not stored."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from chargeassist.services import BatchWriter
from chargeassist.store import ChargePoint, ConnectorStatus, Database, MeterValueRow, OcppTransaction, utcnow

T0 = utcnow().replace(microsecond=0) - timedelta(hours=1)
# Out of range for both stores' 64-bit integers: what a charge point's unchecked connectorId could carry.
TOO_BIG = 2**63


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()


@pytest.fixture
async def writer(db: Database) -> AsyncIterator[BatchWriter]:
    # A long linger gathers every write of a test into one batch, so the bad row shares it with the good ones.
    batch = BatchWriter(db, linger_s=0.05)
    yield batch
    await batch.stop()


@pytest.fixture
async def transaction_id(db: Database) -> int:
    async with db.transaction() as session:
        session.add(ChargePoint(id="CP-1", password_hash="x"))
        transaction = OcppTransaction(
            charge_point_id="CP-1", connector_id=1, id_tag="TAG", id_tag_status="Accepted", meter_start=0, started_at=T0
        )
        session.add(transaction)
        await session.flush()
        return transaction.id


def _reading(transaction_id: int, n: int) -> dict[str, Any]:
    return {
        "transaction_id": transaction_id,
        "timestamp": T0 + timedelta(seconds=n),
        "energy_wh": str(n),
        "power_w": None,
        "current_a": None,
        "soc": None,
    }


def _status(connector_id: int, info: str | None = None) -> dict[str, Any]:
    return {
        "charge_point_id": "CP-1",
        "connector_id": connector_id,
        "status": "Available",
        "error_code": "NoError",
        "info": info,
        "vendor_error_code": None,
        "status_at": None,
        "updated_at": utcnow(),
    }


async def _count(db: Database, model: type) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_refused_reading_fails_only_its_own_caller(
    db: Database, writer: BatchWriter, transaction_id: int
) -> None:
    good = [writer.write_readings([_reading(transaction_id, n)]) for n in range(40)]
    bad = writer.write_readings([_reading(TOO_BIG, 1)])
    results = await asyncio.gather(*good, bad, return_exceptions=True)
    assert results[:-1] == [None] * 40
    assert isinstance(results[-1], Exception)
    assert await _count(db, MeterValueRow) == 40


async def test_a_reading_for_an_unknown_transaction_fails_only_its_own_caller(
    db: Database, writer: BatchWriter, transaction_id: int
) -> None:
    good = [writer.write_readings([_reading(transaction_id, n)]) for n in range(10)]
    bad = writer.write_readings([_reading(transaction_id + 1000, 1)])
    results = await asyncio.gather(*good, bad, return_exceptions=True)
    assert results[:-1] == [None] * 10
    assert isinstance(results[-1], Exception)
    assert await _count(db, MeterValueRow) == 10


async def test_a_refused_status_fails_only_its_own_caller(
    db: Database, writer: BatchWriter, transaction_id: int
) -> None:
    readings = [writer.write_readings([_reading(transaction_id, n)]) for n in range(10)]
    statuses = [writer.write_status(_status(n)) for n in range(1, 6)]
    results = await asyncio.gather(*readings, *statuses, writer.write_status(_status(TOO_BIG)), return_exceptions=True)
    assert results[:-1] == [None] * 15
    assert isinstance(results[-1], Exception)
    assert (await _count(db, MeterValueRow), await _count(db, ConnectorStatus)) == (10, 5)


async def test_a_refused_row_is_logged_in_one_line(
    writer: BatchWriter, transaction_id: int, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="chargeassist.csms.store"):
        await asyncio.gather(
            writer.write_readings([_reading(transaction_id, 1)]),
            writer.write_readings([_reading(TOO_BIG, 1)]),
            return_exceptions=True,
        )
    [record] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "\n" not in record.getMessage()
    assert record.exc_info is None


async def test_readings_for_a_transaction_the_charge_point_stopped_are_left_out(
    db: Database, writer: BatchWriter, transaction_id: int
) -> None:
    await writer.write_readings([_reading(transaction_id, 1)])
    async with db.transaction() as session:
        stopped = await session.get_one(OcppTransaction, transaction_id)
        stopped.stopped_at, stopped.meter_stop = T0 + timedelta(seconds=2), 2
    await writer.write_readings([_reading(transaction_id, 3), _reading(transaction_id, 1) | {"power_w": "7"}])
    async with db.read() as session:
        rows = (await session.execute(select(MeterValueRow.energy_wh, MeterValueRow.power_w))).all()
    assert [tuple(row) for row in rows] == [("1", None)]


async def test_readings_for_a_transaction_closed_as_lost_are_still_stored(
    db: Database, writer: BatchWriter, transaction_id: int
) -> None:
    # The charge point may still replay what it queued offline, with its StopTransaction after it.
    async with db.transaction() as session:
        lost = await session.get_one(OcppTransaction, transaction_id)
        lost.stopped_at, lost.meter_stop, lost.lost_at = T0, 0, utcnow()
    await writer.write_readings([_reading(transaction_id, 5)])
    assert await _count(db, MeterValueRow) == 1
