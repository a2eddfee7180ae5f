"""The async client's resources: the same surface as the blocking client's, awaited."""

from __future__ import annotations

import builtins
import time
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime

import anyio
import httpx

from ._core import AsyncCore, expect_no_content, unwrap
from ._errors import APIConnectionError, APIError, WaitTimeoutError
from ._generated.api.locations import get_location, search_locations_in_bounding_box, search_locations_nearby
from ._generated.api.payments import list_failed_payments, retry_failed_payment
from ._generated.api.qr import parse_qr_code
from ._generated.api.sessions import (
    get_session,
    get_session_receipt,
    list_sessions,
    start_session,
    stop_session,
)
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
    add_stripe_card,
    create_stripe_setup_intent,
    delete_payment_method,
    list_payment_methods,
)
from ._generated.models import (
    AccessTokenResponse,
    AppTokenResponse,
    BoundingBoxPage,
    ChargeCardRequest,
    ExternalPaymentMethodRequest,
    FailedPaymentResponse,
    LocationSummary,
    LocationView,
    NearbyLocation,
    NearbyPage,
    PageFailedPaymentResponse,
    PagePaymentMethodResponse,
    PageSessionResponse,
    PageTariffOfferResponse,
    PaymentMethodResponse,
    QrParseRequest,
    QrParseResponse,
    RetryPaymentRequest,
    SessionReceipt,
    SessionResponse,
    SetupIntentResponse,
    StartSessionResponse,
    StripeCardRequest,
    TariffOfferResponse,
)
from ._generated.models.list_sessions_status_type_0_item import ListSessionsStatusType0Item as SessionStatus
from ._generated.types import UNSET
from ._pagination import AsyncPaginator, Page
from ._resources import _EVENT_STREAM, _NO_EVENT_STREAM, PowerType, _start_body, _time, _token
from ._sessions import Until, condition_of, decode_session_event, is_final, session_path, status_call_delay
from ._sse import EventDecoder

__all__ = ["AsyncLocations", "AsyncPayments", "AsyncQr", "AsyncSessions", "AsyncTariffs", "AsyncTokens", "AsyncWallet"]


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
        response = await list_payment_methods.asyncio_detailed(app_token, client=self._core.api)
        page = unwrap(response, PagePaymentMethodResponse)
        return page.data

    async def add_charge_card(
        self, app_token: str, visual_number: str, *, display_name: str | None = None
    ) -> PaymentMethodResponse:
        """Add an RFID charge card by the number printed on it; the same card again gives the same id."""
        body = ChargeCardRequest(visual_number=visual_number, display_name=display_name or UNSET)
        response = await add_charge_card.asyncio_detailed(app_token, client=self._core.api, body=body)
        return unwrap(response, PaymentMethodResponse)

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
        response = await delete_payment_method.asyncio_detailed(app_token, payment_method_id, client=self._core.api)
        expect_no_content(response)

    async def stripe_setup_intent(self, app_token: str) -> SetupIntentResponse:
        """Start saving a card with Stripe's mobile SDK: hand ``client_secret`` and ``publishable_key`` to the
        app (the card number never reaches you or the service)."""
        response = await create_stripe_setup_intent.asyncio_detailed(app_token, client=self._core.api)
        return unwrap(response, SetupIntentResponse)

    async def add_stripe_card(
        self, app_token: str, psp_payment_method_id: str, *, psp_customer_id: str | None = None
    ) -> PaymentMethodResponse:
        """Add the card the app saved with Stripe (its ``pm_...``); the same card again gives the same id."""
        body = StripeCardRequest(psp_payment_method_id=psp_payment_method_id, psp_customer_id=psp_customer_id or UNSET)
        response = await add_stripe_card.asyncio_detailed(app_token, client=self._core.api, body=body)
        return unwrap(response, PaymentMethodResponse)


