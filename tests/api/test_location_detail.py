"""One location in full, as drivers see it."""

from __future__ import annotations

import pytest

from chargeassist.services import Services
from tests.api._demo import DEMO_LOCATIONS, JsonDict, available_connectors, find_location, kw, lat_lng
from tests.api._helpers import (
    Client,
    assert_problem,
    ocpi_connector,
    ocpi_evse,
    ocpi_location,
    put_location,
)
from tests.conftest import bearer


@pytest.fixture
def sqlite_url(demo_sqlite_url: str) -> str:
    return demo_sqlite_url


def _garage() -> JsonDict:
    """A demo location with opening hours, facilities and several EVSEs."""
    return find_location(lambda loc: loc["opening_times"].get("regular_hours") and len(loc["evses"]) > 1)


def _fast_charger() -> JsonDict:
    """A demo location with a DC EVSE that has two connectors."""
    return find_location(lambda loc: any(len(e["connectors"]) > 1 for e in loc["evses"]))


async def _get(client: Client, key: str, location_id: str) -> JsonDict:
    response = await client.get(f"/v1/locations/{location_id}", headers=bearer(key))
    assert response.status_code == 200, response.text
    body: JsonDict = response.json()
    return body


async def test_location_carries_its_place_and_operator(client: Client, partner_key: str) -> None:
    source = _garage()
    view = await _get(client, partner_key, source["id"])
    assert view["id"] == source["id"]
    assert (view["name"], view["address"], view["city"]) == (source["name"], source["address"], source["city"])
    assert (view["postalCode"], view["country"]) == (source["postal_code"], source["country"])
    assert (view["lat"], view["lng"]) == pytest.approx(lat_lng(source))
    assert view["type"] == source["parking_type"]
    assert view["timeZone"] == source["time_zone"]
    assert view["operator"] == {"name": source["operator"]["name"], "website": source["operator"]["website"]}
    assert view["facilities"] == source["facilities"]


async def test_location_carries_its_opening_hours(client: Client, partner_key: str) -> None:
    source = _garage()
    view = await _get(client, partner_key, source["id"])
    hours = source["opening_times"]
    assert view["openingHours"]["twentyfourseven"] == hours["twentyfourseven"]
    assert view["openingHours"]["regularHours"] == [
        {"weekday": h["weekday"], "periodBegin": h["period_begin"], "periodEnd": h["period_end"]}
        for h in hours["regular_hours"]
    ]


async def test_location_open_around_the_clock_says_so(client: Client, partner_key: str) -> None:
    source = find_location(lambda loc: loc["opening_times"]["twentyfourseven"])
    view = await _get(client, partner_key, source["id"])
    assert view["openingHours"] == {"twentyfourseven": True, "regularHours": []}


async def test_location_lists_payment_method_types_and_access(client: Client, partner_key: str) -> None:
    view = await _get(client, partner_key, DEMO_LOCATIONS[1]["id"])
    assert view["pms"] == ["CHARGE_CARD", "EXTERNAL"]
    assert view["restrictedAccess"] is False


async def test_location_counts_its_connectors(client: Client, partner_key: str) -> None:
    source = _garage()
    view = await _get(client, partner_key, source["id"])
    assert view["conTot"] == sum(len(e["connectors"]) for e in source["evses"])
    assert view["conAvail"] == available_connectors(source)


async def test_location_lists_its_evses_in_order(client: Client, partner_key: str) -> None:
    source = _garage()
    view = await _get(client, partner_key, source["id"])
    assert [e["uid"] for e in view["evses"]] == [e["uid"] for e in source["evses"]]
    for evse, stored in zip(view["evses"], source["evses"], strict=True):
        assert evse["evseId"] == stored["evse_id"]
        assert evse["status"] == stored["status"]
        assert evse["capabilities"] == stored["capabilities"]


async def test_location_describes_each_connector(client: Client, partner_key: str) -> None:
    source = _fast_charger()
    view = await _get(client, partner_key, source["id"])
    for evse, stored_evse in zip(view["evses"], source["evses"], strict=True):
        assert len(evse["connectors"]) == len(stored_evse["connectors"])
        for connector, stored in zip(evse["connectors"], stored_evse["connectors"], strict=True):
            assert connector["id"] == stored["id"]
            assert connector["standard"] == stored["standard"]
            assert connector["format"] == stored["format"]
            assert connector["powerType"] == ("DC" if stored["power_type"] == "DC" else "AC")
            assert connector["kw"] == kw(stored)
            assert connector["voltage"] == stored["max_voltage"]
            assert connector["amperage"] == stored["max_amperage"]
            assert connector["tariffId"] == stored["tariff_ids"][0]


