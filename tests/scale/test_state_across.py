"""State the processes keep each or share, as the others see it. Each keeps its own search index and picks up
the others' writes: a location written through A is found by B's search once B has refreshed its index (every
``SEARCH_REFRESH_S``). An idempotency key holds across processes: the same start sent to A and B at once
makes one session. Webhook deliveries are claimed: each event reaches the partner once, not once per process."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio

from chargeassist.store import ChargeSession, WebhookDelivery, WebhookEvent
from tests.api._helpers import ocpi_location
from tests.conftest import REDIS_HOST, REDIS_PORT, fresh_postgres_database, require_service
from tests.csms._live import EVSES
from tests.csms._live import LOCATION_ID as SITE_ID
from tests.faults._served import driver_with_card, wait_status
from tests.payments.conftest import http_server
from tests.scale._pair import SEARCH_REFRESH_S, Node, Pair, eventually, two_processes

# One pair for the module: each test writes what it looks at under names of its own.
pytestmark = [pytest.mark.scale, pytest.mark.asyncio(loop_scope="module")]

LATITUDE, LONGITUDE = "51.922500", "4.479170"  # Rotterdam, far from the seeded site in Amsterdam
# A bound on a hang, not a benchmark: B refreshes every SEARCH_REFRESH_S; a loaded machine may be slower.
DEADLINE_S = SEARCH_REFRESH_S + 10.0
ROUNDS = 3


@pytest.fixture(scope="module")
def module_store_url() -> Iterator[str]:
    """A fresh PostgreSQL database for the module's pair."""
    with fresh_postgres_database("chargeassist_scale") as url:
        yield url


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def pair(module_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Pair]:
    """A and B for the module, on the machine's Redis under a prefix of their own."""
    require_service("Redis", REDIS_HOST, REDIS_PORT)
    redis_url, prefix = f"redis://{REDIS_HOST}:{REDIS_PORT}/0", "test-" + secrets.token_hex(6)
    # Webhooks to a receiver on this machine (loopback is refused in production).
    env = {"CHARGEASSIST_WEBHOOK_ALLOW_PRIVATE_URLS": "true"}
    directory = tmp_path_factory.mktemp("pair")
    async with two_processes(module_store_url, redis_url, prefix, directory, env=env) as running:
        yield running


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def method_id(pair: Pair) -> str:
    """driver-1's charge card (a card is in one wallet only, so the module's tests share the driver)."""
    return await driver_with_card(pair.a, "driver-1")


async def _put(pair: Pair, site: str) -> str:
    """Write a location in Rotterdam through A; returns its id."""
    location_id = f"nl-tst-{site}"
    location = ocpi_location(site, latitude=LATITUDE, longitude=LONGITUDE)
    response = await pair.a.call("PUT", f"/v1/operator/locations/{location_id}", pair.a.operator_key, json=location)
    assert response.status_code in (200, 201), response.text
    return location_id


async def _found_by(pair: Pair, location_id: str, *, through: str) -> list[Any]:
    node = pair.a if through == "A" else pair.b
    query = {"latitude": LATITUDE, "longitude": LONGITUDE}
    response = await node.call("GET", "/v1/locations/nearby", params=query)
    assert response.status_code == 200, response.text
    return [found for found in response.json()["data"] if found["id"] == location_id]


async def test_a_location_written_through_a_is_found_by_bs_search(pair: Pair) -> None:
    assert await _found_by(pair, "nl-tst-written-site", through="B") == []

    location_id = await _put(pair, "written-site")

    (found,) = await eventually(
        lambda: _found_by(pair, location_id, through="B"), timeout_s=DEADLINE_S, what="B's search finding A's write"
    )
    assert found["distanceInMeters"] == 0


async def test_a_location_deleted_through_a_leaves_bs_search(pair: Pair) -> None:
    location_id = await _put(pair, "deleted-site")
    await eventually(
        lambda: _found_by(pair, location_id, through="B"), timeout_s=DEADLINE_S, what="B's search finding A's write"
    )

    response = await pair.a.call("DELETE", f"/v1/operator/locations/{location_id}", pair.a.operator_key)
    assert response.status_code == 204, response.text

    async def gone() -> bool:
        return await _found_by(pair, location_id, through="B") == []

    await eventually(gone, timeout_s=DEADLINE_S, what="B's search dropping A's delete")


