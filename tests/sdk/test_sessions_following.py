"""How client.sessions.wait follows a session, against a stand-in server that answers as scripted: the pace
``nextStatusCall`` sets, the event stream and its end, the time limit. ``test_sessions`` runs the session
resource against the live server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from chargeassist_sdk import AsyncChargeAssist, ChargeAssist, NotFoundError, RetryPolicy, WaitTimeoutError
from tests.sdk._standin import Reply, StandIn, problem, stand_in

TOKEN = "room-101"
SESSION = "cs_1"
ONE = f"/v1/tokens/{TOKEN}/sessions/{SESSION}"
EVENTS = f"{ONE}/events"
NO_RETRIES = RetryPolicy(max_retries=0)


def body(status: str, energy: str = "0", next_call_s: float | None = 0.05) -> dict[str, object]:
    """A session as the API returns it, its next status call ``next_call_s`` from now."""
    now = datetime.now(UTC)
    next_call = (now + timedelta(seconds=next_call_s)).isoformat() if next_call_s is not None else None
    return {
        "chargeSessionId": SESSION,
        "locationId": "nl-tst-site",
        "evseUid": "EVSE-1",
        "connectorId": "1",
        "status": status,
        "statusReason": None,
        "startMethod": "APP",
        "paymentMethodId": "pm_1",
        "energyInKwh": energy,
        "currentPowerInKw": None,
        "stateOfCharge": None,
        "currency": "EUR",
        "requestedTime": now.isoformat(),
        "startTime": None,
        "endTime": None,
        "nextStatusCall": next_call,
        "totalCosts": None,
        "totalVat": None,
        "vatPercentage": None,
        "costBreakdown": None,
    }


def state(status: str, energy: str = "0", next_call_s: float | None = 0.05) -> Reply:
    return Reply(200, body(status, energy, next_call_s))


def event(status: str, energy: str = "0") -> str:
    return f"event: status\ndata: {json.dumps(body(status, energy))}\n\n"


@pytest.fixture
def server() -> Iterator[StandIn]:
    with stand_in() as running:
        yield running


@pytest.fixture
def client(server: StandIn) -> Iterator[ChargeAssist]:
    with ChargeAssist(api_key="key", base_url=server.url, retry=NO_RETRIES) as sdk:
        yield sdk


def test_wait_follows_next_status_call_until_the_status(server: StandIn, client: ChargeAssist) -> None:
    server.script("GET", ONE, state("REQUESTED"), state("STARTING"), state("CHARGING", "0.5"))
    session = client.sessions.wait(TOKEN, SESSION, until="CHARGING", timeout=10)
    assert (session.status, len(server.requests_to(ONE))) == ("CHARGING", 3)


def test_wait_calls_when_next_status_call_says(server: StandIn, client: ChargeAssist) -> None:
    server.script("GET", ONE, state("REQUESTED", next_call_s=0.5), state("CHARGING"))
    client.sessions.wait(TOKEN, SESSION, until="CHARGING", timeout=10)
    first, second = server.requests_to(ONE)
    assert second.at - first.at >= 0.4


def test_wait_stops_at_a_final_status(server: StandIn, client: ChargeAssist) -> None:
    server.script("GET", ONE, state("REQUESTED"), state("REJECTED"))
    assert client.sessions.wait(TOKEN, SESSION, until="CHARGING", timeout=10).status == "REJECTED"


def test_wait_without_until_waits_for_the_end_of_charging(server: StandIn, client: ChargeAssist) -> None:
    server.script("GET", ONE, state("CHARGING"), state("STOPPING"), state("COMPLETED", "7.5"))
    assert client.sessions.wait(TOKEN, SESSION, timeout=10).status == "COMPLETED"


def test_wait_takes_a_test_of_the_session(server: StandIn, client: ChargeAssist) -> None:
    server.script("GET", ONE, state("CHARGING", "0.5"), state("CHARGING", "1.5"), state("CHARGING", "2.5"))
    session = client.sessions.wait(TOKEN, SESSION, until=lambda s: Decimal(s.energy_in_kwh) >= 2, timeout=10)
    assert session.energy_in_kwh == "2.5"


def test_wait_raises_after_its_timeout_with_the_last_state(server: StandIn, client: ChargeAssist) -> None:
    server.script("GET", ONE, state("STARTING"))
    with pytest.raises(WaitTimeoutError) as caught:
        client.sessions.wait(TOKEN, SESSION, until="CHARGING", timeout=0.3)
    assert caught.value.session.status == "STARTING"


def test_wait_listens_to_the_event_stream_when_offered(server: StandIn, client: ChargeAssist) -> None:
    server.script("GET", ONE, state("REQUESTED", next_call_s=30))
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


def test_an_unknown_session_raises_not_found(server: StandIn, client: ChargeAssist) -> None:
    server.script("GET", ONE, problem(404, "charge_session_not_found"))
    with pytest.raises(NotFoundError, match="charge_session_not_found"):
        client.sessions.wait(TOKEN, SESSION)


async def test_async_wait_follows_next_status_call(server: StandIn) -> None:
    server.script("GET", ONE, state("REQUESTED"), state("CHARGING"))
    async with AsyncChargeAssist(api_key="key", base_url=server.url, retry=NO_RETRIES) as client:
        assert (await client.sessions.wait(TOKEN, SESSION, until="CHARGING", timeout=10)).status == "CHARGING"


async def test_async_wait_listens_to_the_event_stream(server: StandIn) -> None:
    server.script("GET", ONE, state("REQUESTED", next_call_s=30))
    server.script("GET", EVENTS, Reply(events=[(0.05, event("CHARGING"))]))
    async with AsyncChargeAssist(api_key="key", base_url=server.url, retry=NO_RETRIES) as client:
        session = await client.sessions.wait(TOKEN, SESSION, until="CHARGING", timeout=10)
    assert (session.status, len(server.requests_to(ONE))) == ("CHARGING", 1)
