"""While the command bus's Redis is away, starts and stops for a charge point held by another process answer
503 ``command_bus_unavailable`` at once, change nothing, and work again once Redis is back.

The other process is a second Redis bus in this test holding a stand-in charge point; Redis is a server of
the test's own, which it stops and starts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from chargeassist.bus import CommandOutcome, RedisCommandBus, StartCharging, StopCharging
from chargeassist.bus.commands import ChargePointCommand
from chargeassist.services import Services
from chargeassist.settings import BusSettings, Settings
from chargeassist.store import utcnow
from tests.api._helpers import (
    Client,
    assert_problem,
    ocpi_connector,
    ocpi_evse,
    ocpi_location,
    put_location,
    put_tariff,
    register_token,
)
from tests.conftest import PrivateRedis, bearer, make_settings

TARIFF = {
    "country_code": "NL",
    "party_id": "TST",
    "id": "bus-energy",
    "currency": "EUR",
    "elements": [{"price_components": [{"type": "ENERGY", "price": 0.30, "vat": 21.0, "step_size": 1}]}],
    "last_updated": "2025-01-06T08:00:00Z",
}
SESSIONS = "/v1/tokens/driver-1/sessions"


class StandInChargePoint:
    """A charge point connected to the other process; accepts every command."""

    def __init__(self) -> None:
        self.commands: list[ChargePointCommand] = []

    async def send_command(self, command: ChargePointCommand, timeout_s: float) -> CommandOutcome:
        self.commands.append(command)
        return CommandOutcome(status="answered", payload={"status": "Accepted"})

    async def close(self, reason: str) -> None:
        pass


def _bus(redis: PrivateRedis, prefix: str) -> BusSettings:
    return BusSettings(redis_url=redis.url, commands="redis", key_prefix=prefix, presence_ttl_s=3)


@pytest.fixture
def settings(sqlite_url: str, private_redis: PrivateRedis, redis_prefix: str) -> Settings:
    return make_settings(sqlite_url, bus=_bus(private_redis, redis_prefix))


@pytest.fixture
async def charger(private_redis: PrivateRedis, redis_prefix: str) -> AsyncIterator[StandInChargePoint]:
    """CP-BUS-1, held by the other process."""
    stand_in = StandInChargePoint()
    other = RedisCommandBus({"CP-BUS-1": stand_in}, _bus(private_redis, redis_prefix), node_id="node-other")
    await other.start()
    await other.held("CP-BUS-1")
    yield stand_in
    await other.stop()


@pytest.fixture
async def method_id(client: Client, services: Services, partner_key: str, operator_key: str) -> str:
    await put_tariff(client, operator_key, TARIFF)
    connectors = [ocpi_connector(tariff_ids=["bus-energy"])]
    evses = [ocpi_evse(uid, connectors=connectors) for uid in ("EVSE-1", "EVSE-2")]
    await put_location(client, operator_key, ocpi_location("bus-site", evses=evses))
    await services.charge_points.put("CP-BUS-1", "cp-password-0123456789", ["EVSE-1", "EVSE-2"])
    await register_token(client, partner_key, "driver-1")
    external = await client.put(
        "/v1/tokens/driver-1/wallet/external", json={"externalPaymentMethodId": "room-7"}, headers=bearer(partner_key)
    )
    found: str = external.json()["id"]
    return found


async def _eventually(predicate: Callable[[], Any], timeout_s: float = 10.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not await predicate():
            await asyncio.sleep(0.05)


async def _start(client: Client, key: str, method_id: str, evse_uid: str = "EVSE-1") -> Any:
    body = {"locationId": "nl-tst-bus-site", "evseUid": evse_uid, "paymentMethodId": method_id}
    return await client.post(SESSIONS, json=body, headers=bearer(key))


async def _status(client: Client, key: str, session_id: str) -> str:
    status: str = (await client.get(f"{SESSIONS}/{session_id}", headers=bearer(key))).json()["status"]
    return status


async def _charging(
    client: Client, services: Services, partner_key: str, method_id: str, charger: StandInChargePoint
) -> str:
    session_id: str = (await _start(client, partner_key, method_id)).json()["chargeSessionId"]

    async def starting() -> bool:
        return await _status(client, partner_key, session_id) == "STARTING"

    await _eventually(starting)
    (command,) = charger.commands
    assert isinstance(command, StartCharging)
    await services.sessions.transaction_started(
        "CP-BUS-1", connector_id=1, id_tag=command.id_tag, meter_start=0, timestamp=utcnow(), reservation_id=None
    )
    return session_id


async def test_a_start_through_the_bus_reaches_the_other_process(
    client: Client, services: Services, partner_key: str, method_id: str, charger: StandInChargePoint
) -> None:
    session_id = await _charging(client, services, partner_key, method_id, charger)
    assert await _status(client, partner_key, session_id) == "CHARGING"


async def test_a_start_while_redis_is_away_is_503_command_bus_unavailable(
    client: Client, partner_key: str, method_id: str, charger: StandInChargePoint, private_redis: PrivateRedis
) -> None:
    private_redis.stop()
    response = await _start(client, partner_key, method_id)
    assert_problem(response, 503, "command_bus_unavailable")
    assert charger.commands == []


async def test_a_stop_while_redis_is_away_is_503_and_the_session_keeps_charging(
    client: Client,
    services: Services,
    partner_key: str,
    method_id: str,
    charger: StandInChargePoint,
    private_redis: PrivateRedis,
) -> None:
    session_id = await _charging(client, services, partner_key, method_id, charger)
    private_redis.stop()
    response = await client.post(f"{SESSIONS}/{session_id}/stop", headers=bearer(partner_key))
    assert_problem(response, 503, "command_bus_unavailable")
    assert await _status(client, partner_key, session_id) == "CHARGING"


async def test_a_stop_goes_through_once_redis_is_back(
    client: Client,
    services: Services,
    partner_key: str,
    method_id: str,
    charger: StandInChargePoint,
    private_redis: PrivateRedis,
) -> None:
    session_id = await _charging(client, services, partner_key, method_id, charger)
    private_redis.stop()
    private_redis.start()  # empty: the other process records its charge point again within a refresh

    async def stop_reaches_the_charge_point() -> bool:
        # Until the other process has recorded its charge point again the stop finds it offline and the session
        # goes back to CHARGING; the driver's next tap tries again.
        if await _status(client, partner_key, session_id) == "CHARGING":
            await client.post(f"{SESSIONS}/{session_id}/stop", headers=bearer(partner_key))
        await asyncio.sleep(0.2)
        return any(isinstance(c, StopCharging) for c in charger.commands)

    await _eventually(stop_reaches_the_charge_point)


async def test_an_operator_command_while_redis_is_away_is_503(
    client: Client, operator_key: str, method_id: str, charger: StandInChargePoint, private_redis: PrivateRedis
) -> None:
    private_redis.stop()
    response = await client.post(
        "/v1/operator/charge-points/CP-BUS-1/commands/reset", json={"type": "Soft"}, headers=bearer(operator_key)
    )
    assert_problem(response, 503, "command_bus_unavailable")
