"""``kill -9`` of the server at each payment step, then a restart on the same store and the same Stripe: Stripe's
own records show one hold and one capture (or one release), never none and never two, and the session agrees.

Stripe is a real localstripe behind the front that replays idempotency keys, in processes that outlive ours;
the server is ``chargeassist serve`` with a crash point armed in its Stripe calls (``_payment_server``); a
simulated charge point outside both keeps reconnecting across the crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from chargeassist.demo._localstripe import TEST_SECRET_KEY, LocalStripe
from chargeassist.services import PartnerService
from chargeassist.simulator import SimulatedStation
from chargeassist.store import Database, PaymentStep, upgrade, utcnow
from tests.conftest import require_module
from tests.faults._payment_server import CRASH_AT, INLINE_GRACE_S
from tests.faults._served import START_TIMEOUT_S, JsonDict, Served, seed, start_session, wait_status
from tests.payments.conftest import PAYS, StripeRecords

APP_TOKEN = "driver-1"
CENTS = Decimal("0.01")
HOLD = Decimal(50)
SETTLED = ("CAPTURED", "RELEASED", "FAILED", "PARTIALLY_FAILED")
HOLD_GRACE_S = 120.0
"""How long the reconciler leaves a hold whose answer was lost, in the test that crashes there: until the test
ends the grace itself (30 s in production, by which time the charge points are back)."""


@pytest.fixture(scope="module")
def stripe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStripe]:
    """One Stripe for the module; each test's driver is a customer of its own in it."""
    require_module("localstripe")
    with LocalStripe(log_dir=tmp_path_factory.mktemp("stripe")) as stand_in:
        yield stand_in


@pytest.fixture(scope="module")
def records(stripe: LocalStripe) -> Iterator[StripeRecords]:
    """Stripe's records as its dashboard shows them, read past the server."""
    reader = StripeRecords(stripe.api_base, TEST_SECRET_KEY)
    yield reader
    reader.close()


@dataclass
class PayingServer(Served):
    """The served process with Stripe configured and, until it is cleared, a crash point armed."""

    stripe_base: str = ""
    crash_at: str = ""
    inline_grace_s: float = 0.5

    @property
    def env(self) -> dict[str, str]:
        env = {
            **super().env,
            "CHARGEASSIST_STRIPE_API_KEY": TEST_SECRET_KEY,
            "CHARGEASSIST_STRIPE_PUBLISHABLE_KEY": "pk_test_chargeassist",
            "CHARGEASSIST_STRIPE_API_BASE": self.stripe_base,
            "CHARGEASSIST_PREAUTH_AMOUNT": str(HOLD),
            "CHARGEASSIST_REMOTE_START_TIMEOUT_S": "5",
            INLINE_GRACE_S: str(self.inline_grace_s),
        }
        if self.crash_at:
            env[CRASH_AT] = self.crash_at
        return env

    async def start(self) -> None:
        """Start the launcher (``chargeassist serve`` with the crash point) and wait for its health check."""
        assert self._process is None, "already running"
        self._log = self.log_path.open("ab")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.faults._payment_server", "serve", "--port", str(self.port)],
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            async with asyncio.timeout(START_TIMEOUT_S):
                while True:
                    if self._process.poll() is not None:
                        raise AssertionError(f"the server exited with {self._process.returncode}: {self.log()}")
                    with contextlib.suppress(httpx.TransportError):
                        if (await self.http.get(f"{self.base_url}/v1/health", timeout=1)).status_code == 200:
                            return
                    await asyncio.sleep(0.05)
        except TimeoutError:
            raise AssertionError(f"the server did not answer within {START_TIMEOUT_S}s: {self.log()}") from None

    async def crashed(self, timeout_s: float = 20.0) -> None:
        """Wait for the armed crash point to kill the process (-9), and disarm it for the restart."""
        process = self._process
        assert process is not None, "not running"
        try:
            await asyncio.wait_for(asyncio.to_thread(process.wait), timeout_s)
        except TimeoutError:
            raise AssertionError(f"the crash point {self.crash_at} was never reached: {self.log()}") from None
        assert process.returncode == -9, f"the server ended with {process.returncode}, not by the crash point"
        self._take_process()
        self.crash_at = ""

    async def end_grace(self) -> None:
        """Time passes for the outbox: every step left unanswered is due for the reconciler now."""
        engine = create_async_engine(self.database_url, poolclass=NullPool)
        try:
            async with engine.begin() as connection:
                await connection.execute(
                    update(PaymentStep).where(PaymentStep.status == "PENDING").values(next_attempt_at=utcnow())
                )
        finally:
            await engine.dispose()


async def _keys(database_url: str) -> tuple[str, str]:
    """An operator key and a partner key, made as ``chargeassist partners create`` makes them but in this process
    (two fewer interpreters to start per test)."""
    await asyncio.to_thread(upgrade, database_url)
    database = Database(database_url)
    try:
        partners = PartnerService(database)
        operator = await partners.create("Crash Operator", is_operator=True)
        partner = await partners.create("Crash Partner")
        return operator.api_key, partner.api_key
    finally:
        await database.dispose()


