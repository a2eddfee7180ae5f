"""Failed OCPP password attempts, throttled before any password is hashed.

A scrypt check costs tens of milliseconds of CPU. Without a throttle, a guesser sending wrong passwords in
parallel for a known charge point id makes every connect behind it slow, the real charge point's too. So:

- failures are counted per source address and per charge point id; past either limit an upgrade is refused
  with 429 and ``Retry-After`` without hashing. The address limit is the lower one, so a guesser from one
  address is stopped there and the charge point id stays open to its real owner;
- at most a few checks run at once for one charge point id (per process); one more is refused at once with
  a short ``Retry-After`` rather than queued behind the others, so nobody waits behind a queue of hashes.

The counts are token buckets of the rate-limit backend (``CHARGEASSIST_RATE_LIMIT_BACKEND``): in this process,
or in Redis, where every process of a deployment shares them atomically, so a guesser spreading its attempts
over the processes behind a load balancer gets no more than from one. A limit of N failures per window W is a
bucket of N that refills one failure every W/N: N failures at once, then one every W/N (the long-run rate of a
window of W, without letting 2N through across a window's edge), and a refused attempt waits W/N, not all of W.
"""

from __future__ import annotations

import math

from chargeassist.limits import BACKENDS, MemoryRateLimitBackend, Rate, RateLimitBackend
from chargeassist.settings import Settings

__all__ = ["AuthThrottle"]

_IN_FLIGHT_RETRY_S = 1


class AuthThrottle:
    """Counts failed password attempts and bounds the checks in flight; see the module's description."""

    def __init__(self, settings: Settings, backend: RateLimitBackend | None = None) -> None:
        """``backend``: where failures are counted; by default one of the rate-limit backend the settings name
        (closed by :meth:`close`; a backend passed in stays its owner's to close)."""
        self._owned = backend is None
        self._backend = backend if backend is not None else BACKENDS[settings.rate_limit_backend](settings)
        window_s = settings.ocpp_auth_failure_window_s
        per_address = settings.ocpp_auth_failures_per_address
        per_charge_point = settings.ocpp_auth_failures_per_charge_point
        self._per_address = Rate(count=per_address, period_s=window_s, burst=per_address)
        self._per_charge_point = Rate(count=per_charge_point, period_s=window_s, burst=per_charge_point)
        # A guesser that retries as soon as it may fills its bucket again on every attempt: the limit is worth
        # one log line per key and window in this process, not one per attempt.
        self._reported = MemoryRateLimitBackend()
        self._report_rate = Rate(count=1, period_s=window_s, burst=1)
        # Checks in flight stay in this process: the bound is on this process's CPU (the hashes it runs at
        # once), which other processes' checks do not use; shared, a slot taken by a process that dies would
        # also stay taken in Redis.
        self._checks_in_flight = settings.ocpp_auth_checks_in_flight
        self._in_flight: dict[str, int] = {}

    async def refused_for(self, charge_point_id: str, address: str | None) -> int | None:
        """Seconds to wait when an attempt is refused without a check; None when it may be checked."""
        for key, rate in self._buckets(charge_point_id, address):
            decision = await self._backend.hit(key, rate, cost=0)
            if not decision.allowed:
                return max(1, math.ceil(decision.retry_after_s))
        return None

    async def failed(self, charge_point_id: str, address: str | None) -> bool:
        """Count a wrong password; True when this failure reached a limit (worth one log line)."""
        reached = False
        for key, rate in self._buckets(charge_point_id, address):
            # Refused means full already (another attempt in flight, or another process, filled it): nothing
            # left to count, and the limit holds all the same.
            await self._backend.hit(key, rate)
            if not (await self._backend.hit(key, rate, cost=0)).allowed:
                reported = await self._reported.hit(key, self._report_rate)
                reached = reached or reported.allowed
        return reached

    def begin_check(self, charge_point_id: str) -> bool:
        """Take a check slot of the charge point id; False when all are taken (refuse, do not hash)."""
        running = self._in_flight.get(charge_point_id, 0)
        if running >= self._checks_in_flight:
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

    async def close(self) -> None:
        """Release the backend this throttle made itself (a Redis connection pool)."""
        if self._owned:
            await self._backend.close()

    def _buckets(self, charge_point_id: str, address: str | None) -> list[tuple[str, Rate]]:
        buckets = [("ocpp-auth:id:" + charge_point_id, self._per_charge_point)]
        if address is not None:
            buckets.insert(0, ("ocpp-auth:address:" + address, self._per_address))
        return buckets
