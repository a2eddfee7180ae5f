"""The driver's use cases, as the API calls them: start a session (with idempotent replay), stop it, get it,
follow its updates and page through the history; every one checks that the session is the token's own."""

from __future__ import annotations

import contextlib
import secrets
import string
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from chargeassist.domain.payments import PaymentEvent
from chargeassist.domain.sessions import ACTIVE_STATUSES, Effect, SessionEvent, SessionStatus
from chargeassist.domain.tariffs import encode_tariff
from chargeassist.store import (
    ChargeSession,
    Database,
    EvseRow,
    LocationRow,
    PaymentMethod,
    PaymentStep,
    SessionPayment,
    utcnow,
)

from .._charge_points import ChargePointService
from .._commands import CommandBus, CommandBusUnavailable, bus_unavailable
from .._errors import ServiceError
from .._events import Subscription
from .._locations import LocationService
from .._paging import ContinuationCodec, position_after
from .._payments import PaymentChange
from .._tariffs import TariffService, build_tariff_view
from .._wallet import AppTokenRecord
from ._charger_commands import ChargerCommands
from ._payments import SessionPayments
from ._records import Background, SessionRecords, text_of
from ._views import SessionView, SessionViews

_ID_TAG_ALPHABET = string.ascii_uppercase + string.digits


@dataclass(frozen=True, slots=True)
class StartRequest:
    """What the driver asks to charge at, and with which payment method."""

    location_id: str
    evse_uid: str
    connector_id: str | None
    payment_method_id: str


@dataclass(frozen=True, slots=True)
class SessionFilters:
    """History filters; all optional."""

    statuses: tuple[SessionStatus, ...] = ()
    requested_from: datetime | None = None
    requested_to: datetime | None = None
    payment_method_id: str | None = None


def _new_id_tag() -> str:
    # One idTag per app-started session (an OCPP CiString20): StartTransaction names its session by it.
    return "CA" + "".join(secrets.choice(_ID_TAG_ALPHABET) for _ in range(18))