class AsyncPayments:
    """Failed payments of an app token: what it still owes, and paying it."""

    def __init__(self, core: AsyncCore) -> None:
        self._core = core

    async def failed(self, app_token: str) -> builtins.list[FailedPaymentResponse]:
        """The token's failed payments still owed, newest first (while one is owed, no Stripe start)."""
        response = await list_failed_payments.asyncio_detailed(app_token, client=self._core.api)
        return unwrap(response, PageFailedPaymentResponse).data

    async def retry(
        self, app_token: str, failed_payment_id: str, *, payment_method_id: str | None = None
    ) -> FailedPaymentResponse:
        """Pay it now, with its own card or another VALID Stripe card of the wallet; a decline raises
        :class:`APIError` 402 ``payment_declined``."""
        body = RetryPaymentRequest(payment_method_id=payment_method_id or UNSET)
        response = await retry_failed_payment.asyncio_detailed(
            app_token, failed_payment_id, client=self._core.api, body=body
        )
        return unwrap(response, FailedPaymentResponse)


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
    ) -> StartSessionResponse:
        """Ask the charger to start. Answers at once; :meth:`wait` follows the session from there.

        Every POST carries an ``Idempotency-Key`` (a new one unless you pass your own), so a retried start
        never starts twice: the server answers a repeated key with the session it created."""
        body = _start_body(location_id, evse_uid, payment_method_id, connector_id)
        response = await start_session.asyncio_detailed(
            app_token, client=self._core.api, body=body, idempotency_key=idempotency_key or UNSET
        )
        return unwrap(response, StartSessionResponse)

    async def get(self, app_token: str, charge_session_id: str) -> SessionResponse:
        """A session's status, energy, costs and meter data."""
        response = await get_session.asyncio_detailed(app_token, charge_session_id, client=self._core.api)
        return unwrap(response, SessionResponse)

    async def stop(self, app_token: str, charge_session_id: str) -> SessionResponse:
        """Ask the charger to stop (or cancel a session that has not started); :meth:`wait` sees it end."""
        response = await stop_session.asyncio_detailed(app_token, charge_session_id, client=self._core.api)
        return unwrap(response, SessionResponse)

    async def receipt(self, app_token: str, charge_session_id: str) -> SessionReceipt:
        """The session's receipt once it is paid: lines and totals that add up exactly, and how it was paid.

        Raises :class:`NotFoundError` with ``code`` ``receipt_not_available`` until it is issued."""
        response = await get_session_receipt.asyncio_detailed(app_token, charge_session_id, client=self._core.api)
        return unwrap(response, SessionReceipt)

    async def receipt_pdf(self, app_token: str, charge_session_id: str) -> bytes:
        """The same receipt as a PDF document (its bytes)."""
        response = await self._core.http.get(session_path(app_token, charge_session_id, "/receipt.pdf"))
        return response.content

    def list(
        self,
        app_token: str,
        *,
        statuses: Sequence[SessionStatus] | None = None,
        requested_from: datetime | None = None,
        requested_to: datetime | None = None,
        payment_method_id: str | None = None,
        page_size: int = 20,
    ) -> AsyncPaginator[SessionResponse]:
        """The app token's sessions, newest first, page by page as you iterate."""

        async def fetch(token: str | None) -> Page[SessionResponse]:
            response = await list_sessions.asyncio_detailed(
                app_token,
                client=self._core.api,
                status=list(statuses) if statuses is not None else UNSET,
                from_=_time(requested_from),
                to=_time(requested_to),
                payment_method_id=payment_method_id or UNSET,
                page_size=page_size,
                continuation_token=token or UNSET,
            )
            found = unwrap(response, PageSessionResponse)
            return Page(found.data, found.meta.has_more_data, _token(found.meta.continuation_token))

        return AsyncPaginator(fetch)

    async def events(self, app_token: str, charge_session_id: str) -> AsyncIterator[SessionResponse]:
        """The session now, then each change as the server pushes it (server-sent events), until it ends."""
        path = session_path(app_token, charge_session_id, "/events")
        timeout = httpx.Timeout(None, connect=10.0)
        async with self._core.http.stream("GET", path, headers=_EVENT_STREAM, timeout=timeout) as response:
            decoder = EventDecoder()
            async for line in response.aiter_lines():
                event = decoder.feed(line)
                session = decode_session_event(event.data) if event else None
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
    ) -> SessionResponse:
        """Follow a session until ``until`` holds (a status, several statuses, or a test of the session) or it
        can no longer change; by default until it stops charging. Listens to the session's event stream where
        the server offers one, else asks for the status when ``nextStatusCall`` says. Raises
        :class:`WaitTimeoutError` with the last state after ``timeout`` seconds."""
        done = condition_of(until)
        deadline = time.monotonic() + timeout
        session = await self.get(app_token, charge_session_id)
        if use_events and not (done(session) or is_final(session)):
            session = await self._wait_for_events(app_token, session, done, deadline) or session
        while not (done(session) or is_final(session)):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WaitTimeoutError(f"session {charge_session_id} still {session.status} after {timeout}s", session)
            await anyio.sleep(min(status_call_delay(session.next_status_call), remaining))
            session = await self.get(app_token, charge_session_id)
        return session

    async def _wait_for_events(
        self, app_token: str, session: SessionResponse, done: Callable[[SessionResponse], bool], deadline: float
    ) -> SessionResponse | None:
        """The first pushed state that ends the wait; else the last one pushed (None: no stream offered)."""
        path = session_path(app_token, session.charge_session_id, "/events")
        remaining = max(deadline - time.monotonic(), 0.001)
        timeout = httpx.Timeout(remaining, connect=min(10.0, remaining))
        last: SessionResponse | None = None
        try:
            async with self._core.http.stream("GET", path, headers=_EVENT_STREAM, timeout=timeout) as response:
                if not response.headers.get("content-type", "").startswith("text/event-stream"):
                    return None
                decoder = EventDecoder()
                async for line in response.aiter_lines():
                    event = decoder.feed(line)
                    pushed = decode_session_event(event.data) if event else None
                    if pushed is not None:
                        last = pushed
                        if done(pushed) or is_final(pushed):
                            return pushed
                    if time.monotonic() >= deadline:
                        return last
        except APIError as exc:
            if exc.status not in _NO_EVENT_STREAM:
                raise
        except (httpx.TransportError, APIConnectionError):
            pass  # the stream broke or timed out: carry on by asking for the status
        return last
