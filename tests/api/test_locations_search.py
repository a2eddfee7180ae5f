"""Location search: the bounding box (paged), nearby, their filters, and who sees closed-loop locations."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from chargeassist.app import create_app
from chargeassist.demo import HOTEL_LOCATION_ID, demo_locations
from chargeassist.services import Services
from chargeassist.services._seed import DEMO_PARTNER_KEY, HOTEL_PARTNER_KEY
from tests.api._demo import (
    AMSTERDAM,
    ATLANTIC,
    BENELUX,
    DEMO_BY_ID,
    DEMO_LOCATIONS,
    JsonDict,
    available_connectors,
    connectors,
    expected_ids,
    haversine_m,
    in_box,
    lat_lng,
    matches,
)
from tests.api._helpers import (
    Client,
    add_card,
    assert_problem,
    error_fields,
    mint_access_token,
    ocpi_connector,
    ocpi_evse,
    ocpi_location,
    put_location,
)
from tests.conftest import bearer, make_settings

BOX_PATH = "/v1/locations/boundingbox"
NEARBY_PATH = "/v1/locations/nearby"
AMSTERDAM_CENTRE = (52.3676, 4.9041)
ANTWERP_CENTRE = (51.2194, 4.4025)  # within 50 km of both Belgian and Dutch locations


@pytest.fixture
def sqlite_url(demo_sqlite_url: str) -> str:
    """Every test here searches the demo data set."""
    return demo_sqlite_url


async def box_search(client: Client, key: str, box: dict[str, float], **params: Any) -> httpx.Response:
    return await client.get(BOX_PATH, params={**box, **params}, headers=bearer(key))


async def all_pages(client: Client, key: str, box: dict[str, float], page_size: int, **params: Any) -> list[JsonDict]:
    """Every item of a bounding-box search, following continuation tokens."""
    items: list[JsonDict] = []
    token: str | None = None
    for _ in range(1000):
        query = {**params, "pageSize": page_size}
        if token is not None:
            query["continuationToken"] = token
        response = await box_search(client, key, box, **query)
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["data"]) <= page_size
        assert body["meta"]["count"] == len(body["data"])
        items.extend(body["data"])
        if not body["meta"]["hasMoreData"]:
            assert body["meta"]["continuationToken"] is None
            return items
        token = body["meta"]["continuationToken"]
    raise AssertionError("paging did not end")


async def nearby(client: Client, key: str, point: tuple[float, float], **params: Any) -> httpx.Response:
    return await client.get(
        NEARBY_PATH, params={"latitude": point[0], "longitude": point[1], **params}, headers=bearer(key)
    )


def nearest_ids(point: tuple[float, float], locations: list[JsonDict], limit: int = 25, **filters: Any) -> list[str]:
    """Ids a nearby search should answer, nearest first, computed from the OCPI data."""
    distances = [
        (haversine_m(*point, *lat_lng(location)), location["id"])
        for location in locations
        if matches(location, **filters)
    ]
    return [location_id for distance, location_id in sorted(distances) if distance <= 50_000][:limit]


# --- bounding box: shape ---------------------------------------------------------------------


async def test_box_search_echoes_the_box_and_wraps_results(client: Client, partner_key: str) -> None:
    response = await box_search(client, partner_key, AMSTERDAM)
    assert response.status_code == 200
    body = response.json()
    assert body["boundingBox"] == AMSTERDAM
    assert set(body["meta"]) == {"count", "hasMoreData", "continuationToken"}
    assert body["meta"]["count"] == len(body["data"]) > 0


async def test_box_search_items_carry_the_documented_fields(client: Client, partner_key: str) -> None:
    response = await box_search(client, partner_key, AMSTERDAM)
    documented = {"id", "type", "name", "address", "city", "country", "lat", "lng", "conAvail", "conTot", "dp", "rfid"}
    for item in response.json()["data"]:
        assert documented <= set(item)


async def test_box_search_items_describe_the_stored_locations(client: Client, partner_key: str) -> None:
    items = await all_pages(client, partner_key, BENELUX, 100)
    for item in items:
        source = DEMO_BY_ID[item["id"]]
        assert (item["name"], item["address"], item["city"]) == (source["name"], source["address"], source["city"])
        assert item["country"] == source["country"]
        assert item["type"] == source["parking_type"]
        assert (item["lat"], item["lng"]) == pytest.approx(lat_lng(source))
        assert item["conTot"] == sum(1 for _ in connectors(source))
        assert item["conAvail"] == available_connectors(source)
        assert item["dp"] == any(c["power_type"] == "DC" for _, c in connectors(source))
        assert item["rfid"] == any("RFID_READER" in e.get("capabilities", ()) for e in source["evses"])


async def test_box_search_finds_only_locations_inside_the_box(client: Client, partner_key: str) -> None:
    items = await all_pages(client, partner_key, AMSTERDAM, 100)
    assert {item["id"] for item in items} == expected_ids(AMSTERDAM)


async def test_box_search_in_an_empty_area_finds_nothing(client: Client, partner_key: str) -> None:
    response = await box_search(client, partner_key, ATLANTIC)
    body = response.json()
    assert body["data"] == []
    assert body["meta"] == {"count": 0, "hasMoreData": False, "continuationToken": None}


# --- bounding box: paging --------------------------------------------------------------------


@pytest.mark.parametrize("page_size", [1, 7, 50])
async def test_paging_returns_every_location_exactly_once(client: Client, partner_key: str, page_size: int) -> None:
    items = await all_pages(client, partner_key, BENELUX, page_size)
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids))
    assert set(ids) == expected_ids(BENELUX) == set(DEMO_BY_ID)


async def test_paging_with_a_filter_returns_every_match_exactly_once(client: Client, partner_key: str) -> None:
    items = await all_pages(client, partner_key, BENELUX, 3, powerType="DC")
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids))
    assert set(ids) == expected_ids(BENELUX, power_type="DC")


async def test_default_page_size_is_50(client: Client, partner_key: str) -> None:
    assert len(expected_ids(BENELUX)) > 50
    response = await box_search(client, partner_key, BENELUX)
    body = response.json()
    assert body["meta"]["count"] == 50
    assert body["meta"]["hasMoreData"] is True
    assert body["meta"]["continuationToken"]


async def test_page_size_100_is_accepted(client: Client, partner_key: str) -> None:
    response = await box_search(client, partner_key, BENELUX, pageSize=100)
    assert response.status_code == 200
    assert response.json()["meta"]["count"] == len(expected_ids(BENELUX))


@pytest.mark.parametrize("page_size", [0, 101, -1])
async def test_page_size_outside_1_to_100_is_400(client: Client, partner_key: str, page_size: int) -> None:
    response = await box_search(client, partner_key, BENELUX, pageSize=page_size)
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["pageSize"]


async def _first_token(client: Client, key: str, box: dict[str, float], **params: Any) -> str:
    response = await box_search(client, key, box, pageSize=2, **params)
    token: str = response.json()["meta"]["continuationToken"]
    assert token
    return token


@pytest.mark.parametrize("garbage", ["abc", "x.y", "....", "e30.e30", "%%%"])
async def test_garbled_continuation_token_is_400(client: Client, partner_key: str, garbage: str) -> None:
    response = await box_search(client, partner_key, BENELUX, continuationToken=garbage)
    body = assert_problem(response, 400, "invalid_continuation_token")
    assert error_fields(body) == ["continuationToken"]


async def test_forged_continuation_token_is_400(client: Client, partner_key: str) -> None:
    token = await _first_token(client, partner_key, BENELUX)
    body, mac = token.split(".")
    forged = body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + mac
    response = await box_search(client, partner_key, BENELUX, continuationToken=forged)
    assert_problem(response, 400, "invalid_continuation_token")


async def test_continuation_token_of_another_box_is_400(client: Client, partner_key: str) -> None:
    token = await _first_token(client, partner_key, BENELUX)
    response = await box_search(client, partner_key, AMSTERDAM, continuationToken=token)
    assert_problem(response, 400, "invalid_continuation_token")


async def test_continuation_token_of_another_partner_is_400(
    client: Client, partner_key: str, other_partner_key: str
) -> None:
    token = await _first_token(client, partner_key, BENELUX)
    response = await box_search(client, other_partner_key, BENELUX, continuationToken=token)
    assert_problem(response, 400, "invalid_continuation_token")


async def test_continuation_token_of_other_filters_is_400(client: Client, partner_key: str) -> None:
    token = await _first_token(client, partner_key, BENELUX, powerType="AC")
    response = await box_search(client, partner_key, BENELUX, powerType="DC", continuationToken=token)
    assert_problem(response, 400, "invalid_continuation_token")


def _filter_order(*names: str) -> str:
    """How a set of connector types built in this order iterates (the search builds one per query)."""
    built: set[str] = set()
    built.update(names)
    return repr(frozenset(built))


def _order_sensitive_pair() -> tuple[str, str]:
    """Two connector type names whose set iterates in the order they were added.

    Sets of strings iterate in an order that depends on the strings' hashes, which differ between
    processes (every worker of a deployment has its own). Two names that collide in a small set
    show that within one process: listing them in the other order gives a set that iterates in the
    other order. A continuation token must not depend on such an order.
    """
    names = [f"TYPE_{n}" for n in range(500)]
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            if _filter_order(first, second) != _filter_order(second, first):
                return first, second
    raise AssertionError("no order-sensitive pair among 500 names")


async def test_continuation_token_does_not_depend_on_set_order(
    client: Client, partner_key: str, operator_key: str
) -> None:
    first, second = _order_sensitive_pair()
    for number, standard in ((1, first), (2, second)):
        evse = ocpi_evse(f"typed-{number}-a", connectors=[ocpi_connector(standard=standard)])
        await put_location(client, operator_key, ocpi_location(f"typed-{number}", evses=[evse]))
    page = await box_search(client, partner_key, AMSTERDAM, pageSize=1, connectorTypes=f"{first},{second}")
    token = page.json()["meta"]["continuationToken"]
    response = await box_search(
        client, partner_key, AMSTERDAM, pageSize=1, connectorTypes=f"{second},{first}", continuationToken=token
    )
    assert response.status_code == 200, response.text
    assert [item["id"] for item in page.json()["data"] + response.json()["data"]] == [
        "nl-tst-typed-1",
        "nl-tst-typed-2",
    ]


# --- bounding box: refused queries -----------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("bottomLeftLat", -90.5),
        ("topRightLat", 91),
        ("bottomLeftLng", -181),
        ("topRightLng", 180.01),
    ],
)
async def test_coordinate_out_of_range_is_400_naming_it(
    client: Client, partner_key: str, field: str, value: float
) -> None:
    response = await box_search(client, partner_key, {**BENELUX, field: value})
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == [field]


async def test_coordinate_that_is_not_a_number_is_400_naming_it(client: Client, partner_key: str) -> None:
    response = await box_search(client, partner_key, {**BENELUX, "topRightLng": "east"})
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["topRightLng"]


async def test_missing_coordinate_is_400_naming_it(client: Client, partner_key: str) -> None:
    box = {k: v for k, v in BENELUX.items() if k != "bottomLeftLat"}
    response = await box_search(client, partner_key, box)
    body = assert_problem(response, 400, "validation_failed")
    assert "bottomLeftLat" in body["detail"]


@pytest.mark.parametrize(
    ("box", "field"),
    [
        ({**BENELUX, "bottomLeftLat": 54.0, "topRightLat": 49.0}, "bottomLeftLat"),
        ({**BENELUX, "bottomLeftLng": 8.0, "topRightLng": 2.0}, "bottomLeftLng"),
        ({**BENELUX, "bottomLeftLat": 52.0, "topRightLat": 52.0}, "bottomLeftLat"),
        ({**BENELUX, "bottomLeftLng": 4.0, "topRightLng": 4.0}, "bottomLeftLng"),
    ],
)
async def test_inverted_or_empty_box_is_400(
    client: Client, partner_key: str, box: dict[str, float], field: str
) -> None:
    response = await box_search(client, partner_key, box)
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == [field]


# --- filters (both searches) -----------------------------------------------------------------

FILTER_CASES: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({"isAvailable": "true"}, {"is_available": True}),
    ({"isAvailable": "false"}, {"is_available": False}),
    ({"powerType": "AC"}, {"power_type": "AC"}),
    ({"powerType": "DC"}, {"power_type": "DC"}),
    ({"connectorTypes": "CHADEMO"}, {"connector_types": ["CHADEMO"]}),
    ({"connectorTypes": "chademo"}, {"connector_types": ["CHADEMO"]}),
    ({"connectorTypes": "IEC_62196_T2_COMBO,CHADEMO"}, {"connector_types": ["IEC_62196_T2_COMBO", "CHADEMO"]}),
    ({"connectorTypes": ["IEC_62196_T2", "CHADEMO"]}, {"connector_types": ["IEC_62196_T2", "CHADEMO"]}),
    ({"minKw": 100}, {"min_kw": 100}),
    ({"maxKw": 11}, {"max_kw": 11}),
    ({"minKw": 40, "maxKw": 60}, {"min_kw": 40, "max_kw": 60}),
    ({"country": "BEL"}, {"country": "BEL"}),
    ({"country": "nld"}, {"country": "NLD"}),
    (
        {"powerType": "DC", "isAvailable": "true", "minKw": 150},
        {"power_type": "DC", "is_available": True, "min_kw": 150},
    ),
]


@pytest.mark.parametrize(("params", "filters"), FILTER_CASES)
async def test_box_filter_narrows_to_the_matching_locations(
    client: Client, partner_key: str, params: dict[str, Any], filters: dict[str, Any]
) -> None:
    wanted = expected_ids(BENELUX, **filters)
    assert 0 < len(wanted) < len(DEMO_LOCATIONS), "the data set should make this filter narrow"
    items = await all_pages(client, partner_key, BENELUX, 100, **params)
    assert {item["id"] for item in items} == wanted


@pytest.mark.parametrize(("params", "filters"), FILTER_CASES)
async def test_nearby_filter_narrows_to_the_matching_locations(
    client: Client, partner_key: str, params: dict[str, Any], filters: dict[str, Any]
) -> None:
    response = await nearby(client, partner_key, ANTWERP_CENTRE, **params)
    assert response.status_code == 200, response.text
    ids = [item["id"] for item in response.json()["data"]]
    assert ids == nearest_ids(ANTWERP_CENTRE, DEMO_LOCATIONS, **filters)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"powerType": "XX"}, "powerType"),
        ({"powerType": "dc"}, "powerType"),
        ({"country": "NL"}, "country"),
        ({"country": "NETH"}, "country"),
        ({"country": "N1D"}, "country"),
        ({"minKw": -1}, "minKw"),
        ({"maxKw": "lots"}, "maxKw"),
        ({"minKw": 50, "maxKw": 22}, "minKw"),
        ({"isAvailable": "maybe"}, "isAvailable"),
    ],
)
async def test_malformed_filter_is_400_naming_it(
    client: Client, partner_key: str, params: dict[str, Any], field: str
) -> None:
    for response in (
        await box_search(client, partner_key, BENELUX, **params),
        await nearby(client, partner_key, AMSTERDAM_CENTRE, **params),
    ):
        body = assert_problem(response, 400, "validation_failed")
        assert error_fields(body) == [field]


# --- nearby ----------------------------------------------------------------------------------


async def test_nearby_finds_locations_within_50_km_nearest_first(client: Client, partner_key: str) -> None:
    response = await nearby(client, partner_key, AMSTERDAM_CENTRE)
    assert response.status_code == 200
    ids = [item["id"] for item in response.json()["data"]]
    assert ids == nearest_ids(AMSTERDAM_CENTRE, DEMO_LOCATIONS)
    assert ids


async def test_nearby_states_each_distance_in_metres(client: Client, partner_key: str) -> None:
    response = await nearby(client, partner_key, AMSTERDAM_CENTRE)
    items = response.json()["data"]
    for item in items:
        expected = haversine_m(*AMSTERDAM_CENTRE, *lat_lng(DEMO_BY_ID[item["id"]]))
        assert isinstance(item["distanceInMeters"], int)
        assert abs(item["distanceInMeters"] - expected) <= 1
        assert item["distanceInMeters"] <= 50_000
    distances = [item["distanceInMeters"] for item in items]
    assert distances == sorted(distances)


async def test_nearby_items_are_search_summaries(client: Client, partner_key: str) -> None:
    near = await nearby(client, partner_key, AMSTERDAM_CENTRE)
    boxed = {item["id"]: item for item in await all_pages(client, partner_key, BENELUX, 100)}
    for item in near.json()["data"]:
        summary = {k: v for k, v in item.items() if k != "distanceInMeters"}
        assert summary == boxed[item["id"]]


async def test_nearby_leaves_out_locations_beyond_50_km(client: Client, partner_key: str) -> None:
    beyond = [loc for loc in DEMO_LOCATIONS if 50_000 < haversine_m(*AMSTERDAM_CENTRE, *lat_lng(loc)) < 120_000]
    assert beyond, "the data set should have locations just beyond the radius"
    response = await nearby(client, partner_key, AMSTERDAM_CENTRE)
    ids = {item["id"] for item in response.json()["data"]}
    assert ids.isdisjoint(loc["id"] for loc in beyond)


async def test_nearby_in_an_empty_area_finds_nothing(client: Client, partner_key: str) -> None:
    response = await nearby(client, partner_key, (51.0, -19.0))
    assert response.json() == {"data": [], "meta": {"count": 0, "hasMoreData": False, "continuationToken": None}}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"latitude": 90.5, "longitude": 4.9}, "latitude"),
        ({"latitude": -91, "longitude": 4.9}, "latitude"),
        ({"latitude": 52.3, "longitude": 181}, "longitude"),
        ({"latitude": "north", "longitude": 4.9}, "latitude"),
    ],
)
async def test_nearby_coordinate_out_of_range_is_400_naming_it(
    client: Client, partner_key: str, params: dict[str, Any], field: str
) -> None:
    response = await client.get(NEARBY_PATH, params=params, headers=bearer(partner_key))
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == [field]


@pytest.mark.parametrize("point", [(90.0, 0.0), (-90.0, 180.0), (0.0, -180.0), (89.99, 179.99)])
async def test_nearby_at_the_edges_of_the_map_answers(
    client: Client, partner_key: str, point: tuple[float, float]
) -> None:
    response = await nearby(client, partner_key, point)
    assert response.status_code == 200
    assert response.json()["data"] == []


async def test_nearby_with_a_payment_method_needs_an_access_token(client: Client, partner_key: str) -> None:
    response = await nearby(client, partner_key, AMSTERDAM_CENTRE, paymentMethodId="pm_x")
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["paymentMethodId"]


async def test_nearby_with_a_payment_method_of_the_wallet_answers(client: Client, partner_key: str) -> None:
    token = await mint_access_token(client, partner_key, "phone-1")
    card = await add_card(client, partner_key, "phone-1", "NL-TST-000123-4")
    response = await nearby(client, token, AMSTERDAM_CENTRE, paymentMethodId=card["id"])
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["data"]] == nearest_ids(AMSTERDAM_CENTRE, DEMO_LOCATIONS)


async def test_nearby_with_a_payment_method_of_another_wallet_is_404(client: Client, partner_key: str) -> None:
    token = await mint_access_token(client, partner_key, "phone-1")
    await mint_access_token(client, partner_key, "phone-2")
    theirs = await add_card(client, partner_key, "phone-2", "NL-TST-000999-4")
    response = await nearby(client, token, AMSTERDAM_CENTRE, paymentMethodId=theirs["id"])
    assert_problem(response, 404, "payment_method_not_found")


# --- closed-loop locations -------------------------------------------------------------------


@pytest.fixture
async def closed_location(client: Client, services: Services, partner_key: str) -> str:
    """A location only the partner of ``partner_key`` may see, in Amsterdam."""
    identity = await services.partners.authenticate(partner_key)
    assert identity is not None
    operator = (await services.partners.create("Closed Loop Operator", is_operator=True)).api_key
    location = ocpi_location("closed-1", latitude="52.3700", longitude="4.9000")
    location["restricted_to_partners"] = [identity.partner_id]
    await put_location(client, operator, location)
    return "nl-tst-closed-1"


async def test_closed_location_shows_in_the_box_for_its_partner(
    client: Client, partner_key: str, closed_location: str
) -> None:
    items = await all_pages(client, partner_key, AMSTERDAM, 100)
    found = [item for item in items if item["id"] == closed_location]
    assert len(found) == 1
    assert found[0]["restrictedAccess"] is True


async def test_closed_location_is_hidden_from_the_box_for_other_partners(
    client: Client, other_partner_key: str, closed_location: str
) -> None:
    items = await all_pages(client, other_partner_key, AMSTERDAM, 100)
    assert {item["id"] for item in items} == expected_ids(AMSTERDAM)


async def test_closed_location_shows_nearby_for_its_partner(
    client: Client, partner_key: str, closed_location: str
) -> None:
    response = await nearby(client, partner_key, (52.37, 4.90))
    assert response.json()["data"][0]["id"] == closed_location


async def test_closed_location_is_hidden_nearby_from_other_partners(
    client: Client, other_partner_key: str, closed_location: str
) -> None:
    response = await nearby(client, other_partner_key, (52.37, 4.90))
    assert closed_location not in {item["id"] for item in response.json()["data"]}


async def test_paging_skips_closed_locations_of_others_without_losing_any(
    client: Client, other_partner_key: str, closed_location: str
) -> None:
    items = await all_pages(client, other_partner_key, BENELUX, 4)
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids))
    assert set(ids) == expected_ids(BENELUX)


# --- the demo seeding: the hotel is closed loop ----------------------------------------------


@pytest.fixture
async def seeded_app(seeded_sqlite_url: str) -> Litestar:
    return create_app(make_settings(seeded_sqlite_url))


@pytest.fixture
async def seeded_client(seeded_app: Litestar) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=seeded_app) as client:
        yield client


SEEDED = demo_locations()
HOTEL_BOX = {"bottomLeftLat": 52.35, "bottomLeftLng": 4.89, "topRightLat": 52.36, "topRightLng": 4.92}


@pytest.mark.parametrize("key", [DEMO_PARTNER_KEY, HOTEL_PARTNER_KEY])
async def test_seeded_hotel_shows_for_its_partners(seeded_client: Client, key: str) -> None:
    response = await box_search(seeded_client, key, HOTEL_BOX)
    assert HOTEL_LOCATION_ID in {item["id"] for item in response.json()["data"]}


async def test_seeded_hotel_is_hidden_from_other_partners(seeded_client: Client, seeded_app: Litestar) -> None:
    key = (await seeded_app.state.services.partners.create("Outsider")).api_key
    in_box_ids = {loc["id"] for loc in SEEDED if in_box(loc, HOTEL_BOX)} - {HOTEL_LOCATION_ID}
    response = await box_search(seeded_client, key, HOTEL_BOX)
    assert {item["id"] for item in response.json()["data"]} == in_box_ids


async def test_nearby_answers_at_most_25_locations(seeded_client: Client) -> None:
    assert len(nearest_ids(AMSTERDAM_CENTRE, SEEDED, limit=1000)) > 25
    response = await nearby(seeded_client, DEMO_PARTNER_KEY, AMSTERDAM_CENTRE)
    ids = [item["id"] for item in response.json()["data"]]
    assert ids == nearest_ids(AMSTERDAM_CENTRE, SEEDED)
    assert len(ids) == 25
    assert response.json()["meta"]["count"] == 25
