"""Failed OCPP password attempts, throttled before any password is hashed.

A scrypt check costs tens of milliseconds of CPU. Without a throttle, a guesser sending wrong passwords in
parallel for a known charge point id makes every connect behind it slow, the real charge point's too. So:

- failures are counted per source address and per charge point id over a fixed window; past either limit an
  upgrade is refused with 429 and ``Retry-After`` without hashing. The address limit is the lower one, so a
  guesser from one address is stopped there and the charge point id stays open to its real owner;
- at most a few checks run at once for one charge point id (per process); one more is refused at once with
  a short ``Retry-After`` rather than queued behind the others, so nobody waits behind a queue of hashes.

The counts live in a Litestar :class:`~litestar.stores.base.Store` (memory by default; a Redis store shares
them between processes, though a get-then-set is not atomic across them).
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore

from chargeassist.settings import Settings

__all__ = ["AuthThrottle"]

_IN_FLIGHT_RETRY_S = 1
_SWEEP_EVERY = 1000


@dataclass(frozen=True, slots=True)
class _Limits:
    per_address: int
    per_charge_point: int
    window_s: int
    in_flight: int


class AuthThrottle:
    """Counts failed password attempts and bounds the checks in flight; see the module's description."""

    def __init__(self, settings: Settings, store: Store | None = None) -> None:
        # A memory store forgets an expired count only when it is read again; one of our own is swept now
        # and then, so counts of addresses never seen again do not pile up. (Redis expires keys itself.)
        self._memory: MemoryStore | None = None
        if store is None:
            store = self._memory = MemoryStore()
        self._store = store
        self._writes = 0
        self._limits = _Limits(
            per_address=settings.ocpp_auth_failures_per_address,
            per_charge_point=settings.ocpp_auth_failures_per_charge_point,
            window_s=settings.ocpp_auth_failure_window_s,
            in_flight=settings.ocpp_auth_checks_in_flight,
        )
        self._in_flight: dict[str, int] = {}

    async def refused_for(self, charge_point_id: str, address: str | None) -> int | None:
        """Seconds to wait when an attempt is refused without a check; None when it may be checked."""
        for key, limit in self._keys(charge_point_id, address):
            count = await self._count(key)
            if count >= limit:
                return max(1, await self._store.expires_in(key) or self._limits.window_s)
        return None

    async def failed(self, charge_point_id: str, address: str | None) -> bool:
        """Count a wrong password; True when this failure reached a limit (worth one log line)."""
        reached = False
        for key, limit in self._keys(charge_point_id, address):
            count = await self._count(key) + 1
            remaining = await self._store.expires_in(key) if count > 1 else None
            await self._store.set(key, str(count), expires_in=remaining or self._limits.window_s)
            reached = reached or count == limit
        self._writes += 1
        if self._memory is not None and self._writes % _SWEEP_EVERY == 0:
            await self._memory.delete_expired()
        return reached

    def begin_check(self, charge_point_id: str) -> bool:
        """Take a check slot of the charge point id; False when all are taken (refuse, do not hash)."""
        running = self._in_flight.get(charge_point_id, 0)
        if running >= self._limits.in_flight:
            return False
        self._in_flight[charge_point_id] = running + 1
        return True

    def end_check(self, charge_point_id: str) -> None:
        """Give back the slot :meth:`begin_check` took."""
        running = self._in_flight.pop(charge_point_id, 1) - 1
        if running > 0:
            self._in_flight[charge_point_id] = running

    @property
    def in_flight_retry_s(self) -> int:
        """The ``Retry-After`` of an attempt refused because checks are running."""
        return _IN_FLIGHT_RETRY_S

    def _keys(self, charge_point_id: str, address: str | None) -> list[tuple[str, int]]:
        keys = [("ocpp-auth:id:" + charge_point_id, self._limits.per_charge_point)]
        if address is not None:
            keys.insert(0, ("ocpp-auth:address:" + address, self._limits.per_address))
        return keys

    async def _count(self, key: str) -> int:
        value = await self._store.get(key)
        return int(value) if value is not None else 0
