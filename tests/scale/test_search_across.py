"""Each process keeps its own search index and picks up the others' writes: a location written through A is
found by B's search once B has refreshed its index (every ``SEARCH_REFRESH_S``)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio

from tests.api._helpers import ocpi_location
from tests.conftest import REDIS_HOST, REDIS_PORT, fresh_postgres_database, require_service
from tests.scale._pair import SEARCH_REFRESH_S, Pair, eventually, two_processes

# One pair for the module: each test writes a location of its own.
pytestmark = [pytest.mark.scale, pytest.mark.asyncio(loop_scope="module")]

LATITUDE, LONGITUDE = "51.922500", "4.479170"  # Rotterdam, far from the seeded site in Amsterdam
# A bound on a hang, not a benchmark: B refreshes every SEARCH_REFRESH_S; a loaded machine may be slower.
DEADLINE_S = SEARCH_REFRESH_S + 10.0


@pytest.fixture(scope="module")
def module_store_url() -> Iterator[str]:
    """A fresh PostgreSQL database for the module's pair."""
    with fresh_postgres_database("chargeassist_scale") as url:
        yield url


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def pair(module_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Pair]:
    """A and B for the module, on the machine's Redis under a prefix of their own."""
    require_service("Redis", REDIS_HOST, REDIS_PORT)
    redis_url, prefix = f"redis://{REDIS_HOST}:{REDIS_PORT}/0", "test-" + secrets.token_hex(6)
    async with two_processes(module_store_url, redis_url, prefix, tmp_path_factory.mktemp("pair")) as running:
        yield running


async def _put(pair: Pair, site: str) -> str:
    """Write a location in Rotterdam through A; returns its id."""
    location_id = f"nl-tst-{site}"
    location = ocpi_location(site, latitude=LATITUDE, longitude=LONGITUDE)
    response = await pair.a.call("PUT", f"/v1/operator/locations/{location_id}", pair.a.operator_key, json=location)
    assert response.status_code in (200, 201), response.text
    return location_id


async def _found_by(pair: Pair, location_id: str, *, through: str) -> list[Any]:
    node = pair.a if through == "A" else pair.b
    query = {"latitude": LATITUDE, "longitude": LONGITUDE}
    response = await node.call("GET", "/v1/locations/nearby", params=query)
    assert response.status_code == 200, response.text
    return [found for found in response.json()["data"] if found["id"] == location_id]


async def test_a_location_written_through_a_is_found_by_bs_search(pair: Pair) -> None:
    assert await _found_by(pair, "nl-tst-written-site", through="B") == []

    location_id = await _put(pair, "written-site")

    (found,) = await eventually(
        lambda: _found_by(pair, location_id, through="B"), timeout_s=DEADLINE_S, what="B's search finding A's write"
    )
    assert found["distanceInMeters"] == 0


async def test_a_location_deleted_through_a_leaves_bs_search(pair: Pair) -> None:
    location_id = await _put(pair, "deleted-site")
    await eventually(
        lambda: _found_by(pair, location_id, through="B"), timeout_s=DEADLINE_S, what="B's search finding A's write"
    )

    response = await pair.a.call("DELETE", f"/v1/operator/locations/{location_id}", pair.a.operator_key)
    assert response.status_code == 204, response.text

    async def gone() -> bool:
        return await _found_by(pair, location_id, through="B") == []

    await eventually(gone, timeout_s=DEADLINE_S, what="B's search dropping A's delete")
