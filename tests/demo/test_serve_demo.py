"""``chargeassist serve --demo`` as a real process pays by card for real: it starts a localstripe of its own (or
uses the one CHARGEASSIST_STRIPE_API_BASE names), a driver saves a test card there through the API, charges at
a demo charger of the simulated fleet, and the stop captures the cost from the hold; the stand-in ends with it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from chargeassist.demo._localstripe import TEST_SECRET_KEY, LocalStripe
from tests._processes import free_port
from tests.conftest import fresh_postgres_database, require_module
from tests.payments.conftest import PAYS, StripeRecords

START_TIMEOUT_S = 60.0
PARTNER = {"Authorization": "Bearer demo-partner-key"}
LOCATION_ID = "nl-gfx-000001"
EVSE_UID = "NL-GFX-E000001-1"  # on DEMO-NL-1, a charge point of the demo fleet
_STAND_IN_LINE = re.compile(r"Stripe stand-in \(localstripe\) at (http://\S+):")


@dataclass
class Demo:
    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path
    stripe_base: str

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def stand_in_processes(self) -> list[int]:
        """The localstripe and front processes this server started (its children running them)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [
            int(pid)
            for pid in children
            if b"localstripe" in _cmdline(int(pid)) or b"_stripe_front" in _cmdline(int(pid))
        ]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return b""


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    # None of the caller's Charge Assist settings: the demo decides its Stripe from what the test gives it.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHARGEASSIST_")}
    env["CHARGEASSIST_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"  # unless the test names one
    env["CHARGEASSIST_SESSION_SWEEP_INTERVAL_S"] = "0.2"
    env.update(extra)
    return env


@contextlib.contextmanager
def _serve_demo(tmp_path: Path, **env: str) -> Iterator[Demo]:
    port = free_port()
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "chargeassist.cli", "serve", "--demo", "--port", str(port)],
            env=_env(tmp_path, **env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    demo = Demo(process, f"http://127.0.0.1:{port}", log_path, "")
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            assert process.poll() is None, f"the demo exited with {process.returncode}: {demo.log()}"
            assert time.monotonic() < deadline, f"the demo did not come up: {demo.log()}"
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{demo.base_url}/v1/health", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        found = _STAND_IN_LINE.search(log_path.read_text())
        demo.stripe_base = found.group(1) if found else ""
        yield demo
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """One demo server with the localstripe it started, on a new store of each kind, for the tests that only use
    it (the tests of the stand-in's own lifecycle below do not depend on the store and run on SQLite)."""
    require_module("localstripe")
    with contextlib.ExitStack() as stack:
        env = {}
        if request.param == "postgres":
            env["CHARGEASSIST_DATABASE_URL"] = stack.enter_context(fresh_postgres_database("chargeassist_demo"))
        yield stack.enter_context(_serve_demo(tmp_path_factory.mktemp("demo"), **env))


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(headers=PARTNER, timeout=15) as client:
        yield client


async def _save_card(demo: Demo, http: httpx.AsyncClient, app_token: str) -> tuple[str, str]:
    """The app's part: a SetupIntent from the API, the card saved at Stripe, the card added; (method id, customer)."""
    assert (await http.put(f"{demo.base_url}/v1/tokens/{app_token}")).status_code in (200, 201)
    intent = await http.post(f"{demo.base_url}/v1/tokens/{app_token}/wallet/psp/stripe/setup-intent")
    assert intent.status_code == 200, intent.text
    customer = intent.json()["customerId"]
    stripe = StripeRecords(demo.stripe_base, TEST_SECRET_KEY)
    try:
        payment_method = stripe.create_card(PAYS)
        stripe.attach(payment_method, customer)
    finally:
        stripe.close()
    added = await http.put(
        f"{demo.base_url}/v1/tokens/{app_token}/wallet/psp/stripe",
        json={"pspPaymentMethodId": payment_method, "pspCustomerId": customer},
    )
    assert added.status_code == 201, added.text
    return str(added.json()["id"]), str(customer)


async def _wait_connected(demo: Demo, http: httpx.AsyncClient, charge_point_id: str = "DEMO-NL-1") -> None:
    """Until the demo fleet's charge point is connected (the fleet connects once the server is up)."""
    async with asyncio.timeout(30):
        while True:
            response = await http.get(
                f"{demo.base_url}/v1/operator/charge-points/{charge_point_id}",
                headers={"Authorization": "Bearer demo-operator-key"},
            )
            assert response.status_code == 200, response.text
            if response.json()["connected"]:
                return
            await asyncio.sleep(0.2)


async def _session(demo: Demo, http: httpx.AsyncClient, app_token: str, session_id: str) -> dict[str, Any]:
    response = await http.get(f"{demo.base_url}/v1/tokens/{app_token}/sessions/{session_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _until(demo: Demo, http: httpx.AsyncClient, app_token: str, session_id: str, done: Any) -> dict[str, Any]:
    async with asyncio.timeout(40):
        while True:
            session = await _session(demo, http, app_token, session_id)
            if done(session):
                return session
            await asyncio.sleep(0.2)


def test_demo_starts_its_own_localstripe(demo: Demo) -> None:
    assert demo.stripe_base, demo.log()
    answer = httpx.get(f"{demo.stripe_base}/v1/customers", headers={"Authorization": f"Bearer {TEST_SECRET_KEY}"})
    assert answer.status_code == 200


async def test_demo_locations_accept_stripe_cards(demo: Demo, http: httpx.AsyncClient) -> None:
    view = (await http.get(f"{demo.base_url}/v1/locations/{LOCATION_ID}")).json()
    assert "PSP" in view["pms"]
    assert view["preAuthAmount"]["currency"] == "EUR"


async def test_demo_session_paid_by_card_is_held_then_captured_with_a_receipt(
    demo: Demo, http: httpx.AsyncClient
) -> None:
    method_id, customer = await _save_card(demo, http, "demo-driver-1")
    await _wait_connected(demo, http)
    started = await http.post(
        f"{demo.base_url}/v1/tokens/demo-driver-1/sessions",
        json={"locationId": LOCATION_ID, "evseUid": EVSE_UID, "paymentMethodId": method_id},
    )
    assert started.status_code == 201, started.text
    session_id = started.json()["chargeSessionId"]
    assert started.json()["payment"]["status"] == "AUTHORIZED"
    charging = await _until(demo, http, "demo-driver-1", session_id, lambda s: Decimal(s.get("energyInKwh") or 0) > 0)
    assert charging["status"] == "CHARGING"
    assert (await http.post(f"{demo.base_url}/v1/tokens/demo-driver-1/sessions/{session_id}/stop")).status_code == 200
    paid = await _until(demo, http, "demo-driver-1", session_id, lambda s: s["payment"]["status"] != "AUTHORIZED")
    assert paid["payment"]["status"] == "CAPTURED", paid
    assert Decimal(paid["payment"]["capturedAmount"]) == Decimal(paid["totalCosts"]) > 0
    receipt = await http.get(f"{demo.base_url}/v1/tokens/demo-driver-1/sessions/{session_id}/receipt")
    assert receipt.status_code == 200, receipt.text
    assert receipt.json()["paid"]["pspTransactionId"] == paid["payment"]["pspTransactionId"]
    stripe = StripeRecords(demo.stripe_base, TEST_SECRET_KEY)
    try:
        (intent,) = stripe.payment_intents(customer)
    finally:
        stripe.close()
    assert (intent["status"], intent["amount_received"]) == ("succeeded", int(Decimal(paid["totalCosts"]) * 100))


def test_demo_stops_its_localstripe_when_it_is_stopped(tmp_path: Path) -> None:
    require_module("localstripe")
    with _serve_demo(tmp_path) as running:
        stand_in = running.stand_in_processes()
        assert len(stand_in) == 2, running.log()
        running.process.send_signal(signal.SIGTERM)
        running.process.wait(timeout=20)
    for pid in stand_in:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        assert not _cmdline(pid), f"process {pid} still runs"
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{running.stripe_base}/v1/customers", timeout=2)


async def test_demo_uses_the_stand_in_stripe_api_base_names(tmp_path: Path, http: httpx.AsyncClient) -> None:
    require_module("localstripe")
    with LocalStripe() as ours, _serve_demo(tmp_path, CHARGEASSIST_STRIPE_API_BASE=ours.api_base) as running:
        assert running.stripe_base == ours.api_base
        assert running.stand_in_processes() == []
        _, customer = await _save_card(running, http, "demo-driver-2")
        answer = httpx.get(
            f"{ours.api_base}/v1/customers/{customer}", headers={"Authorization": f"Bearer {TEST_SECRET_KEY}"}
        )
        assert answer.status_code == 200, answer.text


def test_demo_with_a_stripe_key_starts_no_localstripe(tmp_path: Path) -> None:
    # The key is never used: nothing in this test pays, so no call reaches Stripe.
    with _serve_demo(tmp_path, CHARGEASSIST_STRIPE_API_KEY="sk_test_not_a_real_key") as running:
        assert running.stand_in_processes() == []
        assert "Stripe: the configured account at https://api.stripe.com" in running.log()


def test_demo_without_localstripe_says_so_and_serves_without_cards(tmp_path: Path) -> None:
    # As if the demo extra were not installed: a None in sys.modules makes Python find no such module.
    hide = tmp_path / "hide"
    hide.mkdir()
    (hide / "sitecustomize.py").write_text('import sys\nsys.modules["localstripe"] = None\n')
    with _serve_demo(tmp_path, PYTHONPATH=str(hide)) as running:
        assert "Stripe: no cards in this demo (localstripe is not installed" in running.log()
        assert running.stand_in_processes() == []
        view = httpx.get(f"{running.base_url}/v1/locations/{LOCATION_ID}", headers=PARTNER).json()
        assert (view["pms"], view["preAuthAmount"]) == (["CHARGE_CARD", "EXTERNAL"], None)
