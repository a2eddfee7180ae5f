"""A real localstripe (behind the front that adds idempotency and incremental authorisation) for the session,
and helpers that act as the app and as Stripe's dashboard: save a test card, list what Stripe recorded."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from chargeassist.demo._localstripe import TEST_SECRET_KEY, LocalStripe
from chargeassist.payments import StripePaymentProvider
from tests.conftest import require_module

PAYS = "4242424242424242"
DECLINES_ON_PAYMENT = "4000000000000341"  # attaches, then every payment with it is declined
NEEDS_AUTHENTICATION = "4000002500003155"  # 3-D Secure: every payment answers requires_action


@dataclass(frozen=True, slots=True)
class SavedTestCard:
    customer: str
    payment_method: str


class StripeRecords:
    """Direct access to the Stripe stand-in, as the app (saving cards) and as the dashboard (reading records)."""

    def __init__(self, api_base: str, api_key: str) -> None:
        self.api_base = api_base
        self.api_key = api_key
        self._http = httpx.Client(base_url=api_base, headers={"Authorization": f"Bearer {api_key}"}, timeout=10)

    def close(self) -> None:
        self._http.close()

    def _post(self, path: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        answer = self._http.post(path, data=data or {})
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def create_customer(self) -> str:
        return str(self._post("/v1/customers", {"description": "test driver"})["id"])

    def create_card(self, number: str) -> str:
        card = {"type": "card", "card[number]": number, "card[exp_month]": "12", "card[exp_year]": "2034"}
        return str(self._post("/v1/payment_methods", {**card, "card[cvc]": "123"})["id"])

    def attach(self, payment_method: str, customer: str) -> None:
        self._post(f"/v1/payment_methods/{payment_method}/attach", {"customer": customer})

    def detach(self, payment_method: str) -> None:
        self._post(f"/v1/payment_methods/{payment_method}/detach")

    def saved_card(self, number: str) -> SavedTestCard:
        """A new customer with the test card ``number`` attached, as the app's SetupIntent would leave it."""
        customer = self.create_customer()
        payment_method = self.create_card(number)
        self.attach(payment_method, customer)
        return SavedTestCard(customer=customer, payment_method=payment_method)

    def payment_intents(self, customer: str) -> list[dict[str, Any]]:
        """Every PaymentIntent Stripe holds for ``customer`` (to assert "exactly one hold")."""
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {"limit": 100}
        while True:
            answer = self._http.get("/v1/payment_intents", params=params)
            assert answer.status_code == 200, answer.text
            page = answer.json()
            found.extend(pi for pi in page["data"] if pi.get("customer") == customer)
            if not page.get("has_more") or not page["data"]:
                return found
            params["starting_after"] = page["data"][-1]["id"]

    def payment_intent(self, reference: str) -> dict[str, Any]:
        answer = self._http.get(f"/v1/payment_intents/{reference}")
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def authenticate(self, reference: str, client_secret: str) -> None:
        """Complete 3-D Secure as the driver would in the app."""
        self._post(
            f"/v1/payment_intents/{reference}/_authenticate", {"client_secret": client_secret, "success": "true"}
        )


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class HttpServer:
    """A real HTTP server on a free loopback port, in a thread: it records every request and answers
    ``status`` after ``delay_s`` (a PSP that fails, a PSP that hangs, a webhook receiver)."""

    status: int = 200
    delay_s: float = 0.0
    received: queue.Queue[Received] = field(default_factory=queue.Queue)
    base: str = ""


@contextmanager
def http_server(status: int = 200, delay_s: float = 0.0) -> Iterator[HttpServer]:
    server_state = HttpServer(status=status, delay_s=delay_s)

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            server_state.received.put(Received(self.path, dict(self.headers.items()), body))
            time.sleep(server_state.delay_s)
            payload = b'{"error": {"type": "api_error", "message": "boom"}}'
            try:
                self.send_response(server_state.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the client gave up waiting (the timeout tests)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server_state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def local_stripe() -> Iterator[LocalStripe]:
    require_module("localstripe")
    with LocalStripe() as stand_in:
        yield stand_in


@pytest.fixture(scope="session")
def api_base(local_stripe: LocalStripe) -> str:
    return local_stripe.api_base


@pytest.fixture(scope="session")
def api_key() -> str:
    return TEST_SECRET_KEY


@pytest.fixture(scope="session")
def stripe_records(api_base: str, api_key: str) -> Iterator[StripeRecords]:
    records = StripeRecords(api_base, api_key)
    yield records
    records.close()


@pytest.fixture
async def stripe_provider(api_base: str, api_key: str) -> AsyncIterator[StripePaymentProvider]:
    provider = StripePaymentProvider(api_key, api_base=api_base)
    yield provider
    await provider.aclose()
