"""``kill -9`` of the server at each payment step, then a restart on the same store and the same Stripe: Stripe's
own records show one hold and one capture (or one release), never none and never two, and the session agrees.

Stripe is a real localstripe behind the front that replays idempotency keys, in processes that outlive ours;
the server is ``chargeassist serve`` with a crash point in its Stripe calls (``_payment_server``), one process
per store for the module, armed by each test and restarted after each crash; a simulated charge point outside
both keeps reconnecting across the crash. Each test drives a token (a Stripe customer) of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import update
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from chargeassist.demo._localstripe import TEST_SECRET_KEY, LocalStripe
from chargeassist.services import PartnerService
from chargeassist.simulator import SimulatedStation
from chargeassist.store import Database, PaymentStep, upgrade, utcnow
from tests.conftest import fresh_postgres_database, require_module
from tests.faults._payment_server import CRASH_FILE, INLINE_GRACE_S, point
from tests.faults._served import START_TIMEOUT_S, JsonDict, Served, seed, wait_status
from tests.faults._served import start_session as _start_session
from tests.payments.conftest import PAYS, StripeRecords

pytestmark = pytest.mark.asyncio(loop_scope="module")

CENTS = Decimal("0.01")
HOLD = Decimal(50)
SETTLED = ("CAPTURED", "RELEASED", "FAILED", "PARTIALLY_FAILED")
GRACE_S = 120.0
"""How long the reconciler leaves a step whose answer was lost: until the test ends the grace itself, once the
charge point is back (30 s in production, by which time the charge points are back too)."""
_tokens = itertools.count(1)


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
    """The served process with Stripe configured, armed through ``crash_file``; each test drives ``app_token``."""

    stripe_base: str = ""
    crash_file: Path = Path()
    app_token: str = ""

    @property
    def env(self) -> dict[str, str]:
        return {
            **super().env,
            "CHARGEASSIST_STRIPE_API_KEY": TEST_SECRET_KEY,
            "CHARGEASSIST_STRIPE_PUBLISHABLE_KEY": "pk_test_chargeassist",
            "CHARGEASSIST_STRIPE_API_BASE": self.stripe_base,
            "CHARGEASSIST_PREAUTH_AMOUNT": str(HOLD),
            "CHARGEASSIST_REMOTE_START_TIMEOUT_S": "5",
            CRASH_FILE: str(self.crash_file),
            INLINE_GRACE_S: str(GRACE_S),
        }

    @property
    def tokens(self) -> str:
        """Where this test's token lives in the API."""
        return f"/v1/tokens/{self.app_token}"

    def arm(self, call: str, when: str) -> None:
        """The server dies at this point of its next such Stripe call."""
        self.crash_file.write_text(point(call, when))

    def disarm(self) -> None:
        self.crash_file.unlink(missing_ok=True)

    async def start(self) -> None:
        """Start the launcher (``chargeassist serve`` with the crash points) and wait for its health check."""
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

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    async def crashed(self, timeout_s: float = 20.0) -> None:
        """Wait for the armed crash point to kill the process (-9), and disarm it for the restart."""
        process = self._process
        assert process is not None, "not running"
        try:
            await asyncio.wait_for(asyncio.to_thread(process.wait), timeout_s)
        except TimeoutError:
            raise AssertionError(f"the crash point was never reached: {self.log()}") from None
        assert process.returncode == -9, f"the server ended with {process.returncode}, not by the crash point"
        self._take_process()
        self.disarm()

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
    """An operator key and a partner key, made as ``chargeassist partners create`` makes them."""
    await asyncio.to_thread(upgrade, database_url)
    database = Database(database_url)
    try:
        partners = PartnerService(database)
        operator = await partners.create("Crash Operator", is_operator=True)
        partner = await partners.create("Crash Partner")
        return operator.api_key, partner.api_key
    finally:
        await database.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A file SQLite store or a fresh PostgreSQL database, for the module's server on it."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('store') / 'chargeassist.db'}"
        return
    with fresh_postgres_database("chargeassist_crash") as url:
        yield url


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running(
    store_url: str, stripe: LocalStripe, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[PayingServer]:
    """The seeded store and one server on it for the module (started again after every crash)."""
    here = tmp_path_factory.mktemp("server")
    paying = PayingServer(
        database_url=store_url, log_path=here / "server.log", stripe_base=stripe.api_base, crash_file=here / "crash"
    )
    try:
        paying.operator_key, paying.partner_key = await _keys(store_url)
        await paying.start()
        await seed(paying)
        yield paying
    finally:
        await paying.stop()
        await paying.http.aclose()


@pytest_asyncio.fixture(loop_scope="module")
async def server(running: PayingServer) -> AsyncIterator[PayingServer]:
    """The module's server for one test: a token of its own, nothing armed, running again at the end."""
    running.app_token = f"driver-{next(_tokens)}"
    running.disarm()
    try:
        yield running
    finally:
        for station in running.stations:
            await station.stop()
        running.stations.clear()
        running.disarm()
        if not running.running:
            with contextlib.suppress(AssertionError):
                running._take_process()
            await running.start()


async def start_session(server: PayingServer, method_id: str) -> httpx.Response:
    return await _start_session(server, method_id, app_token=server.app_token)


async def _stripe_card(server: PayingServer, records: StripeRecords) -> tuple[str, str]:
    """Save a card that pays, as the app does; returns the wallet's payment method and the Stripe customer."""
    response = await server.call("PUT", f"{server.tokens}")
    assert response.status_code in (200, 201), response.text
    response = await server.call("POST", f"{server.tokens}/wallet/psp/stripe/setup-intent")
    assert response.status_code == 200, response.text
    customer: str = response.json()["customerId"]
    card = records.create_card(PAYS)
    records.attach(card, customer)
    response = await server.call(
        "PUT",
        f"{server.tokens}/wallet/psp/stripe",
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
    await wait_status(server, session_id, "CHARGING", app_token=server.app_token)
    await station.wait_sent("MeterValues", 2)
    return station, session_id, customer


async def _settled(server: PayingServer, session_id: str, timeout_s: float = 20.0) -> JsonDict:
    """Poll the session until its payment is settled one way or the other; returns it."""
    last: JsonDict = {}
    try:
        async with asyncio.timeout(timeout_s):
            while True:
                with contextlib.suppress(httpx.TransportError):
                    last = (await server.call("GET", f"{server.tokens}/sessions/{session_id}")).json()
                    if (last.get("payment") or {}).get("status") in SETTLED:
                        return last
                await asyncio.sleep(0.1)
    except TimeoutError:
        raise AssertionError(f"the payment never settled; last seen {last}\n{server.log()}") from None


async def _stop_and_settle(server: PayingServer, session_id: str) -> JsonDict:
    response = await server.call("POST", f"{server.tokens}/sessions/{session_id}/stop")
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


async def _start_lost_then_charging(server: PayingServer, records: StripeRecords, when: str) -> None:
    """A start whose request dies at ``when`` of its hold; after the restart, once the charger is back, the
    reconciler makes the hold's call again with the same key and only then is the charger asked; then the
    session charges, stops and is paid once."""
    station = await _station(server)
    method_id, customer = await _stripe_card(server, records)
    server.arm("authorize", when)
    with pytest.raises(httpx.TransportError):
        await start_session(server, method_id)
    await station.wait_until(lambda: not station.connected, timeout_s=10)
    await server.crashed()
    # Where the crash came: with the hold placed at Stripe, or before the request left.
    assert [pi["status"] for pi in records.payment_intents(customer)] == (
        ["requires_capture"] if when == "after" else []
    )
    await server.start()
    await station.wait_booted(timeout_s=15)
    sessions = (await server.call("GET", f"{server.tokens}/sessions")).json()["data"]
    (session_id,) = [s["chargeSessionId"] for s in sessions]
    assert sessions[0]["payment"]["status"] == "NONE"  # not learned yet: the charger is back before the hold is
    assert await server.count(PaymentStep, PaymentStep.kind == "authorize", PaymentStep.status == "PENDING") == 1
    await server.end_grace()
    session = await wait_status(server, session_id, "CHARGING", app_token=server.app_token, timeout_s=20)
    assert session["payment"]["status"] == "AUTHORIZED"
    assert station.count_received("RemoteStartTransaction") == 1
    (intent,) = records.payment_intents(customer)
    assert (intent["status"], session["payment"]["pspTransactionId"]) == ("requires_capture", intent["id"])
    await station.wait_sent("MeterValues", 2)

    session = await _stop_and_settle(server, session_id)

    _assert_captured_once(records, customer, session)
    await _steps_all_finished(server)


async def test_kill_after_stripe_placed_the_hold_leaves_one_hold_that_the_restart_learns(
    server: PayingServer, records: StripeRecords
) -> None:
    # Stripe placed the hold; the front replays its first answer to the reconciler's call with the same key.
    await _start_lost_then_charging(server, records, "after")


async def test_kill_before_the_hold_left_leaves_one_hold_that_the_restart_places(
    server: PayingServer, records: StripeRecords
) -> None:
    # Stripe never heard of it: the reconciler's call is the first, and places the one hold.
    await _start_lost_then_charging(server, records, "before")


async def test_kill_after_stripe_captured_leaves_one_capture_of_the_total(
    server: PayingServer, records: StripeRecords
) -> None:
    _, session_id, customer = await _charging(server, records)
    server.arm("capture", "after")
    with contextlib.suppress(httpx.TransportError):
        await server.call("POST", f"{server.tokens}/sessions/{session_id}/stop")
    await server.crashed()
    await server.start()
    await server.end_grace()

    session = await _settled(server, session_id)

    _assert_captured_once(records, customer, session)
    await _steps_all_finished(server)


async def test_kill_before_the_capture_left_leaves_one_capture_of_the_total(
    server: PayingServer, records: StripeRecords
) -> None:
    _, session_id, customer = await _charging(server, records)
    server.arm("capture", "before")
    with contextlib.suppress(httpx.TransportError):
        await server.call("POST", f"{server.tokens}/sessions/{session_id}/stop")
    await server.crashed()
    (held,) = records.payment_intents(customer)
    assert held["status"] == "requires_capture"  # the crash came before the capture reached Stripe
    await server.start()
    await server.end_grace()

    session = await _settled(server, session_id)

    _assert_captured_once(records, customer, session)
    await _steps_all_finished(server)


async def test_kill_after_stripe_released_a_rejected_start_leaves_one_canceled_hold(
    server: PayingServer, records: StripeRecords
) -> None:
    station = await _station(server, reject_remote_start=True)
    method_id, customer = await _stripe_card(server, records)
    server.arm("release", "after")
    with contextlib.suppress(httpx.TransportError):
        response = await start_session(server, method_id)
        assert response.status_code == 201, response.text
    await server.crashed()
    await server.start()
    await server.end_grace()
    sessions = (await server.call("GET", f"{server.tokens}/sessions")).json()["data"]
    (session_id,) = [s["chargeSessionId"] for s in sessions]

    session = await _settled(server, session_id)

    assert (session["status"], session["payment"]["status"]) == ("REJECTED", "RELEASED")
    (intent,) = records.payment_intents(customer)
    assert (intent["status"], intent["amount_received"]) == ("canceled", 0)
    assert session["payment"]["pspTransactionId"] == intent["id"]
    assert station.count_received("RemoteStartTransaction") == 1
    await _steps_all_finished(server)


async def test_kill_after_stripe_placed_the_hold_of_a_start_cancelled_since_leaves_one_canceled_hold(
    server: PayingServer, records: StripeRecords
) -> None:
    station = await _station(server)
    method_id, customer = await _stripe_card(server, records)
    server.arm("authorize", "after")
    with pytest.raises(httpx.TransportError):
        await start_session(server, method_id)
    await server.crashed()
    await server.start()
    sessions = (await server.call("GET", f"{server.tokens}/sessions")).json()["data"]
    (session_id,) = [s["chargeSessionId"] for s in sessions]
    # The driver gives up before the server has learned the hold: the release must first learn it, then give it back.
    response = await server.call("POST", f"{server.tokens}/sessions/{session_id}/stop")
    assert response.status_code == 200, response.text
    await server.end_grace()

    session = await _settled(server, session_id)

    assert (session["status"], session["payment"]["status"]) == ("CANCELLED", "RELEASED")
    (intent,) = records.payment_intents(customer)
    assert (intent["status"], intent["amount_received"]) == ("canceled", 0)
    assert session["payment"]["pspTransactionId"] == intent["id"]
    assert station.count_received("RemoteStartTransaction") == 0
    await _steps_all_finished(server)
