"""The API's rate limits on Redis: two apps (as two processes) on one store and one Redis share each caller's
bucket, so a caller spreading its requests over the processes behind a load balancer gets no more."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient

from chargeassist.app import create_app
from chargeassist.services import Services
from chargeassist.settings import BusSettings, Settings
from tests.api._helpers import Client, assert_problem
from tests.conftest import bearer, make_settings

NEARBY = "/v1/locations/nearby?latitude=52.37&longitude=4.89"


@pytest.fixture
def shared_settings(sqlite_url: str, redis_url: str, redis_prefix: str) -> Settings:
    """One store, one Redis (rate limits only), a search limit of three at once and one an hour after."""
    return make_settings(
        sqlite_url,
        bus=BusSettings(redis_url=redis_url, key_prefix=redis_prefix),
        rate_limit_backend="redis",
        rate_limit_search="1/h:3",
    )


@pytest.fixture
async def two_processes(shared_settings: Settings) -> AsyncIterator[tuple[Client, Client]]:
    """Two apps of the same settings, each with its own rate limiter, as two processes have."""
    async with contextlib.AsyncExitStack() as stack:
        first = await stack.enter_async_context(AsyncTestClient(app=create_app(shared_settings)))
        second = await stack.enter_async_context(AsyncTestClient(app=create_app(shared_settings)))
        yield first, second


async def test_searches_through_two_processes_share_one_limit(two_processes: tuple[Client, Client]) -> None:
    first, second = two_processes
    services: Services = first.app.state.services
    key = (await services.partners.create("Spread Partner")).api_key
    statuses = [
        (await client.get(NEARBY, headers=bearer(key))).status_code for client in (first, second, first, second)
    ]
    assert statuses == [200, 200, 200, 429]
    assert_problem(await first.get(NEARBY, headers=bearer(key)), 429, "rate_limited")
