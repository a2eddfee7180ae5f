"""Demo and benchmark data: deterministic, well-formed OCPI 2.2.1 objects."""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from chargeassist.demo import (
    DEMO_PARTY_ID,
    HOTEL_LOCATION_ID,
    HOTEL_TARIFF_ID,
    demo_locations,
    demo_tariffs,
    synthetic_locations,
)
from chargeassist.domain import locations as ocpi_locations
from chargeassist.domain import tariffs as ocpi_tariffs
from chargeassist.qr import normalize_evse_id

Json = dict[str, Any]

# (south, west, north, east) around each country's land.
BOUNDS = {"NL": (50.75, 3.35, 53.56, 7.23), "BE": (49.49, 2.54, 51.51, 6.41)}
COORDINATE = re.compile(r"-?[0-9]{1,3}\.[0-9]{5,7}")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
STATUSES = {
    "AVAILABLE",
    "BLOCKED",
    "CHARGING",
    "INOPERATIVE",
    "OUTOFORDER",
    "PLANNED",
    "REMOVED",
    "RESERVED",
    "UNKNOWN",
}
PARKING_TYPES = {"ALONG_MOTORWAY", "PARKING_GARAGE", "PARKING_LOT", "ON_DRIVEWAY", "ON_STREET", "UNDERGROUND_GARAGE"}
FACILITIES = {
    "HOTEL", "RESTAURANT", "CAFE", "MALL", "SUPERMARKET", "SPORT", "RECREATION_AREA", "NATURE", "MUSEUM",
    "BIKE_SHARING", "BUS_STOP", "TAXI_STAND", "TRAM_STOP", "METRO_STATION", "TRAIN_STATION", "AIRPORT",
    "PARKING_LOT", "CARPOOL_PARKING", "FUEL_STATION", "WIFI",
}  # fmt: skip
CAPABILITIES = {
    "CHARGING_PROFILE_CAPABLE", "CHARGING_PREFERENCES_CAPABLE", "CHIP_CARD_SUPPORT", "CONTACTLESS_CARD_SUPPORT",
    "CREDIT_CARD_PAYABLE", "DEBIT_CARD_PAYABLE", "PED_TERMINAL", "REMOTE_START_STOP_CAPABLE", "RESERVABLE",
    "RFID_READER", "START_SESSION_CONNECTOR_REQUIRED", "TOKEN_GROUP_CAPABLE", "UNLOCK_CAPABLE",
}  # fmt: skip
DIMENSIONS = {"ENERGY", "FLAT", "PARKING_TIME", "TIME"}


@pytest.fixture(scope="module")
def locations() -> list[Json]:
    return demo_locations()


@pytest.fixture(scope="module")
def tariffs() -> list[Json]:
    return demo_tariffs()


@pytest.fixture(scope="module")
def synthetic() -> list[Json]:
    return list(synthetic_locations(20_000))


def _evses(locations: list[Json]) -> Iterator[tuple[Json, Json]]:
    for location in locations:
        for evse in location["evses"]:
            yield location, evse


def _connectors(locations: list[Json]) -> Iterator[tuple[Json, Json]]:
    for location, evse in _evses(locations):
        for connector in evse["connectors"]:
            yield location, connector


def _in_box(coordinates: Json, box: tuple[float, float, float, float]) -> bool:
    south, west, north, east = box
    return south <= float(coordinates["latitude"]) <= north and west <= float(coordinates["longitude"]) <= east


# --- demo_tariffs ------------------------------------------------------------------------------


def test_tariff_ids_are_unique(tariffs: list[Json]) -> None:
    assert len({t["id"] for t in tariffs}) == len(tariffs)


def test_tariff_ids_carry_country_and_party(tariffs: list[Json]) -> None:
    assert all(t["id"].startswith(f"{t['country_code'].lower()}-{t['party_id'].lower()}-") for t in tariffs)


