"""An OCPI ``publish: false`` location is the operator's alone: no partner finds, reads, scans, prices or starts it."""

from __future__ import annotations

import pytest

from tests.api._helpers import (
    Client,
    add_external,
    assert_problem,
    ocpi_evse,
    ocpi_location,
    put_location,
    register_token,
)
from tests.conftest import bearer

LOCATION_ID = "nl-tst-hidden-1"
EVSE_UID = "hidden-evse-1"
NEAR = "latitude=52.370216&longitude=4.895168"
BOX = "bottomLeftLat=52.3&bottomLeftLng=4.8&topRightLat=52.4&topRightLng=5.0"


@pytest.fixture
async def hidden(client: Client, operator_key: str) -> None:
    """An unpublished location with one EVSE that has an EVSE id."""
    location = ocpi_location("hidden-1", evses=[ocpi_evse(EVSE_UID, evse_id="NL*TST*EHIDDEN1")], publish=False)
    await put_location(client, operator_key, location)


async def test_nearby_search_leaves_it_out(client: Client, partner_key: str, hidden: None) -> None:
    response = await client.get(f"/v1/locations/nearby?{NEAR}", headers=bearer(partner_key))
    assert response.json()["data"] == []


async def test_box_search_leaves_it_out(client: Client, partner_key: str, hidden: None) -> None:
    response = await client.get(f"/v1/locations/boundingbox?{BOX}", headers=bearer(partner_key))
    assert response.json()["data"] == []


async def test_detail_is_404(client: Client, partner_key: str, hidden: None) -> None:
    response = await client.get(f"/v1/locations/{LOCATION_ID}", headers=bearer(partner_key))
    assert_problem(response, 404, "location_not_found")


async def test_detail_is_404_for_the_operator_key_on_the_driver_api(
    client: Client, operator_key: str, hidden: None
) -> None:
    response = await client.get(f"/v1/locations/{LOCATION_ID}", headers=bearer(operator_key))
    assert_problem(response, 404, "location_not_found")


async def test_the_operator_api_shows_it(client: Client, operator_key: str, hidden: None) -> None:
    response = await client.get(f"/v1/operator/locations/{LOCATION_ID}", headers=bearer(operator_key))
    assert response.status_code == 200
    assert response.json()["publish"] is False


async def test_tariffs_at_its_evse_are_404(client: Client, partner_key: str, hidden: None) -> None:
    await register_token(client, partner_key, "driver-1")
    response = await client.get(f"/v1/tokens/driver-1/tariffs/{LOCATION_ID}/{EVSE_UID}", headers=bearer(partner_key))
    assert_problem(response, 404, "location_not_found")


async def test_its_sticker_does_not_resolve(client: Client, partner_key: str, operator_key: str, hidden: None) -> None:
    created = await client.post(
        "/v1/operator/qr-codes", json={"locationId": LOCATION_ID, "evseUid": EVSE_UID}, headers=bearer(operator_key)
    )
    assert created.status_code == 201, created.text
    response = await client.post("/v1/qr", json={"url": created.json()["url"]}, headers=bearer(partner_key))
    assert response.json()["valid"] is False


async def test_its_evse_id_does_not_resolve(client: Client, partner_key: str, hidden: None) -> None:
    response = await client.post("/v1/qr", json={"url": "NL*TST*EHIDDEN1"}, headers=bearer(partner_key))
    assert response.json()["valid"] is False


async def test_a_start_there_is_404(client: Client, partner_key: str, hidden: None) -> None:
    await register_token(client, partner_key, "driver-1")
    method = await add_external(client, partner_key, "driver-1", "ref-1")
    response = await client.post(
        "/v1/tokens/driver-1/sessions",
        json={"locationId": LOCATION_ID, "evseUid": EVSE_UID, "paymentMethodId": method["id"]},
        headers=bearer(partner_key),
    )
    assert_problem(response, 404, "location_not_found")


async def test_publishing_it_shows_it(client: Client, partner_key: str, operator_key: str, hidden: None) -> None:
    patched = await client.patch(
        f"/v1/operator/locations/{LOCATION_ID}", json={"publish": True}, headers=bearer(operator_key)
    )
    assert patched.status_code == 200, patched.text
    response = await client.get(f"/v1/locations/nearby?{NEAR}", headers=bearer(partner_key))
    assert [item["id"] for item in response.json()["data"]] == [LOCATION_ID]
