"""Operator API for locations: OCPI 2.2.1 in, validated; writes show in driver search at once."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from chargeassist.demo import demo_tariffs
from tests.api._helpers import (
    Client,
    JsonDict,
    assert_problem,
    error_fields,
    ocpi_connector,
    ocpi_evse,
    ocpi_location,
    put_location,
    put_tariff,
)
from tests.conftest import bearer

PATH = "/v1/operator/locations/nl-tst-site-1"
AMSTERDAM = {"bottomLeftLat": 52.3, "bottomLeftLng": 4.8, "topRightLat": 52.4, "topRightLng": 5.0}
ROTTERDAM = {"bottomLeftLat": 51.85, "bottomLeftLng": 4.40, "topRightLat": 51.95, "topRightLng": 4.55}


def site(**extra: Any) -> JsonDict:
    """Location ``nl-tst-site-1`` in Amsterdam with two EVSEs, one connector each."""
    evses = [
        ocpi_evse("site-1-a", evse_id="NL*TST*ESITE1*1"),
        ocpi_evse("site-1-b", evse_id="NL*TST*ESITE1*2", status="CHARGING"),
    ]
    return ocpi_location("site-1", evses=evses, **extra)


async def search(client: Client, key: str, box: dict[str, float]) -> dict[str, JsonDict]:
    response = await client.get("/v1/locations/boundingbox", params={**box, "pageSize": 100}, headers=bearer(key))
    assert response.status_code == 200, response.text
    return {item["id"]: item for item in response.json()["data"]}


# --- PUT -------------------------------------------------------------------------------------


async def test_new_location_answers_201_with_the_stored_ocpi_location(client: Client, operator_key: str) -> None:
    response = await client.put(PATH, json=site(), headers=bearer(operator_key))
    assert response.status_code == 201
    body = response.json()
    assert body["id"] == "nl-tst-site-1"
    assert (body["country_code"], body["party_id"]) == ("NL", "TST")
    assert body["coordinates"] == {"latitude": "52.370216", "longitude": "4.895168"}
    assert [evse["uid"] for evse in body["evses"]] == ["site-1-a", "site-1-b"]
    assert body["restricted_to_partners"] is None


async def test_same_location_again_answers_200(client: Client, operator_key: str) -> None:
    first = await client.put(PATH, json=site(), headers=bearer(operator_key))
    second = await client.put(PATH, json=site(), headers=bearer(operator_key))
    assert second.status_code == 200
    assert second.json() == first.json()


async def test_new_location_shows_in_search_at_once(client: Client, operator_key: str, partner_key: str) -> None:
    await put_location(client, operator_key, site())
    found = await search(client, partner_key, AMSTERDAM)
    assert found["nl-tst-site-1"]["conTot"] == 2
    assert found["nl-tst-site-1"]["conAvail"] == 1


async def test_ocpi_id_without_the_prefix_is_accepted(client: Client, operator_key: str) -> None:
    response = await client.put(
        "/v1/operator/locations/nl-tst-loc-7", json=ocpi_location("LOC-7"), headers=bearer(operator_key)
    )
    assert response.status_code == 201
    assert response.json()["id"] == "nl-tst-loc-7"


@pytest.mark.parametrize(
    "path",
    [
        "/v1/operator/locations/nl-tst-other",
        "/v1/operator/locations/be-tst-site-1",
        "/v1/operator/locations/nl-abc-site-1",
    ],
)
async def test_path_naming_another_location_is_400(client: Client, operator_key: str, path: str) -> None:
    response = await client.put(path, json=site(), headers=bearer(operator_key))
    body = assert_problem(response, 400, "location_id_mismatch")
    assert error_fields(body) == ["id"]


@pytest.mark.parametrize("location_id", ["NL-TST-SITE-1", "site-1", "nl-tst-"])
async def test_path_that_is_no_location_id_is_400(client: Client, operator_key: str, location_id: str) -> None:
    response = await client.put(f"/v1/operator/locations/{location_id}", json=site(), headers=bearer(operator_key))
    assert response.status_code == 400
    assert response.json()["code"] in {"invalid_location_id", "location_id_mismatch"}


def _set(path: str, value: Any) -> Callable[[JsonDict], None]:
    """A change to an OCPI document at a dotted path (``evses.0.uid``)."""

    def change(document: JsonDict) -> None:
        *parents, last = path.split(".")
        target: Any = document
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return change


INVALID_LOCATIONS: list[tuple[str, Callable[[JsonDict], None], str]] = [
    ("latitude not a number", _set("coordinates.latitude", "abc"), "coordinates.latitude"),
    ("latitude beyond 90", _set("coordinates.latitude", "90.5"), "coordinates.latitude"),
    ("longitude beyond 180", _set("coordinates.longitude", "-180.1"), "coordinates.longitude"),
    ("duplicate EVSE uid", _set("evses.1.uid", "site-1-a"), "evses[1].uid"),
    (
        "duplicate connector id",
        _set("evses.0.connectors", [ocpi_connector("1"), ocpi_connector("1")]),
        "evses[0].connectors[1].id",
    ),
    ("EVSE without connectors", _set("evses.0.connectors", []), "evses[0].connectors"),
    ("unknown EVSE status", _set("evses.0.status", "BROKEN"), "evses[0].status"),
    ("no voltage", _set("evses.0.connectors.0.max_voltage", 0), "evses[0].connectors[0].max_voltage"),
    ("unknown time zone", _set("time_zone", "Mars/Olympus_Mons"), "time_zone"),
    ("alpha-2 country", _set("country", "NL"), "country"),
    ("lower-case country code", _set("country_code", "nl"), "country_code"),
    ("address of the wrong type", _set("address", 12), "address"),
    ("EVSE uid of the wrong type", _set("evses.0.uid", 7), "evses[0].uid"),
]


@pytest.mark.parametrize(
    ("mutate", "field"), [case[1:] for case in INVALID_LOCATIONS], ids=[c[0] for c in INVALID_LOCATIONS]
)
async def test_invalid_location_is_400_naming_the_field(
    client: Client, operator_key: str, mutate: Callable[[JsonDict], None], field: str
) -> None:
    document = copy.deepcopy(site())
    mutate(document)
    response = await client.put(PATH, json=document, headers=bearer(operator_key))
    body = assert_problem(response, 400, "invalid_location")
    assert error_fields(body) == [field]


async def test_location_missing_a_required_field_is_400_naming_it(client: Client, operator_key: str) -> None:
    document = site()
    del document["address"]
    response = await client.put(PATH, json=document, headers=bearer(operator_key))
    body = assert_problem(response, 400, "invalid_location")
    assert error_fields(body) == ["address"]


async def test_refused_location_is_not_stored(client: Client, operator_key: str) -> None:
    document = site()
    document["coordinates"]["latitude"] = "abc"
    await client.put(PATH, json=document, headers=bearer(operator_key))
    response = await client.get(PATH, headers=bearer(operator_key))
    assert_problem(response, 404, "location_not_found")


async def test_refused_replacement_keeps_the_stored_location(client: Client, operator_key: str) -> None:
    stored = (await put_location(client, operator_key, site())).json()
    document = site(name="Renamed")
    document["evses"][1]["uid"] = "site-1-a"
    await client.put(PATH, json=document, headers=bearer(operator_key))
    response = await client.get(PATH, headers=bearer(operator_key))
    assert response.json() == stored


async def test_location_body_that_is_not_an_object_is_400(client: Client, operator_key: str) -> None:
    response = await client.put(PATH, json=[site()], headers=bearer(operator_key))
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["body"]


async def test_restriction_that_is_not_a_list_is_400(client: Client, operator_key: str) -> None:
    response = await client.put(PATH, json=site(restricted_to_partners="ptn_1"), headers=bearer(operator_key))
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["restricted_to_partners"]


async def test_restriction_is_stored_and_returned(client: Client, operator_key: str) -> None:
    response = await client.put(
        PATH, json=site(restricted_to_partners=["ptn_a", "ptn_b"]), headers=bearer(operator_key)
    )
    assert response.json()["restricted_to_partners"] == ["ptn_a", "ptn_b"]


async def test_replacing_a_location_drops_evses_left_out(client: Client, operator_key: str, partner_key: str) -> None:
    await put_location(client, operator_key, site())
    smaller = site()
    smaller["evses"] = smaller["evses"][:1]
    await put_location(client, operator_key, smaller)
    stored = await client.get(PATH, headers=bearer(operator_key))
    assert [evse["uid"] for evse in stored.json()["evses"]] == ["site-1-a"]
    assert (await search(client, partner_key, AMSTERDAM))["nl-tst-site-1"]["conTot"] == 1


async def test_moving_a_location_moves_it_in_search(client: Client, operator_key: str, partner_key: str) -> None:
    await put_location(client, operator_key, site())
    await put_location(client, operator_key, site(coordinates={"latitude": "51.9225", "longitude": "4.47917"}))
    assert "nl-tst-site-1" not in await search(client, partner_key, AMSTERDAM)
    assert "nl-tst-site-1" in await search(client, partner_key, ROTTERDAM)


# --- PATCH -----------------------------------------------------------------------------------


async def test_patching_an_evse_status_changes_availability_in_search_at_once(
    client: Client, operator_key: str, partner_key: str
) -> None:
    await put_location(client, operator_key, site())
    assert (await search(client, partner_key, AMSTERDAM))["nl-tst-site-1"]["conAvail"] == 1
    response = await client.patch(
        PATH, json={"evses": [{"uid": "site-1-a", "status": "CHARGING"}]}, headers=bearer(operator_key)
    )
    assert response.status_code == 200
    assert (await search(client, partner_key, AMSTERDAM))["nl-tst-site-1"]["conAvail"] == 0


async def test_patching_an_evse_keeps_its_other_fields(client: Client, operator_key: str) -> None:
    before = (await put_location(client, operator_key, site())).json()
    response = await client.patch(
        PATH, json={"evses": [{"uid": "site-1-b", "status": "AVAILABLE"}]}, headers=bearer(operator_key)
    )
    after = response.json()
    assert after["evses"][1] == {**before["evses"][1], "status": "AVAILABLE"}
    assert after["evses"][0] == before["evses"][0]


async def test_patching_a_top_level_field_replaces_it(client: Client, operator_key: str, partner_key: str) -> None:
    await put_location(client, operator_key, site())
    await client.patch(PATH, json={"name": "Renamed Site"}, headers=bearer(operator_key))
    stored = await client.get(PATH, headers=bearer(operator_key))
    assert stored.json()["name"] == "Renamed Site"
    assert (await search(client, partner_key, AMSTERDAM))["nl-tst-site-1"]["name"] == "Renamed Site"


async def test_patching_in_a_complete_new_evse_adds_it(client: Client, operator_key: str) -> None:
    await put_location(client, operator_key, site())
    response = await client.patch(PATH, json={"evses": [ocpi_evse("site-1-c")]}, headers=bearer(operator_key))
    assert [evse["uid"] for evse in response.json()["evses"]] == ["site-1-a", "site-1-b", "site-1-c"]


async def test_patching_in_an_incomplete_new_evse_is_400(client: Client, operator_key: str) -> None:
    await put_location(client, operator_key, site())
    response = await client.patch(
        PATH, json={"evses": [{"uid": "site-1-c", "status": "AVAILABLE"}]}, headers=bearer(operator_key)
    )
    body = assert_problem(response, 400, "invalid_location")
    [field] = error_fields(body)
    assert field.startswith("evses[2]")
    assert "connectors" in body["detail"]


async def test_patching_evses_with_something_else_than_a_list_is_400(client: Client, operator_key: str) -> None:
    await put_location(client, operator_key, site())
    response = await client.patch(PATH, json={"evses": {"uid": "site-1-a"}}, headers=bearer(operator_key))
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["evses"]


async def test_patching_an_evse_without_uid_is_400(client: Client, operator_key: str) -> None:
    await put_location(client, operator_key, site())
    response = await client.patch(PATH, json={"evses": [{"status": "CHARGING"}]}, headers=bearer(operator_key))
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["evses[0]"]


@pytest.mark.parametrize(("field", "value"), [("country_code", "BE"), ("party_id", "XYZ"), ("id", "site-2")])
async def test_patching_the_identity_is_400(client: Client, operator_key: str, field: str, value: str) -> None:
    await put_location(client, operator_key, site())
    response = await client.patch(PATH, json={field: value}, headers=bearer(operator_key))
    body = assert_problem(response, 400, "immutable_field")
    assert error_fields(body) == [field]


async def test_patching_in_an_invalid_value_is_400_and_changes_nothing(client: Client, operator_key: str) -> None:
    stored = (await put_location(client, operator_key, site())).json()
    response = await client.patch(
        PATH, json={"coordinates": {"latitude": "abc", "longitude": "4.9"}}, headers=bearer(operator_key)
    )
    body = assert_problem(response, 400, "invalid_location")
    assert error_fields(body) == ["coordinates.latitude"]
    assert (await client.get(PATH, headers=bearer(operator_key))).json() == stored


async def test_patching_an_unknown_location_is_404(client: Client, operator_key: str) -> None:
    response = await client.patch(PATH, json={"name": "x"}, headers=bearer(operator_key))
    assert_problem(response, 404, "location_not_found")


async def test_patching_keeps_the_restriction(client: Client, operator_key: str) -> None:
    await put_location(client, operator_key, site(restricted_to_partners=["ptn_a"]))
    response = await client.patch(PATH, json={"name": "Renamed"}, headers=bearer(operator_key))
    assert response.json()["restricted_to_partners"] == ["ptn_a"]


async def test_patching_the_restriction_to_null_opens_the_location(
    client: Client, operator_key: str, partner_key: str
) -> None:
    await put_location(client, operator_key, site(restricted_to_partners=["ptn_someone_else"]))
    assert "nl-tst-site-1" not in await search(client, partner_key, AMSTERDAM)
    await client.patch(PATH, json={"restricted_to_partners": None}, headers=bearer(operator_key))
    assert "nl-tst-site-1" in await search(client, partner_key, AMSTERDAM)


async def test_restricting_by_patch_hides_the_location_at_once(
    client: Client, operator_key: str, partner_key: str
) -> None:
    await put_location(client, operator_key, site())
    await client.patch(PATH, json={"restricted_to_partners": ["ptn_someone_else"]}, headers=bearer(operator_key))
    assert "nl-tst-site-1" not in await search(client, partner_key, AMSTERDAM)


# --- GET and DELETE --------------------------------------------------------------------------


async def test_get_returns_the_ocpi_location(client: Client, operator_key: str) -> None:
    stored = (await put_location(client, operator_key, site())).json()
    response = await client.get(PATH, headers=bearer(operator_key))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == stored
    original = site()
    for key in ("name", "address", "city", "postal_code", "country", "time_zone", "parking_type"):
        assert stored[key] == original[key]
    assert stored["evses"][0]["connectors"][0]["max_electric_power"] == 11_000


async def test_operator_sees_closed_locations(client: Client, operator_key: str) -> None:
    await put_location(client, operator_key, site(restricted_to_partners=["ptn_a"]))
    response = await client.get(PATH, headers=bearer(operator_key))
    assert response.status_code == 200


async def test_get_of_an_unknown_location_is_404(client: Client, operator_key: str) -> None:
    response = await client.get(PATH, headers=bearer(operator_key))
    assert_problem(response, 404, "location_not_found")


async def test_delete_answers_204(client: Client, operator_key: str) -> None:
    await put_location(client, operator_key, site())
    response = await client.delete(PATH, headers=bearer(operator_key))
    assert response.status_code == 204


async def test_deleted_location_is_gone_from_get(client: Client, operator_key: str) -> None:
    await put_location(client, operator_key, site())
    await client.delete(PATH, headers=bearer(operator_key))
    assert_problem(await client.get(PATH, headers=bearer(operator_key)), 404, "location_not_found")


async def test_deleted_location_is_gone_from_search(client: Client, operator_key: str, partner_key: str) -> None:
    await put_location(client, operator_key, site())
    await client.delete(PATH, headers=bearer(operator_key))
    assert "nl-tst-site-1" not in await search(client, partner_key, AMSTERDAM)
    nearby = await client.get(
        "/v1/locations/nearby", params={"latitude": 52.37, "longitude": 4.895}, headers=bearer(partner_key)
    )
    assert nearby.json()["data"] == []


async def test_deleted_location_is_gone_for_drivers(client: Client, operator_key: str, partner_key: str) -> None:
    await put_location(client, operator_key, site())
    await client.delete(PATH, headers=bearer(operator_key))
    response = await client.get("/v1/locations/nl-tst-site-1", headers=bearer(partner_key))
    assert_problem(response, 404, "location_not_found")


async def test_deleting_twice_is_404(client: Client, operator_key: str) -> None:
    await put_location(client, operator_key, site())
    await client.delete(PATH, headers=bearer(operator_key))
    response = await client.delete(PATH, headers=bearer(operator_key))
    assert_problem(response, 404, "location_not_found")


async def test_deleted_location_can_be_put_again(client: Client, operator_key: str, partner_key: str) -> None:
    await put_location(client, operator_key, site())
    await client.delete(PATH, headers=bearer(operator_key))
    response = await client.put(PATH, json=site(), headers=bearer(operator_key))
    assert response.status_code == 201
    assert "nl-tst-site-1" in await search(client, partner_key, AMSTERDAM)


@pytest.mark.parametrize(
    ("connector", "field"),
    [
        (ocpi_connector(max_voltage=10**30), "max_voltage"),
        (ocpi_connector(max_amperage=2**70), "max_amperage"),
        (ocpi_connector(max_electric_power=10**400), "max_electric_power"),
    ],
    ids=["voltage", "amperage", "power"],
)
async def test_a_connector_figure_beyond_any_charger_is_400(
    client: Client, operator_key: str, connector: JsonDict, field: str
) -> None:
    location = ocpi_location("big-1", evses=[ocpi_evse("B-1", connectors=[connector])])
    response = await client.put("/v1/operator/locations/nl-tst-big-1", json=location, headers=bearer(operator_key))
    body = assert_problem(response, 400, "invalid_location")
    assert error_fields(body) == [f"evses[0].connectors[0].{field}"]


async def test_a_megawatt_connector_is_taken(client: Client, operator_key: str) -> None:
    connector = ocpi_connector(
        standard="IEC_62196_T2_COMBO",
        power_type="DC",
        max_voltage=1250,
        max_amperage=3000,
        max_electric_power=3_750_000,
    )
    location = ocpi_location("mcs-1", evses=[ocpi_evse("M-1", connectors=[connector])])
    response = await client.put("/v1/operator/locations/nl-tst-mcs-1", json=location, headers=bearer(operator_key))
    assert response.status_code == 201, response.text


async def test_an_opening_weekday_beyond_sunday_is_400(client: Client, operator_key: str) -> None:
    hours = {
        "twentyfourseven": False,
        "regular_hours": [{"weekday": 2**70, "period_begin": "08:00", "period_end": "18:00"}],
    }
    location = ocpi_location("hours-1", opening_times=hours)
    response = await client.put("/v1/operator/locations/nl-tst-hours-1", json=location, headers=bearer(operator_key))
    body = assert_problem(response, 400, "invalid_location")
    assert error_fields(body) == ["opening_times.regular_hours[0].weekday"]


# --- pre-authorisation amount (extension) ---------------------------------------------------


async def test_pre_auth_amount_is_stored_and_returned_as_written(client: Client, operator_key: str) -> None:
    response = await client.put(PATH, json=site(pre_auth_amount="25.50"), headers=bearer(operator_key))
    assert response.status_code == 201, response.text
    assert response.json()["pre_auth_amount"] == "25.50"


async def test_location_without_pre_auth_amount_has_none(client: Client, operator_key: str) -> None:
    response = await client.put(PATH, json=site(), headers=bearer(operator_key))
    assert response.json()["pre_auth_amount"] is None


async def test_pre_auth_amount_as_a_json_number_is_accepted(client: Client, operator_key: str) -> None:
    response = await client.put(PATH, json=site(pre_auth_amount=30), headers=bearer(operator_key))
    assert response.json()["pre_auth_amount"] == "30"


async def test_patch_sets_the_pre_auth_amount(client: Client, operator_key: str) -> None:
    await put_location(client, operator_key, site())
    response = await client.patch(PATH, json={"pre_auth_amount": "40.00"}, headers=bearer(operator_key))
    assert response.status_code == 200, response.text
    stored = await client.get(PATH, headers=bearer(operator_key))
    assert stored.json()["pre_auth_amount"] == "40.00"


async def test_patch_of_other_fields_keeps_the_pre_auth_amount(client: Client, operator_key: str) -> None:
    await put_location(client, operator_key, site(pre_auth_amount="40.00"))
    response = await client.patch(PATH, json={"name": "Renamed"}, headers=bearer(operator_key))
    assert response.json()["pre_auth_amount"] == "40.00"


async def test_patch_with_null_goes_back_to_the_default(client: Client, operator_key: str) -> None:
    await put_location(client, operator_key, site(pre_auth_amount="40.00"))
    response = await client.patch(PATH, json={"pre_auth_amount": None}, headers=bearer(operator_key))
    assert response.json()["pre_auth_amount"] is None


@pytest.mark.parametrize(
    "amount",
    ["0", "0.00", "-5", -5, "NaN", "Infinity", "12.345", 12.345, "abc", "", True, ["10"], {"amount": "10"}, "1000000"],
)
async def test_bad_pre_auth_amount_is_400_naming_the_field(client: Client, operator_key: str, amount: Any) -> None:
    response = await client.put(PATH, json=site(pre_auth_amount=amount), headers=bearer(operator_key))
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["pre_auth_amount"]


async def test_bad_pre_auth_amount_stores_nothing(client: Client, operator_key: str) -> None:
    await client.put(PATH, json=site(pre_auth_amount="-1"), headers=bearer(operator_key))
    response = await client.get(PATH, headers=bearer(operator_key))
    assert_problem(response, 404, "location_not_found")


async def test_bad_pre_auth_amount_by_patch_is_400_and_keeps_the_old_one(client: Client, operator_key: str) -> None:
    await put_location(client, operator_key, site(pre_auth_amount="40.00"))
    response = await client.patch(PATH, json={"pre_auth_amount": "0"}, headers=bearer(operator_key))
    assert error_fields(assert_problem(response, 400, "validation_failed")) == ["pre_auth_amount"]
    assert (await client.get(PATH, headers=bearer(operator_key))).json()["pre_auth_amount"] == "40.00"


async def test_pre_auth_amount_has_no_more_decimals_than_the_tariffs_currency(
    client: Client, operator_key: str
) -> None:
    yen = {**demo_tariffs()[0], "id": "jp-tst-yen", "country_code": "JP", "party_id": "TST", "currency": "JPY"}
    await put_tariff(client, operator_key, yen)
    evse = ocpi_evse("site-1-a", connectors=[ocpi_connector("1", tariff_ids=["jp-tst-yen"])])
    response = await client.put(
        PATH, json=ocpi_location("site-1", evses=[evse], pre_auth_amount="5000.5"), headers=bearer(operator_key)
    )
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["pre_auth_amount"]
    assert "JPY" in body["detail"]


async def test_whole_yen_pre_auth_amount_is_accepted(client: Client, operator_key: str) -> None:
    yen = {**demo_tariffs()[0], "id": "jp-tst-yen", "country_code": "JP", "party_id": "TST", "currency": "JPY"}
    await put_tariff(client, operator_key, yen)
    evse = ocpi_evse("site-1-a", connectors=[ocpi_connector("1", tariff_ids=["jp-tst-yen"])])
    response = await client.put(
        PATH, json=ocpi_location("site-1", evses=[evse], pre_auth_amount="5000"), headers=bearer(operator_key)
    )
    assert response.json()["pre_auth_amount"] == "5000"
