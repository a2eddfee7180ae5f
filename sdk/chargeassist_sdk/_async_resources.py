"""The async client's resources: the same surface as the blocking client's, awaited."""

from __future__ import annotations

import builtins
import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Literal

import anyio
import httpx

from ._core import AsyncCore, as_mapping, expect_no_content, unwrap
from ._errors import APIConnectionError, APIError, WaitTimeoutError
from ._generated.api.locations import get_location, search_locations_in_bounding_box, search_locations_nearby
from ._generated.api.qr import parse_qr_code
from ._generated.api.tokens import (
    create_access_token,
    delete_app_token,
    get_app_token,
    get_tariffs_for_evse,
    register_app_token,
)
from ._generated.api.wallet import (
    add_charge_card,
    add_external_payment_method,
    delete_payment_method,
    list_payment_methods,
)
from ._generated.models import (
    AccessTokenResponse,
    AppTokenResponse,
    BoundingBoxPage,
    ChargeCardRequest,
    ExternalPaymentMethodRequest,
    LocationSummary,
    LocationView,
    NearbyLocation,
    NearbyPage,
    PagePaymentMethodResponse,
    PageTariffOfferResponse,
    PaymentMethodResponse,
    QrParseRequest,
    QrParseResponse,
    TariffOfferResponse,
)
from ._generated.types import UNSET
from ._pagination import AsyncPaginator, Page
from ._retry import IDEMPOTENCY_KEY
from ._sessions import (
    ChargeSession,
    SessionCommand,
    Until,
    condition_of,
    decode_session_event,
    session_path,
    status_call_delay,
    status_call_url,
)
from ._sse import EventDecoder

__all__ = ["AsyncLocations", "AsyncQr", "AsyncSessions", "AsyncTariffs", "AsyncTokens", "AsyncWallet"]

PowerType = Literal["AC", "DC"]
_NO_EVENT_STREAM = frozenset({404, 405, 406, 501})


class AsyncTokens:
    """App tokens: one driver, guest room or device of yours. Registering needs the partner API key."""

    def __init__(self, core: AsyncCore) -> None:
        self._core = core

    async def register(self, app_token: str) -> AppTokenResponse:
        """Register an app token (any opaque string of 1-255 characters); registering it again changes nothing."""
        return unwrap(await register_app_token.asyncio_detailed(app_token, client=self._core.api), AppTokenResponse)

    async def get(self, app_token: str) -> AppTokenResponse:
        """A registered app token; :class:`NotFoundError` when it is not one of yours."""
        return unwrap(await get_app_token.asyncio_detailed(app_token, client=self._core.api), AppTokenResponse)

    async def delete(self, app_token: str) -> None:
        """Delete an app token and its wallet."""
        expect_no_content(await delete_app_token.asyncio_detailed(app_token, client=self._core.api))

    async def create_access_token(self, app_token: str) -> AccessTokenResponse:
        """A short-lived bearer token that acts only for this app token: hand it to the driver's phone."""
        return unwrap(await create_access_token.asyncio_detailed(app_token, client=self._core.api), AccessTokenResponse)


class AsyncWallet:
    """The payment methods of an app token."""

    def __init__(self, core: AsyncCore) -> None:
        self._core = core

    async def list(self, app_token: str) -> builtins.list[PaymentMethodResponse]:
        """Every payment method in the wallet."""
        page = unwrap(
            await list_payment_methods.asyncio_detailed(app_token, client=self._core.api), PagePaymentMethodResponse
        )
        return page.data

    async def add_charge_card(
        self, app_token: str, visual_number: str, *, display_name: str | None = None
    ) -> PaymentMethodResponse:
        """Add an RFID charge card by the number printed on it; the same card again gives the same id."""
        body = ChargeCardRequest(visual_number=visual_number, display_name=display_name or UNSET)
        return unwrap(
            await add_charge_card.asyncio_detailed(app_token, client=self._core.api, body=body), PaymentMethodResponse
        )

    async def add_external(
        self, app_token: str, external_payment_method_id: str, *, display_name: str | None = None
    ) -> PaymentMethodResponse:
        """Add a payment reference you keep and settle yourself (a hotel room's folio, say)."""
        body = ExternalPaymentMethodRequest(
            external_payment_method_id=external_payment_method_id, display_name=display_name or UNSET
        )
        response = await add_external_payment_method.asyncio_detailed(app_token, client=self._core.api, body=body)
        return unwrap(response, PaymentMethodResponse)

    async def remove(self, app_token: str, payment_method_id: str) -> None:
        """Remove a payment method from the wallet."""
        expect_no_content(
            await delete_payment_method.asyncio_detailed(app_token, payment_method_id, client=self._core.api)
        )


