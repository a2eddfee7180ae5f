"""Wire structs of charging sessions (camelCase, money and energy as decimal strings)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

import msgspec

from chargeassist.domain.sessions import SessionStatus
from chargeassist.services import PaymentView, SessionView

__all__ = [
    "CostBreakdownLine",
    "DataPointResponse",
    "SessionResponse",
    "StartSessionRequest",
    "StartSessionResponse",
    "UsageSummary",
    "session_response",
]


class StartSessionRequest(msgspec.Struct, kw_only=True, rename="camel"):
    """Where to charge and how to pay. Without ``connectorId`` the EVSE's first connector is meant."""

    location_id: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
    evse_uid: Annotated[str, msgspec.Meta(min_length=1, max_length=36)]
    payment_method_id: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    connector_id: Annotated[str, msgspec.Meta(min_length=1, max_length=36)] | None = None


class PaymentResponse(msgspec.Struct, kw_only=True, rename="camel", omit_defaults=True):
    """How the session is paid. ``EXTERNAL``/``NONE``: settled outside this service (the integrator, or the
    card's issuer), which reports the cost. ``STRIPE``: a hold on the driver's card, captured at the CDR."""

    provider: Literal["EXTERNAL", "STRIPE"]
    status: Literal["NONE", "REQUIRES_ACTION", "AUTHORIZED", "CAPTURED", "PARTIALLY_FAILED", "FAILED", "RELEASED"]
    authorized_amount: Decimal | None = None
    """What is held on the card (incl. VAT, in the session's currency)."""
    captured_amount: Decimal | None = None
    """What was taken: from the hold, plus what was charged above it."""
    psp_transaction_id: str | None = None
    """The provider's payment (Stripe: the PaymentIntent id)."""
    client_secret: str | None = None
    """Only with ``REQUIRES_ACTION``: complete the card's authentication (3-D Secure) with Stripe's SDK."""
    failure_code: str | None = None
    running_cost: Decimal | None = None
    """While charging with a hold: what the session costs so far (incl. VAT), to show against the hold,
    which is raised before the cost reaches it where the card allows."""


def payment_response(view: PaymentView | None) -> PaymentResponse | None:
    """The wire shape of a session's payment."""
    if view is None:
        return None
    return PaymentResponse(
        provider="STRIPE" if view.provider == "STRIPE" else "EXTERNAL",
        status=view.status,  # type: ignore[arg-type]
        authorized_amount=view.authorized_amount if view.provider != "EXTERNAL" else None,
        captured_amount=view.captured_amount if view.provider != "EXTERNAL" else None,
        psp_transaction_id=view.psp_transaction_id,
        client_secret=view.client_secret,
        failure_code=view.failure_code,
        running_cost=view.running_cost,
    )


class StartSessionResponse(msgspec.Struct, kw_only=True, rename="camel"):
    """The new session; poll it (or stream its events) from ``nextStatusCall`` on."""

    charge_session_id: str
    status: SessionStatus
    next_status_call: datetime | None
    payment: PaymentResponse | None = None
    """With a Stripe card: the hold (``AUTHORIZED``), or ``REQUIRES_ACTION`` with the ``clientSecret`` the app
    completes 3-D Secure with; the charge point is asked only once the hold is in place."""


class DataPointResponse(msgspec.Struct, kw_only=True, rename="camel"):
    """One meter reading: energy since the start, power and the car's state of charge (%)."""

    timestamp: datetime
    energy_in_kwh: Decimal | None
    power_in_kw: Decimal | None
    state_of_charge: Decimal | None


class UsageSummary(msgspec.Struct, kw_only=True, rename="camel"):
    """The session's meter data, at most 500 points spread over the session."""

    data_points: list[DataPointResponse]


class CostBreakdownLine(msgspec.Struct, kw_only=True, rename="camel"):
    """One line of the receipt (OCPI dimension), costs to 4 decimals."""

    dimension: str
    start_date_time: datetime | None
    quantity: Decimal
    """What is billed: kWh, hours, or 1 for a fee; includes step-size rounding."""
    unit_price: Decimal
    vat: Decimal | None
    cost_excl_vat: Decimal
    cost_incl_vat: Decimal


class SessionResponse(msgspec.Struct, kw_only=True, rename="camel"):
    """A charging session. ``totalCosts`` includes VAT and is what is charged, rounded to the currency's minor
    unit; it and ``costBreakdown`` are there once the status is ``CDR_AVAILABLE``."""

    charge_session_id: str
    location_id: str
    evse_uid: str
    connector_id: str
    status: SessionStatus
    status_reason: str | None
    start_method: Literal["APP", "RFID"]
    payment_method_id: str | None
    energy_in_kwh: Decimal
    current_power_in_kw: Decimal | None
    state_of_charge: Decimal | None
    currency: str | None
    requested_time: datetime
    start_time: datetime | None
    end_time: datetime | None
    next_status_call: datetime | None
    total_costs: Decimal | None
    total_vat: Decimal | None
    vat_percentage: Decimal | None
    cost_breakdown: list[CostBreakdownLine] | None
    usage_summary: UsageSummary | None = None
    payment: PaymentResponse | None = None
    receipt_number: str | None = None
    """The receipt's number once the session is paid (``GET .../receipt`` shows it)."""


def session_response(view: SessionView) -> SessionResponse:
    """The wire shape of a session."""
    summary = None
    if view.data_points is not None:
        summary = UsageSummary(
            data_points=[
                DataPointResponse(
                    timestamp=p.timestamp, energy_in_kwh=p.energy_kwh, power_in_kw=p.power_kw, state_of_charge=p.soc
                )
                for p in view.data_points
            ]
        )
    breakdown = None
    if view.cost_breakdown is not None:
        breakdown = [
            CostBreakdownLine(
                dimension=line.dimension,
                start_date_time=line.start_date_time,
                quantity=line.quantity,
                unit_price=line.unit_price,
                vat=line.vat,
                cost_excl_vat=line.cost_excl_vat,
                cost_incl_vat=line.cost_incl_vat,
            )
            for line in view.cost_breakdown
        ]
    return SessionResponse(
        charge_session_id=view.id,
        location_id=view.location_id,
        evse_uid=view.evse_uid,
        connector_id=view.connector_id,
        status=view.status,
        status_reason=view.status_reason,
        start_method="RFID" if view.start_kind == "RFID" else "APP",
        payment_method_id=view.payment_method_id,
        energy_in_kwh=view.energy_kwh,
        current_power_in_kw=view.power_kw,
        state_of_charge=view.soc,
        currency=view.currency,
        requested_time=view.requested_at,
        start_time=view.start_time,
        end_time=view.end_time,
        next_status_call=view.next_status_call,
        total_costs=view.total_cost,
        total_vat=view.total_vat,
        vat_percentage=view.vat_percentage,
        cost_breakdown=breakdown,
        usage_summary=summary,
        payment=payment_response(view.payment),
        receipt_number=view.receipt_number,
    )
