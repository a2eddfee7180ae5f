"""Engine and sessions for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import asyncio
import contextvars
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, exc, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

__all__ = ["Database", "StoreUnavailable", "is_store_unavailable"]


class StoreUnavailable(Exception):
    """The store cannot take writes now (read-only, removed or replaced under the service, full, or not reachable)."""


# What SQLite says when the file cannot be written, is gone, or the disk is full; the driver gives no codes.
_SQLITE_UNAVAILABLE = (
    "readonly database",
    "disk i/o error",
    "unable to open database file",
    "database or disk is full",
    "database is locked",
    # The file was removed under the process: the next connection opens a new, empty file in its place.
    "no such table",
)
# PostgreSQL: read-only transaction (a replica, or default_transaction_read_only), out of disk, memory or
# connections, shutting down or starting up; class 08 is every connection failure.
_POSTGRES_UNAVAILABLE = frozenset({"25006", "53100", "53200", "53300", "57P01", "57P02", "57P03"})
# A write that changes nothing: the row every location write locks anyway, set to what it holds.
_HEALTH_WRITE = text("UPDATE counters SET value = value WHERE name = 'locations'")


def is_store_unavailable(error: BaseException) -> bool:
    """Whether ``error`` says the store cannot serve now (rather than that the request was wrong): the one place
    that tells an outage from a bug, so that an outage is answered 503 and not 500."""
    if isinstance(error, StoreUnavailable | exc.TimeoutError | exc.DisconnectionError | ConnectionError):
        return True
    if not isinstance(error, exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    state = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    if isinstance(state, str) and (state in _POSTGRES_UNAVAILABLE or state.startswith("08")):
        return True
    if isinstance(error, exc.OperationalError | exc.InterfaceError):
        message = str(error.orig).lower()
        return isinstance(error, exc.InterfaceError) or any(m in message for m in _SQLITE_UNAVAILABLE)
    return False


def _sqlite_path(url: str) -> str | None:
    """The file behind a SQLite URL (None for an in-memory store)."""
    database = url.split(":///", 1)[1] if ":///" in url else ""
    if database.startswith("file:"):
        database = database[len("file:") :]
    database = database.split("?", 1)[0]
    return database if database and database != ":memory:" else None


_READ_ONLY = "chargeassist_read_only"
# Set while the running task holds the SQLite write lock, to catch a write unit opened inside another one,
# which would wait for itself.
_writing: contextvars.ContextVar[bool] = contextvars.ContextVar("chargeassist_writing", default=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run while one writer commits; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
    # The driver would open transactions itself, lazily and only before the first write, so a unit's reads
    # before it saw no snapshot of their own and its write queued for the lock mid-unit. BEGIN is ours
    # (see _sqlite_begin), so a unit is one transaction from its first statement.
    dbapi_connection.isolation_level = None


def _sqlite_begin(connection: Any) -> None:
    # A write unit takes the write lock up front (waiting for it is what the busy timeout is for); a read
    # unit reads one consistent snapshot and never blocks a writer.
    read_only = connection.get_execution_options().get(_READ_ONLY, False)
    connection.exec_driver_sql("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")


class Database:
    """One engine and its session factories; every unit of work is one transaction.

    ``transaction()`` is a unit that may write, ``read()`` one that only reads. On SQLite, the write units
    of this process take their turn in order (one writer at a time is all SQLite has; left to its busy
    timeout, a writer under a steady stream of others can wait in vain until it fails), and read units run
    beside them. On PostgreSQL a read unit is a READ ONLY transaction, so a write in one is an error.
    """

    def __init__(self, url: str, *, echo: bool = False, pool_size: int = 10) -> None:
        """``pool_size``: PostgreSQL connections kept open; twice as many more are opened under load (N processes
        hold up to 3N times it, which must fit the server's ``max_connections``)."""
        self.url = url
        kwargs: dict[str, Any] = {"echo": echo}
        if url.startswith("postgresql"):
            kwargs.update(pool_size=pool_size, max_overflow=2 * pool_size, pool_pre_ping=True)
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        read_options: dict[str, Any] = {_READ_ONLY: True}
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
            event.listen(self.engine.sync_engine, "begin", _sqlite_begin)
        elif url.startswith("postgresql+asyncpg"):
            read_options["postgresql_readonly"] = True
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessionmaker = async_sessionmaker(
            self.engine.execution_options(**read_options), expire_on_commit=False
        )
        self._write_lock: asyncio.Lock | None = None
        self._write_lock_loop: asyncio.AbstractEventLoop | None = None
        # The SQLite file this store opened, as (device, inode): a file removed or replaced while the service runs
        # still takes writes through the open connections, and they are gone at the next start.
        self._path = _sqlite_path(url) if self.is_sqlite else None
        self._file_identity: tuple[int, int] | None = None
        if self._path is not None:
            event.listen(self.engine.sync_engine, "connect", self._remember_file)

    @property
    def is_sqlite(self) -> bool:
        """Whether this is the embedded SQLite store."""
        return self.url.startswith("sqlite")

    def _remember_file(self, _dbapi_connection: Any, _record: Any) -> None:
        if self._file_identity is None and self._path is not None:
            found = os.stat(self._path)
            self._file_identity = (found.st_dev, found.st_ino)

    def check_file(self) -> None:
        """On SQLite, raise :class:`StoreUnavailable` when the file opened is no longer the one at its path.

        A stat per write unit: microseconds, against a commit's milliseconds."""
        if self._file_identity is None or self._path is None:
            return
        try:
            found = os.stat(self._path)
        except FileNotFoundError:
            raise StoreUnavailable(f"the database file {self._path} was removed while the service ran") from None
        if (found.st_dev, found.st_ino) != self._file_identity:
            raise StoreUnavailable(f"the database file {self._path} was replaced while the service ran")

    async def check_writable(self) -> None:
        """Prove the store takes a write: one update of a row that always exists, in a transaction of its own.

        Raises what the store raised (see :func:`is_store_unavailable`), or :class:`StoreUnavailable`."""
        async with self.transaction() as session:
            await session.execute(_HEALTH_WRITE)

    def _lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._write_lock is None or self._write_lock_loop is not loop:
            self._write_lock, self._write_lock_loop = asyncio.Lock(), loop
        return self._write_lock

    @asynccontextmanager
    async def _writer_turn(self) -> AsyncIterator[None]:
        if not self.is_sqlite:
            yield
            return
        if _writing.get():
            raise RuntimeError("a write unit of work opened inside another one would wait for itself on SQLite")
        self.check_file()
        async with self._lock():
            token = _writing.set(True)
            try:
                yield
            finally:
                _writing.reset(token)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction that may write: committed on success, rolled back on any error."""
        async with self._writer_turn(), self.sessionmaker() as session, session.begin():
            yield session

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session inside one read-only transaction (one consistent snapshot)."""
        async with self._read_sessionmaker() as session, session.begin():
            yield session

    @asynccontextmanager
    async def write_connection(self) -> AsyncIterator[AsyncConnection]:
        """A plain connection inside one transaction that may write, for bulk statements without the ORM."""
        async with self._writer_turn(), self.engine.begin() as connection:
            yield connection

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