@pytest.fixture
async def server(database_url: str, tmp_path: Path, stripe: LocalStripe, crash_at: str) -> AsyncIterator[PayingServer]:
    """The seeded store and the server on it, talking to the module's Stripe, armed with the test's crash point."""
    running = PayingServer(
        database_url=database_url, log_path=tmp_path / "server.log", stripe_base=stripe.api_base, crash_at=crash_at
    )
    if crash_at == "authorize-after":
        running.inline_grace_s = HOLD_GRACE_S
    try:
        running.operator_key, running.partner_key = await _keys(database_url)
        await running.start()
        await seed(running)
        yield running
    finally:
        for station in running.stations:
            await station.stop()
        await running.stop()
        await running.http.aclose()


async def _stripe_card(server: PayingServer, records: StripeRecords) -> tuple[str, str]:
    """Save a card that pays, as the app does; returns the wallet's payment method and the Stripe customer."""
    response = await server.call("PUT", f"/v1/tokens/{APP_TOKEN}")
    assert response.status_code in (200, 201), response.text
    response = await server.call("POST", f"/v1/tokens/{APP_TOKEN}/wallet/psp/stripe/setup-intent")
    assert response.status_code == 200, response.text
    customer: str = response.json()["customerId"]
    card = records.create_card(PAYS)
    records.attach(card, customer)
    response = await server.call(
        "PUT",
        f"/v1/tokens/{APP_TOKEN}/wallet/psp/stripe",
        json={"pspPaymentMethodId": card, "pspCustomerId": customer},
    )
    assert response.status_code == 201, response.text
    method_id: str = response.json()["id"]
    return method_id, customer


async def _station(server: PayingServer, **overrides: Any) -> SimulatedStation:
    station = server.station(**overrides)
    await station.start()
    await station.wait_booted(timeout_s=15)
    return station


async def _charging(server: PayingServer, records: StripeRecords) -> tuple[SimulatedStation, str, str]:
    """A session paid by Stripe, charging with readings; returns the station, session and customer."""
    station = await _station(server)
    method_id, customer = await _stripe_card(server, records)
    response = await start_session(server, method_id)
    assert response.status_code == 201, response.text
    session_id: str = response.json()["chargeSessionId"]
    await wait_status(server, session_id, "CHARGING")
    await station.wait_sent("MeterValues", 2)
    return station, session_id, customer


async def _settled(server: PayingServer, session_id: str, timeout_s: float = 20.0) -> JsonDict:
    """Poll the session until its payment is settled one way or the other; returns it."""
    last: JsonDict = {}
    try:
        async with asyncio.timeout(timeout_s):
            while True:
                with contextlib.suppress(httpx.TransportError):
                    last = (await server.call("GET", f"/v1/tokens/{APP_TOKEN}/sessions/{session_id}")).json()
                    if (last.get("payment") or {}).get("status") in SETTLED:
                        return last
                await asyncio.sleep(0.1)
    except TimeoutError:
        raise AssertionError(f"the payment never settled; last seen {last}\n{server.log()}") from None


async def _stop_and_settle(server: PayingServer, session_id: str) -> JsonDict:
    response = await server.call("POST", f"/v1/tokens/{APP_TOKEN}/sessions/{session_id}/stop")
    assert response.status_code == 200, response.text
    return await _settled(server, session_id)


def _assert_captured_once(records: StripeRecords, customer: str, session: JsonDict) -> None:
    """Stripe holds one PaymentIntent for the driver, captured once for exactly the session's total."""
    total = Decimal(session["totalCosts"])
    assert total > 0
    (intent,) = records.payment_intents(customer)
    assert (intent["status"], intent["capture_method"], intent["amount"]) == ("succeeded", "manual", int(HOLD / CENTS))
    assert intent["amount_received"] == int(total / CENTS)
    payment = session["payment"]
    assert (session["status"], payment["status"]) == ("CDR_AVAILABLE", "CAPTURED")
    assert payment["pspTransactionId"] == intent["id"]
    assert Decimal(payment["capturedAmount"]) == total


async def _steps_all_finished(server: PayingServer) -> None:
    """No step of the outbox is left with an unknown outcome."""
    assert await server.count(PaymentStep, PaymentStep.status == "PENDING") == 0


