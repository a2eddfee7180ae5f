"""Operator API for charge points: their OCPP password (stored hashed, never echoed) and EVSEs."""

from __future__ import annotations

import pytest

from chargeassist.services import Services
from chargeassist.store import ChargePoint
from tests.api._helpers import Client, assert_problem, error_fields, ocpi_evse, ocpi_location, put_location
from tests.conftest import bearer

PATH = "/v1/operator/charge-points/CP-0001"
PASSWORD = "s3cret-ocpp-passw0rd"


@pytest.fixture
async def evses(client: Client, operator_key: str) -> list[str]:
    """Three EVSEs at two locations."""
    await put_location(client, operator_key, ocpi_location("cp-site-1", evses=[ocpi_evse("E-1"), ocpi_evse("E-2")]))
    await put_location(client, operator_key, ocpi_location("cp-site-2", evses=[ocpi_evse("E-3")]))
    return ["E-1", "E-2", "E-3"]


async def test_new_charge_point_answers_201_with_its_evses(client: Client, operator_key: str, evses: list[str]) -> None:
    response = await client.put(
        PATH, json={"password": PASSWORD, "evses": ["E-2", "E-1"]}, headers=bearer(operator_key)
    )
    assert response.status_code == 201
    assert response.json() == {"id": "CP-0001", "evses": ["E-2", "E-1"]}


async def test_same_charge_point_again_answers_200(client: Client, operator_key: str, evses: list[str]) -> None:
    body = {"password": PASSWORD, "evses": ["E-1"]}
    await client.put(PATH, json=body, headers=bearer(operator_key))
    response = await client.put(PATH, json=body, headers=bearer(operator_key))
    assert response.status_code == 200
    assert response.json() == {"id": "CP-0001", "evses": ["E-1"]}


async def test_password_is_never_echoed(client: Client, operator_key: str, evses: list[str]) -> None:
    response = await client.put(PATH, json={"password": PASSWORD, "evses": ["E-1"]}, headers=bearer(operator_key))
    assert PASSWORD not in response.text
    assert "password" not in response.json()


async def test_password_is_stored_only_as_a_hash(
    client: Client, operator_key: str, evses: list[str], services: Services
) -> None:
    await client.put(PATH, json={"password": PASSWORD, "evses": ["E-1"]}, headers=bearer(operator_key))
    async with services.db.transaction() as session:
        row = await session.get(ChargePoint, "CP-0001")
    assert row is not None
    assert PASSWORD not in row.password_hash
    assert row.password_hash.startswith("scrypt$")


async def test_stored_password_checks_out(
    client: Client, operator_key: str, evses: list[str], services: Services
) -> None:
    await client.put(PATH, json={"password": PASSWORD, "evses": ["E-1"]}, headers=bearer(operator_key))
    assert await services.charge_points.check_password("CP-0001", PASSWORD) is True
    assert await services.charge_points.check_password("CP-0001", PASSWORD + "x") is False
    assert await services.charge_points.check_password("CP-9999", PASSWORD) is None


async def test_same_password_is_salted_differently_per_charge_point(
    client: Client, operator_key: str, evses: list[str], services: Services
) -> None:
    await client.put(PATH, json={"password": PASSWORD, "evses": ["E-1"]}, headers=bearer(operator_key))
    await client.put(
        "/v1/operator/charge-points/CP-0002",
        json={"password": PASSWORD, "evses": ["E-2"]},
        headers=bearer(operator_key),
    )
    async with services.db.transaction() as session:
        first = await session.get(ChargePoint, "CP-0001")
        second = await session.get(ChargePoint, "CP-0002")
    assert first is not None
    assert second is not None
    assert first.password_hash != second.password_hash


async def test_new_password_replaces_the_old(
    client: Client, operator_key: str, evses: list[str], services: Services
) -> None:
    await client.put(PATH, json={"password": PASSWORD, "evses": ["E-1"]}, headers=bearer(operator_key))
    await client.put(PATH, json={"password": "another-long-password", "evses": ["E-1"]}, headers=bearer(operator_key))
    assert await services.charge_points.check_password("CP-0001", PASSWORD) is False
    assert await services.charge_points.check_password("CP-0001", "another-long-password") is True


async def test_new_evse_list_replaces_the_old(client: Client, operator_key: str, evses: list[str]) -> None:
    await client.put(PATH, json={"password": PASSWORD, "evses": ["E-1", "E-2"]}, headers=bearer(operator_key))
    response = await client.put(PATH, json={"password": PASSWORD, "evses": ["E-3"]}, headers=bearer(operator_key))
    assert response.json()["evses"] == ["E-3"]


async def test_released_evse_may_join_another_charge_point(client: Client, operator_key: str, evses: list[str]) -> None:
    await client.put(PATH, json={"password": PASSWORD, "evses": ["E-1"]}, headers=bearer(operator_key))
    await client.put(PATH, json={"password": PASSWORD, "evses": ["E-2"]}, headers=bearer(operator_key))
    response = await client.put(
        "/v1/operator/charge-points/CP-0002",
        json={"password": PASSWORD, "evses": ["E-1"]},
        headers=bearer(operator_key),
    )
    assert response.status_code == 201


