"""Issued charge cards (OCPI 2.2.1 Tokens the operator loads) and what they make of the cards in wallets.

A card in a wallet is VALID only when it is an active token issued by the wallet's partner (or when the
operator approved it, where no token is loaded for its number); a blocked or expired token makes it INVALID;
anything else is PENDING. The same rule decides what a charge point is told of an idTag.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import msgspec
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from chargeassist.store import Database, IssuedToken, Partner, PaymentMethod, utcnow

from ._errors import ServiceError

__all__ = [
    "TOKEN_TYPES",
    "WHITELIST_TYPES",
    "CardDecision",
    "IssuedTokenService",
    "VerificationStatus",
    "normalize_card_number",
    "reverify_cards",
    "token_document",
]

VerificationStatus = Literal["PENDING", "VALID", "INVALID"]
TOKEN_TYPES = ("AD_HOC_USER", "APP_USER", "OTHER", "RFID")
WHITELIST_TYPES = ("ALWAYS", "ALLOWED", "ALLOWED_OFFLINE", "NEVER")
PROFILE_TYPES = ("CHEAP", "FAST", "GREEN", "REGULAR")

_CARD_NUMBER = re.compile(r"^[A-Z0-9]{6,40}$")
_CI_STRING = re.compile(r"^[\x20-\x7e]*$")


def normalize_card_number(number: str) -> str | None:
    """Upper-cased without spaces, dashes or stars; None when it cannot be a card number.

    One rule for the number a driver types, the UID a charge point reports and the token the operator
    loads, so the three meet (an OCPP idTag is case-insensitive).
    """
    key = re.sub(r"[\s*-]", "", number).upper()
    return key if _CARD_NUMBER.fullmatch(key) else None


# --- the OCPI Token document -----------------------------------------------------------------------


def _refuse(field: str, reason: str, code: str = "invalid_token_field") -> ServiceError:
    return ServiceError(400, code, f"{field}: {reason}", field=field)


def _text(
    document: Mapping[str, Any], field: str, max_length: int, *, required: bool, pattern: re.Pattern[str] | None = None
) -> str | None:
    value = document.get(field)
    if value is None:
        if required:
            raise _refuse(field, "is required", "missing_token_field")
        return None
    if not isinstance(value, str) or not 1 <= len(value) <= max_length:
        raise _refuse(field, f"must be a string of 1 to {max_length} characters")
    if not _CI_STRING.fullmatch(value):
        raise _refuse(field, "must be printable ASCII")
    if pattern is not None and not pattern.fullmatch(value):
        raise _refuse(field, f"must match {pattern.pattern}")
    return value


def _choice(document: Mapping[str, Any], field: str, choices: tuple[str, ...], *, required: bool) -> str | None:
    value = document.get(field)
    if value is None:
        if required:
            raise _refuse(field, "is required", "missing_token_field")
        return None
    if value not in choices:
        raise _refuse(field, "must be one of " + ", ".join(choices))
    return str(value)


def _moment(document: Mapping[str, Any], field: str, *, required: bool) -> datetime | None:
    value = document.get(field)
    if value is None:
        if required:
            raise _refuse(field, "is required", "missing_token_field")
        return None
    try:
        moment = msgspec.convert(value, datetime) if isinstance(value, str) else None
    except msgspec.ValidationError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise _refuse(field, "must be an RFC 3339 date-time with a time zone (OCPI sends UTC)")
    return moment


@dataclass(frozen=True, slots=True)
class CheckedToken:
    """An OCPI Token that passed validation, with its keys."""

    uid: str
    uid_key: str
    visual_key: str | None
    partner_id: str | None
    values: dict[str, Any]


_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_PARTY = re.compile(r"^[A-Za-z0-9]{3}$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")


def check_token(uid: str, document: Mapping[str, Any]) -> CheckedToken:
    """Validate an OCPI 2.2.1 Token (plus ``partner_id`` and ``expiry_date``) for the path's ``uid``."""
    if not isinstance(document, Mapping):
        raise ServiceError(400, "invalid_token", "the body must be an OCPI Token object")
    uid_key = normalize_card_number(uid)
    if uid_key is None or len(uid) > 36:
        raise _refuse("uid", "must be 6 to 36 characters: letters or digits (spaces, dashes and stars are ignored)")
    body_uid = document.get("uid")
    if body_uid is not None and body_uid != uid:
        raise ServiceError(400, "token_uid_mismatch", "uid: the body's uid differs from the path's", field="uid")
    country_code = _text(document, "country_code", 2, required=True, pattern=_COUNTRY)
    party_id = _text(document, "party_id", 3, required=True, pattern=_PARTY)
    visual_number = _text(document, "visual_number", 64, required=False)
    energy = document.get("energy_contract")
    if energy is not None:
        if not isinstance(energy, Mapping):
            raise _refuse("energy_contract", "must be an object {supplier_name, contract_id}")
        if not isinstance(energy.get("supplier_name"), str) or not 1 <= len(energy["supplier_name"]) <= 64:
            raise _refuse("energy_contract.supplier_name", "must be a string of 1 to 64 characters")
        energy_id = energy.get("contract_id")
        if energy_id is not None and (not isinstance(energy_id, str) or not 1 <= len(energy_id) <= 36):
            raise _refuse("energy_contract.contract_id", "must be a string of 1 to 36 characters")
        energy = {"supplier_name": energy["supplier_name"], **({"contract_id": energy_id} if energy_id else {})}
    valid = document.get("valid")
    if valid is None:
        raise _refuse("valid", "is required", "missing_token_field")
    if not isinstance(valid, bool):
        raise _refuse("valid", "must be true or false")
    partner_id = document.get("partner_id")
    if partner_id is not None and (not isinstance(partner_id, str) or not 1 <= len(partner_id) <= 40):
        raise _refuse("partner_id", "must be a partner id")
    values: dict[str, Any] = {
        "uid": uid,
        "country_code": (country_code or "").upper(),
        "party_id": (party_id or "").upper(),
        "type": _choice(document, "type", TOKEN_TYPES, required=True),
        "contract_id": _text(document, "contract_id", 36, required=True),
        "visual_number": visual_number,
        "issuer": _text(document, "issuer", 64, required=True),
        "group_id": _text(document, "group_id", 36, required=False),
        "valid": valid,
        "whitelist": _choice(document, "whitelist", WHITELIST_TYPES, required=True),
        "language": _text(document, "language", 2, required=False, pattern=_LANGUAGE),
        "default_profile_type": _choice(document, "default_profile_type", PROFILE_TYPES, required=False),
        "energy_contract": msgspec.json.encode(energy).decode() if energy is not None else None,
        "expires_at": _moment(document, "expiry_date", required=False),
        "last_updated": _moment(document, "last_updated", required=True),
    }
    visual_key = normalize_card_number(visual_number) if visual_number else None
    return CheckedToken(uid=uid, uid_key=uid_key, visual_key=visual_key, partner_id=partner_id, values=values)


