"""Leases: a named piece of background work held by one process at a time, for a while.

A lease row says who (``holder``, a process's own id) runs the work named ``name`` until ``expires_at``. It is
taken with one compare-and-set: the holder renews its own lease, anyone takes a lease that has expired, and
nobody takes one that another holds. A process that dies stops renewing, and its work is taken over once its
lease expires; a process that stops in order gives its leases back at once.

On PostgreSQL the time is the database's (``now()``), so machines whose clocks disagree still agree on when a
lease expires; on SQLite (one process on one machine) it is this machine's.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, literal, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql import ColumnElement, func

from ._database import Database
from ._models import Base, UtcDateTime, utcnow

__all__ = ["Lease", "lease_holder", "release_lease", "take_lease"]


class Lease(Base):
    """Who runs one named piece of background work, and until when."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


def _clock(db: Database, ttl: timedelta) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """``(now, now + ttl)`` as SQL: the database's clock on PostgreSQL, this machine's on SQLite."""
    if db.is_sqlite:
        now = utcnow()
        return literal(now, UtcDateTime()), literal(now + ttl, UtcDateTime())
    return func.now(), func.now() + literal(ttl)


async def take_lease(db: Database, name: str, holder: str, ttl: timedelta) -> bool:
    """Take or renew the lease ``name`` for ``holder`` until ``ttl`` from now; False while another holds it.

    One transaction: an update that succeeds for the holder itself or on an expired lease, else an insert that
    does nothing when the row exists. Two processes racing for an expired lease are put in turn by the row's
    lock (PostgreSQL re-reads the row after the first commits, and finds it held) or SQLite's write lock."""
    now, until = _clock(db, ttl)
    async with db.transaction() as session:
        renewed = await session.execute(
            update(Lease)
            .where(Lease.name == name, (Lease.holder == holder) | (Lease.expires_at <= now))
            .values(holder=holder, expires_at=until)
            .execution_options(synchronize_session=False)
        )
        if getattr(renewed, "rowcount", 0) == 1:
            return True
        insert = sqlite_insert(Lease) if db.is_sqlite else postgresql_insert(Lease)
        created = await session.execute(
            insert.values(name=name, holder=holder, expires_at=until).on_conflict_do_nothing(
                index_elements=[Lease.name]
            )
        )
        return getattr(created, "rowcount", 0) == 1


async def release_lease(db: Database, name: str, holder: str) -> bool:
    """Give the lease back (it expires now), if ``holder`` still holds it; returns whether it did."""
    now, _ = _clock(db, timedelta(0))
    async with db.transaction() as session:
        result = await session.execute(
            update(Lease)
            .where(Lease.name == name, Lease.holder == holder)
            .values(expires_at=now)
            .execution_options(synchronize_session=False)
        )
        return getattr(result, "rowcount", 0) == 1


async def lease_holder(db: Database, name: str) -> str | None:
    """Who holds the lease ``name`` now (None when nobody does, or it has expired)."""
    now, _ = _clock(db, timedelta(0))
    async with db.read() as session:
        found: str | None = await session.scalar(select(Lease.holder).where(Lease.name == name, Lease.expires_at > now))
        return found
