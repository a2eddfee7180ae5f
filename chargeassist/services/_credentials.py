"""Charge point passwords verified before, so a reconnect (to this process or any other) skips scrypt.

A charge point's password is stored as a scrypt hash, which costs ~30-60 ms of CPU per check. When a process
dies, all of its charge points reconnect to the others at once: 5,000 scrypt checks are minutes of CPU. So a
successful check is remembered in two tiers:

- **this process** (a dict): charge point id -> (the stored hash it was checked against, HMAC of the password
  under a key that never leaves this process). Checked synchronously, no I/O: the hot path of a reconnect to
  the same process.
- **every process** (a Litestar store, Redis with several processes): charge point id -> HMAC-SHA256 under a
  secret all processes share (kept in the database, see :func:`load_or_create_secret`) of the charge point id,
  the stored hash and the password. A later check computes the HMAC (a few µs) and compares in constant time.

The stored hash is inside the MAC, so a new password (a new hash, with a new salt) invalidates every entry by
construction, even one written by a process that was still checking the old password; the entry is also
deleted when the password changes. Only a successful scrypt check writes an entry, so entries are bounded by
the number of charge points; they carry no expiry, since a charge point may stay connected to one process for
months and must still get in cheaply when that process dies.

What an entry reveals: the MAC is a fast function of the password, so someone holding both the shared store's
entries and the database's secret could test guesses at HMAC speed instead of scrypt speed. Neither alone is
enough, and the in-process tier keeps its key in memory only.

The shared tier is an optimisation: a store that is away (Redis down or slow) or a secret that cannot be read
makes a check fall back to scrypt, never fail; after such an error the shared tier is left alone for a few
seconds, so a reconnect storm during an outage does not wait on Redis once per charge point.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
import time

from litestar.stores.base import Store
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from chargeassist.bus import REDIS_ERRORS
from chargeassist.store import Database

from ._secrets import load_or_create_secret

__all__ = ["MAC_KEY_NAME", "STORE_NAME", "VerifiedCredentials"]

STORE_NAME = "verified-credentials"
"""The name of the shared store (``build_store(settings.bus, STORE_NAME)``)."""

MAC_KEY_NAME = "verified-credentials-1"
"""The service secret keying the shared tier's MACs; a new name would invalidate every entry at once."""

# Domain separation, and a version: a MAC of this scheme is never mistaken for any other HMAC of the secret.
_SCHEME = b"chargeassist/ocpp-basic-password/v1\x00"
_LOCAL_LIMIT = 200_000
_BACKOFF_S = 5.0
# Redis away, or refusing (a full Redis answers a SET with an error), or the secret unreadable: scrypt decides.
_ERRORS: tuple[type[Exception], ...] = (*REDIS_ERRORS, RedisError, SQLAlchemyError)

_log = logging.getLogger("chargeassist.services.credentials")


class VerifiedCredentials:
    """Remembers verified charge point passwords in this process and in a shared store; see the module."""

    def __init__(
        self,
        db: Database,
        store: Store | None = None,
        *,
        local_limit: int = _LOCAL_LIMIT,
        backoff_s: float = _BACKOFF_S,
    ) -> None:
        """``store`` is the shared tier (None: this process only); ``local_limit`` bounds the in-process tier."""
        self._db = db
        self._store = store
        self._local: dict[str, tuple[str, bytes]] = {}
        self._local_key = secrets.token_bytes(32)
        self._local_limit = local_limit
        self._shared_key: bytes | None = None
        self._key_lock = asyncio.Lock()
        self._backoff_s = backoff_s
        self._shared_off_until = 0.0

    # --- this process ----------------------------------------------------------------------------------

    def recognised(self, charge_point_id: str, stored: str, password: str) -> bool | None:
        """Whether the password is the one this process verified against ``stored``; None when this process
        remembers no verification of that hash (then the shared tier or scrypt must tell)."""
        cached = self._local.get(charge_point_id)
        if cached is None or cached[0] != stored:
            return None
        return hmac.compare_digest(cached[1], self._local_digest(password))

    def _remember_locally(self, charge_point_id: str, stored: str, password: str) -> None:
        if len(self._local) >= self._local_limit:
            self._local.clear()  # bounded; the shared tier still knows them
        self._local[charge_point_id] = (stored, self._local_digest(password))

    def _local_digest(self, password: str) -> bytes:
        return hmac.new(self._local_key, password.encode(), hashlib.sha256).digest()

    # --- every process ---------------------------------------------------------------------------------

    async def recognised_shared(self, charge_point_id: str, stored: str, password: str) -> bool:
        """Whether some process verified this password against ``stored`` (then this process remembers it
        too). False says only that the shared tier cannot tell: no entry, another hash or password, or the
        store away; scrypt decides then."""
        if self._store is None or self._shared_is_off():
            return False
        try:
            key = await self._key()
            entry = await self._store.get(charge_point_id)
        except _ERRORS as exc:
            self._shared_failed("read", exc)
            return False
        if entry is None or not hmac.compare_digest(entry, _mac(key, charge_point_id, stored, password)):
            return False
        self._remember_locally(charge_point_id, stored, password)
        return True

    async def remember(self, charge_point_id: str, stored: str, password: str) -> None:
        """A scrypt check of ``password`` against ``stored`` succeeded: remember it in both tiers (the shared
        one on a best-effort basis)."""
        self._remember_locally(charge_point_id, stored, password)
        if self._store is None or self._shared_is_off():
            return
        try:
            key = await self._key()
            await self._store.set(charge_point_id, _mac(key, charge_point_id, stored, password))
        except _ERRORS as exc:
            self._shared_failed("write", exc)

    async def forget(self, charge_point_id: str) -> None:
        """The password changed: drop what both tiers remember of the charge point. An entry the shared tier
        keeps anyway (the store away now) names the old hash, so it can no longer match."""
        self._local.pop(charge_point_id, None)
        if self._store is None:
            return
        try:
            await self._store.delete(charge_point_id)
        except _ERRORS as exc:
            self._shared_failed("delete", exc)

    async def aclose(self) -> None:
        """Close the shared store's connections (a Redis store built for this holds its own client)."""
        if self._store is not None:
            await self._store.__aexit__(None, None, None)

    async def _key(self) -> bytes:
        if self._shared_key is None:
            # One read of the secret however many connections ask at once (a reconnect storm starts here).
            async with self._key_lock:
                if self._shared_key is None:
                    secret = await load_or_create_secret(self._db, MAC_KEY_NAME)
                    self._shared_key = secret.encode()
        return self._shared_key

    def _shared_is_off(self) -> bool:
        return time.monotonic() < self._shared_off_until

    def _shared_failed(self, what: str, exc: Exception) -> None:
        self._shared_off_until = time.monotonic() + self._backoff_s
        _log.warning(
            "verified-credential cache: %s failed (%s: %s); passwords are checked with scrypt for %.0f s",
            what,
            type(exc).__name__,
            exc,
            self._backoff_s,
        )


def _mac(key: bytes, charge_point_id: str, stored: str, password: str) -> bytes:
    """HMAC-SHA256 of the three fields, each length-prefixed so no two triples share an encoding."""
    message = bytearray(_SCHEME)
    for field in (charge_point_id, stored, password):
        encoded = field.encode()
        message += len(encoded).to_bytes(4, "big") + encoded
    return hmac.new(key, bytes(message), hashlib.sha256).digest()