class AsyncLocations:
    """Charging locations the caller may see (closed-loop ones only through the partners they list)."""

    def __init__(self, core: AsyncCore) -> None:
        self._core = core

    def in_bounding_box(
        self,
        bottom_left_lat: float,
        bottom_left_lng: float,
        top_right_lat: float,
        top_right_lng: float,
        *,
        page_size: int = 50,
        is_available: bool | None = None,
        power_type: PowerType | None = None,
        connector_types: Sequence[str] | None = None,
        min_kw: float | None = None,
        max_kw: float | None = None,
        country: str | None = None,
    ) -> AsyncPaginator[LocationSummary]:
        """Every location in a box, page by page as you iterate (``for location in ...``)."""

        async def fetch(token: str | None) -> Page[LocationSummary]:
            response = await search_locations_in_bounding_box.asyncio_detailed(
                client=self._core.api,
                bottom_left_lat=bottom_left_lat,
                bottom_left_lng=bottom_left_lng,
                top_right_lat=top_right_lat,
                top_right_lng=top_right_lng,
                page_size=page_size,
                continuation_token=token,
                is_available=is_available,
                power_type=power_type,
                connector_types=list(connector_types) if connector_types is not None else None,
                min_kw=min_kw,
                max_kw=max_kw,
                country=country,
            )
            found = unwrap(response, BoundingBoxPage)
            return Page(found.data, found.meta.has_more_data, _token(found.meta.continuation_token))

        return AsyncPaginator(fetch)

    async def nearby(
        self,
        latitude: float,
        longitude: float,
        *,
        payment_method_id: str | None = None,
        is_available: bool | None = None,
        power_type: PowerType | None = None,
        connector_types: Sequence[str] | None = None,
        min_kw: float | None = None,
        max_kw: float | None = None,
        country: str | None = None,
    ) -> list[NearbyLocation]:
        """Up to 25 locations within 50 km, nearest first."""
        response = await search_locations_nearby.asyncio_detailed(
            client=self._core.api,
            latitude=latitude,
            longitude=longitude,
            payment_method_id=payment_method_id,
            is_available=is_available,
            power_type=power_type,
            connector_types=list(connector_types) if connector_types is not None else None,
            min_kw=min_kw,
            max_kw=max_kw,
            country=country,
        )
        return unwrap(response, NearbyPage).data

    async def get(self, location_id: str) -> LocationView:
        """One location with its EVSEs, connectors, tariff ids and opening hours."""
        return unwrap(await get_location.asyncio_detailed(location_id, client=self._core.api), LocationView)


class AsyncQr:
    """What a driver's camera read."""

    def __init__(self, core: AsyncCore) -> None:
        self._core = core

    async def parse(self, text: str) -> QrParseResponse:
        """Resolve a scanned QR code (a sticker URL, or an EVSE id typed in) to location, EVSE and connector.

        Anything unknown comes back with ``valid`` false rather than as an error."""
        response = await parse_qr_code.asyncio_detailed(client=self._core.api, body=QrParseRequest(url=text))
        return unwrap(response, QrParseResponse)


class AsyncTariffs:
    """Prices."""

    def __init__(self, core: AsyncCore) -> None:
        self._core = core

    async def for_evse(
        self, app_token: str, location_id: str, evse_uid: str, *, connector_id: str | None = None
    ) -> list[TariffOfferResponse]:
        """The tariff at an EVSE for each payment method in the app token's wallet."""
        response = await get_tariffs_for_evse.asyncio_detailed(
            app_token, location_id, evse_uid, client=self._core.api, connector_id=connector_id
        )
        return unwrap(response, PageTariffOfferResponse).data


