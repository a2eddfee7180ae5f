"""Outbound webhooks for partners: endpoints, a durable outbox, and the worker that delivers it signed.

A change worth announcing calls :func:`enqueue` inside the transaction that makes it, which writes the event and
one delivery per subscribed endpoint: the announcement commits or rolls back with the change. The worker claims
due deliveries (on PostgreSQL with ``FOR UPDATE SKIP LOCKED`` and a lease, so two processes never send one at the
same time), POSTs them signed like Stripe's (``Charge-Assist-Signature: t=<unix>,v1=<HMAC-SHA256 hex of
"t.body">``) and retries anything but a 2xx with exponential backoff and jitter until the retry window closes.

Each endpoint gets its events in the order they were created: only its oldest pending delivery is ever sent, so
an endpoint that is down holds back the rest of its queue and, once back, receives each event once, in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import ipaddress
import logging
import secrets
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final
from urllib.parse import urlsplit

import httpx
import msgspec
from sqlalchemy import event, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from chargeassist.store import (
    AppToken,
    ChargeSession,
    Database,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    utcnow,
)

from ._errors import ServiceError
from ._paging import ContinuationCodec, position_after

__all__ = [
    "EVENT_TYPES",
    "SIGNATURE_HEADER",
    "DeliveryView",
    "EndpointView",
    "WebhookConfig",
    "WebhookService",
    "announce_session_change",
    "enqueue",
    "sign",
]

EVENT_TYPES: Final = ("session.status_changed", "session.cdr_available", "payment.succeeded", "payment.failed")
"""The event types an endpoint may subscribe to."""
SIGNATURE_HEADER: Final = "Charge-Assist-Signature"
MAX_ENDPOINTS_PER_PARTNER: Final = 20
"""Every announced change is written once per subscribed endpoint: the fan-out is bounded here."""

PENDING, DELIVERED, FAILED = "PENDING", "DELIVERED", "FAILED"
_SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix of generated secrets, not one
_ERROR_LENGTH = 500
_log = logging.getLogger("chargeassist.webhooks")
_random = secrets.SystemRandom()


@dataclass(frozen=True, slots=True)
class WebhookConfig:
    """How webhooks are delivered; the defaults are for production."""

    allow_private_urls: bool = False
    """Accept endpoint URLs on loopback, private, link-local and other non-public addresses (tests, closed
    networks). Off, the service cannot be pointed at the machines around it."""
    poll_interval_s: float = 1.0
    """How long an idle worker waits before it looks for due deliveries again (an enqueue in this process wakes
    it at once)."""
    request_timeout_s: float = 10.0
    """The whole of one POST: connecting, sending and reading the answer."""
    initial_backoff_s: float = 30.0
    """The wait after the first failed attempt; it doubles after each further one, with jitter."""
    max_backoff_s: float = 3600.0
    """The longest wait between two attempts."""
    retry_window_s: float = 3 * 24 * 3600.0
    """How long a delivery is retried after it was created (or replayed); then it is FAILED."""
    lease_s: float = 60.0
    """How long a claimed delivery is kept from other workers: longer than a POST may take."""
    batch_size: int = 50
    """At most this many deliveries (one per endpoint) are sent at once."""


@dataclass(frozen=True, slots=True)
class EndpointView:
    """An endpoint as its partner sees it; ``secret`` only in the answer that created it."""

    endpoint_id: str
    url: str
    events: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    secret: str | None = None


@dataclass(frozen=True, slots=True)
class DeliveryView:
    """One event for one endpoint, as the delivery log shows it."""

    id: str
    endpoint_id: str
    event_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp`` (Unix seconds)."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def _refused(detail: str) -> ServiceError:
    return ServiceError(400, "webhook_url_refused", detail, field="url")


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str, *, allow_private: bool) -> None:
    """Refuse what is not an absolute http(s) URL with a host, and (unless allowed) one whose host is an address
    that is not public. Names are resolved when delivering, where :func:`check_resolved` applies the same rule."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise _refused("url: not a valid URL") from exc
    if parts.scheme not in ("http", "https"):
        raise _refused("url: only http and https endpoints are accepted")
    host = parts.hostname
    if not host:
        raise _refused("url: the URL has no host")
    if parts.username is not None or parts.password is not None:
        raise _refused("url: credentials in the URL are not accepted; authenticate deliveries by their signature")
    if port == 0:
        raise _refused("url: port 0 cannot be reached")
    if allow_private:
        return
    if host.lower() == "localhost" or host.lower().endswith((".localhost", ".local", ".internal")):
        raise _refused("url: the host is not a public address")
    with contextlib.suppress(ValueError):
        if not _public(host):
            raise _refused("url: the host is not a public address")


