"""Process A, holding the charge point mid-session, is killed with SIGKILL: the charge point reconnects to B,
replays what it queued meanwhile, and the session ends once, priced from every reading, paid by one capture.

Stripe is a real localstripe; both processes hold its keys, so whichever handles the stop captures the hold."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from chargeassist.demo._localstripe import TEST_SECRET_KEY, LocalStripe
from chargeassist.simulator import SimulatedStation
from chargeassist.store import ChargeSession, MeterValueRow, OcppTransaction, PaymentStep
from tests.conftest import require_module
from tests.faults._served import JsonDict, expected_cost, register_charge_point, start_session, wait_status
from tests.payments.conftest import PAYS, StripeRecords
from tests.scale._pair import Node, Pair, command, eventually, two_processes

pytestmark = pytest.mark.scale

CENTS = Decimal("0.01")
HOLD = Decimal(50)
TOKEN = "driver-1"
ORPHAN = "CP-ORPHAN"
FAST_S = 5.0
"""A bound on a hang, not a benchmark (the command timeout is 5 s here, 30 s in production)."""


@pytest.fixture(scope="module")
def stripe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStripe]:
    """A localstripe for the module, in a process of its own."""
    require_module("localstripe")
    with LocalStripe(log_dir=tmp_path_factory.mktemp("stripe")) as stand_in:
        yield stand_in


@pytest.fixture(scope="module")
def records(stripe: LocalStripe) -> Iterator[StripeRecords]:
    """Stripe's records as its dashboard shows them, read past the servers."""
    reader = StripeRecords(stripe.api_base, TEST_SECRET_KEY)
    yield reader
    reader.close()


@pytest.fixture
async def paying_pair(
    redis_url: str, redis_prefix: str, store_url: str, tmp_path: Path, stripe: LocalStripe
) -> AsyncIterator[Pair]:
    """A and B taking Stripe cards (manual-capture holds of ``HOLD``)."""
    env = {
        "CHARGEASSIST_STRIPE_API_KEY": TEST_SECRET_KEY,
        "CHARGEASSIST_STRIPE_PUBLISHABLE_KEY": "pk_test_chargeassist",
        "CHARGEASSIST_STRIPE_API_BASE": stripe.api_base,
        "CHARGEASSIST_PREAUTH_AMOUNT": str(HOLD),
    }
    async with two_processes(store_url, redis_url, redis_prefix, tmp_path, env=env) as running:
        yield running


async def _stripe_card(node: Node, records: StripeRecords) -> tuple[str, str]:
    """Save a card that pays, as the app does; returns the wallet's payment method and the Stripe customer."""
    response = await node.call("PUT", f"/v1/tokens/{TOKEN}")
    assert response.status_code in (200, 201), response.text
    response = await node.call("POST", f"/v1/tokens/{TOKEN}/wallet/psp/stripe/setup-intent")
    assert response.status_code == 200, response.text
    customer: str = response.json()["customerId"]
    card = records.create_card(PAYS)
    records.attach(card, customer)
    body = {"pspPaymentMethodId": card, "pspCustomerId": customer}
    response = await node.call("PUT", f"/v1/tokens/{TOKEN}/wallet/psp/stripe", json=body)
    assert response.status_code == 201, response.text
    method_id: str = response.json()["id"]
    return method_id, customer