def token_document(row: IssuedToken, now: datetime | None = None) -> dict[str, Any]:
    """The token as OCPI, with the extensions ``partner_id``, ``expiry_date`` and ``status``."""
    document: dict[str, Any] = {
        "country_code": row.country_code,
        "party_id": row.party_id,
        "uid": row.uid,
        "type": row.type,
        "contract_id": row.contract_id,
        "issuer": row.issuer,
        "valid": row.valid,
        "whitelist": row.whitelist,
        "last_updated": row.last_updated.isoformat().replace("+00:00", "Z"),
    }
    for field in ("visual_number", "group_id", "language", "default_profile_type"):
        if getattr(row, field) is not None:
            document[field] = getattr(row, field)
    if row.energy_contract is not None:
        document["energy_contract"] = msgspec.json.decode(row.energy_contract)
    document["partner_id"] = row.partner_id
    document["expiry_date"] = row.expires_at.isoformat().replace("+00:00", "Z") if row.expires_at else None
    document["status"] = row.status_at(now or utcnow())
    return document


# --- what tokens make of the cards in wallets --------------------------------------------------------


async def _tokens_for(session: AsyncSession, keys: Iterable[str]) -> list[IssuedToken]:
    wanted = set(keys)
    if not wanted:
        return []
    rows = await session.scalars(
        select(IssuedToken).where(or_(IssuedToken.uid_key.in_(wanted), IssuedToken.visual_key.in_(wanted)))
    )
    return list(rows.all())


