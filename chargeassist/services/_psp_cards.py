"""Cards saved with the payment provider (Stripe) in a wallet: the customer of an app token, the SetupIntent an
app saves a card with, and the payment method the server adds once it has read the card back from Stripe.

The card number never reaches the service: the app hands it to Stripe's SDK with the SetupIntent's client
secret, and the service sees only Stripe's ids and what the driver is shown (brand, last four, expiry).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from chargeassist.payments import PaymentMethodUnusable, PaymentProvider, PaymentProviders, idempotency_key
from chargeassist.store import Database, PaymentMethod, PspCard, PspCustomer

from ._errors import ServiceError
from ._wallet import AppTokenRecord

__all__ = ["PspCardService", "SetupIntentView", "card_hint_of"]

_STRIPE = "STRIPE"
_BRANDS = {
    "visa": "VISA",
    "mastercard": "MASTERCARD",
    "amex": "AMEX",
    "discover": "DISCOVER",
    "diners": "DINERS",
    "jcb": "JCB",
    "unionpay": "UNIONPAY",
    "cartes_bancaires": "CB",
}


def card_hint_of(brand: str, last4: str) -> str:
    """``VISA •••• 4242``: what a driver recognises their card by."""
    return f"{_BRANDS.get(brand.lower(), brand.upper())} \u2022\u2022\u2022\u2022 {last4}"


@dataclass(frozen=True, slots=True)
class SetupIntentView:
    """What the app needs to save a card with Stripe's SDK."""

    client_secret: str
    customer_id: str
    publishable_key: str


def _stripe_off() -> ServiceError:
    return ServiceError(
        404, "stripe_not_enabled", "this service does not take Stripe cards (no Stripe account is configured)"
    )


class PspCardService:
    """Stripe cards in wallets."""

    def __init__(self, db: Database, providers: PaymentProviders) -> None:
        self._db = db
        self._providers = providers

    @property
    def enabled(self) -> bool:
        """Whether Stripe cards are offered."""
        return self._providers.stripe is not None

    def _stripe(self) -> PaymentProvider:
        if self._providers.stripe is None:
            raise _stripe_off()
        return self._providers.stripe

    async def customer_of(self, token: AppTokenRecord) -> str:
        """The token's Stripe customer, made on first use (one per token, also when two requests race)."""
        async with self._db.read() as session:
            found = await session.scalar(
                select(PspCustomer.customer_id).where(
                    PspCustomer.app_token_pk == token.pk, PspCustomer.provider == _STRIPE
                )
            )
        if found is not None:
            return str(found)
        # The key is the token's: a race (or a retry after a crash) gets the same customer from Stripe.
        customer = await self._stripe().create_customer(
            idempotency_key=f"chargeassist:customer:{token.partner_id}:{token.pk}",
            metadata={"partner_id": token.partner_id, "app_token_pk": str(token.pk)},
        )
        try:
            async with self._db.transaction() as session:
                session.add(PspCustomer(app_token_pk=token.pk, provider=_STRIPE, customer_id=customer))
        except IntegrityError:
            async with self._db.read() as session:
                existing = await session.scalar(
                    select(PspCustomer.customer_id).where(
                        PspCustomer.app_token_pk == token.pk, PspCustomer.provider == _STRIPE
                    )
                )
            if existing is None:
                raise
            return str(existing)
        return customer

    async def setup_intent(self, token: AppTokenRecord) -> SetupIntentView:
        """A SetupIntent for the app to save a card for later, off-session use."""
        stripe = self._stripe()
        customer = await self.customer_of(token)
        secret = await stripe.create_setup_intent(
            customer, idempotency_key=idempotency_key(f"setup-{token.pk}", secrets.token_hex(8))
        )
        return SetupIntentView(
            client_secret=secret, customer_id=customer, publishable_key=self._providers.stripe_publishable_key
        )

    async def add_card(
        self, token: AppTokenRecord, psp_payment_method_id: str, psp_customer_id: str | None
    ) -> tuple[PaymentMethod, PspCard, bool]:
        """Add a card the app saved with Stripe; the same card again gives the same payment method.

        The card must be attached to this token's own customer: a PaymentMethod id of another driver (or
        another partner's) is refused like an unknown one, so it reveals nothing about it."""
        stripe = self._stripe()
        customer = await self.customer_of(token)
        if psp_customer_id is not None and psp_customer_id != customer:
            raise ServiceError(
                400,
                "psp_customer_mismatch",
                "pspCustomerId: not this app token's Stripe customer (use the customerId the setup-intent gave)",
                field="pspCustomerId",
            )
        existing = await self._existing(token, psp_payment_method_id)
        if existing is not None:
            return existing[0], existing[1], False
        try:
            card = await stripe.retrieve_payment_method(psp_payment_method_id, customer=customer)
        except PaymentMethodUnusable as exc:
            raise ServiceError(400, exc.code, f"pspPaymentMethodId: {exc.message}", field="pspPaymentMethodId") from exc
        method = PaymentMethod(
            id="pm_" + secrets.token_urlsafe(12),
            app_token_pk=token.pk,
            partner_id=token.partner_id,
            type="PSP",
            card_hint=card_hint_of(card.brand, card.last4),
            card_short_hint=card.last4,
            verification_status="VALID",
        )
        details = PspCard(
            payment_method_id=method.id,
            provider=_STRIPE,
            psp_payment_method_id=card.payment_method_id,
            psp_customer_id=customer,
            brand=card.brand,
            last4=card.last4,
            expiry_month=card.exp_month,
            expiry_year=card.exp_year,
        )
        async with self._db.transaction() as session:
            session.add(method)
            await session.flush()
            session.add(details)
        return method, details, True

    async def _existing(
        self, token: AppTokenRecord, psp_payment_method_id: str
    ) -> tuple[PaymentMethod, PspCard] | None:
        async with self._db.read() as session:
            row = (
                await session.execute(
                    select(PaymentMethod, PspCard)
                    .join(PspCard, PspCard.payment_method_id == PaymentMethod.id)
                    .where(
                        PaymentMethod.app_token_pk == token.pk, PspCard.psp_payment_method_id == psp_payment_method_id
                    )
                )
            ).first()
        return None if row is None else (row[0], row[1])

    async def cards(self, payment_method_ids: Sequence[str]) -> dict[str, PspCard]:
        """The Stripe details of those payment methods that are Stripe cards."""
        if not payment_method_ids:
            return {}
        async with self._db.read() as session:
            rows = await session.scalars(select(PspCard).where(PspCard.payment_method_id.in_(payment_method_ids)))
            return {row.payment_method_id: row for row in rows.all()}