def test_tariffs_are_in_euro_with_21_percent_vat(tariffs: list[Json]) -> None:
    components = [pc for t in tariffs for element in t["elements"] for pc in element["price_components"]]
    assert {t["currency"] for t in tariffs} == {"EUR"}
    assert {pc["vat"] for pc in components} == {21.0}


def test_tariff_price_components_are_well_formed(tariffs: list[Json]) -> None:
    for t in tariffs:
        for element in t["elements"]:
            for pc in element["price_components"]:
                assert pc["type"] in DIMENSIONS
                assert pc["price"] >= 0
                assert isinstance(pc["step_size"], int)
                assert pc["step_size"] > 0


def test_tariffs_have_texts_and_timestamps(tariffs: list[Json]) -> None:
    for t in tariffs:
        assert {text["language"] for text in t["tariff_alt_text"]} >= {"en", "nl"}
        assert TIMESTAMP.fullmatch(t["last_updated"])


def test_ac_standard_tariff_charges_parking_after_two_hours(tariffs: list[Json]) -> None:
    tariff = next(t for t in tariffs if t["id"] == "nl-gfx-ac-standard")
    energy, parking = tariff["elements"]
    assert energy["price_components"][0] == {"type": "ENERGY", "price": 0.35, "vat": 21.0, "step_size": 1}
    assert parking["price_components"][0]["type"] == "PARKING_TIME"
    assert parking["restrictions"] == {"min_duration": 7200}


def test_night_tariff_window_wraps_midnight(tariffs: list[Json]) -> None:
    tariff = next(t for t in tariffs if t["id"] == "nl-gfx-ac-night")
    night, day = tariff["elements"]
    assert night["restrictions"]["start_time"] > night["restrictions"]["end_time"]
    assert night["price_components"][0]["price"] < day["price_components"][0]["price"]
    assert "restrictions" not in day


def test_dc_fast_tariff_has_flat_fee_and_energy(tariffs: list[Json]) -> None:
    tariff = next(t for t in tariffs if t["id"] == "nl-gfx-dc-fast")
    components = {pc["type"]: pc["price"] for pc in tariff["elements"][0]["price_components"]}
    assert components == {"FLAT": 1.00, "ENERGY": 0.59}


def test_dc_power_tariff_charges_time_above_50_kw(tariffs: list[Json]) -> None:
    tariff = next(t for t in tariffs if t["id"] == "nl-gfx-dc-power")
    timed = [e for e in tariff["elements"] if e["price_components"][0]["type"] == "TIME"]
    assert [e["restrictions"] for e in timed] == [{"min_power": 50.0}]


def test_hotel_tariff_exists_with_a_cap(tariffs: list[Json]) -> None:
    tariff = next(t for t in tariffs if t["id"] == HOTEL_TARIFF_ID)
    assert tariff["max_price"]["incl_vat"] > tariff["max_price"]["excl_vat"]


def test_demo_tariffs_returns_fresh_objects() -> None:
    first = demo_tariffs()
    first[0]["elements"].clear()
    assert demo_tariffs()[0]["elements"]


# --- demo_locations ----------------------------------------------------------------------------


def test_demo_locations_are_deterministic(locations: list[Json]) -> None:
    assert demo_locations() == locations


def test_demo_locations_depend_on_seed(locations: list[Json]) -> None:
    assert demo_locations(seed=8) != locations


def test_demo_locations_default_count_is_300(locations: list[Json]) -> None:
    assert len(locations) == 300


@pytest.mark.parametrize("count", [1, 2, 25])
def test_demo_locations_honour_count(count: int) -> None:
    assert len(demo_locations(count)) == count


def test_demo_locations_of_zero_is_empty() -> None:
    assert demo_locations(0) == []


def test_demo_locations_reject_negative_count() -> None:
    with pytest.raises(ValueError, match="negative"):
        demo_locations(-1)


