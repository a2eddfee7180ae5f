"""One charge point sends frames the store cannot take, every few milliseconds, while another charges: the
victim's readings are all answered and all stored, and the attacker is refused and stays connected.

The CSMS gathers many charge points' writes into one transaction, so a row that breaks the store must be
refused before it gets there (or retried alone), never fail its neighbours."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from chargeassist.store import MeterValueRow
from tests.api._helpers import ocpi_evse, ocpi_location
from tests.csms._live import PASSWORD
from tests.faults._served import (
    Served,
    driver_with_card,
    readings_sent,
    register_charge_point,
    start_session,
    wait_status,
)

ATTACKER = "CP-ATTACK-1"
_STATUS = {"connectorId": 1, "errorCode": "NoError", "status": "Available"}
POISONS = {
    # Beyond a 64-bit integer: SQLite and PostgreSQL both refuse it.
    "connector-2**63": {**_STATUS, "connectorId": 2**63},
    # Beyond PostgreSQL's INTEGER column.
    "connector-2**31": {**_STATUS, "connectorId": 2**31},
    # PostgreSQL refuses NUL in text.
    "nul-in-info": {**_STATUS, "info": "bad\x00info"},
}


@contextlib.asynccontextmanager
async def _attacker(server: Served) -> AsyncIterator[ClientConnection]:
    """A registered, booted charge point speaking raw OCPP-J; its connector 1 exists, so only the poison is wrong."""
    location = ocpi_location("poison-site", evses=[ocpi_evse("POISON-EVSE-1")])
    response = await server.call("PUT", "/v1/operator/locations/nl-tst-poison-site", server.operator_key, json=location)
    assert response.status_code in (200, 201), response.text
    await register_charge_point(server, ATTACKER, ["POISON-EVSE-1"])
    token = base64.b64encode(f"{ATTACKER}:{PASSWORD}".encode()).decode()
    async with connect(
        f"{server.ocpp_url}/{ATTACKER}",
        subprotocols=[Subprotocol("ocpp1.6")],
        additional_headers={"Authorization": f"Basic {token}"},
        compression=None,
        proxy=None,
        open_timeout=10,
    ) as ws:
        boot = {"chargePointVendor": "Poison", "chargePointModel": "Batch"}
        answer = await _call(ws, "boot", "BootNotification", boot)
        assert answer[:1] == [3], answer
        assert answer[2]["status"] == "Accepted", answer
        clean = await _call(ws, "clean", "StatusNotification", _STATUS)
        assert clean[0] == 3, clean
        yield ws


async def _call(ws: ClientConnection, unique_id: str, action: str, payload: dict[str, Any]) -> list[Any]:
    """Send one CALL and return the answer to it (the CSMS's own CALLs meanwhile are left unanswered)."""
    await ws.send(json.dumps([2, unique_id, action, payload]))
    async with asyncio.timeout(10):
        while True:
            frame = json.loads(await ws.recv())
            if frame[0] in (3, 4) and frame[1] == unique_id:
                return list(frame)


async def _poison(ws: ClientConnection, payload: dict[str, Any], answers: Counter[str], until: asyncio.Event) -> None:
    """Send the poison again and again, a few milliseconds apart, counting the answers by error code."""
    for n in itertools.count():
        if until.is_set():
            return
        answer = await _call(ws, f"p{n}", "StatusNotification", payload)
        answers["CALLRESULT" if answer[0] == 3 else answer[2]] += 1
        await asyncio.sleep(0.002)


@pytest.mark.parametrize("poison", POISONS.values(), ids=POISONS.keys())
async def test_a_poisoning_charge_point_loses_no_reading_of_another(server: Served, poison: dict[str, Any]) -> None:
    victim = server.station()
    await victim.start()
    await victim.wait_booted(timeout_s=15)
    response = await start_session(server, await driver_with_card(server))
    assert response.status_code == 201, response.text
    await wait_status(server, response.json()["chargeSessionId"], "CHARGING")
    transaction_id = await victim.wait_transaction(1)
    before = victim.count_sent("MeterValues")

    async with _attacker(server) as ws:
        answers: Counter[str] = Counter()
        done = asyncio.Event()
        attack = asyncio.create_task(_poison(ws, poison, answers, done))
        try:
            await victim.wait_sent("MeterValues", before + 40, timeout_s=30)
        finally:
            done.set()
            await attack
    await victim.wait_until(lambda: victim.outbox_size == 0, timeout_s=10)

    assert sum(answers.values()) > 40, answers
    failed = [e.error for e in victim.sent_of("MeterValues") if e.error is not None]
    assert failed == []
    assert await server.count(MeterValueRow, MeterValueRow.transaction_id == transaction_id) == len(
        readings_sent(victim)
    )


@pytest.mark.parametrize("poison", POISONS.values(), ids=POISONS.keys())
async def test_the_poisoning_charge_point_is_refused_and_stays_connected(
    server: Served, poison: dict[str, Any]
) -> None:
    async with _attacker(server) as ws:
        answers: Counter[str] = Counter()
        for n in range(20):
            answer = await _call(ws, f"p{n}", "StatusNotification", poison)
            answers["CALLRESULT" if answer[0] == 3 else answer[2]] += 1

        heartbeat = await _call(ws, "alive", "Heartbeat", {})

    assert answers == Counter({"PropertyConstraintViolation": 20})
    assert heartbeat[0] == 3
