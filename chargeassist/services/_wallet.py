"""App tokens and their wallets of payment methods."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from chargeassist.store import AppToken, Database, PaymentMethod

from ._errors import ServiceError

__all__ = ["AppTokenRecord", "WalletService", "card_hints", "normalize_visual_number"]

_VISUAL_NUMBER = re.compile(r"^[A-Z0-9]{6,40}$")


def normalize_visual_number(visual_number: str) -> str | None:
    """Upper-cased without spaces, dashes or stars; None when it cannot be a card's visual number."""
    key = re.sub(r"[\s*-]", "", visual_number).upper()
    return key if _VISUAL_NUMBER.fullmatch(key) else None


def card_hints(visual_number: str) -> tuple[str, str]:
    """(cardHint, cardShortHint): the number with all but its last four characters masked, and those four."""
    cleaned = visual_number.strip().upper()
    alnum_positions = [i for i, ch in enumerate(cleaned) if ch.isalnum()]
    keep = set(alnum_positions[-4:])
    masked = "".join(ch if (i in keep or not ch.isalnum()) else "*" for i, ch in enumerate(cleaned))
    short = "".join(cleaned[i] for i in alnum_positions[-4:])
    return masked, short


def _card_in_other_wallet() -> ServiceError:
    return ServiceError(
        409, "charge_card_in_other_wallet", "this charge card is already in the wallet of another of your app tokens"
    )


@dataclass(frozen=True, slots=True)
class AppTokenRecord:
    """A registered app token."""

    pk: int
    partner_id: str
    app_token: str
    created_at: datetime


def _record(row: AppToken) -> AppTokenRecord:
    return AppTokenRecord(pk=row.pk, partner_id=row.partner_id, app_token=row.app_token, created_at=row.created_at)