def test_smaller_demo_is_a_prefix_of_the_larger(locations: list[Json]) -> None:
    assert demo_locations(50) == locations[:50]


def test_demo_locations_are_in_nl_and_be(locations: list[Json]) -> None:
    assert Counter(loc["country_code"] for loc in locations).keys() == {"NL", "BE"}


def test_demo_location_ids_are_country_party_number(locations: list[Json]) -> None:
    for loc in locations:
        if loc["id"] != HOTEL_LOCATION_ID:
            assert re.fullmatch(rf"{loc['country_code'].lower()}-gfx-\d{{6}}", loc["id"])


def test_demo_location_ids_are_unique(locations: list[Json]) -> None:
    assert len({loc["id"] for loc in locations}) == len(locations)


def test_demo_locations_belong_to_the_demo_party(locations: list[Json]) -> None:
    assert {loc["party_id"] for loc in locations} == {DEMO_PARTY_ID}


def test_demo_countries_match_alpha3(locations: list[Json]) -> None:
    assert all({"NL": "NLD", "BE": "BEL"}[loc["country_code"]] == loc["country"] for loc in locations)


def test_demo_locations_have_one_to_eight_evses(locations: list[Json]) -> None:
    counts = Counter(len(loc["evses"]) for loc in locations)
    assert min(counts) == 1
    assert max(counts) == 8


def test_demo_evse_uids_are_unique(locations: list[Json]) -> None:
    uids = [evse["uid"] for _loc, evse in _evses(locations)]
    assert len(set(uids)) == len(uids)


def test_demo_evse_ids_are_emi3(locations: list[Json]) -> None:
    for loc, evse in _evses(locations):
        assert re.fullmatch(rf"{loc['country_code']}\*GFX\*E[0-9A-Z]+\*\d", evse["evse_id"])


def test_demo_evse_ids_have_unique_lookup_keys(locations: list[Json]) -> None:
    keys = [normalize_evse_id(evse["evse_id"]) for _loc, evse in _evses(locations)]
    assert None not in keys
    assert len(set(keys)) == len(keys)


def test_demo_uids_fit_ocpi_lengths(locations: list[Json]) -> None:
    assert all(len(evse["uid"]) <= 36 and len(evse["evse_id"]) <= 48 for _loc, evse in _evses(locations))
    assert all(len(loc["id"]) <= 36 for loc in locations)


def test_demo_coordinates_are_ocpi_strings(locations: list[Json]) -> None:
    for loc in locations:
        assert COORDINATE.fullmatch(loc["coordinates"]["latitude"])
        assert COORDINATE.fullmatch(loc["coordinates"]["longitude"])


def test_demo_locations_lie_inside_their_country_box(locations: list[Json]) -> None:
    assert all(_in_box(loc["coordinates"], BOUNDS[loc["country_code"]]) for loc in locations)


def test_demo_evse_coordinates_lie_inside_their_country_box(locations: list[Json]) -> None:
    placed = [(loc, evse) for loc, evse in _evses(locations) if "coordinates" in evse]
    assert placed
    assert all(_in_box(evse["coordinates"], BOUNDS[loc["country_code"]]) for loc, evse in placed)


def test_demo_statuses_are_mostly_available(locations: list[Json]) -> None:
    statuses = Counter(evse["status"] for _loc, evse in _evses(locations))
    assert statuses.keys() <= STATUSES
    assert statuses["AVAILABLE"] > sum(statuses.values()) / 2
    assert {"CHARGING", "OUTOFORDER", "UNKNOWN"} <= statuses.keys()


def test_demo_has_ac_and_dc_connectors(locations: list[Json]) -> None:
    kinds = {(c["standard"], c["power_type"]) for _loc, c in _connectors(locations)}
    assert kinds == {
        ("IEC_62196_T2", "AC_3_PHASE"),
        ("IEC_62196_T2_COMBO", "DC"),
        ("CHADEMO", "DC"),
    }