def _token_of(card: PaymentMethod, tokens: list[IssuedToken]) -> IssuedToken | None:
    """The token a card is: by its UID first (what a charge point reports), then by its printed number."""
    key = card.card_key
    for token in tokens:
        if token.uid_key == key:
            return token
    for token in tokens:
        if token.visual_key is not None and token.visual_key == key:
            return token
    return None


async def reverify_cards(session: AsyncSession, keys: Iterable[str], now: datetime | None = None) -> None:
    """Recompute, inside the caller's transaction, every charge card whose number or token is among ``keys``.

    The issuer's token decides over the operator's approval; where several cards would be VALID for one
    idTag, the token's own partner's oldest card is, and the others wait (PENDING).
    """
    moment = now or utcnow()
    first = set(keys)
    tokens = await _tokens_for(session, first)
    wanted = first | {t.uid_key for t in tokens} | {t.visual_key for t in tokens if t.visual_key}
    cards = list(
        (
            await session.scalars(
                select(PaymentMethod)
                .where(
                    PaymentMethod.type == "CHARGE_CARD",
                    or_(
                        PaymentMethod.card_key.in_(wanted),
                        PaymentMethod.id_tag.in_(wanted),
                        PaymentMethod.issued_token_key.in_(wanted),
                    ),
                )
                .order_by(PaymentMethod.created_at, PaymentMethod.id)
                .with_for_update()
            )
        ).all()
    )
    if not cards:
        return
    tokens = await _tokens_for(session, wanted | {c.card_key for c in cards if c.card_key})
    operators = set(
        (
            await session.scalars(
                select(Partner.id).where(Partner.id.in_({c.partner_id for c in cards}), Partner.is_operator.is_(True))
            )
        ).all()
    )
    plan: dict[str, tuple[str, str | None, str]] = {}
    contenders: dict[str, list[tuple[bool, PaymentMethod]]] = {}
    for card in cards:
        token = _token_of(card, tokens)
        id_tag = token.uid_key if token is not None else (card.card_key or card.id_tag or "")
        token_key = token.uid_key if token is not None else None
        if card.operator_verdict == "BLOCKED":
            status = "INVALID"
        elif token is not None:
            issuer = token.partner_id == card.partner_id or (token.partner_id is None and card.partner_id in operators)
            # The operator may hand a card it issued itself to a partner's driver: its approval makes that card
            # VALID; a card another partner issued it cannot approve away.
            lent = token.partner_id is None and card.operator_verdict == "APPROVED"
            if token.status_at(moment) != "ACTIVE":
                status = "INVALID"
            elif issuer or lent:
                status = "VALID"
            else:
                status = "PENDING"
        else:
            status = "VALID" if card.operator_verdict == "APPROVED" else "PENDING"
        if status == "VALID":
            contenders.setdefault(id_tag, []).append((token is not None, card))
        plan[card.id] = (status, token_key, id_tag)
    for group in contenders.values():
        # Issued before approved, then oldest first (the cards are in that order already).
        group.sort(key=lambda entry: not entry[0])
        for _, loser in group[1:]:
            status, token_key, id_tag = plan[loser.id]
            plan[loser.id] = ("PENDING", token_key, id_tag)
    # Demotions first, so that the one VALID card per idTag the store enforces holds at every statement.
    ordered = sorted(cards, key=lambda c: plan[c.id][0] == "VALID")
    for card in ordered:
        status, token_key, id_tag = plan[card.id]
        if (card.verification_status, card.issued_token_key, card.id_tag) == (status, token_key, id_tag):
            continue
        if status == "VALID" and card.verification_status != "VALID":
            card.verified_at = moment
        card.verification_status, card.issued_token_key, card.id_tag = status, token_key, id_tag
        await session.flush()


async def expire_due_cards(session: AsyncSession, now: datetime | None = None) -> None:
    """Make INVALID the cards whose token has expired since they were last verified (expiry runs no job)."""
    moment = now or utcnow()
    expired = select(IssuedToken.uid_key).where(IssuedToken.expires_at <= moment)
    await session.execute(
        update(PaymentMethod)
        .where(
            PaymentMethod.issued_token_key.in_(expired),
            PaymentMethod.verification_status != "INVALID",
        )
        .values(verification_status="INVALID")
        .execution_options(synchronize_session=False)
    )