class AsyncSessions:
    """Charge sessions of an app token: start, follow, stop, list."""

    def __init__(self, core: AsyncCore) -> None:
        self._core = core

    async def start(
        self,
        app_token: str,
        *,
        location_id: str,
        evse_uid: str,
        payment_method_id: str,
        connector_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> SessionCommand:
        """Ask the charger to start. Answers at once; :meth:`wait` follows the session from there.

        Every POST carries an ``Idempotency-Key`` (a new one unless you pass your own), so a retried start
        never starts twice."""
        body = {"locationId": location_id, "evseUid": evse_uid, "paymentMethodId": payment_method_id}
        if connector_id is not None:
            body["connectorId"] = connector_id
        data = await self._core.json("POST", session_path(app_token), body=body, headers=_key(idempotency_key))
        return SessionCommand.from_data(as_mapping(data))

    async def get(self, app_token: str, charge_session_id: str) -> ChargeSession:
        """A session's current state."""
        data = await self._core.json("GET", session_path(app_token, charge_session_id))
        return ChargeSession.from_data(as_mapping(data), charge_session_id)

    async def stop(
        self, app_token: str, charge_session_id: str, *, idempotency_key: str | None = None
    ) -> SessionCommand:
        """Ask the charger to stop; the session ends when the charger confirms (see :meth:`wait`)."""
        path = session_path(app_token, charge_session_id, "/stop")
        data = await self._core.json("POST", path, headers=_key(idempotency_key))
        return SessionCommand.from_data(as_mapping(data) if data is not None else {}, charge_session_id)

    def list(self, app_token: str, *, page_size: int | None = None) -> AsyncPaginator[ChargeSession]:
        """Every session of the app token, page by page as you iterate."""

        async def fetch(token: str | None) -> Page[ChargeSession]:
            params: dict[str, str | int] = {}
            if page_size is not None:
                params["pageSize"] = page_size
            if token is not None:
                params["continuationToken"] = token
            return _session_page(await self._core.json("GET", session_path(app_token), params=params))

        return AsyncPaginator(fetch)

    async def events(self, app_token: str, charge_session_id: str) -> AsyncIterator[ChargeSession]:
        """The session's states as the server pushes them (server-sent events), until the stream ends."""
        path = session_path(app_token, charge_session_id, "/events")
        timeout = httpx.Timeout(None, connect=10.0)
        async with self._core.http.stream(
            "GET", path, headers={"Accept": "text/event-stream"}, timeout=timeout
        ) as response:
            decoder = EventDecoder()
            async for line in response.aiter_lines():
                event = decoder.feed(line)
                session = decode_session_event(event.data, charge_session_id) if event else None
                if session is not None:
                    yield session

    async def wait(
        self,
        app_token: str,
        charge_session_id: str,
        *,
        until: Until | None = None,
        timeout: float = 600.0,  # noqa: ASYNC109 - the whole wait's limit, raising WaitTimeoutError with the last state
        use_events: bool = True,
    ) -> ChargeSession:
        """Follow a session until ``until`` holds (a status, several statuses, or a test of the session) or
        it can no longer change; by default until it stops charging. Uses the server's event stream where it
        offers one, else calls for the status when ``nextStatusCall`` says. Raises :class:`WaitTimeoutError`
        after ``timeout`` seconds."""
        done = condition_of(until)
        deadline = time.monotonic() + timeout
        session = await self.get(app_token, charge_session_id)
        if use_events and not (done(session) or session.is_final):
            session = await self._wait_for_events(app_token, session, done, deadline) or session
        while not (done(session) or session.is_final):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WaitTimeoutError(f"session {charge_session_id} still {session.status} after {timeout}s", session)
            await anyio.sleep(min(status_call_delay(session.next_status_call), remaining))
            url = status_call_url(
                session.next_status_call, self._core.base_url, session_path(app_token, session.charge_session_id)
            )
            session = ChargeSession.from_data(as_mapping(await self._core.json("GET", url)), charge_session_id)
        return session

    async def _wait_for_events(
        self, app_token: str, session: ChargeSession, done: Callable[[ChargeSession], bool], deadline: float
    ) -> ChargeSession | None:
        """The first pushed state that ends the wait; None when there is no stream or it ended first."""
        path = session_path(app_token, session.charge_session_id, "/events")
        remaining = max(deadline - time.monotonic(), 0.001)
        timeout = httpx.Timeout(remaining, connect=min(10.0, remaining))
        last: ChargeSession | None = None
        try:
            async with self._core.http.stream(
                "GET", path, headers={"Accept": "text/event-stream"}, timeout=timeout
            ) as response:
                if not response.headers.get("content-type", "").startswith("text/event-stream"):
                    return None
                decoder = EventDecoder()
                async for line in response.aiter_lines():
                    event = decoder.feed(line)
                    pushed = decode_session_event(event.data, session.charge_session_id) if event else None
                    if pushed is not None:
                        last = pushed
                        if done(pushed) or pushed.is_final:
                            return pushed
                    if time.monotonic() >= deadline:
                        return last
        except APIError as exc:
            if exc.status not in _NO_EVENT_STREAM:
                raise
        except (httpx.TransportError, APIConnectionError):
            pass  # the stream broke or timed out: carry on by calling for the status
        return last


def _key(idempotency_key: str | None) -> dict[str, str] | None:
    return {IDEMPOTENCY_KEY: idempotency_key} if idempotency_key else None


def _token(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _session_page(data: object) -> Page[ChargeSession]:
    envelope = as_mapping(data)
    items = envelope.get("data")
    meta = as_mapping(envelope.get("meta", {}))
    sessions = [ChargeSession.from_data(as_mapping(item)) for item in (items if isinstance(items, list) else [])]
    return Page(sessions, bool(meta.get("hasMoreData")), _token(meta.get("continuationToken")))
