"""A session paid with a Stripe card, end to end: the app saves the card through the API, the start places a
hold in Stripe (a real localstripe) before the charge point is asked, a simulated charge point charges over a
real WebSocket, and the CDR is captured from the hold; declines, releases and the hold's limits too."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from chargeassist.settings import PaymentSettings
from tests.conftest import make_settings
from tests.csms._live import LOCATION_ID, LiveServer, live_server, seed, start_session, wait_status
from tests.payments.conftest import DECLINES_ON_PAYMENT, NEEDS_AUTHENTICATION, PAYS, StripeRecords

APP_TOKEN = "driver-1"
CENTS = Decimal("0.01")


@pytest.fixture
async def paying(database_url: str, api_base: str, api_key: str) -> AsyncIterator[LiveServer]:
    """The server with Stripe (localstripe) as its card processor, on both stores."""
    settings = make_settings(
        database_url,
        remote_start_timeout_s=5.0,
        start_transaction_timeout_s=5.0,
        session_sweep_interval_s=0.1,
        ocpp_response_timeout_s=5.0,
        payments=PaymentSettings(
            stripe_api_key=api_key,
            stripe_publishable_key="pk_test_chargeassist",
            stripe_api_base=api_base,
            preauth_amount=Decimal("50"),
        ),
    )
    async with live_server(settings) as server:
        await seed(server)
        yield server


async def _stripe_card(live: LiveServer, stripe: StripeRecords, number: str, app_token: str = APP_TOKEN) -> str:
    """Register the token and save a card as the app would: SetupIntent, card saved with Stripe, then added."""
    response = await live.call("PUT", f"/v1/tokens/{app_token}")
    assert response.status_code in (200, 201), response.text
    response = await live.call("POST", f"/v1/tokens/{app_token}/wallet/psp/stripe/setup-intent")
    assert response.status_code == 200, response.text
    customer = response.json()["customerId"]
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


async def _customer(live: LiveServer, app_token: str = APP_TOKEN) -> str:
    response = await live.call("POST", f"/v1/tokens/{app_token}/wallet/psp/stripe/setup-intent")
    customer: str = response.json()["customerId"]
    return customer


async def _charging(live: LiveServer, stripe: StripeRecords, **station: Any) -> tuple[Any, str]:
    sim = live.station(**station)
    await sim.start()
    await sim.wait_booted()
    method_id = await _stripe_card(live, stripe, PAYS)
    response = await start_session(live, method_id)
    assert response.status_code == 201, response.text
    session_id: str = response.json()["chargeSessionId"]
    await wait_status(live, session_id, "CHARGING")
    return sim, session_id


async def _wait_payment(live: LiveServer, session_id: str, *statuses: str) -> dict[str, Any]:
    last: dict[str, Any] = {}
    async with asyncio.timeout(10):
        while True:
            response = await live.call("GET", f"/v1/tokens/{APP_TOKEN}/sessions/{session_id}")
            last = response.json()
            if (last.get("payment") or {}).get("status") in statuses:
                return last
            await asyncio.sleep(0.05)


async def test_saved_card_is_a_valid_psp_payment_method(paying: LiveServer, stripe_records: StripeRecords) -> None:
    await _stripe_card(paying, stripe_records, PAYS)
    (method,) = (await paying.call("GET", f"/v1/tokens/{APP_TOKEN}/wallet")).json()["data"]
    assert {k: method[k] for k in ("type", "psp", "cardHint", "cardShortHint", "verificationStatus")} == {
        "type": "PSP",
        "psp": "STRIPE",
        "cardHint": "VISA \u2022\u2022\u2022\u2022 4242",
        "cardShortHint": "4242",
        "verificationStatus": "VALID",
    }
    assert (method["expiryMonth"], method["expiryYear"]) == (12, 2034)


async def test_card_of_another_customer_is_refused(paying: LiveServer, stripe_records: StripeRecords) -> None:
    other = stripe_records.saved_card(PAYS)
    await paying.call("PUT", f"/v1/tokens/{APP_TOKEN}")
    response = await paying.call(
        "PUT", f"/v1/tokens/{APP_TOKEN}/wallet/psp/stripe", json={"pspPaymentMethodId": other.payment_method}
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_start_holds_the_locations_amount_before_the_charge_point_is_asked(
    paying: LiveServer, stripe_records: StripeRecords
) -> None:
    sim, session_id = await _charging(paying, stripe_records)
    (intent,) = stripe_records.payment_intents(await _customer(paying))
    assert (intent["status"], intent["amount"], intent["capture_method"]) == ("requires_capture", 5000, "manual")
    session = await wait_status(paying, session_id, "CHARGING")
    assert session["payment"]["status"] == "AUTHORIZED"
    assert session["payment"]["pspTransactionId"] == intent["id"]
    assert Decimal(session["payment"]["authorizedAmount"]) == Decimal(50)
    assert sim.count_received("RemoteStartTransaction") == 1


async def test_cdr_captures_exactly_the_total_and_releases_the_rest(
    paying: LiveServer, stripe_records: StripeRecords
) -> None:
    sim, session_id = await _charging(paying, stripe_records)
    await sim.wait_sent("MeterValues", 3)
    await paying.call("POST", f"/v1/tokens/{APP_TOKEN}/sessions/{session_id}/stop")
    session = await _wait_payment(paying, session_id, "CAPTURED", "FAILED", "RELEASED")
    total = Decimal(session["totalCosts"])
    assert session["payment"]["status"] == "CAPTURED"
    (intent,) = stripe_records.payment_intents(await _customer(paying))
    assert intent["status"] == "succeeded"
    assert intent["amount_received"] == int(total / CENTS)
    assert Decimal(session["payment"]["capturedAmount"]) == total


async def test_paid_session_has_a_receipt_naming_the_payment(paying: LiveServer, stripe_records: StripeRecords) -> None:
    sim, session_id = await _charging(paying, stripe_records)
    await sim.wait_sent("MeterValues", 2)
    await paying.call("POST", f"/v1/tokens/{APP_TOKEN}/sessions/{session_id}/stop")
    session = await _wait_payment(paying, session_id, "CAPTURED")
    receipt = (await paying.call("GET", f"/v1/tokens/{APP_TOKEN}/sessions/{session_id}/receipt")).json()
    assert receipt["paid"]["pspTransactionId"] == session["payment"]["pspTransactionId"]
    assert Decimal(receipt["paid"]["amount"]) == Decimal(session["totalCosts"])


async def test_declined_card_answers_402_and_creates_no_session(
    paying: LiveServer, stripe_records: StripeRecords
) -> None:
    sim = paying.station()
    await sim.start()
    await sim.wait_booted()
    method_id = await _stripe_card(paying, stripe_records, DECLINES_ON_PAYMENT)
    response = await start_session(paying, method_id)
    assert response.status_code == 402, response.text
    problem = response.json()
    assert problem["code"] == "payment_declined"
    assert problem["declineCode"]
    history = (await paying.call("GET", f"/v1/tokens/{APP_TOKEN}/sessions")).json()
    assert history["data"] == []
    await asyncio.sleep(0.3)
    assert sim.count_received("RemoteStartTransaction") == 0


async def test_rejected_start_releases_the_hold(paying: LiveServer, stripe_records: StripeRecords) -> None:
    sim = paying.station(reject_remote_start=True)
    await sim.start()
    await sim.wait_booted()
    method_id = await _stripe_card(paying, stripe_records, PAYS)
    response = await start_session(paying, method_id)
    session_id = response.json()["chargeSessionId"]
    await wait_status(paying, session_id, "REJECTED")
    session = await _wait_payment(paying, session_id, "RELEASED")
    assert session["payment"]["status"] == "RELEASED"
    (intent,) = stripe_records.payment_intents(await _customer(paying))
    assert intent["status"] == "canceled"


async def test_3ds_card_waits_in_requested_with_the_client_secret(
    paying: LiveServer, stripe_records: StripeRecords
) -> None:
    sim = paying.station()
    await sim.start()
    await sim.wait_booted()
    method_id = await _stripe_card(paying, stripe_records, NEEDS_AUTHENTICATION)
    response = await start_session(paying, method_id)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["status"], body["payment"]["status"]) == ("REQUESTED", "REQUIRES_ACTION")
    assert body["payment"]["clientSecret"]
    await asyncio.sleep(0.3)
    assert sim.count_received("RemoteStartTransaction") == 0


async def test_3ds_completed_in_the_app_starts_the_charge_on_the_next_poll(
    paying: LiveServer, stripe_records: StripeRecords
) -> None:
    sim = paying.station()
    await sim.start()
    await sim.wait_booted()
    method_id = await _stripe_card(paying, stripe_records, NEEDS_AUTHENTICATION)
    body = (await start_session(paying, method_id)).json()
    intent = stripe_records.payment_intents(await _customer(paying))[0]
    stripe_records.authenticate(intent["id"], body["payment"]["clientSecret"])
    session = await wait_status(paying, body["chargeSessionId"], "CHARGING")
    assert session["payment"]["status"] == "AUTHORIZED"
    assert sim.count_received("RemoteStartTransaction") == 1


async def test_start_holds_the_amount_the_operator_set_for_the_location(
    paying: LiveServer, stripe_records: StripeRecords
) -> None:
    response = await paying.call(
        "PATCH", f"/v1/operator/locations/{LOCATION_ID}", paying.operator_key, json={"pre_auth_amount": "12.34"}
    )
    assert response.status_code == 200, response.text
    _, session_id = await _charging(paying, stripe_records)
    (intent,) = stripe_records.payment_intents(await _customer(paying))
    assert (intent["status"], intent["amount"]) == ("requires_capture", 1234)
    session = await wait_status(paying, session_id, "CHARGING")
    assert Decimal(session["payment"]["authorizedAmount"]) == Decimal("12.34")