# --- the service ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CardDecision:
    """What an idTag means: the OCPP idTagInfo status, the expiry where known, and the card that pays."""

    status: Literal["Accepted", "Blocked", "Expired", "Invalid"]
    expiry_date: datetime | None = None
    card: PaymentMethod | None = None

    @property
    def partner_id(self) -> str | None:
        """The partner whose wallet the swipe charges on."""
        return self.card.partner_id if self.card is not None else None


def _token_not_found() -> ServiceError:
    return ServiceError(404, "issued_token_not_found", "no issued token with this uid")


def _card_not_found() -> ServiceError:
    return ServiceError(404, "payment_method_not_found", "no charge card with this id")


class IssuedTokenService:
    """The operator's issued tokens, the verification of charge cards, and the idTag decision."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def put(
        self, uid: str, document: Mapping[str, Any], partner_id: str | None = None
    ) -> tuple[IssuedToken, bool]:
        """Create or replace the token; ``partner_id`` (or the body's) names its issuer, None the operator."""
        checked = check_token(uid, document)
        issuer = checked.partner_id if checked.partner_id is not None else partner_id
        async with self._db.transaction() as session:
            if issuer is not None and await session.get(Partner, issuer) is None:
                raise ServiceError(400, "unknown_partner", "partner_id: no such partner", field="partner_id")
            row = await session.get(IssuedToken, checked.uid_key, with_for_update=True)
            created = row is None
            old_keys = set() if row is None else {row.uid_key, *([row.visual_key] if row.visual_key else [])}
            if row is None:
                row = IssuedToken(uid_key=checked.uid_key)
                session.add(row)
            for field, value in checked.values.items():
                setattr(row, field, value)
            row.visual_key = checked.visual_key
            row.partner_id = issuer
            try:
                await session.flush()
                await reverify_cards(
                    session, old_keys | {checked.uid_key, *([checked.visual_key] if checked.visual_key else [])}
                )
            except IntegrityError as exc:
                # Another write of the same uid, or of a card of its number, won the race: nothing of this one
                # is kept, and the caller may send it again.
                raise ServiceError(409, "issued_token_conflict", "the token was written at the same moment") from exc
            return row, created

    async def patch(self, uid: str, changes: Mapping[str, Any]) -> IssuedToken:
        """Change some fields (``valid`` blocks and unblocks, ``expiry_date`` expires); the rest is kept."""
        if not isinstance(changes, Mapping):
            raise ServiceError(400, "invalid_token", "the body must be an object of Token fields")
        if "uid" in changes and changes["uid"] != uid:
            raise ServiceError(400, "token_uid_mismatch", "uid: the body's uid differs from the path's", field="uid")
        stored = await self.get(uid)
        merged = {k: v for k, v in token_document(stored).items() if v is not None and k != "status"}
        merged.update(changes)
        if "last_updated" not in changes:
            merged["last_updated"] = utcnow().isoformat()
        row, _ = await self.put(stored.uid, merged, stored.partner_id)
        return row

    async def get(self, uid: str) -> IssuedToken:
        """The token by its uid in any spelling; 404 when none."""
        key = normalize_card_number(uid)
        async with self._db.read() as session:
            row = await session.get(IssuedToken, key) if key is not None else None
        if row is None:
            raise _token_not_found()
        return row

    async def page(self, *, offset: int, limit: int) -> tuple[list[IssuedToken], int]:
        """A page of tokens in uid order, and how many there are."""
        async with self._db.read() as session:
            total = int(await session.scalar(select(func.count()).select_from(IssuedToken)) or 0)
            rows = await session.scalars(select(IssuedToken).order_by(IssuedToken.uid_key).offset(offset).limit(limit))
            return list(rows.all()), total

    async def delete(self, uid: str) -> None:
        """Forget the token; its cards go back to waiting for the operator (or their own approval)."""
        key = normalize_card_number(uid)
        async with self._db.transaction() as session:
            row = await session.get(IssuedToken, key) if key is not None else None
            if row is None:
                raise _token_not_found()
            keys = {row.uid_key, *([row.visual_key] if row.visual_key else [])}
            await session.delete(row)
            await session.flush()
            await reverify_cards(session, keys)

    # --- cards waiting in wallets ---------------------------------------------------------------------

    async def list_cards(
        self, *, status: VerificationStatus | None, offset: int, limit: int
    ) -> tuple[list[PaymentMethod], int]:
        """Charge cards of every wallet, oldest first, optionally of one verification status."""
        query = select(PaymentMethod).where(PaymentMethod.type == "CHARGE_CARD")
        if status is not None:
            query = query.where(PaymentMethod.verification_status == status)
        async with self._db.transaction() as session:
            await expire_due_cards(session)
            total = int(await session.scalar(select(func.count()).select_from(query.subquery())) or 0)
            rows = await session.scalars(
                query.order_by(PaymentMethod.created_at, PaymentMethod.id).offset(offset).limit(limit)
            )
            return list(rows.all()), total

    async def approve(self, payment_method_id: str) -> PaymentMethod:
        """Make a card VALID; 409 when its token says it is another's, or another partner's card is VALID."""
        async with self._db.transaction() as session:
            card = await self._card(session, payment_method_id)
            if card.verification_status == "VALID":
                return card
            tokens = await _tokens_for(session, [card.card_key or ""])
            token = _token_of(card, tokens)
            if token is not None and token.status_at(utcnow()) != "ACTIVE":
                raise ServiceError(
                    409, "issued_token_not_active", f"the card's issued token is {token.status_at(utcnow())}"
                )
            if token is not None and token.partner_id not in (None, card.partner_id):
                raise ServiceError(
                    409, "charge_card_issued_to_other_partner", "the card's issued token names another partner"
                )
            id_tag = token.uid_key if token is not None else card.card_key
            holder = await session.scalar(
                select(PaymentMethod.id).where(
                    PaymentMethod.id_tag == id_tag,
                    PaymentMethod.type == "CHARGE_CARD",
                    PaymentMethod.verification_status == "VALID",
                    PaymentMethod.id != card.id,
                )
            )
            if holder is not None:
                raise ServiceError(409, "charge_card_valid_elsewhere", "another partner's card of this number is VALID")
            card.operator_verdict = "APPROVED"
            await session.flush()
            await reverify_cards(session, [card.card_key or ""])
            if card.verification_status != "VALID":
                raise ServiceError(409, "charge_card_valid_elsewhere", "another card of this number is VALID")
            return card

    async def block(self, payment_method_id: str) -> PaymentMethod:
        """Make a card INVALID for good (until approved again); its swipes are answered Blocked."""
        async with self._db.transaction() as session:
            card = await self._card(session, payment_method_id)
            card.operator_verdict = "BLOCKED"
            await session.flush()
            await reverify_cards(session, [card.card_key or ""])
            return card

    @staticmethod
    async def _card(session: AsyncSession, payment_method_id: str) -> PaymentMethod:
        card = await session.scalar(
            select(PaymentMethod)
            .where(PaymentMethod.id == payment_method_id, PaymentMethod.type == "CHARGE_CARD")
            .with_for_update()
        )
        if card is None:
            raise _card_not_found()
        return card

    # --- the charge point's side ----------------------------------------------------------------------

    async def card_for_id_tag(self, id_tag: str) -> CardDecision:
        """What an idTag a charge point reports means, and the VALID card (and so wallet) it charges on.

        A blocked token is Blocked and an expired one Expired wherever it is swiped; a card only PENDING (or
        in no wallet) is Invalid and charges on nobody.
        """
        key = normalize_card_number(id_tag)
        if key is None:
            return CardDecision("Invalid")
        now = utcnow()
        async with self._db.read() as session:
            tokens = await _tokens_for(session, [key])
            token = next((t for t in tokens if t.uid_key == key), None) or next(iter(tokens), None)
            if token is not None:
                status = token.status_at(now)
                if status == "BLOCKED":
                    return CardDecision("Blocked", token.expires_at)
                if status == "EXPIRED":
                    return CardDecision("Expired", token.expires_at)
            tag = token.uid_key if token is not None else key
            cards = (
                await session.scalars(
                    select(PaymentMethod).where(PaymentMethod.id_tag == tag, PaymentMethod.type == "CHARGE_CARD")
                )
            ).all()
        expiry = token.expires_at if token is not None else None
        valid = next((c for c in cards if c.verification_status == "VALID"), None)
        if valid is not None:
            return CardDecision("Accepted", expiry, valid)
        if any(c.operator_verdict == "BLOCKED" for c in cards):
            return CardDecision("Blocked", expiry)
        return CardDecision("Invalid")


def new_payment_method_id() -> str:
    """A fresh payment method id."""
    return "pm_" + secrets.token_urlsafe(12)
