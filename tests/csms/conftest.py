"""Fixtures for end-to-end tests: the app served over real sockets, seeded with a site and a charge point."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.conftest import make_settings
from tests.csms._live import LiveServer, live_server, seed


@pytest.fixture
async def live(database_url: str) -> AsyncIterator[LiveServer]:
    """The server on both stores, with short timeouts, a priced site with two EVSEs and charge point CP-E2E-1."""
    settings = make_settings(
        database_url,
        remote_start_timeout_s=5.0,
        start_transaction_timeout_s=5.0,
        session_sweep_interval_s=0.1,
        ocpp_response_timeout_s=5.0,
    )
    async with live_server(settings) as server:
        await seed(server)
        yield server


@pytest.fixture
async def impatient(database_url: str) -> AsyncIterator[LiveServer]:
    """Like ``live``, with half-second deadlines for the charge point's answer and for the car."""
    settings = make_settings(
        database_url,
        remote_start_timeout_s=0.5,
        start_transaction_timeout_s=0.5,
        session_sweep_interval_s=0.1,
        ocpp_response_timeout_s=5.0,
    )
    async with live_server(settings) as server:
        await seed(server)
        yield server
