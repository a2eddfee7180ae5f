"""Wire structs of app tokens, wallets and tariff offers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from chargeassist.services import PreAuthAmountView, TariffView
from chargeassist.store import PaymentMethod, PspCard

__all__ = [
    "AccessTokenResponse",
    "AppTokenResponse",
    "ChargeCardRequest",
    "ExternalPaymentMethodRequest",
    "PaymentMethodResponse",
    "TariffOfferResponse",
    "payment_method_response",
]


class AppTokenResponse(msgspec.Struct, kw_only=True, rename="camel"):
    """A registered app token."""

    app_token: str
    created_date: datetime


class AccessTokenResponse(msgspec.Struct, kw_only=True, rename="camel"):
    """A short-lived bearer token for one app token, for the phone to use instead of the partner key."""

    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int
    """Seconds until it expires."""


_VISUAL_NUMBER_PATTERN = r"^[\s*-]*(?:[A-Za-z0-9][\s*-]*){6,40}$"


class ChargeCardRequest(msgspec.Struct, kw_only=True, rename="camel"):
    """An RFID charge card by the number printed on it."""

    visual_number: Annotated[
        str, msgspec.Meta(min_length=1, max_length=64, extra_json_schema={"extra": {"pattern": _VISUAL_NUMBER_PATTERN}})
    ]
    """6 to 40 letters or digits; spaces, dashes and stars are ignored (checked by the wallet, documented here)."""
    display_name: Annotated[str, msgspec.Meta(max_length=255)] | None = None


class ExternalPaymentMethodRequest(msgspec.Struct, kw_only=True, rename="camel"):
    """A payment method the integrator keeps and settles itself, by its reference."""

    external_payment_method_id: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
    display_name: Annotated[str, msgspec.Meta(max_length=255)] | None = None


class PaymentMethodResponse(msgspec.Struct, kw_only=True, rename="camel"):
    """A payment method in a wallet."""

    id: str
    type: Literal["CHARGE_CARD", "EXTERNAL", "PSP"]
    verification_status: Literal["PENDING", "VALID", "INVALID"]
    display_name: str | None = None
    card_hint: str | None = None
    card_short_hint: str | None = None
    is_vid_mapped: bool | None = None
    external_payment_method_id: str | None = None
    created_date: datetime | None = None
    psp: Literal["STRIPE"] | None = None
    """With ``type: PSP``: the payment service provider the card is saved with."""
    psp_payment_method_id: str | None = None
    """With ``type: PSP``: the provider's id of the card (Stripe: ``pm_...``)."""
    expiry_month: int | None = None
    expiry_year: int | None = None


class TariffOfferResponse(msgspec.Struct, kw_only=True, rename="camel"):
    """The tariff that applies at an EVSE when paying with one payment method."""

    tariff: TariffView | None
    validity: Literal["VALID", "UNKNOWN", "NO_TARIFF_FOUND", "NOT_COMPATIBLE"]
    payment_method: PaymentMethodResponse
    pre_auth_amount: PreAuthAmountView | None = None
    """With a ``PSP`` card: what a start here holds on it (in the tariff's currency), released but for the cost."""


def payment_method_response(row: PaymentMethod, psp_card: PspCard | None = None) -> PaymentMethodResponse:
    """The wire shape of a stored payment method (with what the provider told of it, for a card saved there)."""
    if row.type == "PSP":
        return PaymentMethodResponse(
            id=row.id,
            type="PSP",
            verification_status=row.verification_status,  # type: ignore[arg-type]
            display_name=row.display_name,
            card_hint=row.card_hint,
            card_short_hint=row.card_short_hint,
            created_date=row.created_at,
            psp="STRIPE",
            psp_payment_method_id=psp_card.psp_payment_method_id if psp_card else None,
            expiry_month=psp_card.expiry_month if psp_card else None,
            expiry_year=psp_card.expiry_year if psp_card else None,
        )
    is_card = row.type == "CHARGE_CARD"
    return PaymentMethodResponse(
        id=row.id,
        type="CHARGE_CARD" if is_card else "EXTERNAL",
        verification_status=row.verification_status,  # type: ignore[arg-type]
        display_name=row.display_name,
        card_hint=row.card_hint if is_card else None,
        card_short_hint=row.card_short_hint if is_card else None,
        is_vid_mapped=(row.id_tag is not None) if is_card else None,
        external_payment_method_id=row.external_payment_method_id,
        created_date=row.created_at,
    )
