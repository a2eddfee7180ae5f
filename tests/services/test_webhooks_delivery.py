"""The delivery worker against a real local HTTP server: signed, retried with backoff, in order, and durable."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import select

from chargeassist.services import PartnerService
from chargeassist.services._paging import ContinuationCodec
from chargeassist.services._webhooks import WebhookConfig, WebhookService, enqueue
from chargeassist.store import Database, WebhookDelivery, upgrade
from tests.conftest import fresh_postgres_database
from tests.services._webhook_receiver import Receiver, serving

from .._processes import free_port

FAST = WebhookConfig(
    allow_private_urls=True,
    poll_interval_s=0.05,
    request_timeout_s=2.0,
    initial_backoff_s=0.3,
    max_backoff_s=0.6,
    lease_s=5.0,
)
CODEC = ContinuationCodec("a test secret for continuation tokens")


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()


@pytest.fixture
async def partner(db: Database) -> str:
    return (await PartnerService(db).create("Hooked Partner")).identity.partner_id


@pytest.fixture
def receiver() -> Receiver:
    return Receiver(port=free_port())


async def _endpoint(webhooks: WebhookService, partner: str, receiver: Receiver, endpoint_id: str = "main") -> str:
    view, _ = await webhooks.put_endpoint(partner, endpoint_id, receiver.url, ["session.status_changed"])
    assert view.secret is not None
    return view.secret


async def _announce(db: Database, partner: str, *statuses: str) -> list[str]:
    ids = []
    for status in statuses:
        async with db.transaction() as session:
            event_id = await enqueue(session, partner, "session.status_changed", {"status": status})
            assert event_id is not None
            ids.append(event_id)
    return ids


@pytest.fixture
async def worker(db: Database) -> AsyncIterator[WebhookService]:
    webhooks = WebhookService(db, FAST)
    await webhooks.start()
    yield webhooks
    await webhooks.stop()


async def _deliveries(db: Database) -> list[WebhookDelivery]:
    async with db.read() as session:
        return list((await session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.pk))).all())


async def test_an_event_is_delivered_signed(
    db: Database, worker: WebhookService, partner: str, receiver: Receiver
) -> None:
    with serving(receiver):
        secret = await _endpoint(worker, partner, receiver)
        [event_id] = await _announce(db, partner, "CHARGING")
        [got] = await receiver.wait_for(1)
    assert got.signature_matches(secret)
    assert got.event["id"] == event_id
    assert (got.event["type"], got.event["data"]) == ("session.status_changed", {"status": "CHARGING"})
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["Charge-Assist-Event-Id"] == event_id


async def test_a_delivered_event_is_logged_delivered(
    db: Database, worker: WebhookService, partner: str, receiver: Receiver
) -> None:
    with serving(receiver):
        await _endpoint(worker, partner, receiver)
        await _announce(db, partner, "CHARGING")
        await receiver.wait_for(1)
        await asyncio.sleep(0.2)
    [logged], _ = await worker.list_deliveries(partner, "main", CODEC, page_size=10, continuation_token=None)
    assert (logged.status, logged.attempts, logged.last_status_code, logged.last_error) == ("DELIVERED", 1, 200, None)
    assert logged.delivered_at is not None
    assert logged.next_attempt_at is None


async def test_a_wrong_secret_does_not_match_the_signature(
    db: Database, worker: WebhookService, partner: str, receiver: Receiver
) -> None:
    with serving(receiver):
        await _endpoint(worker, partner, receiver)
        await _announce(db, partner, "CHARGING")
        [got] = await receiver.wait_for(1)
    assert not got.signature_matches("whsec_not-the-secret")


async def test_a_500_is_retried_with_backoff_and_delivered_once(
    db: Database, worker: WebhookService, partner: str, receiver: Receiver
) -> None:
    receiver.statuses = [500]
    with serving(receiver):
        await _endpoint(worker, partner, receiver)
        await _announce(db, partner, "CHARGING")
        [delivered] = await receiver.wait_for(1)
        await asyncio.sleep(FAST.max_backoff_s * 2)
    failed, retried = receiver.received
    assert failed.headers["x-answered"] == "500"
    # Half the initial backoff at least (the jitter takes off at most half).
    assert retried.at - failed.at >= FAST.initial_backoff_s / 2
    assert retried is delivered
    assert failed.body == retried.body
    [row] = await _deliveries(db)
    assert (row.status, row.attempts) == ("DELIVERED", 2)


async def test_a_redirect_is_not_followed_and_counts_as_a_failure(
    db: Database, worker: WebhookService, partner: str, receiver: Receiver
) -> None:
    receiver.statuses = [302]
    with serving(receiver):
        await _endpoint(worker, partner, receiver)
        await _announce(db, partner, "CHARGING")
        await receiver.wait_for(1)
    assert [r.headers["x-answered"] for r in receiver.received] == ["302", "200"]
    assert {r.path for r in receiver.received} == {"/hooks"}


async def test_an_answer_slower_than_the_timeout_is_retried(db: Database, partner: str, receiver: Receiver) -> None:
    webhooks = WebhookService(db, dataclasses.replace(FAST, request_timeout_s=0.3))
    receiver.delays_s = [1.0]
    with serving(receiver):
        await _endpoint(webhooks, partner, receiver)
        await _announce(db, partner, "CHARGING")
        await webhooks.start()
        try:
            await receiver.wait_for(2)
            await asyncio.sleep(0.2)
        finally:
            await webhooks.stop()
    [row] = await _deliveries(db)
    assert (row.status, row.attempts) == ("DELIVERED", 2)


async def test_an_endpoint_down_for_a_while_receives_every_event_once_in_order(
    db: Database, worker: WebhookService, partner: str, receiver: Receiver
) -> None:
    await _endpoint(worker, partner, receiver)
    statuses = ["STARTING", "CHARGING", "STOPPING", "COMPLETED", "CDR_AVAILABLE"]
    ids = await _announce(db, partner, *statuses)
    # Nothing listens: every attempt fails to connect, and the first keeps the others behind it.
    await asyncio.sleep(FAST.max_backoff_s * 3)
    rows = await _deliveries(db)
    assert rows[0].attempts >= 2
    assert all(r.attempts == 0 for r in rows[1:])
    with serving(receiver):
        got = await receiver.wait_for(len(ids))
        await asyncio.sleep(0.3)
    assert [r.event["id"] for r in receiver.received] == ids
    assert [r.event["data"]["status"] for r in got] == statuses


async def test_events_of_one_endpoint_wait_behind_its_failing_one(
    db: Database, worker: WebhookService, partner: str, receiver: Receiver
) -> None:
    receiver.statuses = [503, 503]
    with serving(receiver):
        await _endpoint(worker, partner, receiver)
        ids = await _announce(db, partner, "STARTING", "CHARGING")
        await receiver.wait_for(2)
    assert [r.event["id"] for r in receiver.received] == [ids[0], ids[0], ids[0], ids[1]]


async def test_a_stopped_worker_loses_nothing(db: Database, partner: str, receiver: Receiver) -> None:
    first = WebhookService(db, FAST)
    await first.start()
    await _endpoint(first, partner, receiver)
    await first.stop()
    ids = await _announce(db, partner, "STARTING", "CHARGING", "COMPLETED")
    second = WebhookService(db, FAST)
    with serving(receiver):
        await second.start()
        try:
            await receiver.wait_for(3)
            await asyncio.sleep(0.2)
        finally:
            await second.stop()
    assert [r.event["id"] for r in receiver.received] == ids


async def test_past_the_retry_window_a_delivery_fails_and_the_next_goes(
    db: Database, partner: str, receiver: Receiver
) -> None:
    webhooks = WebhookService(db, dataclasses.replace(FAST, retry_window_s=0.5))
    await _endpoint(webhooks, partner, receiver)
    receiver.statuses = [500] * 50
    ids = await _announce(db, partner, "STARTING")
    with serving(receiver):
        await webhooks.start()
        try:
            await asyncio.sleep(1.5)
            receiver.statuses.clear()
            later = await _announce(db, partner, "CHARGING")
            [got] = await receiver.wait_for(1)
        finally:
            await webhooks.stop()
    rows = await _deliveries(db)
    assert [r.status for r in rows] == ["FAILED", "DELIVERED"]
    assert rows[0].last_status_code == 500
    assert rows[0].last_error == "answered 500"
    assert got.event["id"] == later[0] != ids[0]


async def test_a_replayed_delivery_is_sent_again(
    db: Database, worker: WebhookService, partner: str, receiver: Receiver
) -> None:
    with serving(receiver):
        await _endpoint(worker, partner, receiver)
        [event_id] = await _announce(db, partner, "CHARGING")
        await receiver.wait_for(1)
        await asyncio.sleep(0.2)
        [logged], _ = await worker.list_deliveries(partner, "main", CODEC, page_size=1, continuation_token=None)
        replayed = await worker.replay(partner, logged.id)
        assert replayed.status == "PENDING"
        await receiver.wait_for(2)
    assert [r.event["id"] for r in receiver.received] == [event_id, event_id]
    assert receiver.received[0].headers["Charge-Assist-Delivery-Id"] == logged.id


async def test_a_name_that_resolves_to_loopback_is_not_sent_to_unless_allowed(
    db: Database, partner: str, receiver: Receiver
) -> None:
    # Registered where private addresses are allowed, delivered by a worker where they are not.
    await _endpoint(WebhookService(db, FAST), partner, receiver)
    strict = WebhookService(db, dataclasses.replace(FAST, allow_private_urls=False))
    await _announce(db, partner, "CHARGING")
    with serving(receiver):
        await strict.start()
        try:
            await asyncio.sleep(0.5)
        finally:
            await strict.stop()
    assert receiver.received == []
    [row] = await _deliveries(db)
    assert row.status == "PENDING"
    assert row.last_error == "the host resolves to an address that is not public"


class CountingService(WebhookService):
    """A worker that counts the deliveries it claimed."""

    claimed = 0

    async def run_once(self) -> int:
        count = await super().run_once()
        self.claimed += count
        return count


@pytest.fixture
def own_postgres_url() -> Iterator[str]:
    """A PostgreSQL database of this test's own, so that only its two workers claim from it."""
    with fresh_postgres_database("chargeassist_webhooks") as url:
        upgrade(url)
        yield url