@pytest.mark.parametrize("crash_at", ["authorize-after"])
async def test_kill_after_stripe_placed_the_hold_leaves_one_hold_that_the_restart_learns(
    server: PayingServer, records: StripeRecords
) -> None:
    station = await _station(server)
    method_id, customer = await _stripe_card(server, records)
    with pytest.raises(httpx.TransportError):
        # The server dies inside the start request, after Stripe placed the hold and before it was recorded.
        await start_session(server, method_id)
    await station.wait_until(lambda: not station.connected, timeout_s=10)
    await server.crashed()
    await server.start()
    await station.wait_booted(timeout_s=15)
    sessions = (await server.call("GET", f"/v1/tokens/{APP_TOKEN}/sessions")).json()["data"]
    (session_id,) = [s["chargeSessionId"] for s in sessions]
    assert sessions[0]["payment"]["status"] == "NONE"  # not learned yet: the charger is back before the hold is
    assert await server.count(PaymentStep, PaymentStep.kind == "authorize", PaymentStep.status == "PENDING") == 1
    await server.end_grace()
    # The reconciler asks Stripe again with the same key, learns the hold, and only then is the charger asked.
    session = await wait_status(server, session_id, "CHARGING", timeout_s=20)
    assert session["payment"]["status"] == "AUTHORIZED"
    assert station.count_received("RemoteStartTransaction") == 1
    (intent,) = records.payment_intents(customer)
    assert (intent["status"], session["payment"]["pspTransactionId"]) == ("requires_capture", intent["id"])
    await station.wait_sent("MeterValues", 2)

    session = await _stop_and_settle(server, session_id)

    _assert_captured_once(records, customer, session)
    await _steps_all_finished(server)


@pytest.mark.parametrize("crash_at", ["capture-after"])
async def test_kill_after_stripe_captured_leaves_one_capture_of_the_total(
    server: PayingServer, records: StripeRecords
) -> None:
    _, session_id, customer = await _charging(server, records)
    with contextlib.suppress(httpx.TransportError):
        await server.call("POST", f"/v1/tokens/{APP_TOKEN}/sessions/{session_id}/stop")
    await server.crashed()
    await server.start()

    session = await _settled(server, session_id)

    _assert_captured_once(records, customer, session)
    await _steps_all_finished(server)


@pytest.mark.parametrize("crash_at", ["capture-before"])
async def test_kill_before_the_capture_left_leaves_one_capture_of_the_total(
    server: PayingServer, records: StripeRecords
) -> None:
    _, session_id, customer = await _charging(server, records)
    with contextlib.suppress(httpx.TransportError):
        await server.call("POST", f"/v1/tokens/{APP_TOKEN}/sessions/{session_id}/stop")
    await server.crashed()
    (held,) = records.payment_intents(customer)
    assert held["status"] == "requires_capture"  # the crash came before the capture reached Stripe
    await server.start()

    session = await _settled(server, session_id)

    _assert_captured_once(records, customer, session)
    await _steps_all_finished(server)


@pytest.mark.parametrize("crash_at", ["release-after"])
async def test_kill_after_stripe_released_a_rejected_start_leaves_one_canceled_hold(
    server: PayingServer, records: StripeRecords
) -> None:
    station = await _station(server, reject_remote_start=True)
    method_id, customer = await _stripe_card(server, records)
    with contextlib.suppress(httpx.TransportError):
        response = await start_session(server, method_id)
        assert response.status_code == 201, response.text
    await server.crashed()
    await server.start()
    sessions = (await server.call("GET", f"/v1/tokens/{APP_TOKEN}/sessions")).json()["data"]
    (session_id,) = [s["chargeSessionId"] for s in sessions]

    session = await _settled(server, session_id)

    assert (session["status"], session["payment"]["status"]) == ("REJECTED", "RELEASED")
    (intent,) = records.payment_intents(customer)
    assert (intent["status"], intent["amount_received"]) == ("canceled", 0)
    assert session["payment"]["pspTransactionId"] == intent["id"]
    assert station.count_received("RemoteStartTransaction") == 1
    await _steps_all_finished(server)


@pytest.mark.parametrize("crash_at", ["authorize-after"])
async def test_kill_after_stripe_placed_the_hold_of_a_start_cancelled_since_leaves_one_canceled_hold(
    server: PayingServer, records: StripeRecords
) -> None:
    station = await _station(server)
    method_id, customer = await _stripe_card(server, records)
    with pytest.raises(httpx.TransportError):
        await start_session(server, method_id)
    await server.crashed()
    await server.start()
    sessions = (await server.call("GET", f"/v1/tokens/{APP_TOKEN}/sessions")).json()["data"]
    (session_id,) = [s["chargeSessionId"] for s in sessions]
    # The driver gives up before the server has learned the hold: the release must first learn it, then give it back.
    response = await server.call("POST", f"/v1/tokens/{APP_TOKEN}/sessions/{session_id}/stop")
    assert response.status_code == 200, response.text
    await server.end_grace()

    session = await _settled(server, session_id)

    assert (session["status"], session["payment"]["status"]) == ("CANCELLED", "RELEASED")
    (intent,) = records.payment_intents(customer)
    assert (intent["status"], intent["amount_received"]) == ("canceled", 0)
    assert session["payment"]["pspTransactionId"] == intent["id"]
    assert station.count_received("RemoteStartTransaction") == 0
    await _steps_all_finished(server)
