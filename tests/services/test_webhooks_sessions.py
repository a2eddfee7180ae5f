"""Session webhooks end to end: a real OCPP charge point charges, and the partner's own HTTP server receives
every status change and the CDR, signed, once each and in order."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from chargeassist.store import WebhookEvent
from tests._processes import free_port
from tests.conftest import make_settings
from tests.csms._live import LiveServer, live_server, seed, start_session, wait_status
from tests.services._webhook_receiver import Receiver, serving


@pytest.fixture
async def live(database_url: str) -> AsyncIterator[LiveServer]:
    """The server on both stores, its webhook worker delivering quickly and to loopback (the receiver's)."""
    settings = make_settings(
        database_url,
        remote_start_timeout_s=5.0,
        start_transaction_timeout_s=5.0,
        session_sweep_interval_s=0.1,
        ocpp_response_timeout_s=5.0,
    )
    async with live_server(settings) as server:
        webhooks = server.services.webhooks
        # The app's own config refuses loopback (a production default); this test's receiver is on loopback.
        webhooks.config = dataclasses.replace(webhooks.config, allow_private_urls=True, poll_interval_s=0.05)
        await seed(server)
        yield server


@pytest.fixture
def receiver() -> Receiver:
    return Receiver(port=free_port())


async def _driver(live: LiveServer) -> str:
    response = await live.call("PUT", "/v1/tokens/driver-1")
    assert response.status_code in (200, 201), response.text
    response = await live.call("PUT", "/v1/tokens/driver-1/wallet/external", json={"externalPaymentMethodId": "ext-1"})
    assert response.status_code in (200, 201), response.text
    method_id: str = response.json()["id"]
    return method_id


async def _subscribe(live: LiveServer, receiver: Receiver, events: list[str]) -> str:
    response = await live.call("PUT", "/v1/webhooks/endpoints/main", json={"url": receiver.url, "events": events})
    assert response.status_code == 201, response.text
    secret: str = response.json()["secret"]
    return secret


async def _charge_and_stop(live: LiveServer) -> str:
    station = live.station()
    await station.start()
    await station.wait_booted()
    response = await start_session(live, await _driver(live))
    assert response.status_code == 201, response.text
    session_id: str = response.json()["chargeSessionId"]
    await wait_status(live, session_id, "CHARGING")
    await station.wait_sent("MeterValues", 2)
    response = await live.call("POST", f"/v1/tokens/driver-1/sessions/{session_id}/stop")
    assert response.status_code == 200, response.text
    await wait_status(live, session_id, "CDR_AVAILABLE")
    return session_id


async def test_every_status_change_of_a_session_arrives_signed_and_in_order(
    live: LiveServer, receiver: Receiver
) -> None:
    with serving(receiver):
        secret = await _subscribe(live, receiver, ["session.status_changed"])
        session_id = await _charge_and_stop(live)
        got = await receiver.wait_for(5)
    assert all(r.signature_matches(secret) for r in got)
    events = [r.event for r in got]
    assert {e["type"] for e in events} == {"session.status_changed"}
    assert {e["data"]["chargeSessionId"] for e in events} == {session_id}
    assert [e["data"]["status"] for e in events] == ["STARTING", "CHARGING", "STOPPING", "COMPLETED", "CDR_AVAILABLE"]
    assert [e["data"]["previousStatus"] for e in events] == [
        "REQUESTED",
        "STARTING",
        "CHARGING",
        "STOPPING",
        "COMPLETED",
    ]
    assert events[0]["data"]["appToken"] == "driver-1"
    assert len({e["id"] for e in events}) == 5


async def test_the_cdr_arrives_with_the_sessions_price(live: LiveServer, receiver: Receiver) -> None:
    with serving(receiver):
        await _subscribe(live, receiver, ["session.cdr_available"])
        session_id = await _charge_and_stop(live)
        [got] = await receiver.wait_for(1)
    session = (await live.call("GET", f"/v1/tokens/driver-1/sessions/{session_id}")).json()
    data = got.event["data"]
    assert (got.event["type"], data["chargeSessionId"]) == ("session.cdr_available", session_id)
    assert Decimal(data["totalCosts"]) == Decimal(str(session["totalCosts"]))
    assert Decimal(data["totalCosts"]) > 0
    assert data["currency"] == "EUR"


async def test_a_partner_without_endpoints_gets_no_events(live: LiveServer) -> None:
    await _charge_and_stop(live)
    async with live.services.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(WebhookEvent)) == 0
