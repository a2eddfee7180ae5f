"""Fault tests: the real server in a process of its own, charge points outside it, and faults done to them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.faults._served import Served, served


def pytest_configure(config: pytest.Config) -> None:
    """Registers the marker, so ``-m faults`` selects (or ``-m "not faults"`` leaves out) this suite."""
    config.addinivalue_line("markers", "faults: kills, reboots and poison against a real server process")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under this folder is a fault test."""
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.faults)


@pytest.fixture
async def server(database_url: str, tmp_path: Path) -> AsyncIterator[Served]:
    """``chargeassist serve`` on both stores, seeded with a priced site and charge point CP-E2E-1."""
    async with served(database_url, tmp_path / "server.log") as running:
        yield running
