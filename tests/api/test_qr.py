"""Scanning: resolving whatever a driver's camera read to a location, EVSE and connector."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from chargeassist.services import Services
from tests.api._demo import JsonDict, find_location
from tests.api._helpers import Client, assert_problem, error_fields, ocpi_evse, ocpi_location, put_location
from tests.conftest import bearer


@pytest.fixture
def sqlite_url(demo_sqlite_url: str) -> str:
    return demo_sqlite_url


def _single_connector_evse() -> tuple[JsonDict, JsonDict]:
    location = find_location(lambda loc: len(loc["evses"][0]["connectors"]) == 1)
    return location, location["evses"][0]


def _two_connector_evse() -> tuple[JsonDict, JsonDict]:
    location = find_location(lambda loc: any(len(e["connectors"]) == 2 for e in loc["evses"]))
    return location, next(e for e in location["evses"] if len(e["connectors"]) == 2)


async def _sticker(client: Client, operator_key: str, location_id: str, evse_uid: str, **extra: str) -> JsonDict:
    response = await client.post(
        "/v1/operator/qr-codes",
        json={"locationId": location_id, "evseUid": evse_uid, **extra},
        headers=bearer(operator_key),
    )
    assert response.status_code == 201, response.text
    body: JsonDict = response.json()
    return body


async def _scan(client: Client, key: str, text: str) -> JsonDict:
    response = await client.post("/v1/qr", json={"url": text}, headers=bearer(key))
    assert response.status_code == 200, response.text
    body: JsonDict = response.json()
    return body


# --- stickers --------------------------------------------------------------------------------


async def test_sticker_url_resolves_to_its_evse(client: Client, partner_key: str, operator_key: str) -> None:
    location, evse = _single_connector_evse()
    sticker = await _sticker(client, operator_key, location["id"], evse["uid"])
    found = await _scan(client, partner_key, sticker["url"])
    assert found["valid"] is True
    assert found["id"] == sticker["id"]
    assert (found["locationId"], found["evseUid"]) == (location["id"], evse["uid"])
    assert found["url"] == sticker["url"]
    assert datetime.fromisoformat(found["createdDate"]).tzinfo is not None


async def test_sticker_without_connector_leaves_it_open(client: Client, partner_key: str, operator_key: str) -> None:
    location, evse = _two_connector_evse()
    sticker = await _sticker(client, operator_key, location["id"], evse["uid"])
    found = await _scan(client, partner_key, sticker["url"])
    assert found["connectorId"] is None


async def test_sticker_for_a_connector_names_it(client: Client, partner_key: str, operator_key: str) -> None:
    location, evse = _two_connector_evse()
    sticker = await _sticker(client, operator_key, location["id"], evse["uid"], connectorId="2")
    found = await _scan(client, partner_key, sticker["url"])
    assert found["connectorId"] == "2"


@pytest.mark.parametrize(
    "variant",
    [
        lambda url: url.replace("https://", "http://"),
        lambda url: url.replace("charge.example.test", "CHARGE.Example.TEST"),
        lambda url: url + "/",
        lambda url: url + "?utm_source=sticker",
        lambda url: f"  {url}\n",
    ],
    ids=["http", "host-case", "trailing-slash", "query", "whitespace"],
)
async def test_sticker_url_variants_resolve(
    client: Client, partner_key: str, operator_key: str, variant: Callable[[str], str]
) -> None:
    location, evse = _single_connector_evse()
    sticker = await _sticker(client, operator_key, location["id"], evse["uid"])
    found = await _scan(client, partner_key, variant(sticker["url"]))
    assert found["valid"] is True
    assert found["id"] == sticker["id"]


async def test_sticker_of_a_deleted_location_is_not_valid(client: Client, partner_key: str, operator_key: str) -> None:
    location, evse = _single_connector_evse()
    sticker = await _sticker(client, operator_key, location["id"], evse["uid"])
    await client.delete(f"/v1/operator/locations/{location['id']}", headers=bearer(operator_key))
    found = await _scan(client, partner_key, sticker["url"])
    assert found["valid"] is False


async def test_sticker_of_a_removed_evse_is_not_valid(client: Client, partner_key: str, operator_key: str) -> None:
    await put_location(client, operator_key, ocpi_location("two", evses=_two_evses()))
    sticker = await _sticker(client, operator_key, "nl-tst-two", "two-b")
    await put_location(client, operator_key, ocpi_location("two", evses=_two_evses()[:1]))
    found = await _scan(client, partner_key, sticker["url"])
    assert found["valid"] is False


def _two_evses() -> list[JsonDict]:
    return [ocpi_evse("two-a", evse_id="NL*TST*ETWO*1"), ocpi_evse("two-b", evse_id="NL*TST*ETWO*2")]


# --- EVSE ids --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spell",
    [
        lambda evse_id: evse_id,
        lambda evse_id: evse_id.replace("*", "-"),
        lambda evse_id: evse_id.replace("*", ""),
        lambda evse_id: evse_id.lower(),
        lambda evse_id: evse_id.replace("*", " "),
        lambda evse_id: f"https://other-operator.example/evse/{evse_id.replace('*', '-')}",
        lambda evse_id: f"https://other-operator.example/start?evseId={evse_id}",
    ],
    ids=["stars", "dashes", "bare", "lowercase", "spaces", "foreign-url-path", "foreign-url-query"],
)
async def test_evse_id_in_any_spelling_resolves(client: Client, partner_key: str, spell: Callable[[str], str]) -> None:
    location, evse = _single_connector_evse()
    found = await _scan(client, partner_key, spell(evse["evse_id"]))
    assert found["valid"] is True
    assert (found["locationId"], found["evseUid"]) == (location["id"], evse["uid"])


async def test_evse_id_of_a_single_connector_evse_names_the_connector(client: Client, partner_key: str) -> None:
    _, evse = _single_connector_evse()
    found = await _scan(client, partner_key, evse["evse_id"])
    assert found["connectorId"] == evse["connectors"][0]["id"]


async def test_evse_id_of_a_multi_connector_evse_leaves_the_connector_open(client: Client, partner_key: str) -> None:
    _, evse = _two_connector_evse()
    found = await _scan(client, partner_key, evse["evse_id"])
    assert found["valid"] is True
    assert found["connectorId"] is None


# --- anything else ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "NL*GFX*E999999*9",
        "DE*XYZ*E1*1",
        "https://charge.example.test/qr/qr_doesnotexist",
        "https://charge.example.test/qr/",
        "https://charge.example.test@evil.example/qr/qr_x",
        "https://elsewhere.example/qr/qr_x",
        "javascript:alert(1)",
        "WIFI:S:guest;T:WPA;P:secret;;",
        "x" * 2048,
    ],
)
async def test_anything_unknown_is_answered_as_not_valid(client: Client, partner_key: str, text: str) -> None:
    found = await _scan(client, partner_key, text)
    assert found["valid"] is False
    assert found["locationId"] is None


async def test_scan_longer_than_2048_characters_is_400(client: Client, partner_key: str) -> None:
    response = await client.post("/v1/qr", json={"url": "x" * 2049}, headers=bearer(partner_key))
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["url"]


async def test_scan_without_url_is_400_naming_it(client: Client, partner_key: str) -> None:
    response = await client.post("/v1/qr", json={}, headers=bearer(partner_key))
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["url"]


async def test_scan_needs_credentials(client: Client) -> None:
    response = await client.post("/v1/qr", json={"url": "NL*GFX*E000001*1"})
    assert_problem(response, 401, "unauthorized")


# --- closed-loop locations -------------------------------------------------------------------


@pytest.fixture
async def closed_sticker(client: Client, services: Services, partner_key: str, operator_key: str) -> str:
    """The sticker URL of an EVSE at a location only the partner of ``partner_key`` may see."""
    identity = await services.partners.authenticate(partner_key)
    assert identity is not None
    location = ocpi_location("closed-1", evses=_two_evses())
    location["restricted_to_partners"] = [identity.partner_id]
    await put_location(client, operator_key, location)
    sticker = await _sticker(client, operator_key, "nl-tst-closed-1", "two-a")
    url: str = sticker["url"]
    return url


async def test_closed_locations_sticker_resolves_for_its_partner(
    client: Client, partner_key: str, closed_sticker: str
) -> None:
    found = await _scan(client, partner_key, closed_sticker)
    assert found["valid"] is True


async def test_closed_locations_sticker_is_not_valid_for_other_partners(
    client: Client, other_partner_key: str, closed_sticker: str
) -> None:
    found = await _scan(client, other_partner_key, closed_sticker)
    assert found["valid"] is False
    assert found["locationId"] is None
    assert found["evseUid"] is None


async def test_closed_locations_evse_id_is_not_valid_for_other_partners(
    client: Client, other_partner_key: str, closed_sticker: str
) -> None:
    found = await _scan(client, other_partner_key, "NL*TST*ETWO*1")
    assert found["valid"] is False
