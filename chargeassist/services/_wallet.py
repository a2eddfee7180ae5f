"""App tokens and their wallets of payment methods."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from chargeassist.store import AppToken, Database, IssuedToken, PaymentMethod

from ._errors import ServiceError
from ._issued_tokens import expire_due_cards, new_payment_method_id, normalize_card_number, reverify_cards

__all__ = ["AppTokenRecord", "WalletService", "card_hints", "normalize_visual_number"]


def normalize_visual_number(visual_number: str) -> str | None:
    """Upper-cased without spaces, dashes or stars; None when it cannot be a card's visual number."""
    return normalize_card_number(visual_number)


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


async def _token_keys(session: AsyncSession, card_key: str) -> list[str]:
    """The uid keys of the issued tokens a card number is (by UID or printed number)."""
    rows = await session.scalars(
        select(IssuedToken.uid_key).where(or_(IssuedToken.uid_key == card_key, IssuedToken.visual_key == card_key))
    )
    return list(rows.all())


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
        async with self._db.transaction() as session:
            await expire_due_cards(session)
            rows = await session.scalars(
                select(PaymentMethod)
                .where(PaymentMethod.app_token_pk == token.pk)
                .order_by(PaymentMethod.created_at, PaymentMethod.id)
            )
            return list(rows.all())

    async def get_payment_method(self, token: AppTokenRecord, payment_method_id: str) -> PaymentMethod:
        """One payment method of this wallet; 404 for unknown ids and for other wallets' methods."""
        async with self._db.transaction() as session:
            await expire_due_cards(session)
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
        """Add an RFID charge card by its visual number (or UID); the same card again gives the same method.

        A card number is unique within the partner only: whether another partner's driver registered the
        same number is never told. The card is VALID when it is an active token issued by this partner,
        INVALID when its token is blocked or expired, and PENDING (until the operator approves it) otherwise;
        another partner's card of the same number reads the same either way.
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
            # The partner's card by this number, or the one it already holds of the same issued token (the
            # driver typed the printed number once and the UID now, or the other way round).
            existing = await session.scalar(
                select(PaymentMethod)
                .where(
                    PaymentMethod.partner_id == token.partner_id,
                    PaymentMethod.type == "CHARGE_CARD",
                    or_(
                        PaymentMethod.card_key == card_key,
                        PaymentMethod.issued_token_key.in_(await _token_keys(session, card_key)),
                    ),
                )
                .order_by(PaymentMethod.created_at)
                .limit(1)
            )
            if existing is not None:
                if existing.app_token_pk != token.pk:
                    raise _card_in_other_wallet()
                if display_name is not None and display_name != existing.display_name:
                    existing.display_name = display_name
                return existing, False
            hint, short_hint = card_hints(visual_number)
            row = PaymentMethod(
                id=new_payment_method_id(),
                app_token_pk=token.pk,
                partner_id=token.partner_id,
                type="CHARGE_CARD",
                card_key=card_key,
                card_hint=hint,
                card_short_hint=short_hint,
                # Until the card is matched to an issued token (whose UID a charge point reports), its idTag is
                # its normalised number.
                id_tag=card_key,
                display_name=display_name,
                verification_status="PENDING",
            )
            session.add(row)
            try:
                await session.flush()
                await reverify_cards(session, [card_key])
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
                id=new_payment_method_id(),
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
            row = await session.scalar(
                select(PaymentMethod).where(
                    PaymentMethod.id == payment_method_id, PaymentMethod.app_token_pk == token.pk
                )
            )
            if row is None:
                raise ServiceError(404, "payment_method_not_found", "no such payment method in this wallet")
            keys = [key for key in (row.card_key, row.issued_token_key) if key]
            await session.delete(row)
            await session.flush()
            if keys:
                # A card of the same number that waited behind this one may be the VALID one now.
                await reverify_cards(session, keys)
