"""Charging sessions: start, status, stop, history, a stream of status changes, and receipts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromPath, HeaderParameter, JSONBody, PathParameter, QueryParameter
from litestar.response import ServerSentEvent, ServerSentEventMessage
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from chargeassist.domain.sessions import FINAL_STATUSES, SessionStatus
from chargeassist.services import (
    AppTokenRecord,
    Services,
    SessionFilters,
    SessionReceipt,
    StartRequest,
    render_receipt_pdf,
)

from .._errors import ApiError, problem_responses
from .._wire import AppTokenPath, ListMeta, Page, PrincipalDep, ServicesDep, app_token_of
from .schemas import SessionResponse, StartSessionRequest, StartSessionResponse, payment_response, session_response

__all__ = ["SessionController"]

SessionIdPath = Annotated[str, PathParameter(description="The chargeSessionId", min_length=1, max_length=40)]
_KEEP_ALIVE_S = 15.0
_encoder = msgspec.json.Encoder()


# Times are read here rather than by the parameter: Litestar would take a bare number as a Unix time,
# which the document (RFC 3339 date-time) does not allow.
_DATE_TIME = {"format": "date-time"}


def _moment(name: str, raw: str | None) -> datetime | None:
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ApiError.bad_field(name, "give a date-time such as 2025-01-06T08:00:00Z") from None
    if moment.tzinfo is None:
        raise ApiError.bad_field(name, "give a time zone (e.g. 2025-01-06T08:00:00Z)")
    try:
        # In UTC, as the store compares; a time at the very edge of the calendar has no UTC form
        # (0001-01-01T00:00:00+14:00 is in year 0).
        return moment.astimezone(UTC)
    except OverflowError:
        raise ApiError.bad_field(name, "out of range: give a time between the years 1 and 9999 in UTC") from None


class SessionController(Controller):
    """The charging sessions of one app token."""

    path = "/v1/tokens/{app_token:str}/sessions"
    tags = ["sessions"]

    @post(
        operation_id="startSession",
        summary="Start charging: answers at once, the charge point is asked in the background",
        description="Refusals, each with its `code`: `payment_method_not_in_wallet` and "
        "`payment_method_not_valid`, `payment_method_not_supported` (422); `payment_declined` (402, with the "
        "card issuer's `declineCode`; no session is created), `failed_payment_outstanding` (402: a Stripe start "
        "while the token owes a failed payment); `location_not_found` (also for a closed-loop location of other "
        "partners), `evse_not_found`, `connector_not_found` (404); `evse_not_remote_startable`, "
        "`session_already_active`, `evse_not_available`, `idempotency_key_reused` (409); "
        "`charge_point_offline`, `payment_provider_unavailable`, `command_bus_unavailable` (503). "
        "With an `Idempotency-Key` the same key returns the same session.",
        status_code=HTTP_201_CREATED,
        responses=problem_responses(402, 403, 404, 409, 422, 503),
    )
    async def start(
        self,
        services: ServicesDep,
        principal: PrincipalDep,
        app_token: AppTokenPath,
        data: JSONBody[StartSessionRequest],
        idempotency_key: Annotated[
            str | None,
            HeaderParameter(
                name="Idempotency-Key",
                min_length=1,
                max_length=255,
                description="Makes retries safe: a repeated key returns the session it created.",
            ),
        ] = None,
    ) -> Response[StartSessionResponse]:
        token = await app_token_of(services, principal, app_token)
        request = StartRequest(
            location_id=data.location_id,
            evse_uid=data.evse_uid,
            connector_id=data.connector_id,
            payment_method_id=data.payment_method_id,
        )
        view, replayed = await services.sessions.start_session(token, request, idempotency_key=idempotency_key)
        body = StartSessionResponse(
            charge_session_id=view.id,
            status=view.status,
            next_status_call=view.next_status_call,
            payment=payment_response(view.payment),
        )
        headers = {"Idempotent-Replayed": "true"} if replayed else None
        return Response(body, status_code=HTTP_201_CREATED, headers=headers)

    @get(
        operation_id="listSessions",
        summary="Session history, newest first",
        responses=problem_responses(403, 404),
    )
    async def history(
        self,
        services: ServicesDep,
        principal: PrincipalDep,
        app_token: AppTokenPath,
        status: Annotated[list[SessionStatus] | None, QueryParameter(name="status")] = None,
        requested_from: Annotated[
            str | None,
            QueryParameter(
                name="from", description="Sessions requested at or after this time", schema_extra=_DATE_TIME
            ),
        ] = None,
        requested_to: Annotated[
            str | None,
            QueryParameter(name="to", description="Sessions requested before this time", schema_extra=_DATE_TIME),
        ] = None,
        payment_method_id: Annotated[str | None, QueryParameter(name="paymentMethodId", max_length=40)] = None,
        page_size: Annotated[int, QueryParameter(name="pageSize", ge=1, le=100)] = 20,
        continuation_token: Annotated[str | None, QueryParameter(name="continuationToken", max_length=512)] = None,
    ) -> Page[SessionResponse]:
        token = await app_token_of(services, principal, app_token)
        filters = SessionFilters(
            statuses=tuple(dict.fromkeys(status or ())),
            requested_from=_moment("from", requested_from),
            requested_to=_moment("to", requested_to),
            payment_method_id=payment_method_id,
        )
        views, next_token = await services.sessions.history(
            token, filters, page_size=page_size, continuation_token=continuation_token
        )
        return Page(
            data=[session_response(v) for v in views],
            meta=ListMeta(count=len(views), has_more_data=next_token is not None, continuation_token=next_token),
        )

    @get(
        "/{charge_session_id:str}",
        operation_id="getSession",
        summary="A session's status, energy, cost and meter data",
        responses=problem_responses(403, 404),
    )
    async def get_session(
        self, services: ServicesDep, principal: PrincipalDep, app_token: AppTokenPath, charge_session_id: SessionIdPath
    ) -> SessionResponse:
        token = await app_token_of(services, principal, app_token)
        return session_response(await services.sessions.get(token, charge_session_id))

    @post(
        "/{charge_session_id:str}/stop",
        operation_id="stopSession",
        summary="Stop charging (or cancel a session that has not started); answers with the new status",
        description="`command_bus_unavailable` (503): the stop could not be sent to the charge point now (the "
        "service's command bus is down); nothing changed, and the session keeps charging until a retry succeeds.",
        status_code=HTTP_200_OK,
        responses=problem_responses(403, 404, 503),
    )
    async def stop(
        self, services: ServicesDep, principal: PrincipalDep, app_token: AppTokenPath, charge_session_id: SessionIdPath
    ) -> SessionResponse:
        token = await app_token_of(services, principal, app_token)
        return session_response(await services.sessions.stop_session(token, charge_session_id))

    @get(
        "/{charge_session_id:str}/events",
        operation_id="streamSessionEvents",
        summary="Server-sent events: the session now, then each change, until it ends",
        description="Each `status` event carries the session as `getSession` returns it (without meter data). "
        "Comments keep the connection alive every 15 s. The stream ends after a final status.",
        responses=problem_responses(403, 404),
        media_type="text/event-stream",
    )
    async def events(
        self,
        services: ServicesDep,
        principal: PrincipalDep,
        app_token: AppTokenPath,
        charge_session_id: FromPath[str],
    ) -> ServerSentEvent:
        token = await app_token_of(services, principal, app_token)
        await services.sessions.get(token, charge_session_id)  # 404 before the stream starts
        return ServerSentEvent(_stream(services, token, charge_session_id))

    # --- receipts ------------------------------------------------------------------------------------

    @get(
        "/{charge_session_id:str}/receipt",
        operation_id="getSessionReceipt",
        summary="The session's receipt: seller, place, lines and totals that add up exactly, and how it was paid",
        description="Issued once the session is paid, and never changed afterwards; `receiptNumber` is gapless "
        "per operator. On every line and in the totals `net + vat = gross` in the currency's minor unit, and "
        "`totals.gross` is the amount charged. `receipt_not_available` (404) until it is issued; "
        "`session_not_found` (404) for a session of another token.",
        responses=problem_responses(403, 404),
    )
    async def receipt(
        self, services: ServicesDep, principal: PrincipalDep, app_token: AppTokenPath, charge_session_id: SessionIdPath
    ) -> SessionReceipt:
        token = await app_token_of(services, principal, app_token)
        return await services.receipts.get(token, charge_session_id)

    @get(
        "/{charge_session_id:str}/receipt.pdf",
        operation_id="getSessionReceiptPdf",
        summary="The session's receipt as a PDF",
        description="The receipt `getSessionReceipt` returns, printed. Amounts carry the ISO currency code; "
        "text outside Latin-1 is written without accents (or as `?`) and a euro sign as `EUR`. "
        "The same 404 codes as the JSON receipt.",
        responses=problem_responses(403, 404),
        media_type="application/pdf",
    )
    async def receipt_pdf(
        self, services: ServicesDep, principal: PrincipalDep, app_token: AppTokenPath, charge_session_id: SessionIdPath
    ) -> Response[bytes]:
        token = await app_token_of(services, principal, app_token)
        receipt = await services.receipts.get(token, charge_session_id)
        filename = f"receipt-{receipt.receipt_number}.pdf"
        return Response(
            render_receipt_pdf(receipt),
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{filename}"'},
        )


async def _stream(services: Services, token: AppTokenRecord, session_id: str) -> AsyncIterator[ServerSentEventMessage]:
    sessions = services.sessions
    async with sessions.follow(token, session_id) as (view, subscription):
        sent = 0
        last: str | None = None
        while True:
            if view.status != last:
                last = view.status
                body = session_response(view)
                body.usage_summary = None
                sent += 1
                yield ServerSentEventMessage(data=_encoder.encode(body).decode(), event="status", id=sent)
            if view.status in FINAL_STATUSES:
                return
            update = await subscription.next(_KEEP_ALIVE_S)
            if update is None:
                yield ServerSentEventMessage(data=None, comment="keep-alive")
                continue
            view = await sessions.get(token, session_id)