def test_demo_ac_connectors_are_11_or_22_kw_sockets(locations: list[Json]) -> None:
    ac = [c for _loc, c in _connectors(locations) if c["power_type"] != "DC"]
    assert {(c["format"], c["max_amperage"], c["max_electric_power"]) for c in ac} == {
        ("SOCKET", 16, 11_000),
        ("SOCKET", 32, 22_000),
    }


def test_demo_dc_connectors_are_50_to_350_kw_cables(locations: list[Json]) -> None:
    dc = [c for _loc, c in _connectors(locations) if c["power_type"] == "DC"]
    assert {c["format"] for c in dc} == {"CABLE"}
    assert min(c["max_electric_power"] for c in dc) == 50_000
    assert max(c["max_electric_power"] for c in dc) == 350_000


def test_demo_connector_power_fits_voltage_and_current(locations: list[Json]) -> None:
    for _loc, c in _connectors(locations):
        phases = 3 if c["power_type"] == "AC_3_PHASE" else 1
        assert c["max_electric_power"] <= c["max_voltage"] * c["max_amperage"] * phases * 1.01


def test_every_demo_connector_names_an_existing_tariff(locations: list[Json], tariffs: list[Json]) -> None:
    known = {t["id"] for t in tariffs}
    assert all(set(c["tariff_ids"]) <= known for _loc, c in _connectors(locations))


def test_demo_connectors_use_their_own_countrys_tariffs(locations: list[Json], tariffs: list[Json]) -> None:
    country_of = {t["id"]: t["country_code"] for t in tariffs}
    assert all(country_of[c["tariff_ids"][0]] == loc["country_code"] for loc, c in _connectors(locations))


def test_only_the_hotel_uses_the_hotel_tariff(locations: list[Json]) -> None:
    users = {loc["id"] for loc, c in _connectors(locations) if HOTEL_TARIFF_ID in c["tariff_ids"]}
    assert users == {HOTEL_LOCATION_ID}


def test_demo_enums_are_ocpi_values(locations: list[Json]) -> None:
    assert {loc["parking_type"] for loc in locations} <= PARKING_TYPES
    assert {f for loc in locations for f in loc["facilities"]} <= FACILITIES
    assert {c for _loc, evse in _evses(locations) for c in evse["capabilities"]} <= CAPABILITIES


def test_demo_location_is_as_new_as_its_newest_evse(locations: list[Json]) -> None:
    for loc in locations:
        assert TIMESTAMP.fullmatch(loc["last_updated"])
        assert loc["last_updated"] == max(evse["last_updated"] for evse in loc["evses"])


def test_demo_regular_hours_are_well_formed(locations: list[Json]) -> None:
    hours = [h for loc in locations for h in loc["opening_times"].get("regular_hours", [])]
    assert hours
    for h in hours:
        assert 1 <= h["weekday"] <= 7
        assert re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", h["period_begin"])
        assert h["period_begin"] < h["period_end"]


def test_demo_hotel_location_is_present_once(locations: list[Json]) -> None:
    assert [loc["id"] for loc in locations].count(HOTEL_LOCATION_ID) == 1


def test_demo_hotel_location_is_a_closed_hotel_garage(locations: list[Json]) -> None:
    hotel = next(loc for loc in locations if loc["id"] == HOTEL_LOCATION_ID)
    assert hotel["name"] == "Hotel Amstel Garage"
    assert hotel["facilities"] == ["HOTEL", "PARKING_LOT"]
    assert hotel["publish"] is False
    assert hotel["publish_allowed_to"]
    assert {c["tariff_ids"][0] for _loc, c in _connectors([hotel])} == {HOTEL_TARIFF_ID}


def test_demo_other_locations_are_published(locations: list[Json]) -> None:
    assert all(loc["publish"] for loc in locations if loc["id"] != HOTEL_LOCATION_ID)


