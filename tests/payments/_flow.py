"""The money flow end to end, shared by the payment tests: a live server whose card processor is Stripe (a real
localstripe behind its front), the app's calls that save a card and charge with it, and waits on the session's
payment."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx

from chargeassist.settings import PaymentSettings
from tests.conftest import make_settings
from tests.csms._live import LiveServer, live_server, seed, start_session, wait_status
from tests.payments.conftest import PAYS, StripeRecords

APP_TOKEN = "driver-1"
CENTS = Decimal("0.01")
WEBHOOK_SECRET = "whsec_test_chargeassist_0123456789"
# A meter running this fast costs about 0.80 EUR a second at the test tariff: a second or two of charging
# passes a hold of 0.50.
FAST_METER = 200.0


@contextlib.asynccontextmanager
async def paying_server(database_url: str, api_base: str, api_key: str, **payments: Any) -> AsyncIterator[LiveServer]:
    """The server with Stripe (localstripe) as its card processor, seeded with the test location;
    ``payments`` overrides fields of its :class:`PaymentSettings`."""
    options: dict[str, Any] = {
        "stripe_api_key": api_key,
        "stripe_publishable_key": "pk_test_chargeassist",
        "stripe_webhook_secret": WEBHOOK_SECRET,
        "stripe_api_base": api_base,
        "preauth_amount": Decimal("50"),
        **payments,
    }
    settings = make_settings(
        database_url,
        remote_start_timeout_s=5.0,
        start_transaction_timeout_s=5.0,
        session_sweep_interval_s=0.1,
        ocpp_response_timeout_s=5.0,
        payments=PaymentSettings(**options),
    )
    async with live_server(settings) as server:
        await seed(server)
        yield server


async def register(live: LiveServer, app_token: str = APP_TOKEN) -> str:
    """Register the app token; returns its Stripe customer (the setup intent creates it)."""
    response = await live.call("PUT", f"/v1/tokens/{app_token}")
    assert response.status_code in (200, 201), response.text
    response = await live.call("POST", f"/v1/tokens/{app_token}/wallet/psp/stripe/setup-intent")
    assert response.status_code == 200, response.text
    customer: str = response.json()["customerId"]
    return customer


async def stripe_card(live: LiveServer, stripe: StripeRecords, number: str, app_token: str = APP_TOKEN) -> str:
    """Save the test card ``number`` as the app would (setup intent, card saved with Stripe, then added);
    returns its payment method id in the wallet."""
    customer = await register(live, app_token)
    payment_method = stripe.create_card(number)
    stripe.attach(payment_method, customer)
    response = await live.call(
        "PUT",
        f"/v1/tokens/{app_token}/wallet/psp/stripe",
        json={"pspPaymentMethodId": payment_method, "pspCustomerId": customer},
    )
    assert response.status_code == 201, response.text
    method_id: str = response.json()["id"]
    return method_id


async def charging(
    live: LiveServer, stripe: StripeRecords, number: str = PAYS, app_token: str = APP_TOKEN, **station: Any
) -> tuple[Any, str]:
    """A station booted and a session charging on a new Stripe card ``number``; returns both."""
    sim = live.station(**station)
    await sim.start()
    await sim.wait_booted()
    method_id = await stripe_card(live, stripe, number, app_token)
    response = await start_session(live, method_id, app_token=app_token)
    assert response.status_code == 201, response.text
    session_id: str = response.json()["chargeSessionId"]
    await wait_status(live, session_id, "CHARGING", app_token=app_token)
    return sim, session_id


async def stop(live: LiveServer, session_id: str, app_token: str = APP_TOKEN) -> None:
    response = await live.call("POST", f"/v1/tokens/{app_token}/sessions/{session_id}/stop")
    assert response.status_code == 200, response.text


async def session_view(live: LiveServer, session_id: str, app_token: str = APP_TOKEN) -> dict[str, Any]:
    response = await live.call("GET", f"/v1/tokens/{app_token}/sessions/{session_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def wait_payment(
    live: LiveServer, session_id: str, *statuses: str, app_token: str = APP_TOKEN, timeout_s: float = 10.0
) -> dict[str, Any]:
    """Poll the session until its payment is in one of ``statuses``; returns the session."""
    last: dict[str, Any] = {}
    try:
        async with asyncio.timeout(timeout_s):
            while True:
                last = await session_view(live, session_id, app_token)
                if (last.get("payment") or {}).get("status") in statuses:
                    return last
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"the payment never reached {statuses}; last seen {last}") from None


async def failed_payments(live: LiveServer, app_token: str = APP_TOKEN) -> list[dict[str, Any]]:
    response = await live.call("GET", f"/v1/tokens/{app_token}/failed-payments")
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["data"]
    return found


def cents(amount: str | Decimal) -> int:
    return int(Decimal(amount) / CENTS)


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, *, at: int | None = None) -> str:
    """A ``Stripe-Signature`` header as Stripe builds it: ``t=<unix time>,v1=<HMAC-SHA256 of "t.payload">``."""
    moment = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{moment}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={moment},v1={digest}"


def stripe_event(event_id: str, type_: str, obj: dict[str, Any]) -> bytes:
    """An event document as Stripe sends it."""
    document = {
        "id": event_id,
        "object": "event",
        "api_version": "2024-06-20",
        "created": int(time.time()),
        "type": type_,
        "livemode": False,
        "pending_webhooks": 1,
        "data": {"object": obj},
    }
    return json.dumps(document).encode()


async def post_webhook(live: LiveServer, payload: bytes, signature: str | None, **headers: str) -> httpx.Response:
    """Deliver an event as Stripe does: no API key, only the signature."""
    sent = {"content-type": "application/json", **headers}
    if signature is not None:
        sent["stripe-signature"] = signature
    return await live.http.post(live.base_url + "/v1/webhooks/stripe", content=payload, headers=sent)


def cancel_behind_the_back(stripe: StripeRecords, reference: str) -> None:
    """Cancel a hold in Stripe without the service knowing (as the dashboard or an expiring hold would), so its
    capture fails for real."""
    answer = httpx.post(
        f"{stripe.api_base}/v1/payment_intents/{reference}/cancel",
        headers={"Authorization": f"Bearer {stripe.api_key}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "canceled"


def fail_authentication(stripe: StripeRecords, reference: str, client_secret: str) -> None:
    """The driver fails (or abandons) 3-D Secure in the app."""
    answer = httpx.post(
        f"{stripe.api_base}/v1/payment_intents/{reference}/_authenticate",
        data={"client_secret": client_secret, "success": "false"},
        headers={"Authorization": f"Bearer {stripe.api_key}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text


def delete_customer_behind_the_back(stripe: StripeRecords, customer: str) -> None:
    """Delete a customer in Stripe without the service knowing: holds already placed can still be captured,
    but no new charge to its cards can be made."""
    answer = httpx.delete(
        f"{stripe.api_base}/v1/customers/{customer}", headers={"Authorization": f"Bearer {stripe.api_key}"}, timeout=10
    )
    assert answer.status_code == 200, answer.text