async def test_connector_power_is_derived_when_not_stated(client: Client, partner_key: str, operator_key: str) -> None:
    three_phase = ocpi_connector("1", max_voltage=230, max_amperage=32, max_electric_power=None)
    single_phase = ocpi_connector(
        "2", power_type="AC_1_PHASE", max_voltage=230, max_amperage=16, max_electric_power=None
    )
    location = ocpi_location("derived", evses=[ocpi_evse("derived-1", connectors=[three_phase, single_phase])])
    await put_location(client, operator_key, location)
    view = await _get(client, partner_key, "nl-tst-derived")
    assert [c["kw"] for c in view["evses"][0]["connectors"]] == [22.1, 3.7]


async def test_location_id_is_case_insensitive(client: Client, partner_key: str) -> None:
    source = DEMO_LOCATIONS[1]
    view = await _get(client, partner_key, source["id"].upper())
    assert view["id"] == source["id"]


async def test_unknown_location_is_404(client: Client, partner_key: str) -> None:
    response = await client.get("/v1/locations/nl-gfx-does-not-exist", headers=bearer(partner_key))
    assert_problem(response, 404, "location_not_found")


async def test_deleted_location_is_404(client: Client, partner_key: str, operator_key: str) -> None:
    location_id = DEMO_LOCATIONS[1]["id"]
    deleted = await client.delete(f"/v1/operator/locations/{location_id}", headers=bearer(operator_key))
    assert deleted.status_code == 204
    response = await client.get(f"/v1/locations/{location_id}", headers=bearer(partner_key))
    assert_problem(response, 404, "location_not_found")


async def test_status_change_shows_at_once(client: Client, partner_key: str, operator_key: str) -> None:
    source = find_location(lambda loc: loc["evses"][0]["status"] == "AVAILABLE")
    uid = source["evses"][0]["uid"]
    patched = await client.patch(
        f"/v1/operator/locations/{source['id']}",
        json={"evses": [{"uid": uid, "status": "CHARGING"}]},
        headers=bearer(operator_key),
    )
    assert patched.status_code == 200
    view = await _get(client, partner_key, source["id"])
    assert view["evses"][0]["status"] == "CHARGING"
    assert view["conAvail"] == available_connectors(source) - len(source["evses"][0]["connectors"])


@pytest.fixture
async def closed_location(client: Client, services: Services, partner_key: str, operator_key: str) -> str:
    identity = await services.partners.authenticate(partner_key)
    assert identity is not None
    location = ocpi_location("closed-1")
    location["restricted_to_partners"] = [identity.partner_id]
    await put_location(client, operator_key, location)
    return "nl-tst-closed-1"


async def test_closed_location_is_shown_to_its_partner_as_restricted(
    client: Client, partner_key: str, closed_location: str
) -> None:
    view = await _get(client, partner_key, closed_location)
    assert view["restrictedAccess"] is True


async def test_closed_location_is_404_for_other_partners(
    client: Client, other_partner_key: str, closed_location: str
) -> None:
    response = await client.get(f"/v1/locations/{closed_location}", headers=bearer(other_partner_key))
    body = assert_problem(response, 404, "location_not_found")
    assert "restricted" not in body["detail"].lower()


async def test_closed_location_looks_like_an_unknown_one_to_other_partners(
    client: Client, other_partner_key: str, closed_location: str
) -> None:
    hidden = await client.get(f"/v1/locations/{closed_location}", headers=bearer(other_partner_key))
    unknown = await client.get("/v1/locations/nl-tst-closed-2", headers=bearer(other_partner_key))
    strip = {"instance", "requestId", "detail"}
    assert {k: v for k, v in hidden.json().items() if k not in strip} == {
        k: v for k, v in unknown.json().items() if k not in strip
    }


async def test_location_shows_no_card_hold_without_stripe(client: Client, partner_key: str) -> None:
    view = await _get(client, partner_key, DEMO_LOCATIONS[1]["id"])
    assert view["preAuthAmount"] is None
