"""Verifying inbound Stripe webhooks: Stripe's signature scheme, its 300 s tolerance, a typed event."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest

from chargeassist.demo._localstripe import LocalStripe
from chargeassist.payments import StripePaymentProvider
from chargeassist.payments.webhooks import StripeEvent, WebhookSignatureInvalid, verify_stripe_webhook
from tests.payments.conftest import PAYS, StripeRecords, http_server

SECRET = "whsec_test_secret"


def _event(kind: str = "payment_intent.succeeded", subject: dict[str, object] | None = None) -> bytes:
    subject = subject or {"id": "pi_123", "object": "payment_intent", "status": "succeeded", "amount": 1234}
    event = {"id": "evt_1", "object": "event", "type": kind, "created": 1_700_000_000, "data": {"object": subject}}
    return json.dumps(event).encode()


def _sign(payload: bytes, *, secret: str = SECRET, at: int | None = None) -> str:
    timestamp = int(time.time()) if at is None else at
    signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signature}"


def test_a_signed_payment_intent_event_is_read_into_its_fields() -> None:
    payload = _event()
    assert verify_stripe_webhook(payload, _sign(payload), SECRET) == StripeEvent(
        id="evt_1",
        type="payment_intent.succeeded",
        created=datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC),
        object_type="payment_intent",
        payment_intent_id="pi_123",
        status="succeeded",
    )


def test_an_event_about_a_charge_names_its_payment_intent() -> None:
    payload = _event("charge.refunded", {"id": "ch_1", "object": "charge", "payment_intent": "pi_9", "status": "x"})
    event = verify_stripe_webhook(payload.decode(), _sign(payload), SECRET)
    assert (event.object_type, event.payment_intent_id, event.status) == ("charge", "pi_9", None)


def test_an_unknown_event_type_is_still_read() -> None:
    payload = _event("customer.created", {"id": "cus_1", "object": "customer"})
    event = verify_stripe_webhook(payload, _sign(payload), SECRET)
    assert (event.type, event.payment_intent_id) == ("customer.created", None)


def test_a_signature_made_with_another_secret_is_refused() -> None:
    payload = _event()
    with pytest.raises(WebhookSignatureInvalid) as refused:
        verify_stripe_webhook(payload, _sign(payload, secret="whsec_other"), SECRET)
    assert refused.value.code == "webhook_signature_invalid"


def test_a_payload_changed_after_signing_is_refused() -> None:
    payload = _event()
    with pytest.raises(WebhookSignatureInvalid):
        verify_stripe_webhook(payload.replace(b"1234", b"9999"), _sign(payload), SECRET)


def test_a_signature_older_than_the_tolerance_is_refused() -> None:
    payload = _event()
    with pytest.raises(WebhookSignatureInvalid, match="tolerance"):
        verify_stripe_webhook(payload, _sign(payload, at=int(time.time()) - 301), SECRET)


def test_a_signature_within_the_tolerance_is_accepted() -> None:
    payload = _event()
    assert verify_stripe_webhook(payload, _sign(payload, at=int(time.time()) - 290), SECRET).id == "evt_1"


@pytest.mark.parametrize("header", [None, "", "garbage", "t=1"])
def test_a_missing_or_malformed_header_is_refused(header: str | None) -> None:
    with pytest.raises(WebhookSignatureInvalid):
        verify_stripe_webhook(_event(), header, SECRET)


def test_without_a_configured_secret_nothing_is_accepted() -> None:
    payload = _event()
    with pytest.raises(WebhookSignatureInvalid) as refused:
        verify_stripe_webhook(payload, _sign(payload, secret=""), "")
    assert refused.value.code == "webhook_not_configured"


def test_a_signed_payload_that_is_not_json_is_refused_as_invalid() -> None:
    payload = b"not json"
    with pytest.raises(WebhookSignatureInvalid) as refused:
        verify_stripe_webhook(payload, _sign(payload), SECRET)
    assert refused.value.code == "webhook_payload_invalid"


async def test_an_event_localstripe_delivers_is_verified_and_names_its_payment_intent(
    local_stripe: LocalStripe, stripe_provider: StripePaymentProvider, stripe_records: StripeRecords
) -> None:
    secret = "whsec_from_localstripe"
    with http_server() as receiver:
        registered = httpx.post(
            f"{local_stripe.upstream_base}/_config/webhooks/{uuid.uuid4().hex}",
            data={"url": receiver.base + "/stripe", "secret": secret, "events[0]": "payment_intent.succeeded"},
        )
        assert registered.status_code == 200
        card = stripe_records.saved_card(PAYS)
        charge = await stripe_provider.charge_off_session(
            amount=Decimal("4.20"),
            currency="EUR",
            customer=card.customer,
            payment_method=card.payment_method,
            idempotency_key=f"webhook-{uuid.uuid4()}",
        )
        deadline = time.monotonic() + 10
        while True:
            delivery = receiver.received.get(timeout=max(0.1, deadline - time.monotonic()))
            event = verify_stripe_webhook(delivery.body, delivery.headers.get("Stripe-Signature"), secret)
            if event.payment_intent_id == charge.reference:
                break
    assert (event.type, event.object_type, event.status) == ("payment_intent.succeeded", "payment_intent", "succeeded")
