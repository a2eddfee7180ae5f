"""The multi-process proof of scale-out: ``chargeassist serve`` twice on one PostgreSQL and one Redis.

Slow (real processes, seconds each): select it with ``-m scale`` or leave it out with ``-m "not scale"``.
Without PostgreSQL or Redis it is skipped with the reason; under ``CI=true`` a missing service fails it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.conftest import fresh_postgres_database
from tests.scale._pair import Pair, two_processes


def pytest_configure(config: pytest.Config) -> None:
    """Registers the marker of the multi-process modules."""
    config.addinivalue_line("markers", "scale: two real server processes on one PostgreSQL and one Redis")


@pytest.fixture
def store_url() -> Iterator[str]:
    """A fresh PostgreSQL database of the test's own, for both processes (dropped at the end)."""
    with fresh_postgres_database("chargeassist_scale") as url:
        yield url


@pytest.fixture
async def pair(redis_url: str, redis_prefix: str, store_url: str, tmp_path: Path) -> AsyncIterator[Pair]:
    """Processes A and B on the machine's Redis (under a prefix of the test's own), seeded through A."""
    async with two_processes(store_url, redis_url, redis_prefix, tmp_path) as running:
        yield running
