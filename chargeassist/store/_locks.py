"""Start-up work that one process at a time does: a PostgreSQL advisory lock around it.

Processes that start at the same moment (``--workers N``, or N machines of one deployment) each migrate the
store and seed the demo; run side by side, two migrations create the same table and two seeds insert the same
tariff, and one of them dies of a unique violation. Under the lock they take turns: the first does the work, the
next finds it done (both are idempotent). The lock is a session lock on a connection of its own, so a process
that dies while holding it lets go with its connection. SQLite needs none: it is one process.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Connection

from ._database import Database

__all__ = ["MIGRATIONS_LOCK", "advisory_key", "advisory_lock", "advisory_lock_sync"]

MIGRATIONS_LOCK = "chargeassist.migrations"
"""The lock every migration of a store runs under."""

_LOCK = text("SELECT pg_advisory_lock(:key)")
_UNLOCK = text("SELECT pg_advisory_unlock(:key)")


def advisory_key(name: str) -> int:
    """The 64-bit key PostgreSQL's advisory locks take, derived from a name (stable across processes)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@asynccontextmanager
async def advisory_lock(db: Database, name: str) -> AsyncIterator[None]:
    """Hold the advisory lock ``name`` for the block, waiting for another process that holds it (PostgreSQL);
    nothing on SQLite."""
    if db.is_sqlite:
        yield
        return
    key = {"key": advisory_key(name)}
    async with db.engine.connect() as connection:
        await connection.execute(_LOCK, key)
        # The lock belongs to the connection, not to this transaction: end it, so the block's own units of work
        # (on other connections) are not held up by a transaction left open here.
        await connection.commit()
        try:
            yield
        finally:
            try:
                await connection.execute(_UNLOCK, key)
                await connection.commit()
            except BaseException:
                # A pooled connection keeps its session locks: one that could not let go is closed instead.
                await connection.invalidate()
                raise


@contextmanager
def advisory_lock_sync(connection: Connection, name: str) -> Iterator[None]:
    """:func:`advisory_lock` on a synchronous connection (the migrations' own); nothing on SQLite."""
    if connection.dialect.name != "postgresql":
        yield
        return
    key = {"key": advisory_key(name)}
    connection.execute(_LOCK, key)
    connection.commit()
    try:
        yield
    finally:
        # What failed inside was rolled back by its own transaction; nothing else may be left open here.
        connection.rollback()
        connection.execute(_UNLOCK, key)
        connection.commit()