class WalletService:
    """Registers app tokens for a partner and keeps their payment methods."""

    def __init__(self, db: Database) -> None:
        self._db = db

    @staticmethod
    def _check_token(app_token: str) -> None:
        if not 1 <= len(app_token) <= 255:
            raise ServiceError(400, "invalid_app_token", "appToken must be 1 to 255 characters", field="appToken")

    async def register(self, partner_id: str, app_token: str) -> tuple[AppTokenRecord, bool]:
        """The app token, created when new; the flag says whether it was created now."""
        self._check_token(app_token)
        existing = await self.find(partner_id, app_token)
        if existing is not None:
            return existing, False
        try:
            async with self._db.transaction() as session:
                row = AppToken(partner_id=partner_id, app_token=app_token)
                session.add(row)
                await session.flush()
                return _record(row), True
        except IntegrityError:
            # A concurrent PUT of the same token won; registering is idempotent, so answer with its row.
            found = await self.find(partner_id, app_token)
            if found is None:
                raise
            return found, False

    async def find(self, partner_id: str, app_token: str) -> AppTokenRecord | None:
        """The partner's app token, or None (another partner's token is never found)."""
        async with self._db.read() as session:
            row = await self._row(session, partner_id, app_token)
            return _record(row) if row else None

    async def get(self, partner_id: str, app_token: str) -> AppTokenRecord:
        """The partner's app token; 404 otherwise."""
        found = await self.find(partner_id, app_token)
        if found is None:
            raise ServiceError(404, "app_token_not_found", "no such app token for this partner")
        return found

    @staticmethod
    async def _row(session: AsyncSession, partner_id: str, app_token: str) -> AppToken | None:
        row: AppToken | None = await session.scalar(
            select(AppToken).where(AppToken.partner_id == partner_id, AppToken.app_token == app_token)
        )
        return row

    async def delete(self, partner_id: str, app_token: str) -> None:
        """Remove the app token and its wallet; 404 when unknown."""
        async with self._db.transaction() as session:
            row = await self._row(session, partner_id, app_token)
            if row is None:
                raise ServiceError(404, "app_token_not_found", "no such app token for this partner")
            await session.execute(delete(PaymentMethod).where(PaymentMethod.app_token_pk == row.pk))
            await session.delete(row)

    async def list_payment_methods(self, token: AppTokenRecord) -> list[PaymentMethod]:
        """The wallet, oldest first."""
        async with self._db.read() as session:
            rows = await session.scalars(
                select(PaymentMethod)
                .where(PaymentMethod.app_token_pk == token.pk)
                .order_by(PaymentMethod.created_at, PaymentMethod.id)
            )
            return list(rows.all())

    async def get_payment_method(self, token: AppTokenRecord, payment_method_id: str) -> PaymentMethod:
        """One payment method of this wallet; 404 for unknown ids and for other wallets' methods."""
        async with self._db.read() as session:
            row = await session.scalar(
                select(PaymentMethod).where(
                    PaymentMethod.id == payment_method_id, PaymentMethod.app_token_pk == token.pk
                )
            )
        if row is None:
            raise ServiceError(404, "payment_method_not_found", "no such payment method in this wallet")
        return row

    async def add_charge_card(
        self, token: AppTokenRecord, visual_number: str, display_name: str | None
    ) -> tuple[PaymentMethod, bool]:
        """Add an RFID charge card by its visual number; the same card again gives the same method.

        A card number is unique within the partner only: whether another partner's driver registered the
        same number is never told (see :meth:`SessionService.authorize` for whose swipe it then is).
        """
        card_key = normalize_visual_number(visual_number)
        if card_key is None:
            raise ServiceError(
                400,
                "invalid_visual_number",
                "visualNumber must be 6 to 40 letters or digits (spaces, dashes and stars are ignored)",
                field="visualNumber",
            )
        async with self._db.transaction() as session:
            existing = await session.scalar(
                select(PaymentMethod).where(
                    PaymentMethod.partner_id == token.partner_id, PaymentMethod.card_key == card_key
                )
            )
            if existing is not None:
                if existing.app_token_pk != token.pk:
                    raise _card_in_other_wallet()
                if display_name is not None and display_name != existing.display_name:
                    existing.display_name = display_name
                return existing, False
            hint, short_hint = card_hints(visual_number)
            row = PaymentMethod(
                id="pm_" + secrets.token_urlsafe(12),
                app_token_pk=token.pk,
                partner_id=token.partner_id,
                type="CHARGE_CARD",
                card_key=card_key,
                card_hint=hint,
                card_short_hint=short_hint,
                # The RFID id tag a charge point reports is the card's normalised visual number.
                id_tag=card_key,
                display_name=display_name,
                verification_status="VALID",
            )
            session.add(row)
            try:
                await session.flush()
            except IntegrityError as exc:
                raise _card_in_other_wallet() from exc
            return row, True

    async def add_external(
        self, token: AppTokenRecord, external_payment_method_id: str, display_name: str | None
    ) -> tuple[PaymentMethod, bool]:
        """Add a reference to a payment method kept by the integrator; idempotent per reference."""
        if not 1 <= len(external_payment_method_id) <= 255:
            raise ServiceError(
                400,
                "invalid_external_payment_method_id",
                "externalPaymentMethodId must be 1 to 255 characters",
                field="externalPaymentMethodId",
            )
        async with self._db.transaction() as session:
            existing = await session.scalar(
                select(PaymentMethod).where(
                    PaymentMethod.app_token_pk == token.pk,
                    PaymentMethod.external_payment_method_id == external_payment_method_id,
                )
            )
            if existing is not None:
                if display_name is not None and display_name != existing.display_name:
                    existing.display_name = display_name
                return existing, False
            row = PaymentMethod(
                id="pm_" + secrets.token_urlsafe(12),
                app_token_pk=token.pk,
                partner_id=token.partner_id,
                type="EXTERNAL",
                external_payment_method_id=external_payment_method_id,
                display_name=display_name,
                verification_status="VALID",
            )
            session.add(row)
            return row, True

    async def remove_payment_method(self, token: AppTokenRecord, payment_method_id: str) -> None:
        """Remove one method of this wallet; 404 when it is not in it."""
        async with self._db.transaction() as session:
            result = await session.execute(
                delete(PaymentMethod).where(
                    PaymentMethod.id == payment_method_id, PaymentMethod.app_token_pk == token.pk
                )
            )
            if getattr(result, "rowcount", 0) == 0:
                raise ServiceError(404, "payment_method_not_found", "no such payment method in this wallet")
