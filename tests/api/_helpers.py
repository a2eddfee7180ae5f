"""Small builders and checks shared by the HTTP API tests."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Sequence
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import bearer

JsonDict = dict[str, Any]
Client = AsyncTestClient[Litestar]

PROBLEM_JSON = "application/problem+json"


def assert_problem(response: httpx.Response, status: int, code: str) -> JsonDict:
    """The problem document of an error response, after checking its status, media type and code."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: JsonDict = response.json()
    assert body["code"] == code, body
    return body


def error_fields(body: JsonDict) -> list[str]:
    """The fields a problem document names in ``errors``."""
    return [error["field"] for error in body.get("errors") or ()]


def ocpi_connector(
    connector_id: str = "1",
    *,
    standard: str = "IEC_62196_T2",
    connector_format: str = "SOCKET",
    power_type: str = "AC_3_PHASE",
    max_voltage: int = 230,
    max_amperage: int = 16,
    max_electric_power: int | None = 11_000,
    tariff_ids: Sequence[str] | None = None,
) -> JsonDict:
    """An OCPI 2.2.1 Connector (11 kW type 2 socket unless told otherwise)."""
    connector: JsonDict = {
        "id": connector_id,
        "standard": standard,
        "format": connector_format,
        "power_type": power_type,
        "max_voltage": max_voltage,
        "max_amperage": max_amperage,
        "last_updated": "2025-01-06T08:00:00Z",
    }
    if max_electric_power is not None:
        connector["max_electric_power"] = max_electric_power
    if tariff_ids is not None:
        connector["tariff_ids"] = list(tariff_ids)
    return connector


def ocpi_evse(
    uid: str,
    *,
    evse_id: str | None = None,
    status: str = "AVAILABLE",
    connectors: Sequence[JsonDict] | None = None,
    capabilities: Sequence[str] = ("RFID_READER", "REMOTE_START_STOP_CAPABLE"),
) -> JsonDict:
    """An OCPI 2.2.1 EVSE with one AC connector unless told otherwise."""
    evse: JsonDict = {
        "uid": uid,
        "status": status,
        "capabilities": list(capabilities),
        "connectors": list(connectors) if connectors is not None else [ocpi_connector()],
        "last_updated": "2025-01-06T08:00:00Z",
    }
    if evse_id is not None:
        evse["evse_id"] = evse_id
    return evse


def ocpi_location(
    location_id: str = "test-1",
    *,
    country_code: str = "NL",
    party_id: str = "TST",
    latitude: str = "52.370216",
    longitude: str = "4.895168",
    evses: Sequence[JsonDict] | None = None,
    **extra: Any,
) -> JsonDict:
    """An OCPI 2.2.1 Location in Amsterdam with one EVSE unless told otherwise."""
    location: JsonDict = {
        "country_code": country_code,
        "party_id": party_id,
        "id": location_id,
        "publish": True,
        "name": "Test Site",
        "address": "Teststraat 1",
        "city": "Amsterdam",
        "postal_code": "1011 AA",
        "country": "NLD",
        "coordinates": {"latitude": latitude, "longitude": longitude},
        "parking_type": "ON_STREET",
        "evses": list(evses) if evses is not None else [ocpi_evse(f"{location_id}-evse-1")],
        "time_zone": "Europe/Amsterdam",
        "last_updated": "2025-01-06T08:00:00Z",
    }
    location.update(extra)
    return location


def key_of(location: JsonDict) -> str:
    """The service's id of an OCPI location: ``{country}-{party}-{id}`` lowercased."""
    prefix = f"{location['country_code']}-{location['party_id']}-".lower()
    lowered = str(location["id"]).lower()
    return lowered if lowered.startswith(prefix) else prefix + lowered


async def put_location(client: Client, operator_key: str, location: JsonDict) -> httpx.Response:
    """PUT a location through the operator API, asserting it was stored."""
    response = await client.put(
        f"/v1/operator/locations/{key_of(location)}", json=location, headers=bearer(operator_key)
    )
    assert response.status_code in (200, 201), response.text
    return response


async def put_tariff(client: Client, operator_key: str, tariff: JsonDict) -> httpx.Response:
    """PUT a tariff through the operator API, asserting it was stored."""
    response = await client.put(f"/v1/operator/tariffs/{tariff['id']}", json=tariff, headers=bearer(operator_key))
    assert response.status_code in (200, 201), response.text
    return response


async def register_token(client: Client, key: str, app_token: str) -> None:
    """Register an app token for the partner holding ``key``."""
    response = await client.put(f"/v1/tokens/{app_token}", headers=bearer(key))
    assert response.status_code in (200, 201), response.text


async def mint_access_token(client: Client, key: str, app_token: str) -> str:
    """An app access token (JWT) for ``app_token``, registering the token first."""
    await register_token(client, key, app_token)
    response = await client.post(f"/v1/tokens/{app_token}/access-token", headers=bearer(key))
    assert response.status_code == 201, response.text
    token: str = response.json()["accessToken"]
    return token


async def add_card(client: Client, key: str, app_token: str, visual_number: str, *, verified: bool = True) -> JsonDict:
    """Add a charge card to a wallet and return the payment method; VALID (the operator approved it) unless
    ``verified`` is false, when it stays as the wallet left it (PENDING where no issued token names it)."""
    response = await client.put(
        f"/v1/tokens/{app_token}/wallet/charge-card", json={"visualNumber": visual_number}, headers=bearer(key)
    )
    assert response.status_code in (200, 201), response.text
    method: JsonDict = response.json()
    if verified and method["verificationStatus"] != "VALID":
        await client.app.state.services.issued_tokens.approve(method["id"])
        method["verificationStatus"] = "VALID"
    return method


async def add_external(client: Client, key: str, app_token: str, reference: str) -> JsonDict:
    """Add an external payment method to a wallet and return it."""
    response = await client.put(
        f"/v1/tokens/{app_token}/wallet/external",
        json={"externalPaymentMethodId": reference},
        headers=bearer(key),
    )
    assert response.status_code in (200, 201), response.text
    method: JsonDict = response.json()
    return method


@contextlib.contextmanager
def capture_logs(
    caplog: pytest.LogCaptureFixture, level: int = logging.ERROR, logger: str = "chargeassist"
) -> Iterator[None]:
    """Have ``caplog`` see what ``logger`` logs at ``level`` and above while the app runs.

    Enter it once the app has started: the app's logging set-up replaces the root logger's handlers, and with
    them the one ``caplog`` put there, so without this a test of what is logged would see nothing and pass."""
    target = logging.getLogger(logger)
    caplog.handler.setLevel(level)
    target.addHandler(caplog.handler)
    try:
        yield
    finally:
        target.removeHandler(caplog.handler)