def test_demo_data_survives_json_round_trip(locations: list[Json], tariffs: list[Json]) -> None:
    data = {"locations": locations, "tariffs": tariffs}
    assert json.loads(json.dumps(data, allow_nan=False)) == data


def test_demo_locations_decode_as_ocpi_locations(locations: list[Json]) -> None:
    for loc in locations:
        ocpi_locations.convert_location(loc)


# --- synthetic_locations -----------------------------------------------------------------------


def test_synthetic_locations_is_a_lazy_iterator() -> None:
    stream = synthetic_locations(10**9)
    assert iter(stream) is stream
    assert len(list(itertools.islice(stream, 3))) == 3


@pytest.mark.parametrize("evse_count", [0, 1, 2, 7, 1000])
def test_synthetic_locations_hold_exactly_the_evses_asked_for(evse_count: int) -> None:
    assert sum(len(loc["evses"]) for loc in synthetic_locations(evse_count)) == evse_count


def test_synthetic_locations_reject_negative_count() -> None:
    with pytest.raises(ValueError, match="negative"):
        synthetic_locations(-1)


def test_synthetic_locations_average_about_3_3_evses(synthetic: list[Json]) -> None:
    assert 20_000 / 3.6 < len(synthetic) < 20_000 / 3.0


def test_synthetic_locations_are_deterministic(synthetic: list[Json]) -> None:
    assert list(itertools.islice(synthetic_locations(20_000), 500)) == synthetic[:500]


def test_synthetic_locations_depend_on_seed(synthetic: list[Json]) -> None:
    assert list(itertools.islice(synthetic_locations(20_000, seed=12), 50)) != synthetic[:50]


def test_synthetic_ids_are_unique(synthetic: list[Json]) -> None:
    assert len({loc["id"] for loc in synthetic}) == len(synthetic)
    uids = [evse["uid"] for _loc, evse in _evses(synthetic)]
    assert len(set(uids)) == len(uids)


def test_synthetic_evse_ids_have_unique_lookup_keys(synthetic: list[Json]) -> None:
    keys = [normalize_evse_id(evse["evse_id"]) for _loc, evse in _evses(synthetic)]
    assert None not in keys
    assert len(set(keys)) == len(keys)


def test_synthetic_ids_are_country_party_number(synthetic: list[Json]) -> None:
    for loc in synthetic:
        assert re.fullmatch(rf"{loc['country_code'].lower()}-gfx-\d{{7}}", loc["id"])


def test_synthetic_coordinates_stay_in_europe_window(synthetic: list[Json]) -> None:
    assert all(_in_box(loc["coordinates"], (36.0, -10.0, 70.0, 30.0)) for loc in synthetic)
    assert all(COORDINATE.fullmatch(loc["coordinates"]["latitude"]) for loc in synthetic)


def test_synthetic_locations_weight_countries_by_population(synthetic: list[Json]) -> None:
    countries = Counter(loc["country_code"] for loc in synthetic)
    assert len(countries) >= 20
    assert countries["DE"] > countries["BE"] > countries["LU"]


def test_synthetic_connectors_name_demo_tariffs(synthetic: list[Json], tariffs: list[Json]) -> None:
    known = {t["id"] for t in tariffs}
    assert all(set(c["tariff_ids"]) <= known for _loc, c in _connectors(synthetic))


def test_synthetic_locations_survive_json_round_trip(synthetic: list[Json]) -> None:
    sample = synthetic[:200]
    assert json.loads(json.dumps(sample, allow_nan=False)) == sample


def test_synthetic_locations_decode_as_ocpi_locations(synthetic: list[Json]) -> None:
    for loc in synthetic[:500]:
        ocpi_locations.convert_location(loc)


def test_demo_tariffs_decode_as_ocpi_tariffs(tariffs: list[Json]) -> None:
    for tariff in tariffs:
        ocpi_tariffs.convert_tariff(tariff)