class DriverSessions:
    """Sessions as a driver's app token starts, stops and reads them."""

    def __init__(
        self,
        db: Database,
        *,
        records: SessionRecords,
        views: SessionViews,
        charger_commands: ChargerCommands,
        background: Background,
        locations: LocationService,
        tariffs: TariffService,
        charge_points: ChargePointService,
        commands: CommandBus,
        payments: SessionPayments | None = None,
        default_hold: Decimal = Decimal(50),
    ) -> None:
        self._db = db
        self._payments = payments
        self._default_hold = default_hold
        self._records = records
        self._views = views
        self._charger_commands = charger_commands
        self._background = background
        self._locations = locations
        self._tariffs = tariffs
        self._charge_points = charge_points
        self._commands = commands
        self.continuation: ContinuationCodec | None = None

    async def start_session(
        self, token: AppTokenRecord, request: StartRequest, *, idempotency_key: str | None
    ) -> tuple[SessionView, bool]:
        """Create a session and send RemoteStartTransaction in the background; returns at once.

        The flag says whether this is the answer to an earlier request with the same ``idempotency_key``.
        """
        if idempotency_key is not None:
            replay = await self._replay(token, request, idempotency_key)
            if replay is not None:
                return replay, True
        try:
            row, method = await self._new_app_session(token, request, idempotency_key)
        except ServiceError as refusal:
            if idempotency_key is not None and refusal.status == 409:
                # The same key may have arrived at another process a moment earlier: its session now holds the
                # EVSE, and this request is its retry, to be answered with that session rather than refused.
                replay = await self._replay(token, request, idempotency_key)
                if replay is not None:
                    return replay, True
            raise
        hold = await self._hold_for(token, method, row) if method.type == "PSP" else None
        row.remote_start_at = None if hold is not None else row.requested_at
        step: int | None = None
        try:
            async with self._db.transaction() as session:
                session.add(row)
                if hold is not None and self._payments is not None:
                    await session.flush()
                    step = await self._payments.steps.plan_hold(session, charge_session=row, **hold)
        except IntegrityError as exc:
            if idempotency_key is not None:
                # The same key arrived twice at once; the other request created the session.
                replay = await self._replay(token, request, idempotency_key)
                if replay is not None:
                    return replay, True
            # The store holds one active session per EVSE: another start got there first.
            raise await self._evse_taken(token, row) from exc
        await self._records.publish(row.id, "REQUESTED")
        if step is not None:
            await self._place_hold(row, step)
        else:
            self._background.spawn(self._charger_commands.remote_start(row.id), f"remote-start-{row.id}")
        return await self._views.view(row, with_data=False), False

    async def _hold_for(self, token: AppTokenRecord, method: PaymentMethod, row: ChargeSession) -> dict[str, Any]:
        """What to hold on a Stripe card for a start at this location, or the refusal."""
        payments = self._payments
        if payments is None or not payments.steps_enabled:
            raise ServiceError(
                422,
                "payment_method_not_supported",
                "paymentMethodId: this service takes no Stripe cards now (no Stripe account is configured)",
                field="paymentMethodId",
            )
        if await payments.steps.has_unpaid(token.pk, "STRIPE"):
            raise ServiceError(
                402,
                "failed_payment_outstanding",
                "this token owes a failed payment: pay it (POST .../failed-payments/{id}/retry) before charging "
                "with a Stripe card again; other payment methods still work",
            )
        card = await payments.psp_card(method.id)
        if card is None:
            raise ServiceError(
                422, "payment_method_not_valid", "paymentMethodId: the card is not saved with Stripe any more"
            )
        async with self._db.read() as session:
            own = await session.scalar(select(LocationRow.pre_auth_amount).where(LocationRow.id == row.location_id))
        return {
            "provider": "STRIPE",
            "amount": Decimal(own) if own is not None else self._default_hold,
            "currency": row.currency or "EUR",
            "psp_customer_id": card.psp_customer_id,
            "psp_payment_method_id": card.psp_payment_method_id,
        }

    async def _place_hold(self, row: ChargeSession, step: int) -> None:
        """Place the hold within the start request: only once it is in place is the charge point asked."""
        assert self._payments is not None
        steps = self._payments.steps
        with steps.quiet():
            known = await steps.run_step(step)
        async with self._db.read() as session:
            payment = await session.scalar(select(SessionPayment).where(SessionPayment.session_pk == row.pk))
        assert payment is not None
        if not known:
            # The hold may or may not exist: end the session, and the release (which first learns what the
            # hold came to, with the same idempotency key) gives back whatever was held.
            await self._records.transition(
                row.id,
                SessionEvent.START_FAILED,
                status_reason="the payment provider did not answer; nothing is charged and any hold is released",
            )
            raise ServiceError(
                503, "payment_provider_unavailable", "the payment provider did not answer; try again in a moment"
            )
        if payment.status == "FAILED":
            # Declined: no session. It was never shown to anyone but this request.
            async with self._db.transaction() as session:
                await session.execute(delete(PaymentStep).where(PaymentStep.payment_pk == payment.pk))
                await session.execute(delete(SessionPayment).where(SessionPayment.pk == payment.pk))
                await session.execute(delete(ChargeSession).where(ChargeSession.pk == row.pk))
            raise ServiceError(
                402,
                "payment_declined",
                f"the card was declined: {payment.failure_message or payment.failure_code or 'declined'}",
                decline_code=payment.failure_code,
            )
        if payment.status == "AUTHORIZED":
            await self._payments.on_change(PaymentChange(row.id, payment.pk, PaymentEvent.HOLD_PLACED, "AUTHORIZED"))
            fresh = await self._records.reload(row.id)
            if fresh is not None:
                row.remote_start_at = fresh.remote_start_at

    async def _evse_taken(self, token: AppTokenRecord, row: ChargeSession) -> ServiceError:
        async with self._db.read() as session:
            holder = (
                await session.execute(
                    select(ChargeSession.id, ChargeSession.app_token_pk)
                    .where(ChargeSession.evse_pk == row.evse_pk, ChargeSession.status.in_(ACTIVE_STATUSES))
                    .limit(1)
                )
            ).first()
        if holder is not None and holder.app_token_pk == token.pk:
            return ServiceError(
                409, "session_already_active", f"this token already has an active session ({holder.id}) on this EVSE"
            )
        return ServiceError(409, "evse_not_available", f"EVSE {row.evse_uid!r} is not available (in use)")

    async def _replay(self, token: AppTokenRecord, request: StartRequest, key: str) -> SessionView | None:
        async with self._db.read() as session:
            row = await session.scalar(
                select(ChargeSession).where(
                    ChargeSession.app_token_pk == token.pk, ChargeSession.idempotency_key == key
                )
            )
        if row is None:
            return None
        same = (
            row.location_id == request.location_id.lower()
            and row.evse_uid == request.evse_uid
            and row.payment_method_id == request.payment_method_id
            and (request.connector_id is None or row.connector_id == request.connector_id)
        )
        if not same:
            raise ServiceError(
                409,
                "idempotency_key_reused",
                "this Idempotency-Key was used for a different request; use a new key for a new session",
            )
        return await self._views.view(row, with_data=False)

    async def _new_app_session(
        self, token: AppTokenRecord, request: StartRequest, idempotency_key: str | None
    ) -> tuple[ChargeSession, PaymentMethod]:
        async with self._db.read() as session:
            method = await session.scalar(
                select(PaymentMethod).where(
                    PaymentMethod.id == request.payment_method_id, PaymentMethod.app_token_pk == token.pk
                )
            )
        if method is None:
            raise ServiceError(
                422,
                "payment_method_not_in_wallet",
                "paymentMethodId: no such payment method in this token's wallet",
                field="paymentMethodId",
            )
        if method.verification_status != "VALID":
            raise ServiceError(
                422,
                "payment_method_not_valid",
                f"paymentMethodId: the payment method is {method.verification_status}, not VALID",
                field="paymentMethodId",
            )
        location = await self._locations.get(request.location_id, partner_id=token.partner_id)
        evse = location.evse(request.evse_uid)
        if evse is None:
            raise ServiceError(404, "evse_not_found", f"no EVSE {request.evse_uid!r} at location {location.id!r}")
        if request.connector_id is None:
            connector = evse.connectors[0]
        else:
            found = next((c for c in evse.connectors if c.id == request.connector_id), None)
            if found is None:
                raise ServiceError(
                    404, "connector_not_found", f"no connector {request.connector_id!r} on EVSE {evse.uid!r}"
                )
            connector = found
        async with self._db.read() as session:
            evse_row = (
                await session.execute(
                    select(EvseRow.pk, EvseRow.charge_point_id, EvseRow.ocpp_connector_id).where(
                        EvseRow.location_pk == location.pk, EvseRow.uid == evse.uid
                    )
                )
            ).one()
            active = await session.scalar(
                select(ChargeSession.id)
                .where(
                    ChargeSession.app_token_pk == token.pk,
                    ChargeSession.evse_pk == evse_row.pk,
                    ChargeSession.status.in_(ACTIVE_STATUSES),
                )
                .limit(1)
            )
        if evse_row.charge_point_id is None or evse_row.ocpp_connector_id is None:
            raise ServiceError(
                409, "evse_not_remote_startable", f"EVSE {evse.uid!r} is not connected to this service's CSMS"
            )
        if active is not None:
            raise ServiceError(
                409, "session_already_active", f"this token already has an active session ({active}) on this EVSE"
            )
        try:
            connected = await self._commands.is_connected(evse_row.charge_point_id)
        except CommandBusUnavailable as exc:
            raise bus_unavailable(exc) from None
        if not connected:
            raise ServiceError(503, "charge_point_offline", f"the charge point of EVSE {evse.uid!r} is offline")
        ocpp_status = await self._charge_points.connector_status(evse_row.charge_point_id, evse_row.ocpp_connector_id)
        startable = ocpp_status in ("Available", "Preparing") if ocpp_status is not None else evse.status == "AVAILABLE"
        if not startable:
            shown = ocpp_status or evse.status
            raise ServiceError(409, "evse_not_available", f"EVSE {evse.uid!r} is not available ({shown})")
        chosen = await self._tariffs.first_of(connector.tariff_ids)
        vat: Decimal | None = None
        if chosen is not None:
            vat = build_tariff_view(chosen[0], chosen[1]).vat_percentage
        return ChargeSession(
            id="cs_" + secrets.token_urlsafe(12),
            partner_id=token.partner_id,
            app_token_pk=token.pk,
            payment_method_id=method.id,
            idempotency_key=idempotency_key,
            start_kind="APP",
            location_id=location.id,
            evse_uid=evse.uid,
            evse_pk=evse_row.pk,
            connector_id=connector.id,
            charge_point_id=evse_row.charge_point_id,
            ocpp_connector_id=evse_row.ocpp_connector_id,
            id_tag=_new_id_tag(),
            status="REQUESTED",
            requested_at=utcnow(),
            tariff_id=chosen[0] if chosen else None,
            tariff_document=encode_tariff(chosen[1]).decode() if chosen else None,
            currency=chosen[1].currency if chosen else None,
            time_zone=location.location.time_zone,
            vat_percentage=text_of(vat),
        ), method

    async def get(self, token: AppTokenRecord, session_id: str) -> SessionView:
        """One session of this token, with its meter data; 404 for any other."""
        row = await self._owned(token, session_id)
        if self._payments is not None and row.status == "REQUESTED" and row.remote_start_at is None:
            await self._payments.recheck(row)
            row = await self._records.reload(row.id) or row
        row = await self._records.apply_deadline(row)
        return await self._views.view(row, with_data=True)

    async def stop_session(self, token: AppTokenRecord, session_id: str) -> SessionView:
        """Stop charging (RemoteStopTransaction), or cancel a session that has not started; idempotent."""
        row = await self._owned(token, session_id)
        row = await self._records.apply_deadline(row)
        if row.status == "CHARGING" and row.charge_point_id is not None:
            # Asked now, not in the background: while the bus is away the stop fails here with 503, and the
            # session stays CHARGING rather than passing through STOPPING and back.
            try:
                await self._commands.is_connected(row.charge_point_id)
            except CommandBusUnavailable as exc:
                raise bus_unavailable(exc) from None
        row, transition = await self._records.transition(
            row.id, SessionEvent.STOP_REQUESTED, stop_requested_at=utcnow()
        )
        if Effect.SEND_REMOTE_STOP in transition.effects:
            self._background.spawn(self._charger_commands.remote_stop(row.id), f"remote-stop-{row.id}")
        return await self._views.view(row, with_data=False)

    async def history(
        self,
        token: AppTokenRecord,
        filters: SessionFilters,
        *,
        page_size: int,
        continuation_token: str | None,
    ) -> tuple[list[SessionView], str | None]:
        """This token's sessions, newest first, a page at a time."""
        codec = self.continuation
        assert codec is not None, "start() first"
        fingerprint = codec.fingerprint(
            "sessions",
            token.partner_id,
            token.app_token,
            sorted(filters.statuses),
            filters.requested_from,
            filters.requested_to,
            filters.payment_method_id,
            page_size,
        )
        query = select(ChargeSession).where(ChargeSession.app_token_pk == token.pk)
        if continuation_token is not None:
            after = position_after(codec, continuation_token, fingerprint)
            query = query.where(ChargeSession.pk < after)
        if filters.statuses:
            query = query.where(ChargeSession.status.in_(filters.statuses))
        if filters.requested_from is not None:
            query = query.where(ChargeSession.requested_at >= filters.requested_from)
        if filters.requested_to is not None:
            query = query.where(ChargeSession.requested_at < filters.requested_to)
        if filters.payment_method_id is not None:
            query = query.where(ChargeSession.payment_method_id == filters.payment_method_id)
        async with self._db.read() as session:
            rows = list((await session.scalars(query.order_by(ChargeSession.pk.desc()).limit(page_size + 1))).all())
        more = len(rows) > page_size
        rows = rows[:page_size]
        next_token = codec.encode((rows[-1].pk,), fingerprint) if more and rows else None
        return [await self._views.view(row, with_data=False) for row in rows], next_token

    @contextlib.asynccontextmanager
    async def follow(self, token: AppTokenRecord, session_id: str) -> AsyncIterator[tuple[SessionView, Subscription]]:
        """The session now, and its updates from then on (subscribed before reading, so none is missed)."""
        row = await self._owned(token, session_id)
        async with self._records.events.subscribe(row.id) as subscription:
            yield await self.get(token, session_id), subscription

    async def _owned(self, token: AppTokenRecord, session_id: str) -> ChargeSession:
        async with self._db.read() as session:
            row = await session.scalar(
                select(ChargeSession).where(ChargeSession.id == session_id, ChargeSession.app_token_pk == token.pk)
            )
        if row is None:
            raise ServiceError(404, "session_not_found", f"no session {session_id!r} for this token")
        return row