@pytest.mark.parametrize("password", ["p" * 15, "p" * 65, ""])
async def test_password_outside_16_to_64_characters_is_400(
    client: Client, operator_key: str, evses: list[str], password: str
) -> None:
    response = await client.put(PATH, json={"password": password, "evses": ["E-1"]}, headers=bearer(operator_key))
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["password"]


async def test_refused_password_is_not_echoed(client: Client, operator_key: str, evses: list[str]) -> None:
    password = "Too-Long-Secret-" * 5
    response = await client.put(PATH, json={"password": password, "evses": ["E-1"]}, headers=bearer(operator_key))
    assert response.status_code == 400
    assert "Too-Long-Secret" not in response.text


@pytest.mark.parametrize("password", ["p" * 16, "p" * 64])
async def test_password_of_16_to_64_characters_is_accepted(
    client: Client, operator_key: str, evses: list[str], password: str
) -> None:
    response = await client.put(PATH, json={"password": password, "evses": ["E-1"]}, headers=bearer(operator_key))
    assert response.status_code == 201


async def test_unknown_evse_is_404(client: Client, operator_key: str, evses: list[str]) -> None:
    response = await client.put(
        PATH, json={"password": PASSWORD, "evses": ["E-1", "E-404"]}, headers=bearer(operator_key)
    )
    body = assert_problem(response, 404, "evse_not_found")
    assert "evses[1]" in body["detail"]


async def test_charge_point_refused_for_an_unknown_evse_is_not_stored(
    client: Client, operator_key: str, evses: list[str], services: Services
) -> None:
    await client.put(PATH, json={"password": PASSWORD, "evses": ["E-404"]}, headers=bearer(operator_key))
    assert await services.charge_points.check_password("CP-0001", PASSWORD) is None


async def test_evse_of_a_deleted_location_is_404(client: Client, operator_key: str, evses: list[str]) -> None:
    await client.delete("/v1/operator/locations/nl-tst-cp-site-2", headers=bearer(operator_key))
    response = await client.put(PATH, json={"password": PASSWORD, "evses": ["E-3"]}, headers=bearer(operator_key))
    assert_problem(response, 404, "evse_not_found")


async def test_evse_listed_twice_is_400(client: Client, operator_key: str, evses: list[str]) -> None:
    response = await client.put(
        PATH, json={"password": PASSWORD, "evses": ["E-1", "E-1"]}, headers=bearer(operator_key)
    )
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["evses"]


async def test_evse_of_another_charge_point_is_409(client: Client, operator_key: str, evses: list[str]) -> None:
    await client.put(PATH, json={"password": PASSWORD, "evses": ["E-1"]}, headers=bearer(operator_key))
    response = await client.put(
        "/v1/operator/charge-points/CP-0002",
        json={"password": PASSWORD, "evses": ["E-1"]},
        headers=bearer(operator_key),
    )
    assert_problem(response, 409, "evse_taken")


async def test_evse_uid_at_two_locations_is_409(client: Client, operator_key: str, evses: list[str]) -> None:
    await put_location(client, operator_key, ocpi_location("cp-site-3", evses=[ocpi_evse("E-1")]))
    response = await client.put(PATH, json={"password": PASSWORD, "evses": ["E-1"]}, headers=bearer(operator_key))
    assert_problem(response, 409, "evse_uid_ambiguous")


@pytest.mark.parametrize("charge_point_id", ["CP 1", "C" * 49, "cp;drop", "cp%7B1%7D"])
async def test_charge_point_id_outside_the_allowed_shape_is_400(
    client: Client, operator_key: str, evses: list[str], charge_point_id: str
) -> None:
    response = await client.put(
        f"/v1/operator/charge-points/{charge_point_id}",
        json={"password": PASSWORD, "evses": ["E-1"]},
        headers=bearer(operator_key),
    )
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["chargePointId"]


async def test_charge_point_without_evses_field_is_400_naming_it(client: Client, operator_key: str) -> None:
    response = await client.put(PATH, json={"password": PASSWORD}, headers=bearer(operator_key))
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["evses"]


async def test_charge_point_needs_an_operator_key(client: Client, partner_key: str, evses: list[str]) -> None:
    response = await client.put(PATH, json={"password": PASSWORD, "evses": ["E-1"]}, headers=bearer(partner_key))
    assert_problem(response, 403, "operator_only")


@pytest.mark.parametrize(
    ("command", "body"),
    [
        ("unlock-connector", {"connectorId": 2**63}),
        ("unlock-connector", {"connectorId": 101}),
        ("change-availability", {"connectorId": 2**63, "type": "Inoperative"}),
        ("trigger-message", {"requestedMessage": "StatusNotification", "connectorId": 2**31}),
    ],
    ids=["unlock-2^63", "unlock-101", "availability-2^63", "trigger-2^31"],
)
async def test_a_connector_id_beyond_ocpp_bounds_is_400_before_anything_is_sent(
    client: Client, operator_key: str, evses: list[str], command: str, body: dict[str, object]
) -> None:
    await client.put(PATH, json={"password": PASSWORD, "evses": ["E-1"]}, headers=bearer(operator_key))
    response = await client.post(f"{PATH}/commands/{command}", json=body, headers=bearer(operator_key))
    problem = assert_problem(response, 400, "validation_failed")
    assert error_fields(problem) == ["connectorId"]