async def _stored_readings(node: Node, transaction_id: int) -> list[datetime]:
    engine = create_async_engine(node.database_url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            rows = await connection.scalars(
                select(MeterValueRow.timestamp).where(MeterValueRow.transaction_id == transaction_id)
            )
            return list(rows)
    finally:
        await engine.dispose()


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _readings_taken(station: SimulatedStation) -> set[datetime]:
    """Every periodic reading the station took (sent once or several times, answered or not)."""
    return {
        _time(meter_value["timestamp"])
        for exchange in station.sent_of("MeterValues")
        for meter_value in exchange.request["meterValue"]
    }


async def _paid(node: Node) -> JsonDict | None:
    response = await node.call("GET", f"/v1/tokens/{TOKEN}/sessions")
    assert response.status_code == 200, response.text
    (session,) = response.json()["data"]
    payment: dict[str, Any] = session.get("payment") or {}
    return session if session["status"] == "CDR_AVAILABLE" and payment.get("status") == "CAPTURED" else None


async def test_a_process_killed_mid_session_loses_and_doubles_nothing(
    paying_pair: Pair, records: StripeRecords
) -> None:
    pair = paying_pair
    # Back-off long enough that readings queue while the charge point is between A and B.
    station = pair.station(reconnect_initial_s=1.0, reconnect_max_s=2.0)
    await station.start()
    await station.wait_booted(timeout_s=15)
    # A second charge point that knows only A: it stays offline once A is dead.
    await register_charge_point(pair.a, ORPHAN, [])
    orphan = pair.station(ORPHAN, fallback=False)
    await orphan.start()
    await orphan.wait_booted(timeout_s=15)
    method_id, customer = await _stripe_card(pair.b, records)
    response = await start_session(pair.b, method_id)
    assert response.status_code == 201, response.text
    session_id: str = response.json()["chargeSessionId"]
    await wait_status(pair.b, session_id, "CHARGING")
    transaction_id = await station.wait_transaction(1)
    await station.wait_sent("MeterValues", 3)
    assert station.current_endpoint.startswith(pair.a.ocpp_url)

    await pair.a.kill()

    # B finds the orphan's holder gone at once (nobody listens on A's channel), not at the command's timeout.
    began = time.monotonic()
    response = await command(pair.b, ORPHAN, "get-configuration", {"key": ["HeartbeatInterval"]})
    took_s = time.monotonic() - began
    assert (response.status_code, response.json()["code"]) == (503, "charge_point_offline"), response.text
    assert took_s < FAST_S, f"a command for a charge point of the dead process took {took_s:.1f}s"

    await station.wait_until(lambda: station.current_endpoint.startswith(pair.b.ocpp_url), timeout_s=15)
    await station.wait_booted(timeout_s=20)
    await station.wait_until(lambda: station.outbox_size == 0, timeout_s=20)
    assert [e for e in station.sent_of("MeterValues") if e.replay], "nothing was replayed to B"
    await station.wait_sent("MeterValues", len(station.sent_of("MeterValues")) + 2)  # readings flow to B

    response = await pair.b.call("POST", f"/v1/tokens/{TOKEN}/sessions/{session_id}/stop")
    assert response.status_code == 200, response.text
    session = await eventually(lambda: _paid(pair.b), timeout_s=30, what="the session priced and captured")

    (start,) = [e for e in station.sent_of("StartTransaction") if e.result is not None]
    (stop,) = [e for e in station.sent_of("StopTransaction") if e.result is not None]
    # The store keeps the start's and the stop's register beside the periodic readings, one row per instant.
    ends = {_time(start.request["timestamp"]), _time(stop.request["timestamp"])}
    stored = await _stored_readings(pair.b, transaction_id)
    assert sorted(stored) == sorted(_readings_taken(station) | ends)
    energy = (Decimal(stop.request["meterStop"]) - Decimal(start.request["meterStart"])) / Decimal(1000)
    assert Decimal(session["energyInKwh"]) == energy
    total = Decimal(session["totalCosts"])
    assert total == expected_cost(station)
    assert await pair.b.count(OcppTransaction) == 1
    assert await pair.b.count(ChargeSession) == 1
    assert await pair.b.count(ChargeSession, ChargeSession.status == "CDR_AVAILABLE") == 1
    assert await pair.b.count(PaymentStep, PaymentStep.status == "PENDING") == 0
    (intent,) = records.payment_intents(customer)
    assert (intent["status"], intent["capture_method"]) == ("succeeded", "manual")
    assert intent["amount_received"] == int(total / CENTS)
    assert session["payment"]["pspTransactionId"] == intent["id"]
    assert Decimal(session["payment"]["capturedAmount"]) == total
