"""verify_webhook: what the service signs verifies, and anything altered, stale or malformed is refused."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
from litestar.testing import AsyncTestClient

from chargeassist.app import create_app
from chargeassist.services._webhooks import WebhookConfig, enqueue
from chargeassist.settings import Settings
from chargeassist_sdk import ChargeAssistError, WebhookVerificationError, verify_webhook
from tests._processes import free_port
from tests.conftest import bearer
from tests.services._webhook_receiver import Receiver, serving

SECRET = "whsec_test-secret"
BODY = b'{"id":"evt_1","type":"payment.failed","createdAt":"2026-12-01T13:00:00Z","data":{"amount":"1.00"}}'


def _header(body: bytes = BODY, secret: str = SECRET, at: int | None = None) -> str:
    timestamp = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def test_a_signed_payload_gives_its_event() -> None:
    assert verify_webhook(BODY, _header(), SECRET) == json.loads(BODY)


def test_the_error_is_the_sdks() -> None:
    assert issubclass(WebhookVerificationError, ChargeAssistError)


def test_a_wrong_secret_is_refused() -> None:
    with pytest.raises(WebhookVerificationError, match="does not match"):
        verify_webhook(BODY, _header(secret="whsec_other"), SECRET)


def test_an_altered_body_is_refused() -> None:
    with pytest.raises(WebhookVerificationError, match="does not match"):
        verify_webhook(BODY.replace(b"1.00", b"0.01"), _header(), SECRET)


def test_an_altered_timestamp_is_refused() -> None:
    now = int(time.time())
    signature = _header(at=now).split(",v1=")[1]
    with pytest.raises(WebhookVerificationError, match="does not match"):
        verify_webhook(BODY, f"t={now - 1},v1={signature}", SECRET)


def test_a_stale_timestamp_is_refused() -> None:
    with pytest.raises(WebhookVerificationError, match="tolerance"):
        verify_webhook(BODY, _header(at=int(time.time()) - 301), SECRET)


def test_a_timestamp_from_the_future_is_refused() -> None:
    with pytest.raises(WebhookVerificationError, match="tolerance"):
        verify_webhook(BODY, _header(at=int(time.time()) + 301), SECRET)


def test_the_tolerance_is_the_callers() -> None:
    old = _header(at=int(time.time()) - 3600)
    assert verify_webhook(BODY, old, SECRET, tolerance=7200)["id"] == "evt_1"
    assert verify_webhook(BODY, old, SECRET, tolerance=0)["id"] == "evt_1"


def test_any_of_several_signatures_may_match() -> None:
    header = _header()
    timestamp, good = header.split(",")
    assert verify_webhook(BODY, f"{timestamp},v1={'0' * 64},{good}", SECRET)["id"] == "evt_1"


@pytest.mark.parametrize("header", ["", "t=,v1=", "v1=abc", "t=123", "t=soon,v1=abc", "garbage"])
def test_a_malformed_header_is_refused(header: str) -> None:
    with pytest.raises(WebhookVerificationError):
        verify_webhook(BODY, header, SECRET)


def test_a_signed_payload_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(WebhookVerificationError, match="not a JSON object"):
        verify_webhook(b"[1]", _header(b"[1]"), SECRET)


async def test_a_webhook_the_service_sent_verifies(settings: Settings) -> None:
    receiver = Receiver(port=free_port())
    app = create_app(settings, webhooks=WebhookConfig(allow_private_urls=True, poll_interval_s=0.05))
    with serving(receiver):
        async with AsyncTestClient(app=app) as client:
            created = await app.state.services.partners.create("SDK Partner")
            response = await client.put(
                "/v1/webhooks/endpoints/main",
                json={"url": receiver.url, "events": ["session.cdr_available"]},
                headers=bearer(created.api_key),
            )
            secret = response.json()["secret"]
            async with app.state.services.db.transaction() as session:
                await enqueue(session, created.identity.partner_id, "session.cdr_available", {"sessionId": "s1"})
            [got] = await receiver.wait_for(1)
    event = verify_webhook(got.body, got.headers["Charge-Assist-Signature"], secret)
    assert (event["type"], event["data"]) == ("session.cdr_available", {"sessionId": "s1"})
    with pytest.raises(WebhookVerificationError):
        verify_webhook(got.body, got.headers["Charge-Assist-Signature"], "whsec_wrong")
