"""An app follows its session as server-sent events instead of polling."""

from __future__ import annotations

import asyncio
import itertools
import json

from tests.conftest import bearer
from tests.csms._live import LiveServer, driver_with_card, start_session, wait_status


async def _follow(live: LiveServer, session_id: str, seen: list[str]) -> None:
    url = f"{live.base_url}/v1/tokens/driver-1/sessions/{session_id}/events"
    async with live.http.stream("GET", url, headers=bearer(live.partner_key), timeout=30) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        async for line in response.aiter_lines():
            if line.startswith("data: "):
                seen.append(json.loads(line.removeprefix("data: "))["status"])


async def test_events_follow_the_session_until_its_receipt(live: LiveServer) -> None:
    station = live.station()
    await station.start()
    await station.wait_booted()
    method_id = await driver_with_card(live)
    response = await start_session(live, method_id)
    session_id = response.json()["chargeSessionId"]
    seen: list[str] = []
    follower = asyncio.create_task(_follow(live, session_id, seen))
    async with asyncio.timeout(10):
        while "CHARGING" not in seen:
            await asyncio.sleep(0.02)
    await station.wait_sent("MeterValues", 2)
    await live.call("POST", f"/v1/tokens/driver-1/sessions/{session_id}/stop")
    async with asyncio.timeout(10):
        await follower  # the stream ends by itself after the final status
    assert seen[-1] == "CDR_AVAILABLE"
    assert "STOPPING" in seen or "COMPLETED" in seen
    assert all(a != b for a, b in itertools.pairwise(seen))


async def test_events_of_a_finished_session_end_at_once(live: LiveServer) -> None:
    station = live.station(reject_remote_start=True)
    await station.start()
    await station.wait_booted()
    method_id = await driver_with_card(live)
    response = await start_session(live, method_id)
    session_id = response.json()["chargeSessionId"]
    # Finished before the stream opens: retrying until a stream happened to see REJECTED also took a stream
    # that opened at REQUESTED and saw the rejection arrive.
    await wait_status(live, session_id, "REJECTED")
    seen: list[str] = []
    async with asyncio.timeout(10):
        await _follow(live, session_id, seen)
    assert seen == ["REJECTED"]
