"""Session deadlines and receipts on both stores: the sweeper acts on what the store says, so a restart
forgets nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from decimal import Decimal

import msgspec
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from chargeassist.domain.receipts import session_amounts
from chargeassist.domain.sessions import MeterReading, pricing_samples
from chargeassist.domain.tariffs import decode_tariff, encode_tariff, price_session
from chargeassist.services import AppTokenRecord, Services
from chargeassist.store import ChargeSession, MeterValueRow, OcppTransaction, utcnow
from tests.conftest import make_settings

TARIFF = decode_tariff(
    msgspec.json.encode(
        {
            "country_code": "NL",
            "party_id": "TST",
            "id": "t",
            "currency": "EUR",
            "elements": [
                {
                    "price_components": [
                        {"type": "ENERGY", "price": 0.30, "vat": 21.0, "step_size": 1},
                        {"type": "TIME", "price": 1.50, "vat": 21.0, "step_size": 60},
                    ]
                }
            ],
            "last_updated": "2025-01-06T08:00:00Z",
        }
    )
)


@pytest.fixture
async def services(database_url: str) -> AsyncIterator[Services]:
    started = Services.create(
        make_settings(
            database_url, remote_start_timeout_s=30, start_transaction_timeout_s=60, session_sweep_interval_s=3600
        )
    )
    await started.start()
    yield started
    await started.stop()


@pytest.fixture
async def token(services: Services) -> AppTokenRecord:
    partner = (await services.partners.create("Sessions Partner")).identity.partner_id
    record, _ = await services.wallet.register(partner, "driver-1")
    return record


async def _session(services: Services, token: AppTokenRecord, **values: object) -> str:
    # A session without a hold asks the charge point at once: its remote start is as old as its request.
    values.setdefault("remote_start_at", values.get("requested_at"))
    row = ChargeSession(
        id="cs_" + str(values.pop("suffix", "1")),
        partner_id=token.partner_id,
        app_token_pk=token.pk,
        start_kind="APP",
        location_id="nl-tst-x",
        evse_uid="E-1",
        connector_id="1",
        charge_point_id="CP-1",
        ocpp_connector_id=1,
        id_tag="CATAG",
        **values,
    )
    async with services.db.transaction() as session:
        session.add(row)
    return row.id


async def test_start_waiting_for_3ds_outlives_the_remote_start_deadline(
    services: Services, token: AppTokenRecord
) -> None:
    requested = utcnow() - timedelta(seconds=31)
    session_id = await _session(services, token, status="REQUESTED", requested_at=requested, remote_start_at=None)
    await services.sessions.sweep()
    assert await _status(services, session_id) == "REQUESTED"


async def test_start_waiting_for_3ds_times_out_at_the_payment_deadline(
    services: Services, token: AppTokenRecord
) -> None:
    requested = utcnow() - timedelta(minutes=11)
    session_id = await _session(services, token, status="REQUESTED", requested_at=requested, remote_start_at=None)
    await services.sessions.sweep()
    assert await _status(services, session_id) == "TIMEOUT"


async def _status(services: Services, session_id: str) -> str:
    async with services.db.transaction() as session:
        status: str = await session.scalar(select(ChargeSession.status).where(ChargeSession.id == session_id))
    return status


async def test_unanswered_start_past_its_deadline_times_out(services: Services, token: AppTokenRecord) -> None:
    session_id = await _session(services, token, status="REQUESTED", requested_at=utcnow() - timedelta(seconds=31))
    await services.sessions.sweep()
    assert await _status(services, session_id) == "TIMEOUT"


async def test_unanswered_start_within_its_deadline_is_left_alone(services: Services, token: AppTokenRecord) -> None:
    session_id = await _session(services, token, status="REQUESTED", requested_at=utcnow() - timedelta(seconds=10))
    await services.sessions.sweep()
    assert await _status(services, session_id) == "REQUESTED"


async def test_start_answered_while_the_sweep_runs_keeps_its_own_deadline(
    services: Services, token: AppTokenRecord, monkeypatch: pytest.MonkeyPatch
) -> None:
    session_id = await _session(services, token, status="REQUESTED", requested_at=utcnow() - timedelta(seconds=31))
    read = services.db.read
    reads = 0

    @asynccontextmanager
    async def answer_after_the_sweep_has_read() -> AsyncIterator[AsyncSession]:
        nonlocal reads
        async with read() as session:
            yield session
        reads += 1
        if reads == 1:  # the sweep has its list of due sessions: now the charge point's Accepted lands
            async with services.db.transaction() as session:
                await session.execute(
                    update(ChargeSession)
                    .where(ChargeSession.id == session_id)
                    .values(status="STARTING", start_answered_at=utcnow())
                )

    monkeypatch.setattr(services.db, "read", answer_after_the_sweep_has_read)
    await services.sessions.sweep()
    assert await _status(services, session_id) == "STARTING"


async def test_accepted_start_without_a_transaction_times_out_a_minute_after_the_answer(
    services: Services, token: AppTokenRecord
) -> None:
    now = utcnow()
    late = await _session(
        services,
        token,
        suffix="late",
        status="STARTING",
        requested_at=now - timedelta(seconds=90),
        start_answered_at=now - timedelta(seconds=61),
    )
    waiting = await _session(
        services,
        token,
        suffix="waiting",
        status="STARTING",
        requested_at=now - timedelta(seconds=90),
        start_answered_at=now - timedelta(seconds=50),
    )
    await services.sessions.sweep()
    assert (await _status(services, late), await _status(services, waiting)) == ("TIMEOUT", "STARTING")


async def test_finished_session_nobody_priced_is_priced(services: Services, token: AppTokenRecord) -> None:
    started = utcnow() - timedelta(hours=1)
    stopped = started + timedelta(minutes=30)
    async with services.db.transaction() as session:
        transaction = OcppTransaction(
            charge_point_id="CP-1",
            connector_id=1,
            id_tag="CATAG",
            id_tag_status="Accepted",
            meter_start=1000,
            started_at=started,
            session_id="cs_1",
            meter_stop=6500,
            stopped_at=stopped,
        )
        session.add(transaction)
        await session.flush()
        session.add(
            MeterValueRow(transaction_id=transaction.id, timestamp=started + timedelta(minutes=10), energy_wh="3000")
        )
        transaction_id = transaction.id
    session_id = await _session(
        services,
        token,
        status="COMPLETED",
        requested_at=started,
        started_at=started,
        stopped_at=stopped,
        transaction_id=transaction_id,
        meter_start=1000,
        meter_stop=6500,
        tariff_id="t",
        tariff_document=encode_tariff(TARIFF).decode(),
        currency="EUR",
        time_zone="Europe/Amsterdam",
        updated_at=utcnow() - timedelta(minutes=5),
    )
    await services.sessions.sweep()
    async with services.db.transaction() as session:
        row = await session.scalar(select(ChargeSession).where(ChargeSession.id == session_id))
    assert row is not None
    expected = price_session(
        TARIFF,
        session_start=started,
        samples=pricing_samples(
            started_at=started,
            meter_start=1000,
            stopped_at=stopped,
            meter_stop=6500,
            readings=[MeterReading(timestamp=started + timedelta(minutes=10), energy_wh=Decimal(3000))],
        ),
        charging_end=stopped,
        session_end=stopped,
        time_zone="Europe/Amsterdam",
    )
    assert row.status == "CDR_AVAILABLE"
    assert Decimal(row.total_cost or "") == expected.amount_due_incl_vat
    assert Decimal(row.total_vat or "") == session_amounts(expected).totals.vat


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1E+999999", "1" * 39 + ".5", "-1E+20"])
async def test_a_reading_no_meter_gives_is_left_out_and_the_rest_is_stored(services: Services, value: str) -> None:
    async with services.db.transaction() as session:
        transaction = OcppTransaction(
            charge_point_id="CP-1",
            connector_id=1,
            id_tag="CATAG",
            id_tag_status="Accepted",
            meter_start=0,
            started_at=utcnow(),
        )
        session.add(transaction)
        await session.flush()
        transaction_id = transaction.id
    reading = MeterReading(timestamp=utcnow(), energy_wh=Decimal(value), power_w=Decimal("7400.5"))
    await services.sessions.meter_readings(transaction_id, [reading])
    async with services.db.read() as session:
        stored = (await session.execute(select(MeterValueRow.energy_wh, MeterValueRow.power_w))).all()
    assert [tuple(row) for row in stored] == [(None, "7400.5")]
