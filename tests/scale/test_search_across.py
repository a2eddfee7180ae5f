"""Each process keeps its own search index and picks up the others' writes: a location written through A is
found by B's search once B has refreshed its index (every ``SEARCH_REFRESH_S``)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api._helpers import ocpi_location
from tests.scale._pair import SEARCH_REFRESH_S, Pair, eventually

pytestmark = pytest.mark.scale

LATITUDE, LONGITUDE = "51.922500", "4.479170"  # Rotterdam, far from the seeded site in Amsterdam
LOCATION_ID = "nl-tst-rotterdam-site"
# A bound on a hang, not a benchmark: B refreshes every SEARCH_REFRESH_S; a loaded machine may be slower.
DEADLINE_S = SEARCH_REFRESH_S + 10.0


async def _found_by(pair: Pair, *, through: str) -> list[Any]:
    node = pair.a if through == "A" else pair.b
    query = {"latitude": LATITUDE, "longitude": LONGITUDE}
    response = await node.call("GET", "/v1/locations/nearby", params=query)
    assert response.status_code == 200, response.text
    return [found for found in response.json()["data"] if found["id"] == LOCATION_ID]


async def test_a_location_written_through_a_is_found_by_bs_search(pair: Pair) -> None:
    assert await _found_by(pair, through="B") == []

    location = ocpi_location("rotterdam-site", latitude=LATITUDE, longitude=LONGITUDE)
    response = await pair.a.call("PUT", f"/v1/operator/locations/{LOCATION_ID}", pair.a.operator_key, json=location)
    assert response.status_code in (200, 201), response.text

    (found,) = await eventually(
        lambda: _found_by(pair, through="B"), timeout_s=DEADLINE_S, what="B's search finding A's write"
    )
    assert found["distanceInMeters"] == 0


async def test_a_location_deleted_through_a_leaves_bs_search(pair: Pair) -> None:
    location = ocpi_location("rotterdam-site", latitude=LATITUDE, longitude=LONGITUDE)
    response = await pair.a.call("PUT", f"/v1/operator/locations/{LOCATION_ID}", pair.a.operator_key, json=location)
    assert response.status_code in (200, 201), response.text
    await eventually(lambda: _found_by(pair, through="B"), timeout_s=DEADLINE_S, what="B's search finding A's write")

    response = await pair.a.call("DELETE", f"/v1/operator/locations/{LOCATION_ID}", pair.a.operator_key)
    assert response.status_code == 204, response.text

    async def gone() -> bool:
        return await _found_by(pair, through="B") == []

    await eventually(gone, timeout_s=DEADLINE_S, what="B's search dropping A's delete")
