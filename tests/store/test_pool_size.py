"""The PostgreSQL connection pool is as large as the settings say, so N processes can be fitted to the server."""

from __future__ import annotations

from chargeassist.store import Database


async def test_the_pool_keeps_the_configured_number_of_connections(postgres_url: str) -> None:
    database = Database(postgres_url, pool_size=3)
    try:
        assert (database.engine.pool.size(), database.engine.pool._max_overflow) == (3, 6)  # type: ignore[attr-defined]
    finally:
        await database.dispose()
