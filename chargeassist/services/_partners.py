"""Partners and operators: API keys (stored only as hashes) and their verification."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from chargeassist.store import Database, Partner

__all__ = ["CreatedPartner", "PartnerIdentity", "PartnerService", "hash_api_key"]

_KEY_PREFIX = "ca_"


def hash_api_key(api_key: str) -> str:
    """SHA-256 of the key; keys are 256-bit random, so a fast hash is safe and keeps auth cheap."""
    return hashlib.sha256(api_key.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class PartnerIdentity:
    """Who a valid API key belongs to."""

    partner_id: str
    name: str
    is_operator: bool


@dataclass(frozen=True, slots=True)
class CreatedPartner:
    """A new partner and its API key, which is shown once and never stored."""

    identity: PartnerIdentity
    api_key: str


class PartnerService:
    """Creates partners and verifies their keys, with a short cache so every request need not hit the store."""

    def __init__(self, db: Database, *, cache_ttl_s: float = 30.0) -> None:
        self._db = db
        self._cache_ttl_s = cache_ttl_s
        self._cache: dict[str, tuple[float, PartnerIdentity | None]] = {}

    async def create(self, name: str, *, is_operator: bool = False, api_key: str | None = None) -> CreatedPartner:
        """Create a partner; ``api_key`` is only for well-known demo keys, otherwise a random key is made."""
        key = api_key or _KEY_PREFIX + secrets.token_urlsafe(32)
        identity = PartnerIdentity(partner_id="ptn_" + secrets.token_hex(8), name=name, is_operator=is_operator)
        async with self._db.transaction() as session:
            session.add(
                Partner(id=identity.partner_id, name=name, is_operator=is_operator, api_key_hash=hash_api_key(key))
            )
        return CreatedPartner(identity=identity, api_key=key)

    async def ensure(self, name: str, api_key: str, *, is_operator: bool) -> PartnerIdentity:
        """The partner holding ``api_key``, created when missing (demo seeding; safe across processes)."""
        found = await self.authenticate(api_key, use_cache=False)
        if found is not None:
            return found
        try:
            return (await self.create(name, is_operator=is_operator, api_key=api_key)).identity
        except IntegrityError:
            found = await self.authenticate(api_key, use_cache=False)
            assert found is not None
            return found

    async def authenticate(self, api_key: str, *, use_cache: bool = True) -> PartnerIdentity | None:
        """The identity behind ``api_key``, or None."""
        key_hash = hash_api_key(api_key)
        now = time.monotonic()
        if use_cache:
            cached = self._cache.get(key_hash)
            if cached is not None and cached[0] > now:
                return cached[1]
        async with self._db.read() as session:
            row = await session.scalar(select(Partner).where(Partner.api_key_hash == key_hash))
        identity = PartnerIdentity(partner_id=row.id, name=row.name, is_operator=row.is_operator) if row else None
        if use_cache:
            if len(self._cache) > 10_000:
                self._cache.clear()  # bounded: guessed keys must not grow memory without limit
            self._cache[key_hash] = (now + self._cache_ttl_s, identity)
        return identity

    async def list(self) -> list[PartnerIdentity]:
        """All partners, oldest first."""
        async with self._db.read() as session:
            rows = (await session.scalars(select(Partner).order_by(Partner.created_at, Partner.id))).all()
        return [PartnerIdentity(partner_id=r.id, name=r.name, is_operator=r.is_operator) for r in rows]
