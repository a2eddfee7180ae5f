"""client.locations against the live demo server, including paging through a box."""

from __future__ import annotations

import pytest

from chargeassist_sdk import ChargeAssist, NotFoundError, ValidationError
from tests._live import HOTEL_LOCATION

AMSTERDAM = (52.25, 4.70, 52.50, 5.10)
BENELUX = (49.0, 2.0, 54.0, 8.0)


def test_iterating_a_box_follows_the_continuation_tokens(sdk: ChargeAssist) -> None:
    one_page = sdk.locations.in_bounding_box(*AMSTERDAM, page_size=100).first_page()
    paged = [location.id for location in sdk.locations.in_bounding_box(*AMSTERDAM, page_size=3)]
    assert not one_page.has_more
    assert len(one_page.items) > 3
    assert sorted(paged) == sorted(location.id for location in one_page.items)


def test_iterating_a_box_again_starts_from_the_first_page(sdk: ChargeAssist) -> None:
    box = sdk.locations.in_bounding_box(*AMSTERDAM, page_size=4)
    assert list(box) == list(box)


def test_pages_are_at_most_the_page_size(sdk: ChargeAssist) -> None:
    sizes = [len(page.items) for page in sdk.locations.in_bounding_box(*AMSTERDAM, page_size=5).pages()]
    assert len(sizes) > 1
    assert max(sizes) == 5


def test_the_last_page_says_there_is_no_more(sdk: ChargeAssist) -> None:
    *_, last = sdk.locations.in_bounding_box(*AMSTERDAM, page_size=5).pages()
    assert (last.has_more, last.continuation_token) == (False, None)


def test_filters_reach_the_server(sdk: ChargeAssist) -> None:
    found = list(sdk.locations.in_bounding_box(*BENELUX, page_size=100, power_type="DC", country="BEL"))
    assert found
    assert all(location.country == "BEL" and "DC" in location.power_types for location in found)


def test_an_inverted_box_raises_validation_naming_the_field(sdk: ChargeAssist) -> None:
    with pytest.raises(ValidationError) as caught:
        list(sdk.locations.in_bounding_box(52.5, 4.7, 52.2, 5.1))
    assert [error.field for error in caught.value.errors] == ["bottomLeftLat"]


def test_nearby_is_nearest_first(sdk: ChargeAssist) -> None:
    distances = [location.distance_in_meters for location in sdk.locations.nearby(52.37, 4.89)]
    assert distances
    assert distances == sorted(distances)


def test_get_returns_the_location_with_its_evses(sdk: ChargeAssist) -> None:
    location = sdk.locations.get(HOTEL_LOCATION)
    assert location.id == HOTEL_LOCATION
    assert location.evses


def test_get_an_unknown_location_raises_not_found(sdk: ChargeAssist) -> None:
    with pytest.raises(NotFoundError):
        sdk.locations.get("nl-gfx-nowhere")
