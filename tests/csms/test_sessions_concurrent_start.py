"""Starts that race: many identical or competing starts on one EVSE at once give one session, and the store
(not a check before the insert) is what makes it so."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import httpx
from sqlalchemy import func, select

from chargeassist.domain.sessions import ACTIVE_STATUSES
from chargeassist.store import ChargeSession
from chargeassist.store._models import ACTIVE_SESSION
from tests.csms._live import LiveServer, close_to_our_partner, driver_with_card, start_session, wait_status

STARTS = 20
CARD_TAG = "NLTSTC000000017"  # driver-1's card, as its RFID reports it


async def _active(live: LiveServer) -> int:
    async with live.services.db.read() as session:
        found = await session.scalar(
            select(func.count()).select_from(ChargeSession).where(ChargeSession.status.in_(ACTIVE_STATUSES))
        )
    return int(found or 0)


def _reached(responses: list[httpx.Response]) -> list[httpx.Response]:
    """The answers of the service itself: the starts the rate limit let through."""
    return [r for r in responses if r.status_code != 429]


async def test_identical_starts_at_once_give_one_session(live: LiveServer) -> None:
    station = live.station()
    await station.start()
    await station.wait_booted()
    method_id = await driver_with_card(live)
    reached = _reached(await asyncio.gather(*(start_session(live, method_id) for _ in range(STARTS))))
    assert len(reached) > 1, "the rate limit let only one start through: nothing raced"
    assert sorted(r.status_code for r in reached) == [201] + [409] * (len(reached) - 1)
    assert {r.json()["code"] for r in reached if r.status_code == 409} == {"session_already_active"}
    assert await _active(live) == 1


async def test_starts_of_different_drivers_at_once_give_one_session(live: LiveServer) -> None:
    station = live.station()
    await station.start()
    await station.wait_booted()
    methods = [await driver_with_card(live, f"driver-{n}", card=f"NL-TST-C{n:08d}-1") for n in range(STARTS // 2)]
    reached = _reached(
        await asyncio.gather(
            *(start_session(live, method, app_token=f"driver-{n}") for n, method in enumerate(methods))
        )
    )
    assert len(reached) > 1, "the rate limit let only one start through: nothing raced"
    assert sorted(r.status_code for r in reached) == [201] + [409] * (len(reached) - 1)
    assert {r.json()["code"] for r in reached if r.status_code == 409} == {"evse_not_available"}
    assert await _active(live) == 1


def test_the_store_index_covers_the_active_statuses() -> None:
    quoted = {part.strip(" '") for part in str(ACTIVE_SESSION).split("(", 1)[1].rstrip(")").split(",")}
    assert quoted == ACTIVE_STATUSES


async def test_a_swipe_on_a_connector_an_app_start_waits_for_is_refused(live: LiveServer) -> None:
    await close_to_our_partner(live)  # where the card would charge on its wallet, were the connector free
    station = live.station(remote_start_waits_for_plug=True)
    await station.start()
    await station.wait_booted()
    method_id = await driver_with_card(live)
    response = await start_session(live, method_id)
    session_id = response.json()["chargeSessionId"]
    await wait_status(live, session_id, "STARTING")
    start = {"connectorId": 1, "idTag": CARD_TAG, "meterStart": 0, "timestamp": datetime.now(UTC).isoformat()}
    answer = json.loads(await station.send_raw(json.dumps([2, "swipe", "StartTransaction", start])) or "null")
    assert answer[2]["idTagInfo"]["status"] == "Invalid"
    async with live.services.db.read() as session:
        sessions = (await session.execute(select(ChargeSession.id, ChargeSession.status))).all()
    assert [tuple(row) for row in sessions] == [(session_id, "STARTING")]