async def test_two_workers_on_postgresql_never_send_one_delivery_twice(own_postgres_url: str) -> None:
    receivers = [Receiver(port=free_port()) for _ in range(4)]
    # Two engines, as two processes have.
    one, two = Database(own_postgres_url), Database(own_postgres_url)
    try:
        partner = (await PartnerService(one).create("Hooked Partner")).identity.partner_id
        workers = [CountingService(one, FAST), CountingService(two, FAST)]
        for number, receiver in enumerate(receivers):
            await _endpoint(workers[0], partner, receiver, f"e{number}")
        ids = await _announce(one, partner, *(f"S{n}" for n in range(25)))
        with serving(receivers[0]), serving(receivers[1]), serving(receivers[2]), serving(receivers[3]):
            for webhooks in workers:
                await webhooks.start()
            try:
                for receiver in receivers:
                    await receiver.wait_for(len(ids), timeout_s=30)
                await asyncio.sleep(0.5)
            finally:
                for webhooks in workers:
                    await webhooks.stop()
    finally:
        await one.dispose()
        await two.dispose()
    for receiver in receivers:
        assert [r.event["id"] for r in receiver.received] == ids
    # Both took part: the claims were contended, not left to one.
    assert all(w.claimed > 0 for w in workers)
    assert sum(w.claimed for w in workers) == len(ids) * len(receivers)
