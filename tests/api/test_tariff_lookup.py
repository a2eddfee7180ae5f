"""The tariff at an EVSE for each payment method in a wallet."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from chargeassist.services import Services
from tests.api._demo import HOTEL, TARIFFS_BY_ID, JsonDict, find_location
from tests.api._helpers import (
    Client,
    add_card,
    add_external,
    assert_problem,
    ocpi_connector,
    ocpi_evse,
    ocpi_location,
    put_location,
    put_tariff,
    register_token,
)
from tests.conftest import bearer

SITE = "nl-tst-tariffs"


@pytest.fixture
def sqlite_url(demo_sqlite_url: str) -> str:
    return demo_sqlite_url


@pytest.fixture
async def site(client: Client, operator_key: str) -> str:
    """A location whose EVSEs show the cases: a stored tariff, a missing one, and no way to use a card."""
    evses = [
        ocpi_evse(
            "both",
            connectors=[
                ocpi_connector("1", tariff_ids=["nl-gfx-ac-standard"]),
                ocpi_connector("2", standard="IEC_62196_T2_COMBO", power_type="DC", tariff_ids=["not-stored"]),
            ],
        ),
        ocpi_evse("app-only", capabilities=[], connectors=[ocpi_connector("1", tariff_ids=["nl-gfx-ac-night"])]),
        ocpi_evse("untariffed", connectors=[ocpi_connector("1")]),
    ]
    await put_location(client, operator_key, ocpi_location("tariffs", evses=evses))
    return SITE


@pytest.fixture
async def wallet(client: Client, partner_key: str) -> list[JsonDict]:
    """App token ``driver-1`` with a charge card and an external payment method, in that order."""
    await register_token(client, partner_key, "driver-1")
    card = await add_card(client, partner_key, "driver-1", "NL-TST-000123-4")
    external = await add_external(client, partner_key, "driver-1", "psp-42")
    return [card, external]


async def _offers(client: Client, key: str, location_id: str, evse_uid: str, **params: Any) -> list[JsonDict]:
    response = await client.get(
        f"/v1/tokens/driver-1/tariffs/{location_id}/{evse_uid}", params=params, headers=bearer(key)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["meta"] == {"count": len(body["data"]), "hasMoreData": False, "continuationToken": None}
    offers: list[JsonDict] = body["data"]
    return offers


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value))


def _assert_same_tariff(view: JsonDict, ocpi: JsonDict) -> None:
    """The Charge Assist view carries every price component and restriction of the OCPI tariff."""
    assert view["id"] == ocpi["id"]
    assert view["currency"] == ocpi["currency"]
    assert view["isVatIncluded"] is False
    assert len(view["elements"]) == len(ocpi["elements"])
    for element, source in zip(view["elements"], ocpi["elements"], strict=True):
        assert len(element["priceComponents"]) == len(source["price_components"])
        for component, expected in zip(element["priceComponents"], source["price_components"], strict=True):
            assert component["type"] == expected["type"]
            assert _decimal(component["price"]) == _decimal(expected["price"])
            assert component["stepSize"] == expected["step_size"]
            assert _decimal(component["vat"]) == _decimal(expected["vat"])
        if "restrictions" not in source:
            assert element["restrictions"] is None


# --- offers ----------------------------------------------------------------------------------


async def test_there_is_one_offer_per_payment_method(
    client: Client, partner_key: str, site: str, wallet: list[JsonDict]
) -> None:
    offers = await _offers(client, partner_key, site, "both")
    assert [offer["paymentMethod"] for offer in offers] == wallet
    assert set(offers[0]) == {"tariff", "validity", "paymentMethod", "preAuthAmount"}


async def test_stored_tariff_is_valid_for_every_payment_method(
    client: Client, partner_key: str, site: str, wallet: list[JsonDict]
) -> None:
    offers = await _offers(client, partner_key, site, "both")
    assert [offer["validity"] for offer in offers] == ["VALID", "VALID"]


async def test_tariff_is_built_from_the_stored_ocpi_tariff(
    client: Client, partner_key: str, site: str, wallet: list[JsonDict]
) -> None:
    offers = await _offers(client, partner_key, site, "both")
    _assert_same_tariff(offers[0]["tariff"], TARIFFS_BY_ID["nl-gfx-ac-standard"])


async def test_tariff_states_its_vat_percentage(
    client: Client, partner_key: str, site: str, wallet: list[JsonDict]
) -> None:
    offers = await _offers(client, partner_key, site, "both")
    assert _decimal(offers[0]["tariff"]["vatPercentage"]) == Decimal(21)


async def test_tariff_restrictions_are_carried_over(
    client: Client, partner_key: str, site: str, wallet: list[JsonDict]
) -> None:
    offers = await _offers(client, partner_key, site, "both")
    elements = offers[0]["tariff"]["elements"]
    assert elements[0]["restrictions"] is None
    assert elements[1]["restrictions"] == {"minDuration": 7200}


async def test_time_of_day_restrictions_are_carried_over(
    client: Client, partner_key: str, site: str, wallet: list[JsonDict]
) -> None:
    offers = await _offers(client, partner_key, site, "app-only")
    external = offers[1]
    _assert_same_tariff(external["tariff"], TARIFFS_BY_ID["nl-gfx-ac-night"])
    assert external["tariff"]["elements"][0]["restrictions"] == {"startTime": "23:00", "endTime": "07:00"}


async def test_demo_tariffs_of_every_kind_are_carried_over(
    client: Client, partner_key: str, wallet: list[JsonDict]
) -> None:
    for tariff_id in ("nl-gfx-dc-fast", "nl-gfx-dc-power", "be-gfx-ac-standard"):
        location = find_location(
            lambda loc, wanted=tariff_id: any(
                c.get("tariff_ids") == [wanted] for e in loc["evses"] for c in e["connectors"][:1]
            )
        )
        evse = next(e for e in location["evses"] if e["connectors"][0].get("tariff_ids") == [tariff_id])
        offers = await _offers(client, partner_key, location["id"], evse["uid"])
        _assert_same_tariff(offers[1]["tariff"], TARIFFS_BY_ID[tariff_id])


async def test_tariff_price_caps_are_carried_over(
    client: Client, partner_key: str, operator_key: str, services: Services, wallet: list[JsonDict]
) -> None:
    # The hotel (its tariff has the caps) is unpublished: it is this partner's to see once restricted to it.
    identity = await services.partners.authenticate(partner_key)
    assert identity is not None
    patched = await client.patch(
        f"/v1/operator/locations/{HOTEL['id']}",
        json={"restricted_to_partners": [identity.partner_id]},
        headers=bearer(operator_key),
    )
    assert patched.status_code == 200, patched.text
    hotel = HOTEL
    offers = await _offers(client, partner_key, hotel["id"], hotel["evses"][0]["uid"])
    tariff = offers[1]["tariff"]
    assert _decimal(tariff["maxPrice"]) == _decimal(TARIFFS_BY_ID["nl-gfx-hotel-guest"]["max_price"]["excl_vat"])
    assert tariff["minPrice"] is None


async def test_connector_id_picks_the_connector(
    client: Client, partner_key: str, site: str, wallet: list[JsonDict]
) -> None:
    first = await _offers(client, partner_key, site, "both", connectorId="1")
    assert first[0]["tariff"]["id"] == "nl-gfx-ac-standard"


async def test_without_connector_id_the_first_connector_counts(
    client: Client, partner_key: str, site: str, wallet: list[JsonDict]
) -> None:
    implicit = await _offers(client, partner_key, site, "both")
    explicit = await _offers(client, partner_key, site, "both", connectorId="1")
    assert implicit == explicit


async def test_connector_whose_tariff_is_not_stored_has_no_tariff(
    client: Client, partner_key: str, site: str, wallet: list[JsonDict]
) -> None:
    offers = await _offers(client, partner_key, site, "both", connectorId="2")
    assert [(offer["validity"], offer["tariff"]) for offer in offers] == [("NO_TARIFF_FOUND", None)] * 2


async def test_connector_without_tariff_ids_has_no_tariff(
    client: Client, partner_key: str, site: str, wallet: list[JsonDict]
) -> None:
    offers = await _offers(client, partner_key, site, "untariffed")
    assert [offer["validity"] for offer in offers] == ["NO_TARIFF_FOUND"] * 2


async def test_charge_card_where_no_card_can_start_is_not_compatible(
    client: Client, partner_key: str, site: str, wallet: list[JsonDict]
) -> None:
    offers = await _offers(client, partner_key, site, "app-only")
    assert [(offer["validity"], offer["tariff"] is None) for offer in offers] == [
        ("NOT_COMPATIBLE", True),
        ("VALID", False),
    ]


async def test_empty_wallet_gets_no_offers(client: Client, partner_key: str, site: str) -> None:
    await register_token(client, partner_key, "driver-1")
    assert await _offers(client, partner_key, site, "both") == []


async def test_replaced_tariff_shows_at_once(
    client: Client, partner_key: str, operator_key: str, site: str, wallet: list[JsonDict]
) -> None:
    tariff = {**TARIFFS_BY_ID["nl-gfx-ac-standard"]}
    tariff["elements"] = [{"price_components": [{"type": "ENERGY", "price": 0.99, "vat": 21.0, "step_size": 1}]}]
    await put_tariff(client, operator_key, tariff)
    offers = await _offers(client, partner_key, site, "both")
    components = offers[0]["tariff"]["elements"][0]["priceComponents"]
    assert [_decimal(c["price"]) for c in components] == [Decimal("0.99")]


async def test_deleted_tariff_is_no_longer_found(
    client: Client, partner_key: str, operator_key: str, site: str, wallet: list[JsonDict]
) -> None:
    deleted = await client.delete("/v1/operator/tariffs/nl-gfx-ac-standard", headers=bearer(operator_key))
    assert deleted.status_code == 204
    offers = await _offers(client, partner_key, site, "both")
    assert offers[0]["validity"] == "NO_TARIFF_FOUND"


# --- refused lookups -------------------------------------------------------------------------


async def test_unknown_evse_is_404(client: Client, partner_key: str, site: str, wallet: list[JsonDict]) -> None:
    response = await client.get(f"/v1/tokens/driver-1/tariffs/{site}/no-such-evse", headers=bearer(partner_key))
    assert_problem(response, 404, "evse_not_found")


async def test_unknown_connector_is_404(client: Client, partner_key: str, site: str, wallet: list[JsonDict]) -> None:
    response = await client.get(
        f"/v1/tokens/driver-1/tariffs/{site}/both", params={"connectorId": "9"}, headers=bearer(partner_key)
    )
    assert_problem(response, 404, "connector_not_found")


async def test_unknown_location_is_404(client: Client, partner_key: str, wallet: list[JsonDict]) -> None:
    response = await client.get("/v1/tokens/driver-1/tariffs/nl-tst-nowhere/both", headers=bearer(partner_key))
    assert_problem(response, 404, "location_not_found")


async def test_unknown_app_token_is_404(client: Client, partner_key: str, site: str) -> None:
    response = await client.get(f"/v1/tokens/nobody/tariffs/{site}/both", headers=bearer(partner_key))
    assert_problem(response, 404, "app_token_not_found")


async def test_connector_id_longer_than_36_characters_is_400(
    client: Client, partner_key: str, site: str, wallet: list[JsonDict]
) -> None:
    response = await client.get(
        f"/v1/tokens/driver-1/tariffs/{site}/both", params={"connectorId": "c" * 37}, headers=bearer(partner_key)
    )
    assert_problem(response, 400, "validation_failed")


async def test_closed_location_is_404_for_other_partners(
    client: Client, services: Services, partner_key: str, other_partner_key: str, operator_key: str
) -> None:
    owner = await services.partners.authenticate(partner_key)
    assert owner is not None
    location = ocpi_location("closed-1")
    location["restricted_to_partners"] = [owner.partner_id]
    await put_location(client, operator_key, location)
    await register_token(client, other_partner_key, "driver-1")
    response = await client.get(
        "/v1/tokens/driver-1/tariffs/nl-tst-closed-1/closed-1-evse-1", headers=bearer(other_partner_key)
    )
    assert_problem(response, 404, "location_not_found")


async def test_access_token_looks_up_tariffs_for_its_own_wallet(
    client: Client, partner_key: str, site: str, wallet: list[JsonDict]
) -> None:
    minted = await client.post("/v1/tokens/driver-1/access-token", headers=bearer(partner_key))
    token = minted.json()["accessToken"]
    offers = await _offers(client, token, site, "both")
    assert [offer["paymentMethod"]["id"] for offer in offers] == [method["id"] for method in wallet]
