"""client.sessions on the documented session shapes, against a stand-in server speaking them.

The live server offers no session endpoints yet (``test_sessions_live`` covers them once it does); these
tests pin down how the SDK follows ``nextStatusCall``, event streams and continuation tokens.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal

import pytest

from chargeassist_sdk import AsyncChargeAssist, ChargeAssist, NotFoundError, RetryPolicy, WaitTimeoutError
from tests.sdk._standin import Reply, StandIn, problem, stand_in

TOKEN = "room-101"
SESSION = "cs_1"
SESSIONS = f"/v1/tokens/{TOKEN}/sessions"
ONE = f"{SESSIONS}/{SESSION}"
EVENTS = f"{ONE}/events"
NO_RETRIES = RetryPolicy(max_retries=0)


def state(status: str, energy: str = "0", next_call: object = 0.05) -> Reply:
    body = {"chargeSessionId": SESSION, "status": status, "energyInKwh": energy, "nextStatusCall": next_call}
    return Reply(200, body)


def event(status: str, energy: str = "0") -> str:
    data = {"chargeSessionId": SESSION, "status": status, "energyInKwh": energy}
    return f"event: session\ndata: {json.dumps(data)}\n\n"


@pytest.fixture
def server() -> Iterator[StandIn]:
    with stand_in() as running:
        yield running


@pytest.fixture
def client(server: StandIn) -> Iterator[ChargeAssist]:
    with ChargeAssist(api_key="key", base_url=server.url, retry=NO_RETRIES) as sdk:
        yield sdk


def test_start_sends_the_documented_body(server: StandIn, client: ChargeAssist) -> None:
    server.script("POST", SESSIONS, Reply(201, {"chargeSessionId": SESSION, "nextStatusCall": 2}))
    client.sessions.start(TOKEN, location_id="loc", evse_uid="evse-1", payment_method_id="pm_1")
    body = json.loads(server.requests_to(SESSIONS)[0].body)
    assert body == {"locationId": "loc", "evseUid": "evse-1", "paymentMethodId": "pm_1"}


def test_start_returns_the_session_id_and_next_status_call(server: StandIn, client: ChargeAssist) -> None:
    server.script("POST", SESSIONS, Reply(201, {"chargeSessionId": SESSION, "nextStatusCall": 2}))
    started = client.sessions.start(TOKEN, location_id="loc", evse_uid="evse-1", payment_method_id="pm_1")
    assert (started.charge_session_id, started.next_status_call) == (SESSION, 2)


def test_start_sends_the_idempotency_key_given(server: StandIn, client: ChargeAssist) -> None:
    server.script("POST", SESSIONS, Reply(201, {"chargeSessionId": SESSION, "nextStatusCall": 2}))
    client.sessions.start(
        TOKEN, location_id="loc", evse_uid="evse-1", payment_method_id="pm_1", idempotency_key="booking-77"
    )
    assert server.requests_to(SESSIONS)[0].headers["idempotency-key"] == "booking-77"


def test_get_reads_status_and_energy_exactly(server: StandIn, client: ChargeAssist) -> None:
    server.script("GET", ONE, state("CHARGING", "3.125"))
    session = client.sessions.get(TOKEN, SESSION)
    assert (session.status, session.energy_in_kwh) == ("CHARGING", Decimal("3.125"))


def test_stop_posts_to_the_session(server: StandIn, client: ChargeAssist) -> None:
    server.script("POST", f"{ONE}/stop", Reply(202, {"nextStatusCall": 1}))
    assert client.sessions.stop(TOKEN, SESSION).charge_session_id == SESSION


def test_wait_follows_next_status_call_until_the_status(server: StandIn, client: ChargeAssist) -> None:
    server.script("GET", ONE, state("REQUESTED"), state("STARTING"), state("CHARGING", "0.5"))
    session = client.sessions.wait(TOKEN, SESSION, until="CHARGING", timeout=10)
    assert (session.status, len(server.requests_to(ONE))) == ("CHARGING", 3)


def test_wait_calls_when_next_status_call_says(server: StandIn, client: ChargeAssist) -> None:
    server.script("GET", ONE, state("REQUESTED", next_call=0.4), state("CHARGING"))
    client.sessions.wait(TOKEN, SESSION, until="CHARGING", timeout=10)
    first, second = server.requests_to(ONE)
    assert second.at - first.at >= 0.4


def test_wait_follows_a_next_status_call_url(server: StandIn, client: ChargeAssist) -> None:
    elsewhere = f"{ONE}/status"
    server.script("GET", ONE, state("REQUESTED", next_call=elsewhere))
    server.script("GET", elsewhere, state("CHARGING"))
    assert client.sessions.wait(TOKEN, SESSION, until="CHARGING", timeout=10).status == "CHARGING"


def test_wait_stops_at_a_final_status(server: StandIn, client: ChargeAssist) -> None:
    server.script("GET", ONE, state("REQUESTED"), state("REJECTED"))
    assert client.sessions.wait(TOKEN, SESSION, until="CHARGING", timeout=10).status == "REJECTED"


def test_wait_without_until_waits_for_the_end_of_charging(server: StandIn, client: ChargeAssist) -> None:
    server.script("GET", ONE, state("CHARGING"), state("STOPPING"), state("COMPLETED", "7.5"))
    assert client.sessions.wait(TOKEN, SESSION, timeout=10).status == "COMPLETED"


def test_wait_takes_a_test_of_the_session(server: StandIn, client: ChargeAssist) -> None:
    server.script("GET", ONE, state("CHARGING", "0.5"), state("CHARGING", "1.5"), state("CHARGING", "2.5"))
    session = client.sessions.wait(TOKEN, SESSION, until=lambda s: (s.energy_in_kwh or 0) >= 2, timeout=10)
    assert session.energy_in_kwh == Decimal("2.5")


def test_wait_raises_after_its_timeout_with_the_last_state(server: StandIn, client: ChargeAssist) -> None:
    server.script("GET", ONE, state("STARTING"))
    with pytest.raises(WaitTimeoutError) as caught:
        client.sessions.wait(TOKEN, SESSION, until="CHARGING", timeout=0.3)
    assert caught.value.session.status == "STARTING"


def test_wait_listens_to_the_event_stream_when_offered(server: StandIn, client: ChargeAssist) -> None:
    server.script("GET", ONE, state("REQUESTED", next_call=30))
    server.script(
        "GET", EVENTS, Reply(events=[(0.05, ": keep-alive\n\n"), (0.05, event("STARTING")), (0.05, event("CHARGING"))])
    )
    session = client.sessions.wait(TOKEN, SESSION, until="CHARGING", timeout=10)
    assert (session.status, len(server.requests_to(ONE))) == ("CHARGING", 1)


def test_wait_polls_when_the_event_stream_ends_early(server: StandIn, client: ChargeAssist) -> None:
    server.script("GET", ONE, state("REQUESTED"), state("CHARGING"))
    server.script("GET", EVENTS, Reply(events=[(0.0, event("STARTING"))]))
    assert client.sessions.wait(TOKEN, SESSION, until="CHARGING", timeout=10).status == "CHARGING"


def test_events_yields_each_pushed_state(server: StandIn, client: ChargeAssist) -> None:
    server.script("GET", EVENTS, Reply(events=[(0.0, event("STARTING")), (0.0, event("CHARGING", "0.1"))]))
    assert [s.status for s in client.sessions.events(TOKEN, SESSION)] == ["STARTING", "CHARGING"]


def test_list_follows_the_continuation_token(server: StandIn, client: ChargeAssist) -> None:
    def page(ids: list[str], token: str | None) -> Reply:
        data = [{"chargeSessionId": i, "status": "COMPLETED"} for i in ids]
        meta = {"count": len(ids), "hasMoreData": token is not None, "continuationToken": token}
        return Reply(200, {"data": data, "meta": meta})

    server.script("GET", SESSIONS, page(["cs_1", "cs_2"], "t1"), page(["cs_3"], None))
    assert [s.charge_session_id for s in client.sessions.list(TOKEN, page_size=2)] == ["cs_1", "cs_2", "cs_3"]


def test_list_passes_the_token_back(server: StandIn, client: ChargeAssist) -> None:
    first = {"data": [], "meta": {"count": 0, "hasMoreData": True, "continuationToken": "t1"}}
    last = {"data": [], "meta": {"count": 0, "hasMoreData": False, "continuationToken": None}}
    server.script("GET", SESSIONS, Reply(200, first), Reply(200, last))
    list(client.sessions.list(TOKEN))
    assert server.requests_to(SESSIONS)[1].path.endswith("?continuationToken=t1")


def test_an_unknown_session_raises_not_found(server: StandIn, client: ChargeAssist) -> None:
    server.script("GET", ONE, problem(404, "charge_session_not_found"))
    with pytest.raises(NotFoundError, match="charge_session_not_found"):
        client.sessions.wait(TOKEN, SESSION)


async def test_async_wait_follows_next_status_call(server: StandIn) -> None:
    server.script("GET", ONE, state("REQUESTED"), state("CHARGING"))
    async with AsyncChargeAssist(api_key="key", base_url=server.url, retry=NO_RETRIES) as client:
        assert (await client.sessions.wait(TOKEN, SESSION, until="CHARGING", timeout=10)).status == "CHARGING"


async def test_async_wait_listens_to_the_event_stream(server: StandIn) -> None:
    server.script("GET", ONE, state("REQUESTED", next_call=30))
    server.script("GET", EVENTS, Reply(events=[(0.05, event("CHARGING"))]))
    async with AsyncChargeAssist(api_key="key", base_url=server.url, retry=NO_RETRIES) as client:
        session = await client.sessions.wait(TOKEN, SESSION, until="CHARGING", timeout=10)
    assert (session.status, len(server.requests_to(ONE))) == ("CHARGING", 1)


async def test_async_list_follows_the_continuation_token(server: StandIn) -> None:
    first = {
        "data": [{"chargeSessionId": "cs_1", "status": "COMPLETED"}],
        "meta": {"count": 1, "hasMoreData": True, "continuationToken": "t1"},
    }
    last = {"data": [{"chargeSessionId": "cs_2", "status": "ERROR"}], "meta": {"count": 1, "hasMoreData": False}}
    server.script("GET", SESSIONS, Reply(200, first), Reply(200, last))
    async with AsyncChargeAssist(api_key="key", base_url=server.url, retry=NO_RETRIES) as client:
        ids = [s.charge_session_id async for s in client.sessions.list(TOKEN)]
    assert ids == ["cs_1", "cs_2"]
