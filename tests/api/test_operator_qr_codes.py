"""QR stickers from the operator's side: creating them and rendering them as PNG and SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import png
import pytest

from tests.api._demo import JsonDict, find_location
from tests.api._helpers import Client, assert_problem, error_fields
from tests.conftest import bearer

PATH = "/v1/operator/qr-codes"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def sqlite_url(demo_sqlite_url: str) -> str:
    return demo_sqlite_url


def _target() -> tuple[JsonDict, JsonDict]:
    """A demo EVSE with two connectors (so a sticker may name one)."""
    location = find_location(lambda loc: any(len(e["connectors"]) == 2 for e in loc["evses"]))
    return location, next(e for e in location["evses"] if len(e["connectors"]) == 2)


async def _create(client: Client, operator_key: str, **body: str) -> JsonDict:
    response = await client.post(PATH, json=body, headers=bearer(operator_key))
    assert response.status_code == 201, response.text
    created: JsonDict = response.json()
    return created


async def test_creating_a_sticker_answers_201_with_id_and_url(client: Client, operator_key: str) -> None:
    location, evse = _target()
    response = await client.post(
        PATH, json={"locationId": location["id"], "evseUid": evse["uid"]}, headers=bearer(operator_key)
    )
    assert response.status_code == 201
    body = response.json()
    assert body["id"]
    assert body["url"] == f"https://charge.example.test/qr/{body['id']}"
    assert (body["locationId"], body["evseUid"], body["connectorId"]) == (location["id"], evse["uid"], None)


async def test_each_sticker_gets_its_own_id(client: Client, operator_key: str) -> None:
    location, evse = _target()
    first = await _create(client, operator_key, locationId=location["id"], evseUid=evse["uid"])
    second = await _create(client, operator_key, locationId=location["id"], evseUid=evse["uid"])
    assert first["id"] != second["id"]


async def test_sticker_may_name_a_connector(client: Client, operator_key: str) -> None:
    location, evse = _target()
    body = await _create(client, operator_key, locationId=location["id"], evseUid=evse["uid"], connectorId="2")
    assert body["connectorId"] == "2"


async def test_sticker_location_id_is_case_insensitive(client: Client, operator_key: str) -> None:
    location, evse = _target()
    body = await _create(client, operator_key, locationId=location["id"].upper(), evseUid=evse["uid"])
    assert body["locationId"] == location["id"]


async def test_sticker_for_an_unknown_location_is_404(client: Client, operator_key: str) -> None:
    response = await client.post(
        PATH, json={"locationId": "nl-gfx-nowhere", "evseUid": "x"}, headers=bearer(operator_key)
    )
    assert_problem(response, 404, "location_not_found")


async def test_sticker_for_an_unknown_evse_is_404(client: Client, operator_key: str) -> None:
    location, _ = _target()
    response = await client.post(
        PATH, json={"locationId": location["id"], "evseUid": "no-such-evse"}, headers=bearer(operator_key)
    )
    assert_problem(response, 404, "evse_not_found")


async def test_sticker_for_an_unknown_connector_is_404(client: Client, operator_key: str) -> None:
    location, evse = _target()
    response = await client.post(
        PATH,
        json={"locationId": location["id"], "evseUid": evse["uid"], "connectorId": "9"},
        headers=bearer(operator_key),
    )
    assert_problem(response, 404, "connector_not_found")


async def test_sticker_without_evse_is_400_naming_it(client: Client, operator_key: str) -> None:
    location, _ = _target()
    response = await client.post(PATH, json={"locationId": location["id"]}, headers=bearer(operator_key))
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["evseUid"]


async def test_sticker_needs_an_operator_key(client: Client, partner_key: str) -> None:
    location, evse = _target()
    response = await client.post(
        PATH, json={"locationId": location["id"], "evseUid": evse["uid"]}, headers=bearer(partner_key)
    )
    assert_problem(response, 403, "operator_only")


# --- rendering -------------------------------------------------------------------------------


async def test_png_is_a_real_png(client: Client, operator_key: str) -> None:
    location, evse = _target()
    sticker = await _create(client, operator_key, locationId=location["id"], evseUid=evse["uid"])
    response = await client.get(f"{PATH}/{sticker['id']}.png", headers=bearer(operator_key))
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.content.startswith(PNG_SIGNATURE)
    width, height, rows, _ = png.Reader(bytes=response.content).read()
    assert width >= 200
    assert height >= width  # the caption sits under the square code
    assert len(list(rows)) == height


async def test_svg_is_svg_showing_the_evse_id(client: Client, operator_key: str) -> None:
    location, evse = _target()
    sticker = await _create(client, operator_key, locationId=location["id"], evseUid=evse["uid"])
    response = await client.get(f"{PATH}/{sticker['id']}.svg", headers=bearer(operator_key))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - the service's own output
    assert root.tag.endswith("svg")
    assert evse["evse_id"] in response.text


async def test_unknown_sticker_png_is_404(client: Client, operator_key: str) -> None:
    response = await client.get(f"{PATH}/qr_doesnotexist.png", headers=bearer(operator_key))
    assert_problem(response, 404, "qr_code_not_found")


async def test_unknown_sticker_svg_is_404(client: Client, operator_key: str) -> None:
    response = await client.get(f"{PATH}/qr_doesnotexist.svg", headers=bearer(operator_key))
    assert_problem(response, 404, "qr_code_not_found")


@pytest.mark.parametrize("suffix", [".gif", "", ".PNG.exe"])
async def test_other_formats_are_404(client: Client, operator_key: str, suffix: str) -> None:
    location, evse = _target()
    sticker = await _create(client, operator_key, locationId=location["id"], evseUid=evse["uid"])
    response = await client.get(f"{PATH}/{sticker['id']}{suffix}", headers=bearer(operator_key))
    assert_problem(response, 404, "qr_code_not_found")


async def test_rendering_needs_an_operator_key(client: Client, operator_key: str, partner_key: str) -> None:
    location, evse = _target()
    sticker = await _create(client, operator_key, locationId=location["id"], evseUid=evse["uid"])
    response = await client.get(f"{PATH}/{sticker['id']}.png", headers=bearer(partner_key))
    assert_problem(response, 403, "operator_only")
