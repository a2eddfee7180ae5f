"""Stripe's webhook endpoint, end to end: events signed as Stripe signs them, posted without an API key to the
live server; the signature, its tolerance, redeliveries, order, unknown types, and a 3-D Secure session moved on
by the webhook alone (no poll) until the charge point is asked."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select

from chargeassist.store import ProviderEvent, SessionPayment
from tests.csms._live import LiveServer, start_session
from tests.payments._flow import (
    fail_authentication,
    paying_server,
    post_webhook,
    register,
    sign,
    stripe_card,
    stripe_event,
)
from tests.payments.conftest import NEEDS_AUTHENTICATION, StripeRecords


@pytest.fixture
async def live(database_url: str, api_base: str, api_key: str) -> AsyncIterator[LiveServer]:
    async with paying_server(database_url, api_base, api_key) as server:
        yield server


def _intent(reference: str, status: str) -> dict[str, Any]:
    return {"id": reference, "object": "payment_intent", "status": status}


async def _acknowledged(live: LiveServer, payload: bytes) -> dict[str, Any]:
    response = await post_webhook(live, payload, sign(payload))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _refused(live: LiveServer, payload: bytes, signature: str | None) -> dict[str, Any]:
    response = await post_webhook(live, payload, signature)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = response.json()
    return problem


async def _kept(live: LiveServer, event_id: str) -> int:
    async with live.services.db.read() as session:
        found = await session.scalar(
            select(func.count()).select_from(ProviderEvent).where(ProviderEvent.id == event_id)
        )
        return int(found or 0)


async def _payment_status(live: LiveServer, reference: str) -> str:
    async with live.services.db.read() as session:
        return str(await session.scalar(select(SessionPayment.status).where(SessionPayment.reference == reference)))


async def _waiting_for_3ds(live: LiveServer, stripe: StripeRecords) -> tuple[Any, str, str, str]:
    """A session whose hold waits for the driver's 3-D Secure; returns the station, session, PaymentIntent and
    its client secret."""
    sim = live.station()
    await sim.start()
    await sim.wait_booted()
    method_id = await stripe_card(live, stripe, NEEDS_AUTHENTICATION)
    response = await start_session(live, method_id)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["payment"]["status"] == "REQUIRES_ACTION"
    (intent,) = stripe.payment_intents(await register(live))
    return sim, body["chargeSessionId"], intent["id"], body["payment"]["clientSecret"]


async def _remote_starts(sim: Any, count: int) -> None:
    async with asyncio.timeout(5):
        while sim.count_received("RemoteStartTransaction") < count:
            await asyncio.sleep(0.02)


async def test_valid_event_is_acknowledged(live: LiveServer) -> None:
    payload = stripe_event("evt_valid_1", "payment_intent.succeeded", _intent("pi_not_ours", "succeeded"))
    assert await _acknowledged(live, payload) == {"received": True, "duplicate": False}


async def test_endpoint_needs_no_api_key(live: LiveServer) -> None:
    payload = stripe_event("evt_no_key_1", "payment_intent.created", _intent("pi_not_ours", "requires_capture"))
    response = await post_webhook(live, payload, sign(payload))
    assert "authorization" not in response.request.headers
    assert response.status_code == 200, response.text


async def test_bad_signature_is_refused(live: LiveServer) -> None:
    payload = stripe_event("evt_bad_sig_1", "payment_intent.succeeded", _intent("pi_x", "succeeded"))
    problem = await _refused(live, payload, sign(payload, secret="whsec_someone_else"))
    assert problem["code"] == "webhook_signature_invalid"


async def test_payload_changed_after_signing_is_refused(live: LiveServer) -> None:
    payload = stripe_event("evt_tampered_1", "payment_intent.succeeded", _intent("pi_x", "succeeded"))
    signature = sign(payload)
    problem = await _refused(live, payload.replace(b"pi_x", b"pi_y"), signature)
    assert problem["code"] == "webhook_signature_invalid"


async def test_stale_timestamp_is_refused(live: LiveServer) -> None:
    payload = stripe_event("evt_stale_1", "payment_intent.succeeded", _intent("pi_x", "succeeded"))
    problem = await _refused(live, payload, sign(payload, at=int(time.time()) - 301))
    assert problem["code"] == "webhook_signature_invalid"
    assert "tolerance" in problem["detail"].lower()


async def test_timestamp_within_tolerance_is_taken(live: LiveServer) -> None:
    payload = stripe_event("evt_late_1", "payment_intent.succeeded", _intent("pi_x", "succeeded"))
    response = await post_webhook(live, payload, sign(payload, at=int(time.time()) - 240))
    assert response.status_code == 200, response.text


async def test_missing_signature_header_is_refused(live: LiveServer) -> None:
    payload = stripe_event("evt_unsigned_1", "payment_intent.succeeded", _intent("pi_x", "succeeded"))
    problem = await _refused(live, payload, None)
    assert problem["code"] == "webhook_signature_invalid"


async def test_refused_event_is_not_kept(live: LiveServer) -> None:
    payload = stripe_event("evt_refused_1", "payment_intent.succeeded", _intent("pi_x", "succeeded"))
    await _refused(live, payload, sign(payload, secret="whsec_someone_else"))
    assert await _kept(live, "evt_refused_1") == 0


async def test_api_key_does_not_replace_the_signature(live: LiveServer) -> None:
    payload = stripe_event("evt_key_only_1", "payment_intent.succeeded", _intent("pi_x", "succeeded"))
    response = await post_webhook(live, payload, None, authorization=f"Bearer {live.operator_key}")
    assert response.status_code == 400, response.text


async def test_event_larger_than_any_stripe_event_is_refused(live: LiveServer) -> None:
    obj = {**_intent("pi_x", "succeeded"), "description": "x" * (600 * 1024)}
    payload = stripe_event("evt_huge_1", "payment_intent.succeeded", obj)
    response = await post_webhook(live, payload, sign(payload))
    assert response.status_code == 413, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "payload_too_large"


async def test_unknown_event_type_is_acknowledged_and_ignored(live: LiveServer) -> None:
    payload = stripe_event("evt_unknown_1", "customer.tax_id.updated", {"id": "txi_1", "object": "tax_id"})
    assert await _acknowledged(live, payload) == {"received": True, "duplicate": False}


async def test_redelivered_event_is_acknowledged_as_a_duplicate(live: LiveServer) -> None:
    payload = stripe_event("evt_twice_1", "payment_intent.succeeded", _intent("pi_x", "succeeded"))
    await _acknowledged(live, payload)
    assert await _acknowledged(live, payload) == {"received": True, "duplicate": True}
    assert await _kept(live, "evt_twice_1") == 1


async def test_redelivered_event_is_acted_on_once(live: LiveServer, stripe_records: StripeRecords) -> None:
    sim, _, reference, secret = await _waiting_for_3ds(live, stripe_records)
    stripe_records.authenticate(reference, secret)
    payload = stripe_event("evt_twice_2", "payment_intent.amount_capturable_updated", _intent(reference, "x"))
    first, second = await _acknowledged(live, payload), await _acknowledged(live, payload)
    assert (first["duplicate"], second["duplicate"]) == (False, True)
    await _remote_starts(sim, 1)
    await asyncio.sleep(0.3)
    assert sim.count_received("RemoteStartTransaction") == 1


async def test_3ds_session_is_moved_on_by_the_webhook_alone(live: LiveServer, stripe_records: StripeRecords) -> None:
    sim, _, reference, secret = await _waiting_for_3ds(live, stripe_records)
    stripe_records.authenticate(reference, secret)
    await asyncio.sleep(0.3)
    assert await _payment_status(live, reference) == "REQUIRES_ACTION"  # nobody polled, nothing told it yet
    payload = stripe_event(
        "evt_3ds_1", "payment_intent.amount_capturable_updated", _intent(reference, "requires_capture")
    )
    await _acknowledged(live, payload)
    await _remote_starts(sim, 1)
    assert await _payment_status(live, reference) == "AUTHORIZED"


async def test_stale_failure_after_the_hold_leaves_it_authorized(
    live: LiveServer, stripe_records: StripeRecords
) -> None:
    sim, _, reference, secret = await _waiting_for_3ds(live, stripe_records)
    stripe_records.authenticate(reference, secret)
    placed = stripe_event(
        "evt_order_1", "payment_intent.amount_capturable_updated", _intent(reference, "requires_capture")
    )
    failed = stripe_event("evt_order_2", "payment_intent.payment_failed", _intent(reference, "requires_payment_method"))
    await _acknowledged(live, placed)
    await _acknowledged(live, failed)
    assert await _payment_status(live, reference) == "AUTHORIZED"
    await _remote_starts(sim, 1)


async def test_failure_delivered_first_converges_to_stripes_current_state(
    live: LiveServer, stripe_records: StripeRecords
) -> None:
    sim, _, reference, secret = await _waiting_for_3ds(live, stripe_records)
    stripe_records.authenticate(reference, secret)
    failed = stripe_event("evt_order_3", "payment_intent.payment_failed", _intent(reference, "requires_payment_method"))
    await _acknowledged(live, failed)
    # The event's own status is old news: the PaymentIntent is held now, and that is what the session follows.
    assert await _payment_status(live, reference) == "AUTHORIZED"
    await _remote_starts(sim, 1)


async def test_failed_authentication_told_by_webhook_ends_the_session_uncharged(
    live: LiveServer, stripe_records: StripeRecords
) -> None:
    sim, session_id, reference, secret = await _waiting_for_3ds(live, stripe_records)
    fail_authentication(stripe_records, reference, secret)
    failed = stripe_event("evt_3ds_fail_1", "payment_intent.payment_failed", _intent(reference, "x"))
    await _acknowledged(live, failed)
    assert await _payment_status(live, reference) == "FAILED"
    response = await live.call("GET", f"/v1/tokens/driver-1/sessions/{session_id}")
    assert response.json()["status"] == "REJECTED"
    assert sim.count_received("RemoteStartTransaction") == 0


async def test_without_a_signing_secret_no_event_is_taken(database_url: str, api_base: str, api_key: str) -> None:
    async with paying_server(database_url, api_base, api_key, stripe_webhook_secret="") as unconfigured:
        payload = stripe_event("evt_unconfigured_1", "payment_intent.succeeded", _intent("pi_x", "succeeded"))
        problem = await _refused(unconfigured, payload, sign(payload))
        assert problem["code"] == "webhook_not_configured"