async def check_resolved(url: str) -> str | None:
    """Why a delivery to ``url`` may not be sent now (its name does not resolve, or resolves to an address that
    is not public), or None."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        return f"the host does not resolve: {exc}"
    addresses = {str(info[4][0]) for info in infos}
    if not addresses or not all(_public(a) for a in addresses):
        return "the host resolves to an address that is not public"
    return None


def _new_id(prefix: str) -> str:
    return prefix + secrets.token_hex(12)


def _events_of(row: WebhookEndpoint) -> tuple[str, ...]:
    return tuple(msgspec.json.decode(row.events, type=list[str]))


def _endpoint_view(row: WebhookEndpoint, secret: str | None = None) -> EndpointView:
    return EndpointView(
        endpoint_id=row.endpoint_id,
        url=row.url,
        events=_events_of(row),
        created_at=row.created_at,
        updated_at=row.updated_at,
        secret=secret,
    )


# Callbacks run after a transaction that enqueued something has committed: they wake this process's workers.
_wakers: set[Callable[[], None]] = set()


def _wake_workers(_session: Any) -> None:
    for wake in list(_wakers):
        wake()


async def _subscribed(session: AsyncSession, partner_id: str) -> list[tuple[int, str]]:
    """The partner's endpoints and their subscribed types: one read on the partner's endpoint index."""
    rows = await session.execute(
        select(WebhookEndpoint.pk, WebhookEndpoint.events).where(WebhookEndpoint.partner_id == partner_id)
    )
    return [(pk, events) for pk, events in rows.all()]


def _subscribers(endpoints: list[tuple[int, str]], event_type: str) -> list[int]:
    # The subscribed types are a JSON list of known names: a quoted substring test is exact.
    quoted = f'"{event_type}"'
    return [pk for pk, events in endpoints if quoted in events]


async def _write(
    session: AsyncSession, partner_id: str, event_type: str, data: Mapping[str, Any], endpoint_pks: list[int]
) -> str:
    now = utcnow()
    row = WebhookEvent(
        id=_new_id("evt_"),
        partner_id=partner_id,
        type=event_type,
        payload=msgspec.json.encode(data).decode(),
        created_at=now,
    )
    session.add(row)
    await session.flush()
    session.add_all(
        WebhookDelivery(
            id=_new_id("dlv_"),
            endpoint_pk=pk,
            event_pk=row.pk,
            status=PENDING,
            attempts=0,
            next_attempt_at=now,
            retry_from=now,
            created_at=now,
        )
        for pk in endpoint_pks
    )
    await session.flush()
    if _wakers:
        event.listen(session.sync_session, "after_commit", _wake_workers, once=True)
    return row.id


async def enqueue(session: AsyncSession, partner_id: str, event_type: str, data: Mapping[str, Any]) -> str | None:
    """Write an event of ``partner_id`` and its deliveries in ``session``'s transaction; returns the event id, or
    None when no endpoint of the partner subscribes to ``event_type`` (then nothing is written: the cost is one
    read on the partner's endpoint index). ``data`` is encoded with msgspec (Decimals as strings)."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {event_type!r}")
    endpoint_pks = _subscribers(await _subscribed(session, partner_id), event_type)
    if not endpoint_pks:
        return None
    return await _write(session, partner_id, event_type, data, endpoint_pks)


async def announce_session_change(session: AsyncSession, row: ChargeSession, changes: Mapping[str, Any]) -> None:
    """Enqueue ``session.status_changed`` (and ``session.cdr_available`` when it becomes CDR_AVAILABLE) for a
    status change of ``row`` (as it was) by ``changes`` (the values written), inside the change's transaction.
    For a partner without endpoints it costs the one read of :func:`enqueue`."""
    status = changes.get("status")
    if status is None or status == row.status:
        return
    endpoints = await _subscribed(session, row.partner_id)
    if not endpoints:
        return
    wanted = {"session.status_changed": _subscribers(endpoints, "session.status_changed")}
    if status == "CDR_AVAILABLE":
        wanted["session.cdr_available"] = _subscribers(endpoints, "session.cdr_available")
    wanted = {event_type: pks for event_type, pks in wanted.items() if pks}
    if not wanted:
        return

    def value(name: str) -> Any:
        return changes.get(name, getattr(row, name))

    app_token = await session.scalar(select(AppToken.app_token).where(AppToken.pk == row.app_token_pk))
    base = {
        "chargeSessionId": row.id,
        "appToken": app_token,
        "locationId": row.location_id,
        "evseUid": row.evse_uid,
        "connectorId": row.connector_id,
    }
    for event_type, pks in wanted.items():
        if event_type == "session.status_changed":
            data = base | {"status": status, "previousStatus": row.status, "statusReason": value("status_reason")}
        else:
            data = base | {
                "startTime": value("started_at"),
                "endTime": value("stopped_at"),
                "totalEnergyKwh": value("total_energy_kwh"),
                "totalCostsExclVat": value("total_cost_excl_vat"),
                "totalCosts": value("total_cost"),
                "totalVat": value("total_vat"),
                "currency": value("currency"),
            }
        await _write(session, row.partner_id, event_type, data, pks)


def event_body(event_id: str, event_type: str, created_at: datetime, payload: str) -> bytes:
    """The JSON an endpoint receives: ``{id, type, createdAt, data}``."""
    encode = msgspec.json.encode
    return b"".join(
        (
            b'{"id":',
            encode(event_id),
            b',"type":',
            encode(event_type),
            b',"createdAt":',
            encode(created_at),
            b',"data":',
            payload.encode(),
            b"}",
        )
    )


@dataclass(frozen=True, slots=True)
class _Claimed:
    pk: int
    delivery_id: str
    event_id: str
    url: str
    secret: str
    attempts: int
    retry_from: datetime
    body: bytes


class WebhookService:
    """Partners' endpoints and their delivery log, and the worker that delivers the outbox."""

    def __init__(self, db: Database, config: WebhookConfig | None = None) -> None:
        self._db = db
        self.config = config or WebhookConfig()
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._stopping = False
        self._client: httpx.AsyncClient | None = None

    # Endpoints

    async def put_endpoint(
        self, partner_id: str, endpoint_id: str, url: str, events: Sequence[str]
    ) -> tuple[EndpointView, bool]:
        """Create or update an endpoint; the flag says whether it was created, and only then is the secret in the
        view (it is never shown again)."""
        check_url(url, allow_private=self.config.allow_private_urls)
        unknown = sorted(set(events) - set(EVENT_TYPES))
        if unknown:
            raise ServiceError(
                400,
                "unknown_event_type",
                f"events: unknown event types {', '.join(unknown)}; known are {', '.join(EVENT_TYPES)}",
                field="events",
            )
        if not events:
            raise ServiceError(400, "no_event_types", "events: subscribe to at least one event type", field="events")
        stored_events = msgspec.json.encode(sorted(set(events))).decode()
        try:
            async with self._db.transaction() as session:
                row = await self._endpoint(session, partner_id, endpoint_id)
                if row is not None:
                    row.url = url
                    row.events = stored_events
                    row.updated_at = utcnow()
                    await session.flush()
                    return _endpoint_view(row), False
                count = len(
                    (
                        await session.scalars(
                            select(WebhookEndpoint.pk).where(WebhookEndpoint.partner_id == partner_id)
                        )
                    ).all()
                )
                if count >= MAX_ENDPOINTS_PER_PARTNER:
                    raise ServiceError(
                        409,
                        "webhook_endpoint_limit",
                        f"a partner has at most {MAX_ENDPOINTS_PER_PARTNER} webhook endpoints; delete one first",
                    )
                secret = _SECRET_PREFIX + secrets.token_urlsafe(32)
                now = utcnow()
                row = WebhookEndpoint(
                    partner_id=partner_id,
                    endpoint_id=endpoint_id,
                    url=url,
                    events=stored_events,
                    secret=secret,
                    created_at=now,
                    updated_at=now,
                )
                session.add(row)
                await session.flush()
                return _endpoint_view(row, secret), True
        except IntegrityError:
            # A concurrent PUT of the same id created it: this one is an update of it.
            return await self.put_endpoint(partner_id, endpoint_id, url, events)

    @staticmethod
    async def _endpoint(session: AsyncSession, partner_id: str, endpoint_id: str) -> WebhookEndpoint | None:
        row: WebhookEndpoint | None = await session.scalar(
            select(WebhookEndpoint).where(
                WebhookEndpoint.partner_id == partner_id, WebhookEndpoint.endpoint_id == endpoint_id
            )
        )
        return row

    @staticmethod
    def _not_found() -> ServiceError:
        return ServiceError(404, "webhook_endpoint_not_found", "no such webhook endpoint for this partner")

    async def get_endpoint(self, partner_id: str, endpoint_id: str) -> EndpointView:
        """The partner's endpoint; 404 otherwise (another partner's is never found)."""
        async with self._db.read() as session:
            row = await self._endpoint(session, partner_id, endpoint_id)
            if row is None:
                raise self._not_found()
            return _endpoint_view(row)

    async def list_endpoints(self, partner_id: str) -> list[EndpointView]:
        """The partner's endpoints, oldest first (a partner has few: see ``MAX_ENDPOINTS_PER_PARTNER``)."""
        async with self._db.read() as session:
            rows = await session.scalars(
                select(WebhookEndpoint).where(WebhookEndpoint.partner_id == partner_id).order_by(WebhookEndpoint.pk)
            )
            return [_endpoint_view(row) for row in rows]

    async def rotate_secret(self, partner_id: str, endpoint_id: str) -> EndpointView:
        """A new secret for the endpoint, in force for every delivery sent from now on; shown in this answer only."""
        async with self._db.transaction() as session:
            row = await self._endpoint(session, partner_id, endpoint_id)
            if row is None:
                raise self._not_found()
            secret = _SECRET_PREFIX + secrets.token_urlsafe(32)
            row.secret = secret
            row.updated_at = utcnow()
            await session.flush()
            return _endpoint_view(row, secret)

    async def delete_endpoint(self, partner_id: str, endpoint_id: str) -> None:
        """Remove the endpoint and its delivery log (pending deliveries are not sent); 404 when unknown."""
        async with self._db.transaction() as session:
            row = await self._endpoint(session, partner_id, endpoint_id)
            if row is None:
                raise self._not_found()
            await session.delete(row)

    # The delivery log

    async def list_deliveries(
        self,
        partner_id: str,
        endpoint_id: str,
        codec: ContinuationCodec,
        *,
        page_size: int,
        continuation_token: str | None,
    ) -> tuple[list[DeliveryView], str | None]:
        """The endpoint's deliveries, newest first, a page at a time; 404 for an endpoint not the partner's."""
        fingerprint = codec.fingerprint("webhook-deliveries", partner_id, endpoint_id, page_size)
        async with self._db.read() as session:
            endpoint = await self._endpoint(session, partner_id, endpoint_id)
            if endpoint is None:
                raise self._not_found()
            query = (
                select(WebhookDelivery, WebhookEvent.id, WebhookEvent.type)
                .join(WebhookEvent, WebhookEvent.pk == WebhookDelivery.event_pk)
                .where(WebhookDelivery.endpoint_pk == endpoint.pk)
            )
            if continuation_token is not None:
                after = position_after(codec, continuation_token, fingerprint)
                query = query.where(WebhookDelivery.pk < after)
            rows = (await session.execute(query.order_by(WebhookDelivery.pk.desc()).limit(page_size + 1))).all()
        more = len(rows) > page_size
        rows = rows[:page_size]
        views = [
            DeliveryView(
                id=d.id,
                endpoint_id=endpoint_id,
                event_id=event_id,
                event_type=event_type,
                status=d.status,
                attempts=d.attempts,
                next_attempt_at=d.next_attempt_at if d.status == PENDING else None,
                last_attempt_at=d.last_attempt_at,
                last_status_code=d.last_status_code,
                last_error=d.last_error,
                delivered_at=d.delivered_at,
                created_at=d.created_at,
            )
            for d, event_id, event_type in rows
        ]
        next_token = codec.encode((rows[-1][0].pk,), fingerprint) if more and rows else None
        return views, next_token

    async def replay(self, partner_id: str, delivery_id: str) -> DeliveryView:
        """Send a delivery again now, whatever its state, with a new retry window; 404 unless it is the partner's.
        It goes before the endpoint's newer pending deliveries, being older than them."""
        now = utcnow()
        async with self._db.transaction() as session:
            found = (
                await session.execute(
                    select(WebhookDelivery, WebhookEndpoint.endpoint_id, WebhookEvent.id, WebhookEvent.type)
                    .join(WebhookEndpoint, WebhookEndpoint.pk == WebhookDelivery.endpoint_pk)
                    .join(WebhookEvent, WebhookEvent.pk == WebhookDelivery.event_pk)
                    .where(WebhookDelivery.id == delivery_id, WebhookEndpoint.partner_id == partner_id)
                )
            ).first()
            if found is None:
                raise ServiceError(404, "webhook_delivery_not_found", "no such webhook delivery for this partner")
            row, endpoint_id, event_id, event_type = found
            row.status = PENDING
            row.next_attempt_at = now
            row.retry_from = now
            row.delivered_at = None
            await session.flush()
            view = DeliveryView(
                id=row.id,
                endpoint_id=endpoint_id,
                event_id=event_id,
                event_type=event_type,
                status=row.status,
                attempts=row.attempts,
                next_attempt_at=row.next_attempt_at,
                last_attempt_at=row.last_attempt_at,
                last_status_code=row.last_status_code,
                last_error=row.last_error,
                delivered_at=None,
                created_at=row.created_at,
            )
        self._wake.set()
        return view

    # The worker

    async def start(self) -> None:
        """Run the delivery worker in this process until :meth:`stop`."""
        if self._task is not None:
            return
        self._stopping = False
        self._wake = asyncio.Event()
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(self.config.request_timeout_s),
            follow_redirects=False,
            headers={"User-Agent": "ChargeAssist-Webhooks/1"},
        )
        _wakers.add(self._wake.set)
        self._task = asyncio.create_task(self._run(), name="webhook-deliveries")

    async def stop(self) -> None:
        """Let the sends in flight finish (within one request timeout), then end the worker. What was not sent
        stays in the outbox for the next worker."""
        task, self._task = self._task, None
        if task is None:
            return
        _wakers.discard(self._wake.set)
        self._stopping = True
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout=self.config.request_timeout_s + 1)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _run(self) -> None:
        while not self._stopping:
            try:
                sent = await self.run_once()
            except Exception:
                # A store hiccup must not end the worker; the outbox keeps everything for the next round.
                _log.exception("webhook delivery round failed")
                sent = 0
            if sent == 0 and not self._stopping:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self.config.poll_interval_s)
                self._wake.clear()

    async def run_once(self) -> int:
        """Claim the due deliveries (the oldest pending one of each endpoint) and send them; returns how many."""
        claimed = await self._claim()
        results = await asyncio.gather(*(self._deliver(c) for c in claimed), return_exceptions=True)
        for claim, result in zip(claimed, results, strict=True):
            if isinstance(result, Exception):
                # Its lease runs out and it is sent again: the endpoint may see it twice, never not at all.
                _log.error("recording webhook delivery %s failed: %s", claim.delivery_id, result)
        return len(claimed)

    async def _claim(self) -> list[_Claimed]:
        now = utcnow()
        # Each endpoint's head (its oldest pending delivery) is one probe of the queue index, so neither a long queue
        # behind a head nor a long history of delivered ones makes a claim slower.
        waiting = aliased(WebhookDelivery)
        head = (
            select(waiting.pk)
            .where(waiting.endpoint_pk == WebhookEndpoint.pk, waiting.status == PENDING)
            .order_by(waiting.pk)
            .limit(1)
            .correlate(WebhookEndpoint)
            .scalar_subquery()
        )
        query = (
            select(WebhookDelivery.pk)
            .where(
                WebhookDelivery.pk.in_(select(head).select_from(WebhookEndpoint)),
                WebhookDelivery.status == PENDING,
                WebhookDelivery.next_attempt_at <= now,
            )
            .order_by(WebhookDelivery.pk)
            .limit(self.config.batch_size)
        )
        if not self._db.is_sqlite:
            # Another worker's claim in progress is passed over, not waited for; its lease then keeps it away.
            query = query.with_for_update(skip_locked=True, of=WebhookDelivery)
        async with self._db.transaction() as session:
            pks = list((await session.scalars(query)).all())
            if not pks:
                return []
            await session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.pk.in_(pks))
                .values(
                    next_attempt_at=now + timedelta(seconds=self.config.lease_s),
                    attempts=WebhookDelivery.attempts + 1,
                    last_attempt_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            rows = (
                await session.execute(
                    select(
                        WebhookDelivery.pk,
                        WebhookDelivery.id,
                        WebhookDelivery.attempts,
                        WebhookDelivery.retry_from,
                        WebhookEndpoint.url,
                        WebhookEndpoint.secret,
                        WebhookEvent.id,
                        WebhookEvent.type,
                        WebhookEvent.created_at,
                        WebhookEvent.payload,
                    )
                    .join(WebhookEndpoint, WebhookEndpoint.pk == WebhookDelivery.endpoint_pk)
                    .join(WebhookEvent, WebhookEvent.pk == WebhookDelivery.event_pk)
                    .where(WebhookDelivery.pk.in_(pks))
                    .order_by(WebhookDelivery.pk)
                )
            ).all()
        return [
            _Claimed(
                pk=pk,
                delivery_id=delivery_id,
                event_id=event_id,
                url=url,
                secret=secret,
                attempts=attempts,
                retry_from=retry_from,
                body=event_body(event_id, event_type, created_at, payload),
            )
            for pk, delivery_id, attempts, retry_from, url, secret, event_id, event_type, created_at, payload in rows
        ]

    def backoff_s(self, attempts: int) -> float:
        """The wait after the ``attempts``-th failed attempt: doubling from the initial backoff up to the maximum,
        of which a random half is taken off (so endpoints that failed together are not retried together)."""
        ceiling = min(self.config.max_backoff_s, self.config.initial_backoff_s * 2.0 ** min(attempts - 1, 30))
        return float(ceiling / 2 + _random.uniform(0, ceiling / 2))

    async def _deliver(self, claimed: _Claimed) -> None:
        status_code: int | None = None
        error: str | None = None
        refusal = None if self.config.allow_private_urls else await check_resolved(claimed.url)
        if refusal is not None:
            error = refusal
        else:
            assert self._client is not None, "start() first"
            headers = {
                "Content-Type": "application/json",
                SIGNATURE_HEADER: sign(claimed.secret, int(time.time()), claimed.body),
                "Charge-Assist-Event-Id": claimed.event_id,
                "Charge-Assist-Delivery-Id": claimed.delivery_id,
            }
            try:
                response = await self._client.post(claimed.url, content=claimed.body, headers=headers)
                status_code = response.status_code
                if not 200 <= status_code < 300:
                    error = f"answered {status_code}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"[:_ERROR_LENGTH] or type(exc).__name__
        await self._record(claimed, status_code, error)

    async def _record(self, claimed: _Claimed, status_code: int | None, error: str | None) -> None:
        now = utcnow()
        values: dict[str, Any] = {"last_status_code": status_code, "last_error": error}
        if error is None:
            values.update(status=DELIVERED, delivered_at=now, next_attempt_at=None)
        else:
            retry_at = now + timedelta(seconds=self.backoff_s(claimed.attempts))
            if retry_at > claimed.retry_from + timedelta(seconds=self.config.retry_window_s):
                values.update(status=FAILED, next_attempt_at=None)
                _log.warning("webhook delivery %s failed for good: %s", claimed.delivery_id, error)
            else:
                values.update(next_attempt_at=retry_at)
        async with self._db.transaction() as session:
            await session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.pk == claimed.pk, WebhookDelivery.status == PENDING)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
