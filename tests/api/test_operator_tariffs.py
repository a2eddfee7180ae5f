"""Operator API for tariffs: OCPI 2.2.1 tariffs, validated with the offending field named."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from tests.api._demo import TARIFFS_BY_ID, JsonDict
from tests.api._helpers import Client, assert_problem, error_fields, put_tariff
from tests.conftest import bearer

TARIFF_ID = "nl-gfx-ac-standard"
PATH = f"/v1/operator/tariffs/{TARIFF_ID}"


def tariff() -> JsonDict:
    """A fresh copy of a demo tariff: energy plus a parking fee after two hours."""
    return copy.deepcopy(TARIFFS_BY_ID[TARIFF_ID])


async def test_new_tariff_answers_201_with_the_ocpi_tariff(client: Client, operator_key: str) -> None:
    response = await client.put(PATH, json=tariff(), headers=bearer(operator_key))
    assert response.status_code == 201
    body = response.json()
    assert (body["id"], body["currency"], body["country_code"], body["party_id"]) == (TARIFF_ID, "EUR", "NL", "GFX")
    assert len(body["elements"]) == 2


async def test_same_tariff_again_answers_200(client: Client, operator_key: str) -> None:
    first = await client.put(PATH, json=tariff(), headers=bearer(operator_key))
    second = await client.put(PATH, json=tariff(), headers=bearer(operator_key))
    assert second.status_code == 200
    assert second.json() == first.json()


async def test_get_returns_the_stored_tariff(client: Client, operator_key: str) -> None:
    stored = (await put_tariff(client, operator_key, tariff())).json()
    response = await client.get(PATH, headers=bearer(operator_key))
    assert response.status_code == 200
    assert response.json() == stored


async def test_stored_prices_are_exact_numbers(client: Client, operator_key: str) -> None:
    document = tariff()
    document["elements"][0]["price_components"][0]["price"] = 0.1234
    await put_tariff(client, operator_key, document)
    response = await client.get(PATH, headers=bearer(operator_key))
    price = response.json()["elements"][0]["price_components"][0]["price"]
    assert Decimal(str(price)) == Decimal("0.1234")


async def test_replacing_a_tariff_replaces_its_elements(client: Client, operator_key: str) -> None:
    await put_tariff(client, operator_key, tariff())
    document = tariff()
    document["elements"] = document["elements"][:1]
    await put_tariff(client, operator_key, document)
    response = await client.get(PATH, headers=bearer(operator_key))
    assert len(response.json()["elements"]) == 1


async def test_get_of_an_unknown_tariff_is_404(client: Client, operator_key: str) -> None:
    response = await client.get(PATH, headers=bearer(operator_key))
    assert_problem(response, 404, "tariff_not_found")


async def test_delete_answers_204_and_the_tariff_is_gone(client: Client, operator_key: str) -> None:
    await put_tariff(client, operator_key, tariff())
    deleted = await client.delete(PATH, headers=bearer(operator_key))
    assert deleted.status_code == 204
    assert_problem(await client.get(PATH, headers=bearer(operator_key)), 404, "tariff_not_found")


async def test_delete_of_an_unknown_tariff_is_404(client: Client, operator_key: str) -> None:
    response = await client.delete(PATH, headers=bearer(operator_key))
    assert_problem(response, 404, "tariff_not_found")


async def test_path_naming_another_tariff_is_400(client: Client, operator_key: str) -> None:
    response = await client.put("/v1/operator/tariffs/other-tariff", json=tariff(), headers=bearer(operator_key))
    body = assert_problem(response, 400, "tariff_id_mismatch")
    assert error_fields(body) == ["id"]


def _component(document: JsonDict) -> JsonDict:
    component: JsonDict = document["elements"][0]["price_components"][0]
    return component


INVALID_TARIFFS: list[tuple[str, str, Any, str]] = [
    ("currency of four letters", "currency", "EURO", "currency"),
    ("lower-case currency", "currency", "eur", "currency"),
    ("no elements", "elements", [], "elements"),
    ("element without components", "elements", [{"price_components": []}], "elements[0].price_components"),
    ("negative price", "price", -0.1, "elements[0].price_components[0].price"),
    ("price that is text", "price", "cheap", "elements[0].price_components[0].price"),
    ("step size 0 for energy", "step_size", 0, "elements[0].price_components[0].step_size"),
    ("VAT above 100 %", "vat", 121, "elements[0].price_components[0].vat"),
    ("unknown component type", "type", "KISSES", "elements[0].price_components[0].type"),
    ("time of day without leading zero", "start_time", "7:00", "elements[1].restrictions.start_time"),
    ("country code of three letters", "country_code", "NLD", "country_code"),
]


@pytest.mark.parametrize(
    ("target", "value", "field"), [case[1:] for case in INVALID_TARIFFS], ids=[case[0] for case in INVALID_TARIFFS]
)
async def test_invalid_tariff_is_400_naming_the_field(
    client: Client, operator_key: str, target: str, value: Any, field: str
) -> None:
    document = tariff()
    if target in {"price", "step_size", "vat", "type"}:
        _component(document)[target] = value
    elif target == "start_time":
        document["elements"][1]["restrictions"]["start_time"] = value
    else:
        document[target] = value
    response = await client.put(PATH, json=document, headers=bearer(operator_key))
    body = assert_problem(response, 400, "invalid_tariff")
    assert error_fields(body) == [field]


async def test_tariff_missing_its_currency_is_400_naming_it(client: Client, operator_key: str) -> None:
    document = tariff()
    del document["currency"]
    response = await client.put(PATH, json=document, headers=bearer(operator_key))
    body = assert_problem(response, 400, "invalid_tariff")
    assert error_fields(body) == ["currency"]


async def test_refused_tariff_is_not_stored(client: Client, operator_key: str) -> None:
    document = tariff()
    document["currency"] = "EURO"
    await client.put(PATH, json=document, headers=bearer(operator_key))
    assert_problem(await client.get(PATH, headers=bearer(operator_key)), 404, "tariff_not_found")


async def test_tariff_body_that_is_not_an_object_is_400(client: Client, operator_key: str) -> None:
    response = await client.put(PATH, json=[tariff()], headers=bearer(operator_key))
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["body"]
