"""Alembic environment: runs migrations over the async engine of the configured URL."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from chargeassist.store._locks import MIGRATIONS_LOCK, advisory_lock_sync
from chargeassist.store._models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    # Processes that start at the same moment migrate in turn: the first migrates, the next finds the store at
    # head (alembic reads the version after the lock is held). Side by side, both created the same tables.
    with advisory_lock_sync(connection, MIGRATIONS_LOCK):
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


async def _run_async() -> None:
    engine = create_async_engine(config.get_main_option("sqlalchemy.url") or "", poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_async())