async def _connector_free(node: Node) -> bool:
    """The process's own view of connector 1 of the charge point: Available."""
    response = await node.call("GET", "/v1/operator/charge-points/CP-E2E-1", node.operator_key)
    assert response.status_code == 200, response.text
    return any(c["connectorId"] == 1 and c["status"] == "Available" for c in response.json()["connectors"])


async def test_one_idempotency_key_sent_to_both_processes_at_once_makes_one_session(pair: Pair, method_id: str) -> None:
    station = pair.station(auto_unplug_s=0.1)  # the car leaves after each session: the EVSE is free again
    await station.start()
    try:
        await station.wait_booted(timeout_s=15)
        body = {"locationId": SITE_ID, "evseUid": EVSES[0], "paymentMethodId": method_id}
        for round_ in range(ROUNDS):
            await eventually(lambda: _connector_free(pair.b), timeout_s=15, what=f"round {round_}: the EVSE free")
            # A retried tap: the same start three times on each process at once (a race, so several rounds).
            headers = {"Idempotency-Key": f"tap-{round_}"}
            path = "/v1/tokens/driver-1/sessions"
            answers = await asyncio.gather(
                *(node.call("POST", path, json=body, headers=headers) for node in (pair.a, pair.b) * 3)
            )

            assert [r.status_code for r in answers] == [201] * 6, f"round {round_}: {[r.text for r in answers]}"
            (session_id,) = {r.json()["chargeSessionId"] for r in answers}
            replayed = sorted(r.headers.get("Idempotent-Replayed", "false") for r in answers)
            assert replayed == ["false"] + ["true"] * 5, f"round {round_}: {replayed}"
            await wait_status(pair.b, session_id, "CHARGING", app_token="driver-1")
            response = await pair.b.call("POST", f"/v1/tokens/driver-1/sessions/{session_id}/stop")
            assert response.status_code == 200, response.text
            await wait_status(pair.b, session_id, "CDR_AVAILABLE", app_token="driver-1")

        assert station.count_received("RemoteStartTransaction") == ROUNDS
        assert await pair.b.count(ChargeSession, ChargeSession.idempotency_key.is_not(None)) == ROUNDS
    finally:
        await station.stop()


async def _deliveries_settled(node: Node) -> bool:
    pending = await node.count(WebhookDelivery, WebhookDelivery.status == "PENDING")
    return pending == 0 and await node.count(WebhookEvent) > 0


async def test_each_webhook_event_is_delivered_once_by_the_two_processes(pair: Pair, method_id: str) -> None:
    with http_server() as receiver:
        endpoint = {"url": f"{receiver.base}/hook", "events": ["session.status_changed", "session.cdr_available"]}
        response = await pair.a.call("PUT", "/v1/webhooks/endpoints/hook-once", json=endpoint)
        assert response.status_code == 201, response.text
        station = pair.station(auto_unplug_s=0.1)
        await station.start()
        try:
            await station.wait_booted(timeout_s=15)
            body = {"locationId": SITE_ID, "evseUid": EVSES[1], "paymentMethodId": method_id}
            response = await pair.b.call("POST", "/v1/tokens/driver-1/sessions", json=body)
            assert response.status_code == 201, response.text
            session_id: str = response.json()["chargeSessionId"]
            await wait_status(pair.b, session_id, "CHARGING", app_token="driver-1")
            response = await pair.b.call("POST", f"/v1/tokens/driver-1/sessions/{session_id}/stop")
            assert response.status_code == 200, response.text
            await wait_status(pair.b, session_id, "CDR_AVAILABLE", app_token="driver-1")
            await eventually(lambda: _deliveries_settled(pair.b), timeout_s=20, what="every webhook delivered")
        finally:
            await station.stop()
        received: list[str] = []
        while not receiver.received.empty():
            received.append(receiver.received.get_nowait().headers["Charge-Assist-Event-Id"])

    assert len(received) >= 2, received  # at least CHARGING and CDR_AVAILABLE
    assert len(received) == len(set(received)), f"delivered more than once: {received}"
    assert len(received) == await pair.b.count(WebhookEvent)
    assert await pair.b.count(WebhookDelivery, WebhookDelivery.status == "DELIVERED") == len(received)
