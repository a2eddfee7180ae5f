"""Driver API of charging sessions: every refusal with its code, idempotency, history, and who may see what.

The charge point is a stand-in held in the CSMS registry (the end-to-end tests use a simulated one)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from litestar import Litestar
from sqlalchemy import update

from chargeassist.bus import StartCharging
from chargeassist.services import ChargePointCommand, CommandOutcome, Services
from chargeassist.store import ConnectorStatus, PaymentMethod, utcnow
from tests.api._helpers import (
    Client,
    assert_problem,
    error_fields,
    mint_access_token,
    ocpi_connector,
    ocpi_evse,
    ocpi_location,
    put_location,
    put_tariff,
    register_token,
)
from tests.conftest import bearer

TARIFF = {
    "country_code": "NL",
    "party_id": "TST",
    "id": "api-energy",
    "currency": "EUR",
    "elements": [{"price_components": [{"type": "ENERGY", "price": 0.30, "vat": 21.0, "step_size": 1}]}],
    "last_updated": "2025-01-06T08:00:00Z",
}
SESSIONS = "/v1/tokens/driver-1/sessions"


class StandInChargePoint:
    """Takes the place of a connected charge point in the registry; accepts every command."""

    def __init__(self, charge_point_id: str) -> None:
        self.id = charge_point_id
        self.commands: list[ChargePointCommand] = []
        self.answer: dict[str, Any] = {"status": "Accepted"}

    async def send_command(self, command: ChargePointCommand, timeout_s: float) -> CommandOutcome:
        self.commands.append(command)
        return CommandOutcome(status="answered", payload=self.answer)

    async def close(self, reason: str) -> None:
        pass


@dataclass
class Site:
    partner_key: str
    card_id: str
    external_id: str
    charge_point: StandInChargePoint


@pytest.fixture
async def site(
    client: Client, app: Litestar, services: Services, partner_key: str, operator_key: str, other_partner_key: str
) -> Site:
    """A priced location whose EVSE-1 is driven by CP-API-1 (online) and EVSE-3 by nothing; a closed location of
    another partner; driver-1 with a charge card and an external payment method."""
    await put_tariff(client, operator_key, TARIFF)
    connectors = [ocpi_connector(tariff_ids=["api-energy"])]
    evses = [ocpi_evse(uid, connectors=connectors) for uid in ("EVSE-1", "EVSE-2", "EVSE-3")]
    await put_location(client, operator_key, ocpi_location("api-site", evses=evses))
    other = (await services.partners.authenticate(other_partner_key)).partner_id
    closed = ocpi_location("api-closed", evses=[ocpi_evse("CLOSED-1")], restricted_to_partners=[other])
    await put_location(client, operator_key, closed)
    await services.charge_points.put("CP-API-1", "cp-password-0123456789", ["EVSE-1", "EVSE-2"])
    await services.charge_points.put("CP-API-2", "cp-password-0123456789", ["CLOSED-1"])
    stand_in = StandInChargePoint("CP-API-1")
    app.state.central.registry.add(stand_in)
    app.state.central.registry.add(StandInChargePoint("CP-API-2"))
    await register_token(client, partner_key, "driver-1")
    card = await client.put(
        "/v1/tokens/driver-1/wallet/charge-card",
        json={"visualNumber": "NL-TST-C12345678-9"},
        headers=bearer(partner_key),
    )
    # No issued token names the card: the operator approves it, so it may start.
    await services.issued_tokens.approve(card.json()["id"])
    external = await client.put(
        "/v1/tokens/driver-1/wallet/external", json={"externalPaymentMethodId": "room-101"}, headers=bearer(partner_key)
    )
    return Site(partner_key, card.json()["id"], external.json()["id"], stand_in)


async def _eventually(predicate: Callable[[], Any], timeout_s: float = 5.0) -> None:
    """Wait for work the app does in the background (it runs on the test client's own event loop)."""
    async with asyncio.timeout(timeout_s):
        while not await predicate() if asyncio.iscoroutinefunction(predicate) else not predicate():
            await asyncio.sleep(0.01)


async def _status(client: Client, site: Site, session_id: str) -> str:
    response = await client.get(f"{SESSIONS}/{session_id}", headers=bearer(site.partner_key))
    status: str = response.json()["status"]
    return status


def _body(site: Site, **changes: Any) -> dict[str, Any]:
    body = {"locationId": "nl-tst-api-site", "evseUid": "EVSE-1", "paymentMethodId": site.card_id}
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


async def _start(client: Client, site: Site, key: str | None = None, **changes: Any) -> Any:
    return await client.post(SESSIONS, json=_body(site, **changes), headers=bearer(key or site.partner_key))


# --- starting -------------------------------------------------------------------------------------------


async def test_start_with_an_external_method_is_settled_outside(client: Client, site: Site) -> None:
    response = await _start(client, site)
    assert response.json()["payment"] == {"provider": "EXTERNAL", "status": "NONE"}


async def test_start_is_201_with_the_session_id(client: Client, site: Site) -> None:
    response = await _start(client, site)
    assert response.status_code == 201, response.text
    assert set(response.json()) == {"chargeSessionId", "status", "nextStatusCall", "payment"}


async def test_start_sends_remote_start_for_the_evses_connector(client: Client, site: Site) -> None:
    await _start(client, site, evseUid="EVSE-2")
    await _eventually(lambda: site.charge_point.commands)
    (command,) = site.charge_point.commands
    assert isinstance(command, StartCharging)
    assert command.connector_id == 2


async def test_accepted_start_waits_for_the_transaction(client: Client, site: Site) -> None:
    session_id = (await _start(client, site)).json()["chargeSessionId"]

    async def starting() -> bool:
        return await _status(client, site, session_id) == "STARTING"

    await _eventually(starting)


async def test_external_payment_method_may_start(client: Client, site: Site) -> None:
    response = await _start(client, site, paymentMethodId=site.external_id)
    assert response.status_code == 201, response.text


async def test_payment_method_of_another_wallet_is_422(client: Client, site: Site, partner_key: str) -> None:
    await register_token(client, partner_key, "driver-2")
    other = await client.put(
        "/v1/tokens/driver-2/wallet/external", json={"externalPaymentMethodId": "x"}, headers=bearer(partner_key)
    )
    response = await _start(client, site, paymentMethodId=other.json()["id"])
    body = assert_problem(response, 422, "payment_method_not_in_wallet")
    assert error_fields(body) == ["paymentMethodId"]


async def test_payment_method_that_is_not_valid_is_422(client: Client, site: Site, services: Services) -> None:
    async with services.db.transaction() as session:
        await session.execute(
            update(PaymentMethod).where(PaymentMethod.id == site.card_id).values(verification_status="INVALID")
        )
    assert_problem(await _start(client, site), 422, "payment_method_not_valid")


async def test_unknown_location_is_404(client: Client, site: Site) -> None:
    assert_problem(await _start(client, site, locationId="nl-tst-nowhere"), 404, "location_not_found")


async def test_location_closed_to_other_partners_is_404(client: Client, site: Site) -> None:
    response = await _start(client, site, locationId="nl-tst-api-closed", evseUid="CLOSED-1")
    assert_problem(response, 404, "location_not_found")


async def test_evse_not_at_the_location_is_404(client: Client, site: Site) -> None:
    assert_problem(await _start(client, site, evseUid="CLOSED-1"), 404, "evse_not_found")


async def test_unknown_connector_is_404(client: Client, site: Site) -> None:
    assert_problem(await _start(client, site, connectorId="9"), 404, "connector_not_found")


async def test_evse_without_a_charge_point_is_409(client: Client, site: Site) -> None:
    assert_problem(await _start(client, site, evseUid="EVSE-3"), 409, "evse_not_remote_startable")


async def test_offline_charge_point_is_503(client: Client, site: Site, app: Litestar) -> None:
    app.state.central.registry.remove(site.charge_point)
    assert_problem(await _start(client, site), 503, "charge_point_offline")


async def _connector_status(services: Services, status: str) -> None:
    async with services.db.transaction() as session:
        session.add(
            ConnectorStatus(
                charge_point_id="CP-API-1", connector_id=1, status=status, error_code="NoError", updated_at=utcnow()
            )
        )


async def test_evse_in_use_is_409(client: Client, site: Site, services: Services) -> None:
    await _connector_status(services, "Charging")
    body = assert_problem(await _start(client, site), 409, "evse_not_available")
    assert "Charging" in body["detail"]


async def test_evse_out_of_order_without_a_connector_status_is_409(
    client: Client, site: Site, operator_key: str
) -> None:
    await client.patch(
        "/v1/operator/locations/nl-tst-api-site",
        json={"evses": [{"uid": "EVSE-1", "status": "OUTOFORDER"}]},
        headers=bearer(operator_key),
    )
    assert_problem(await _start(client, site), 409, "evse_not_available")


async def test_evse_with_a_cable_plugged_in_may_start(client: Client, site: Site, services: Services) -> None:
    await _connector_status(services, "Preparing")
    assert (await _start(client, site)).status_code == 201


async def test_second_session_of_the_token_on_the_evse_is_409(client: Client, site: Site) -> None:
    await _start(client, site)
    assert_problem(await _start(client, site), 409, "session_already_active")


async def test_missing_payment_method_is_400_naming_it(client: Client, site: Site) -> None:
    response = await client.post(
        SESSIONS, json={"locationId": "nl-tst-api-site", "evseUid": "EVSE-1"}, headers=bearer(site.partner_key)
    )
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["paymentMethodId"]


# --- idempotency ----------------------------------------------------------------------------------------


async def test_same_idempotency_key_returns_the_same_session(client: Client, site: Site) -> None:
    headers = {**bearer(site.partner_key), "Idempotency-Key": "tap-1"}
    first = await client.post(SESSIONS, json=_body(site), headers=headers)
    again = await client.post(SESSIONS, json=_body(site), headers=headers)
    assert again.status_code == 201
    assert again.json()["chargeSessionId"] == first.json()["chargeSessionId"]
    assert again.headers["Idempotent-Replayed"] == "true"


async def test_same_idempotency_key_sends_remote_start_once(client: Client, site: Site) -> None:
    headers = {**bearer(site.partner_key), "Idempotency-Key": "tap-1"}
    first = await client.post(SESSIONS, json=_body(site), headers=headers)
    await client.post(SESSIONS, json=_body(site), headers=headers)

    async def starting() -> bool:
        return await _status(client, site, first.json()["chargeSessionId"]) == "STARTING"

    await _eventually(starting)
    assert len(site.charge_point.commands) == 1


async def test_idempotency_key_with_another_request_is_409(client: Client, site: Site) -> None:
    headers = {**bearer(site.partner_key), "Idempotency-Key": "tap-1"}
    await client.post(SESSIONS, json=_body(site), headers=headers)
    response = await client.post(SESSIONS, json=_body(site, evseUid="EVSE-2"), headers=headers)
    assert_problem(response, 409, "idempotency_key_reused")


async def test_idempotency_key_is_scoped_to_the_token(
    client: Client, site: Site, partner_key: str, services: Services
) -> None:
    await register_token(client, partner_key, "driver-2")
    other = await client.put(
        "/v1/tokens/driver-2/wallet/external", json={"externalPaymentMethodId": "y"}, headers=bearer(partner_key)
    )
    headers = {**bearer(partner_key), "Idempotency-Key": "tap-1"}
    first = await client.post(SESSIONS, json=_body(site), headers=headers)
    second = await client.post(
        "/v1/tokens/driver-2/sessions",
        json=_body(site, evseUid="EVSE-2", paymentMethodId=other.json()["id"]),
        headers=headers,
    )
    assert second.status_code == 201, second.text
    assert second.json()["chargeSessionId"] != first.json()["chargeSessionId"]


# --- status, stop, history ------------------------------------------------------------------------------


async def test_session_shows_where_and_how(client: Client, site: Site) -> None:
    session_id = (await _start(client, site)).json()["chargeSessionId"]
    body = (await client.get(f"{SESSIONS}/{session_id}", headers=bearer(site.partner_key))).json()
    assert (body["locationId"], body["evseUid"], body["connectorId"], body["paymentMethodId"]) == (
        "nl-tst-api-site",
        "EVSE-1",
        "1",
        site.card_id,
    )
    assert (body["currency"], body["vatPercentage"], body["energyInKwh"]) == ("EUR", "21.0", "0")
    assert body["usageSummary"] == {"dataPoints": []}


async def test_stop_before_the_transaction_cancels(client: Client, site: Site) -> None:
    session_id = (await _start(client, site)).json()["chargeSessionId"]
    response = await client.post(f"{SESSIONS}/{session_id}/stop", headers=bearer(site.partner_key))
    assert response.status_code == 200
    assert response.json()["status"] == "CANCELLED"


async def _charging_then_stop_rejected(client: Client, site: Site, services: Services, connector: str) -> str:
    """A session charging on CP-API-1 whose charge point last reported ``connector`` and rejects the stop."""
    session_id = (await _start(client, site)).json()["chargeSessionId"]

    async def starting() -> bool:
        return await _status(client, site, session_id) == "STARTING"

    await _eventually(starting)
    id_tag = site.charge_point.commands[0].id_tag
    await services.sessions.transaction_started(
        "CP-API-1", connector_id=1, id_tag=id_tag, meter_start=1000, timestamp=utcnow(), reservation_id=None
    )
    await _connector_status(services, connector)
    site.charge_point.answer = {"status": "Rejected"}
    await client.post(f"{SESSIONS}/{session_id}/stop", headers=bearer(site.partner_key))

    async def answered() -> bool:
        return await _status(client, site, session_id) != "STOPPING"

    await _eventually(answered)
    return session_id


async def test_stop_rejected_by_a_charge_point_with_the_connector_free_ends_the_session(
    client: Client, site: Site, services: Services
) -> None:
    # The charge point has no transaction there: going back to CHARGING would make every stop bounce.
    session_id = await _charging_then_stop_rejected(client, site, services, "Available")
    assert await _status(client, site, session_id) in ("COMPLETED", "CDR_AVAILABLE")


async def test_stop_rejected_while_the_connector_charges_keeps_the_session(
    client: Client, site: Site, services: Services
) -> None:
    # "Not now": the charge point still runs the transaction.
    session_id = await _charging_then_stop_rejected(client, site, services, "Charging")
    assert await _status(client, site, session_id) == "CHARGING"


async def test_stop_twice_answers_the_same(client: Client, site: Site) -> None:
    session_id = (await _start(client, site)).json()["chargeSessionId"]
    await client.post(f"{SESSIONS}/{session_id}/stop", headers=bearer(site.partner_key))
    response = await client.post(f"{SESSIONS}/{session_id}/stop", headers=bearer(site.partner_key))
    assert response.json()["status"] == "CANCELLED"


async def test_history_is_newest_first(client: Client, site: Site) -> None:
    first = (await _start(client, site)).json()["chargeSessionId"]
    second = (await _start(client, site, evseUid="EVSE-2")).json()["chargeSessionId"]
    body = (await client.get(SESSIONS, headers=bearer(site.partner_key))).json()
    assert [s["chargeSessionId"] for s in body["data"]] == [second, first]
    assert body["data"][0]["usageSummary"] is None


async def test_history_pages_with_a_continuation_token(client: Client, site: Site) -> None:
    first = (await _start(client, site)).json()["chargeSessionId"]
    await _start(client, site, evseUid="EVSE-2")
    page = (await client.get(SESSIONS, params={"pageSize": 1}, headers=bearer(site.partner_key))).json()
    assert page["meta"]["hasMoreData"] is True
    token = page["meta"]["continuationToken"]
    rest = await client.get(
        SESSIONS, params={"pageSize": 1, "continuationToken": token}, headers=bearer(site.partner_key)
    )
    assert [s["chargeSessionId"] for s in rest.json()["data"]] == [first]
    assert rest.json()["meta"]["hasMoreData"] is False


async def test_continuation_token_of_another_query_is_400(client: Client, site: Site) -> None:
    await _start(client, site)
    await _start(client, site, evseUid="EVSE-2")
    page = (await client.get(SESSIONS, params={"pageSize": 1}, headers=bearer(site.partner_key))).json()
    response = await client.get(
        SESSIONS,
        params={"pageSize": 1, "status": "CANCELLED", "continuationToken": page["meta"]["continuationToken"]},
        headers=bearer(site.partner_key),
    )
    assert_problem(response, 400, "invalid_continuation_token")


async def test_history_filters_by_status(client: Client, site: Site) -> None:
    cancelled = (await _start(client, site)).json()["chargeSessionId"]
    await client.post(f"{SESSIONS}/{cancelled}/stop", headers=bearer(site.partner_key))
    await _start(client, site, evseUid="EVSE-2")
    body = (await client.get(SESSIONS, params={"status": "CANCELLED"}, headers=bearer(site.partner_key))).json()
    assert [s["chargeSessionId"] for s in body["data"]] == [cancelled]


async def test_history_filters_by_payment_method(client: Client, site: Site) -> None:
    await _start(client, site)
    external = (await _start(client, site, evseUid="EVSE-2", paymentMethodId=site.external_id)).json()
    body = (
        await client.get(SESSIONS, params={"paymentMethodId": site.external_id}, headers=bearer(site.partner_key))
    ).json()
    assert [s["chargeSessionId"] for s in body["data"]] == [external["chargeSessionId"]]


async def test_history_filters_by_time(client: Client, site: Site) -> None:
    await _start(client, site)
    response = await client.get(SESSIONS, params={"from": "2099-01-01T00:00:00Z"}, headers=bearer(site.partner_key))
    assert response.json()["data"] == []


async def test_history_time_without_a_zone_is_400(client: Client, site: Site) -> None:
    response = await client.get(SESSIONS, params={"to": "2025-01-01T00:00:00"}, headers=bearer(site.partner_key))
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["to"]


# --- who sees what --------------------------------------------------------------------------------------


async def test_unknown_session_is_404(client: Client, site: Site) -> None:
    response = await client.get(f"{SESSIONS}/cs_nothing", headers=bearer(site.partner_key))
    assert_problem(response, 404, "session_not_found")


async def test_session_of_another_token_is_404(client: Client, site: Site, partner_key: str) -> None:
    session_id = (await _start(client, site)).json()["chargeSessionId"]
    await register_token(client, partner_key, "driver-2")
    response = await client.get(f"/v1/tokens/driver-2/sessions/{session_id}", headers=bearer(partner_key))
    assert_problem(response, 404, "session_not_found")


async def test_session_of_another_partner_is_404(client: Client, site: Site, other_partner_key: str) -> None:
    session_id = (await _start(client, site)).json()["chargeSessionId"]
    await register_token(client, other_partner_key, "driver-1")  # the same token name, another partner
    response = await client.get(f"{SESSIONS}/{session_id}", headers=bearer(other_partner_key))
    assert_problem(response, 404, "session_not_found")


async def test_token_of_another_partner_is_404(client: Client, site: Site, other_partner_key: str) -> None:
    response = await client.get(SESSIONS, headers=bearer(other_partner_key))
    assert_problem(response, 404, "app_token_not_found")


async def test_stop_of_another_partners_session_is_404(client: Client, site: Site, other_partner_key: str) -> None:
    session_id = (await _start(client, site)).json()["chargeSessionId"]
    await register_token(client, other_partner_key, "driver-1")
    response = await client.post(f"{SESSIONS}/{session_id}/stop", headers=bearer(other_partner_key))
    assert_problem(response, 404, "session_not_found")


async def test_events_of_another_partners_session_are_404(client: Client, site: Site, other_partner_key: str) -> None:
    session_id = (await _start(client, site)).json()["chargeSessionId"]
    await register_token(client, other_partner_key, "driver-1")
    response = await client.get(f"{SESSIONS}/{session_id}/events", headers=bearer(other_partner_key))
    assert_problem(response, 404, "session_not_found")


async def test_app_access_token_may_start_for_its_own_token(client: Client, site: Site) -> None:
    access_token = await mint_access_token(client, site.partner_key, "driver-1")
    response = await _start(client, site, key=access_token)
    assert response.status_code == 201, response.text


async def test_app_access_token_of_another_token_is_403(client: Client, site: Site, partner_key: str) -> None:
    session_id = (await _start(client, site)).json()["chargeSessionId"]
    access_token = await mint_access_token(client, partner_key, "driver-2")
    response = await client.get(f"{SESSIONS}/{session_id}", headers=bearer(access_token))
    assert_problem(response, 403, "token_scope")


async def test_app_access_token_of_another_token_may_not_start_here(
    client: Client, site: Site, partner_key: str
) -> None:
    access_token = await mint_access_token(client, partner_key, "driver-2")
    assert_problem(await _start(client, site, key=access_token), 403, "token_scope")
