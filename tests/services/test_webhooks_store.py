"""Webhook endpoints, the outbox and the delivery log on both stores (SQLite and PostgreSQL), through the service."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from chargeassist.services import PartnerService, ServiceError
from chargeassist.services._paging import ContinuationCodec
from chargeassist.services._webhooks import (
    EVENT_TYPES,
    MAX_ENDPOINTS_PER_PARTNER,
    WebhookConfig,
    WebhookService,
    check_url,
    enqueue,
    event_body,
    sign,
)
from chargeassist.store import Database, WebhookDelivery, WebhookEvent, utcnow

URL = "https://hooks.partner.example/charge-assist"


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()


@pytest.fixture
def webhooks(db: Database) -> WebhookService:
    return WebhookService(db, WebhookConfig())


@pytest.fixture
async def partner(db: Database) -> str:
    return (await PartnerService(db).create("Hooked Partner")).identity.partner_id


@pytest.fixture
async def other_partner(db: Database) -> str:
    return (await PartnerService(db).create("Other Partner")).identity.partner_id


@pytest.fixture
def codec() -> ContinuationCodec:
    return ContinuationCodec("a test secret for continuation tokens")


async def _count(db: Database, table: type[WebhookEvent] | type[WebhookDelivery]) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


# --- endpoints ---------------------------------------------------------------------------------


async def test_a_new_endpoint_shows_its_secret(webhooks: WebhookService, partner: str) -> None:
    view, created = await webhooks.put_endpoint(partner, "main", URL, ["session.status_changed"])
    assert created
    assert view.secret is not None
    assert view.secret.startswith("whsec_")
    assert len(view.secret) > 40


async def test_an_updated_endpoint_keeps_its_secret_hidden(webhooks: WebhookService, partner: str) -> None:
    await webhooks.put_endpoint(partner, "main", URL, ["session.status_changed"])
    view, created = await webhooks.put_endpoint(partner, "main", URL + "/v2", ["payment.failed"])
    assert not created
    assert view.secret is None
    assert (view.url, view.events) == (URL + "/v2", ("payment.failed",))


async def test_a_read_endpoint_never_shows_its_secret(webhooks: WebhookService, partner: str) -> None:
    await webhooks.put_endpoint(partner, "main", URL, ["session.status_changed"])
    assert (await webhooks.get_endpoint(partner, "main")).secret is None
    assert [e.secret for e in await webhooks.list_endpoints(partner)] == [None]


async def test_another_partners_endpoint_is_not_found(
    webhooks: WebhookService, partner: str, other_partner: str
) -> None:
    await webhooks.put_endpoint(partner, "main", URL, ["session.status_changed"])
    with pytest.raises(ServiceError) as refused:
        await webhooks.get_endpoint(other_partner, "main")
    assert (refused.value.status, refused.value.code) == (404, "webhook_endpoint_not_found")
    assert await webhooks.list_endpoints(other_partner) == []


async def test_two_partners_may_use_the_same_endpoint_id(
    webhooks: WebhookService, partner: str, other_partner: str
) -> None:
    await webhooks.put_endpoint(partner, "main", URL, ["session.status_changed"])
    _, created = await webhooks.put_endpoint(other_partner, "main", URL, ["payment.failed"])
    assert created
    assert (await webhooks.get_endpoint(partner, "main")).events == ("session.status_changed",)


async def test_unknown_event_types_are_refused(webhooks: WebhookService, partner: str) -> None:
    with pytest.raises(ServiceError) as refused:
        await webhooks.put_endpoint(partner, "main", URL, ["session.status_changed", "session.exploded"])
    assert (refused.value.status, refused.value.code, refused.value.field) == (400, "unknown_event_type", "events")


async def test_no_event_types_is_refused(webhooks: WebhookService, partner: str) -> None:
    with pytest.raises(ServiceError) as refused:
        await webhooks.put_endpoint(partner, "main", URL, [])
    assert refused.value.code == "no_event_types"


async def test_a_partner_has_a_bounded_number_of_endpoints(webhooks: WebhookService, partner: str) -> None:
    for number in range(MAX_ENDPOINTS_PER_PARTNER):
        await webhooks.put_endpoint(partner, f"e{number}", URL, ["payment.failed"])
    with pytest.raises(ServiceError) as refused:
        await webhooks.put_endpoint(partner, "one-more", URL, ["payment.failed"])
    assert (refused.value.status, refused.value.code) == (409, "webhook_endpoint_limit")


async def test_rotating_gives_a_new_secret_once(webhooks: WebhookService, partner: str) -> None:
    first, _ = await webhooks.put_endpoint(partner, "main", URL, ["payment.failed"])
    rotated = await webhooks.rotate_secret(partner, "main")
    assert rotated.secret is not None
    assert rotated.secret != first.secret


async def test_deleting_an_endpoint_removes_its_deliveries(
    db: Database, webhooks: WebhookService, partner: str
) -> None:
    await webhooks.put_endpoint(partner, "main", URL, ["payment.failed"])
    async with db.transaction() as session:
        await enqueue(session, partner, "payment.failed", {"sessionId": "s1"})
    await webhooks.delete_endpoint(partner, "main")
    assert await _count(db, WebhookDelivery) == 0


async def test_deleting_another_partners_endpoint_is_not_found(
    webhooks: WebhookService, partner: str, other_partner: str
) -> None:
    await webhooks.put_endpoint(partner, "main", URL, ["payment.failed"])
    with pytest.raises(ServiceError) as refused:
        await webhooks.delete_endpoint(other_partner, "main")
    assert refused.value.status == 404
    assert (await webhooks.get_endpoint(partner, "main")).endpoint_id == "main"


# --- the outbox -------------------------------------------------------------------------------


async def test_enqueue_fans_out_to_the_subscribed_endpoints_only(
    db: Database, webhooks: WebhookService, partner: str
) -> None:
    await webhooks.put_endpoint(partner, "statuses", URL, ["session.status_changed"])
    await webhooks.put_endpoint(partner, "all", URL + "/all", list(EVENT_TYPES))
    await webhooks.put_endpoint(partner, "payments", URL + "/pay", ["payment.failed"])
    async with db.transaction() as session:
        event_id = await enqueue(session, partner, "session.status_changed", {"status": "CHARGING"})
    assert event_id is not None
    assert (await _count(db, WebhookEvent), await _count(db, WebhookDelivery)) == (1, 2)


async def test_enqueue_writes_nothing_for_a_partner_without_endpoints(db: Database, partner: str) -> None:
    async with db.transaction() as session:
        assert await enqueue(session, partner, "session.status_changed", {"status": "CHARGING"}) is None
    assert await _count(db, WebhookEvent) == 0


async def test_enqueue_writes_nothing_for_another_partners_endpoints(
    db: Database, webhooks: WebhookService, partner: str, other_partner: str
) -> None:
    await webhooks.put_endpoint(other_partner, "main", URL, ["session.status_changed"])
    async with db.transaction() as session:
        assert await enqueue(session, partner, "session.status_changed", {"status": "CHARGING"}) is None
    assert await _count(db, WebhookDelivery) == 0


async def test_an_event_rolled_back_with_its_change_is_not_announced(
    db: Database, webhooks: WebhookService, partner: str
) -> None:
    await webhooks.put_endpoint(partner, "main", URL, ["session.status_changed"])

    class ChangeFailed(Exception):
        pass

    async def change_that_fails() -> None:
        async with db.transaction() as session:
            await enqueue(session, partner, "session.status_changed", {"status": "CHARGING"})
            raise ChangeFailed

    with pytest.raises(ChangeFailed):
        await change_that_fails()
    assert (await _count(db, WebhookEvent), await _count(db, WebhookDelivery)) == (0, 0)


async def test_an_unknown_event_type_cannot_be_enqueued(db: Database, partner: str) -> None:
    async with db.transaction() as session:
        with pytest.raises(ValueError, match="unknown webhook event type"):
            await enqueue(session, partner, "session.exploded", {})


async def test_the_payload_keeps_money_exact(db: Database, webhooks: WebhookService, partner: str) -> None:
    await webhooks.put_endpoint(partner, "main", URL, ["payment.succeeded"])
    async with db.transaction() as session:
        await enqueue(session, partner, "payment.succeeded", {"amount": Decimal("12.345")})
    async with db.read() as session:
        stored = await session.scalar(select(WebhookEvent.payload))
    assert stored == '{"amount":"12.345"}'


# --- the delivery log -----------------------------------------------------------------------------


async def _three_deliveries(db: Database, webhooks: WebhookService, partner: str) -> None:
    await webhooks.put_endpoint(partner, "main", URL, ["session.status_changed"])
    for status in ("STARTING", "CHARGING", "COMPLETED"):
        async with db.transaction() as session:
            await enqueue(session, partner, "session.status_changed", {"status": status})


async def test_the_delivery_log_is_newest_first_in_pages(
    db: Database, webhooks: WebhookService, partner: str, codec: ContinuationCodec
) -> None:
    await _three_deliveries(db, webhooks, partner)
    first, token = await webhooks.list_deliveries(partner, "main", codec, page_size=2, continuation_token=None)
    second, end = await webhooks.list_deliveries(partner, "main", codec, page_size=2, continuation_token=token)
    assert token is not None
    assert end is None
    created = [d.created_at for d in first + second]
    assert created == sorted(created, reverse=True)
    assert len(created) == 3
    assert {d.status for d in first + second} == {"PENDING"}


async def test_the_delivery_log_of_another_partners_endpoint_is_not_found(
    db: Database, webhooks: WebhookService, partner: str, other_partner: str, codec: ContinuationCodec
) -> None:
    await _three_deliveries(db, webhooks, partner)
    with pytest.raises(ServiceError) as refused:
        await webhooks.list_deliveries(other_partner, "main", codec, page_size=10, continuation_token=None)
    assert refused.value.status == 404


async def test_a_continuation_token_of_another_query_is_refused(
    db: Database, webhooks: WebhookService, partner: str, codec: ContinuationCodec
) -> None:
    await _three_deliveries(db, webhooks, partner)
    _, token = await webhooks.list_deliveries(partner, "main", codec, page_size=1, continuation_token=None)
    with pytest.raises(ServiceError) as refused:
        await webhooks.list_deliveries(partner, "main", codec, page_size=2, continuation_token=token)
    assert (refused.value.status, refused.value.code) == (400, "invalid_continuation_token")


async def test_replaying_another_partners_delivery_is_not_found(
    db: Database, webhooks: WebhookService, partner: str, other_partner: str, codec: ContinuationCodec
) -> None:
    await _three_deliveries(db, webhooks, partner)
    page, _ = await webhooks.list_deliveries(partner, "main", codec, page_size=1, continuation_token=None)
    with pytest.raises(ServiceError) as refused:
        await webhooks.replay(other_partner, page[0].id)
    assert (refused.value.status, refused.value.code) == (404, "webhook_delivery_not_found")


# --- signing and URLs (no store) -------------------------------------------------------------------


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    body = b'{"id":"evt_1"}'
    expected = hmac.new(b"whsec_k", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert sign("whsec_k", 1_700_000_000, body) == f"t=1700000000,v1={expected}"


def test_the_body_is_id_type_created_at_and_data() -> None:
    at = utcnow().replace(year=2026, month=12, day=1, hour=13, minute=0, second=0, microsecond=0)
    body = event_body("evt_1", "payment.failed", at, '{"amount":"1.00"}')
    assert body == b'{"id":"evt_1","type":"payment.failed","createdAt":"2026-12-01T13:00:00Z","data":{"amount":"1.00"}}'


@pytest.mark.parametrize(
    "url",
    [
        "ftp://hooks.example/x",
        "file:///etc/passwd",
        "hooks.example/x",
        "https://user:pw@hooks.example/x",
        "http://127.0.0.1/x",
        "http://[::1]/x",
        "http://10.1.2.3/x",
        "http://192.168.0.10/x",
        "http://169.254.169.254/latest/meta-data",
        "http://[::ffff:127.0.0.1]/x",
        "http://localhost:8080/x",
        "http://0.0.0.0/x",
    ],
)
def test_urls_that_are_not_public_http_are_refused(url: str) -> None:
    with pytest.raises(ServiceError) as refused:
        check_url(url, allow_private=False)
    assert (refused.value.status, refused.value.code, refused.value.field) == (400, "webhook_url_refused", "url")


def test_loopback_is_accepted_when_allowed() -> None:
    check_url("http://127.0.0.1:8080/x", allow_private=True)


def test_a_public_https_url_is_accepted() -> None:
    check_url(URL, allow_private=False)


def test_other_schemes_are_refused_even_when_private_addresses_are_allowed() -> None:
    with pytest.raises(ServiceError):
        check_url("gopher://127.0.0.1/x", allow_private=True)
