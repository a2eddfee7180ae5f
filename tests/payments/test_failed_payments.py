"""A capture that fails for real (the hold was cancelled in Stripe behind the service's back) becomes a failed
payment the token owes: listed, blocking new Stripe starts, and paid by a retry, asked for or on the schedule.
End to end with a simulated charge point, localstripe and a partner's webhook receiver."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from tests._processes import free_port
from tests.csms._live import EVSES, LiveServer, start_session
from tests.payments._flow import (
    APP_TOKEN,
    FAST_METER,
    cancel_behind_the_back,
    cents,
    charging,
    delete_customer_behind_the_back,
    failed_payments,
    paying_server,
    register,
    session_view,
    stop,
    stripe_card,
    wait_payment,
)
from tests.payments.conftest import DECLINES_ON_PAYMENT, PAYS, StripeRecords
from tests.services._webhook_receiver import Receiver, serving

# The session that failed to pay leaves its EVSE Finishing for a while; the next start takes the other one.
FREE_EVSE = EVSES[1]


def _deliver_to_loopback(live: LiveServer) -> None:
    webhooks = live.services.webhooks
    # The app refuses loopback webhook URLs (a production default); the test's receiver is on loopback.
    webhooks.config = dataclasses.replace(webhooks.config, allow_private_urls=True, poll_interval_s=0.05)


@pytest.fixture
async def live(database_url: str, api_base: str, api_key: str) -> AsyncIterator[LiveServer]:
    """Failed payments are retried automatically only after an hour: within a test, only when asked."""
    async with paying_server(database_url, api_base, api_key) as server:
        _deliver_to_loopback(server)
        yield server


@pytest.fixture
async def soon(database_url: str, api_base: str, api_key: str) -> AsyncIterator[LiveServer]:
    """A failed payment is retried automatically a second after it failed."""
    async with paying_server(database_url, api_base, api_key, payment_retry_schedule=(timedelta(seconds=1),)) as server:
        yield server


@pytest.fixture
async def small_hold(database_url: str, api_base: str, api_key: str) -> AsyncIterator[LiveServer]:
    """A hold of 0.50, not raised while charging: a session passes it and the difference is charged on top."""
    async with paying_server(database_url, api_base, api_key, preauth_amount=Decimal("0.50")) as server:
        held = server.services.sessions.payments
        assert held is not None
        held.hold_check_interval_s = 3600.0
        yield server


async def _failed_top_up(live: LiveServer, stripe: StripeRecords) -> dict[str, Any]:
    """A session over its hold whose Stripe customer was deleted before the CDR: the hold is captured, the
    charge on top of it fails."""
    sim, session_id = await charging(live, stripe, time_scale=FAST_METER)
    await sim.wait_sent("MeterValues", 30)
    delete_customer_behind_the_back(stripe, await register(live))
    await stop(live, session_id)
    return await wait_payment(live, session_id, "PARTIALLY_FAILED", "CAPTURED", "FAILED")


async def _failed_capture(live: LiveServer, stripe: StripeRecords) -> dict[str, Any]:
    """A session charged on a good card whose hold was cancelled in Stripe before the CDR; returns the session
    once its payment failed."""
    sim, session_id = await charging(live, stripe)
    await sim.wait_sent("MeterValues", 3)
    view = await session_view(live, session_id)
    cancel_behind_the_back(stripe, view["payment"]["pspTransactionId"])
    await stop(live, session_id)
    return await wait_payment(live, session_id, "FAILED", "CAPTURED", "PARTIALLY_FAILED")


async def _retry(live: LiveServer, payment_id: str, app_token: str = APP_TOKEN, **body: str) -> Any:
    return await live.call(
        "POST", f"/v1/tokens/{app_token}/failed-payments/{payment_id}/retry", json=body if body else None
    )


async def test_failed_capture_leaves_the_payment_failed(live: LiveServer, stripe_records: StripeRecords) -> None:
    session = await _failed_capture(live, stripe_records)
    assert session["payment"]["status"] == "FAILED"
    assert Decimal(session["payment"]["capturedAmount"]) == 0
    assert session["payment"]["failureCode"]


async def test_failed_top_up_leaves_the_payment_partially_failed(
    small_hold: LiveServer, stripe_records: StripeRecords
) -> None:
    session = await _failed_top_up(small_hold, stripe_records)
    assert session["payment"]["status"] == "PARTIALLY_FAILED"
    assert Decimal(session["payment"]["capturedAmount"]) == Decimal("0.50")
    (failed,) = await failed_payments(small_hold)
    assert (failed["status"], Decimal(failed["amountPaid"])) == ("PARTIALLY_FAILED", Decimal("0.50"))
    assert Decimal(failed["amountOutstanding"]) == Decimal(session["totalCosts"]) - Decimal("0.50")


async def test_failed_payment_is_listed_with_what_is_owed(live: LiveServer, stripe_records: StripeRecords) -> None:
    session = await _failed_capture(live, stripe_records)
    (failed,) = await failed_payments(live)
    total = Decimal(session["totalCosts"])
    assert total > 0
    assert failed["chargeSessionId"] == session["chargeSessionId"]
    assert failed["status"] == "FAILED"
    assert (Decimal(failed["amountDue"]), Decimal(failed["amountPaid"])) == (total, Decimal(0))
    assert Decimal(failed["amountOutstanding"]) == total
    assert failed["nextRetryAt"] is not None


async def test_token_owing_a_payment_cannot_start_with_a_stripe_card(
    live: LiveServer, stripe_records: StripeRecords
) -> None:
    await _failed_capture(live, stripe_records)
    method_id = await stripe_card(live, stripe_records, PAYS)
    response = await start_session(live, method_id, evse_uid=FREE_EVSE)
    assert response.status_code == 402, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "failed_payment_outstanding"


async def test_token_owing_a_payment_still_starts_with_an_external_method(
    live: LiveServer, stripe_records: StripeRecords
) -> None:
    await _failed_capture(live, stripe_records)
    response = await live.call(
        "PUT", f"/v1/tokens/{APP_TOKEN}/wallet/external", json={"externalPaymentMethodId": "ext-1"}
    )
    assert response.status_code in (200, 201), response.text
    response = await start_session(live, response.json()["id"], evse_uid=FREE_EVSE)
    assert response.status_code == 201, response.text


async def test_retry_pays_the_failed_payment(live: LiveServer, stripe_records: StripeRecords) -> None:
    session = await _failed_capture(live, stripe_records)
    (failed,) = await failed_payments(live)
    response = await _retry(live, failed["id"])
    assert response.status_code == 200, response.text
    paid = response.json()
    assert (paid["status"], Decimal(paid["amountOutstanding"])) == ("CAPTURED", Decimal(0))
    after = await session_view(live, session["chargeSessionId"])
    assert after["payment"]["status"] == "CAPTURED"
    assert Decimal(after["payment"]["capturedAmount"]) == Decimal(session["totalCosts"])
    assert await failed_payments(live) == []


async def test_retry_charges_the_total_off_session_once(live: LiveServer, stripe_records: StripeRecords) -> None:
    session = await _failed_capture(live, stripe_records)
    (failed,) = await failed_payments(live)
    assert (await _retry(live, failed["id"])).status_code == 200
    assert (await _retry(live, failed["id"])).status_code == 200
    intents = stripe_records.payment_intents(await register(live))
    charged = [pi for pi in intents if pi["status"] == "succeeded"]
    assert [pi["amount_received"] for pi in charged] == [cents(session["totalCosts"])]
    assert charged[0]["capture_method"] == "automatic"


async def test_paid_retry_issues_the_receipt(live: LiveServer, stripe_records: StripeRecords) -> None:
    session = await _failed_capture(live, stripe_records)
    session_id = session["chargeSessionId"]
    (failed,) = await failed_payments(live)
    assert (await live.call("GET", f"/v1/tokens/{APP_TOKEN}/sessions/{session_id}/receipt")).status_code == 404
    await _retry(live, failed["id"])
    response = await live.call("GET", f"/v1/tokens/{APP_TOKEN}/sessions/{session_id}/receipt")
    assert response.status_code == 200, response.text
    receipt = response.json()
    assert Decimal(receipt["paid"]["amount"]) == Decimal(session["totalCosts"])
    assert (await session_view(live, session_id))["receiptNumber"] == receipt["receiptNumber"]


async def test_failure_and_paid_retry_are_announced_to_the_partner(
    live: LiveServer, stripe_records: StripeRecords
) -> None:
    receiver = Receiver(port=free_port())
    with serving(receiver):
        response = await live.call(
            "PUT",
            "/v1/webhooks/endpoints/payments",
            json={"url": receiver.url, "events": ["payment.failed", "payment.succeeded"]},
        )
        assert response.status_code == 201, response.text
        session = await _failed_capture(live, stripe_records)
        (failed,) = await failed_payments(live)
        await _retry(live, failed["id"])
        got = await receiver.wait_for(2)
    events = [r.event for r in got]
    assert [e["type"] for e in events] == ["payment.failed", "payment.succeeded"]
    assert {e["data"]["chargeSessionId"] for e in events} == {session["chargeSessionId"]}
    assert events[1]["data"]["status"] == "CAPTURED"


async def test_declined_retry_answers_402_payment_declined(live: LiveServer, stripe_records: StripeRecords) -> None:
    await _failed_capture(live, stripe_records)
    declining = await stripe_card(live, stripe_records, DECLINES_ON_PAYMENT)
    (failed,) = await failed_payments(live)
    response = await _retry(live, failed["id"], paymentMethodId=declining)
    assert response.status_code == 402, response.text
    problem = response.json()
    assert (problem["code"], problem["status"]) == ("payment_declined", 402)
    assert problem["declineCode"]
    (still,) = await failed_payments(live)
    assert (still["status"], still["retries"]) == ("FAILED", 1)


async def test_retry_with_another_card_of_the_wallet_pays_with_it(
    live: LiveServer, stripe_records: StripeRecords
) -> None:
    await _failed_capture(live, stripe_records)
    declining = await stripe_card(live, stripe_records, DECLINES_ON_PAYMENT)
    (failed,) = await failed_payments(live)
    await _retry(live, failed["id"], paymentMethodId=declining)
    other = await stripe_card(live, stripe_records, PAYS)
    response = await _retry(live, failed["id"], paymentMethodId=other)
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["paymentMethodId"]) == ("CAPTURED", other)


async def test_declined_retry_with_another_card_leaves_the_payment_on_its_own(
    live: LiveServer, stripe_records: StripeRecords
) -> None:
    await _failed_capture(live, stripe_records)
    (failed,) = await failed_payments(live)
    declining = await stripe_card(live, stripe_records, DECLINES_ON_PAYMENT)
    await _retry(live, failed["id"], paymentMethodId=declining)
    response = await _retry(live, failed["id"])
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["paymentMethodId"]) == ("CAPTURED", failed["paymentMethodId"])


async def test_paid_token_starts_with_a_stripe_card_again(live: LiveServer, stripe_records: StripeRecords) -> None:
    await _failed_capture(live, stripe_records)
    (failed,) = await failed_payments(live)
    await _retry(live, failed["id"])
    method_id = await stripe_card(live, stripe_records, PAYS)
    response = await start_session(live, method_id, evse_uid=FREE_EVSE)
    assert response.status_code == 201, response.text


async def test_another_tokens_failed_payment_is_not_found(live: LiveServer, stripe_records: StripeRecords) -> None:
    await _failed_capture(live, stripe_records)
    (failed,) = await failed_payments(live)
    await register(live, "driver-2")
    response = await _retry(live, failed["id"], app_token="driver-2")
    assert response.status_code == 404, response.text
    assert response.json()["code"] == "failed_payment_not_found"
    assert await failed_payments(live, "driver-2") == []


async def test_unknown_failed_payment_is_not_found(live: LiveServer, stripe_records: StripeRecords) -> None:
    await register(live)
    response = await _retry(live, "pay_000000000000000000000000")
    assert response.status_code == 404, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_retry_with_a_card_of_another_wallet_is_refused(live: LiveServer, stripe_records: StripeRecords) -> None:
    await _failed_capture(live, stripe_records)
    theirs = await stripe_card(live, stripe_records, PAYS, app_token="driver-2")
    (failed,) = await failed_payments(live)
    response = await _retry(live, failed["id"], paymentMethodId=theirs)
    assert response.status_code == 404, response.text
    (still,) = await failed_payments(live)
    assert still["status"] == "FAILED"


async def test_failed_payment_is_paid_on_the_schedule_without_a_call(
    soon: LiveServer, stripe_records: StripeRecords
) -> None:
    session = await _failed_capture(soon, stripe_records)
    assert session["payment"]["status"] == "FAILED"
    paid = await wait_payment(soon, session["chargeSessionId"], "CAPTURED", timeout_s=15)
    assert Decimal(paid["payment"]["capturedAmount"]) == Decimal(session["totalCosts"])
    assert await failed_payments(soon) == []
    await asyncio.sleep(1.5)  # a second round of the schedule finds nothing to charge
    intents = stripe_records.payment_intents(await register(soon))
    assert sum(pi["amount_received"] for pi in intents) == cents(session["totalCosts"])
