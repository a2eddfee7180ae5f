"""Background work that runs in one process at a time, whichever processes run: a loop under a store lease.

Every process runs the same loops; each round, a loop first takes (or renews) its lease in the store, and does
its work only while it holds it. So one process sweeps sessions, another perhaps reconciles payments, and none
does what another does. A holder that dies stops renewing: its lease expires after ``ttl`` (three rounds by
default) and the next process to try takes the work over. A holder that stops in order gives the lease back,
so a rolling restart hands its work on at once.

The lease only decides who does the work. The work itself stays safe to race (compare-and-set on every row it
changes), since a holder stalled past its lease (a long pause, a store that did not answer its renewal) may
still finish a round while the next holder starts one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Final

from chargeassist.store import Database, release_lease, take_lease

__all__ = ["MIN_TTL_S", "ClaimedWork", "holder_id"]

_log = logging.getLogger("chargeassist.leases")

MIN_TTL_S: Final = 1.0
"""A lease lasts at least this long, so a loop of a very short interval (tests) does not lose it between rounds
to the time a renewal takes."""


def holder_id() -> str:
    """An id of its own for a lease holder: this machine and process (to read in the store), and a random part
    (two holders in one process, as tests make, are two holders)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


class ClaimedWork:
    """One named piece of background work, held through the lease of its name (see the module)."""

    def __init__(self, db: Database, name: str, *, interval_s: float, ttl_s: float | None = None) -> None:
        self._db = db
        self.name = name
        self.holder = holder_id()
        self.interval_s = interval_s
        self.ttl = timedelta(seconds=max(MIN_TTL_S, ttl_s if ttl_s is not None else 3 * interval_s))
        """Three rounds by default: a holder may miss two renewals (a slow store) before it loses the work."""
        self.held = False
        """Whether this holder held the lease at its last try."""
        self._renewed_at = 0.0

    async def take(self) -> bool:
        """Take or renew the lease; False while another holds it, or when the store did not answer.

        A lease renewed less than a third of its ttl ago is still held for two thirds of it: it is not renewed
        again yet (a loop of a short interval would otherwise write to the store every round)."""
        asked_at = time.monotonic()
        if self.held and asked_at - self._renewed_at < self.ttl.total_seconds() / 3:
            return True
        try:
            held = await take_lease(self._db, self.name, self.holder, self.ttl)
        except Exception:
            # The store is down or busy: do no work this round (another holder may be doing it).
            _log.exception("taking the lease %s failed", self.name)
            held = False
        if held != self.held:
            _log.info("%s: %s the lease %s", self.holder, "took" if held else "lost", self.name)
        self.held = held
        if held:
            # From before the call: the lease runs from some moment after it, never before.
            self._renewed_at = asked_at
        return held

    async def release(self) -> None:
        """Give the lease back if this holder has it, so another takes the work over at once."""
        if not self.held:
            return
        self.held = False
        try:
            await release_lease(self._db, self.name, self.holder)
        except Exception:
            # It expires on its own within its ttl.
            _log.exception("giving back the lease %s failed", self.name)

    @contextlib.asynccontextmanager
    async def renewed(self) -> AsyncIterator[None]:
        """Keep renewing the lease while the block runs (work that may take longer than the lease lasts)."""
        renewer = asyncio.create_task(self._renew_every(self.ttl.total_seconds() / 3), name=f"lease-{self.name}")
        try:
            yield
        finally:
            renewer.cancel()
            # Waited for without taking its CancelledError: a cancel of this task meanwhile (the service stopping)
            # must reach the loop, not be swallowed with the renewer's.
            await asyncio.wait([renewer])

    async def _renew_every(self, period_s: float) -> None:
        while True:
            await asyncio.sleep(period_s)
            await self.take()

    async def run(self, work: Callable[[], Awaitable[object]], *, at_once: bool = False) -> None:
        """Until cancelled: every ``interval_s``, run ``work`` if this holder has the lease (first at once with
        ``at_once``). A failed round is logged and the next one runs; cancelled, the lease is given back."""
        try:
            if not at_once:
                await asyncio.sleep(self.interval_s)
            while True:
                if await self.take():
                    try:
                        async with self.renewed():
                            await work()
                    except Exception:
                        _log.exception("%s failed", self.name)
                await asyncio.sleep(self.interval_s)
        finally:
            await self.release()
