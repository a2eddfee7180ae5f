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
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
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


def _reading(transaction_id: int, energy_wh: str) -> dict[str, Any]:
    sampled = {"value": energy_wh, "measurand": "Energy.Active.Import.Register", "unit": "Wh"}
    return {
        "connectorId": 1,
        "transactionId": transaction_id,
        "meterValue": [{"timestamp": "2025-01-06T08:30:00Z", "sampledValue": [sampled]}],
    }


Poison = Callable[[int], tuple[str, dict[str, Any]]]
"""The CALL the attacker repeats, given the id of its own transaction."""

BATCH_POISONS: dict[str, Poison] = {
    # Each of these failed the whole batch of readings it was written with (InternalError to every sender).
    # Beyond a 64-bit integer: SQLite and PostgreSQL both refuse it.
    "connector-2**63": lambda _: ("StatusNotification", {**_STATUS, "connectorId": 2**63}),
    # Beyond PostgreSQL's INTEGER column.
    "connector-2**31": lambda _: ("StatusNotification", {**_STATUS, "connectorId": 2**31}),
    # PostgreSQL refuses NUL in text.
    "nul-in-info": lambda _: ("StatusNotification", {**_STATUS, "info": "bad\x00info"}),
}
POISONS: dict[str, Poison] = {
    **BATCH_POISONS,
    # A reading of its own transaction with more digits than any meter shows: out of range, not stored.
    "reading-of-50-digits": lambda transaction_id: ("MeterValues", _reading(transaction_id, "1" * 50)),
}


@dataclass
class _Attacker:
    ws: ClientConnection
    transaction_id: int
    """Its own running transaction, so its readings reach the store like anyone's."""


@contextlib.asynccontextmanager
async def _attacker(server: Served) -> AsyncIterator[_Attacker]:
    """A registered, booted charge point speaking raw OCPP-J, with a transaction on its connector 1: the CALLs
    around the poison are all valid, so only the poison is wrong."""
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
        assert clean[:1] == [3], clean
        start = {"connectorId": 1, "idTag": "POISON", "meterStart": 0, "timestamp": "2025-01-06T08:00:00Z"}
        started = await _call(ws, "start", "StartTransaction", start)
        assert started[:1] == [3], started
        transaction_id: int = started[2]["transactionId"]
        reading = await _call(ws, "reading", "MeterValues", _reading(transaction_id, "10"))
        assert reading[:1] == [3], reading
        yield _Attacker(ws, transaction_id)


async def _call(ws: ClientConnection, unique_id: str, action: str, payload: dict[str, Any]) -> list[Any]:
    """Send one CALL and return the answer to it (the CSMS's own CALLs meanwhile are left unanswered)."""
    await ws.send(json.dumps([2, unique_id, action, payload]))
    async with asyncio.timeout(10):
        while True:
            frame = json.loads(await ws.recv())
            if frame[0] in (3, 4) and frame[1] == unique_id:
                return list(frame)


async def _poison(attacker: _Attacker, poison: Poison, answers: Counter[str], until: asyncio.Event) -> None:
    """Send the poison again and again, a few milliseconds apart, counting the answers by error code."""
    action, payload = poison(attacker.transaction_id)
    for n in itertools.count():
        if until.is_set():
            return
        answer = await _call(attacker.ws, f"p{n}", action, payload)
        answers["CALLRESULT" if answer[0] == 3 else answer[2]] += 1
        await asyncio.sleep(0.002)


@pytest.mark.parametrize("poison", BATCH_POISONS.values(), ids=BATCH_POISONS.keys())
async def test_a_poisoning_charge_point_loses_no_reading_of_another(server: Served, poison: Poison) -> None:
    victim = server.station()
    await victim.start()
    await victim.wait_booted(timeout_s=15)
    response = await start_session(server, await driver_with_card(server))
    assert response.status_code == 201, response.text
    await wait_status(server, response.json()["chargeSessionId"], "CHARGING")
    transaction_id = await victim.wait_transaction(1)
    before = victim.count_sent("MeterValues")

    async with _attacker(server) as attacker:
        answers: Counter[str] = Counter()
        done = asyncio.Event()
        attack = asyncio.create_task(_poison(attacker, poison, answers, done))
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
async def test_the_poisoning_charge_point_is_refused_and_stays_connected(server: Served, poison: Poison) -> None:
    async with _attacker(server) as attacker:
        action, payload = poison(attacker.transaction_id)
        answers: Counter[str] = Counter()
        for n in range(20):
            answer = await _call(attacker.ws, f"p{n}", action, payload)
            answers["CALLRESULT" if answer[0] == 3 else answer[2]] += 1

        heartbeat = await _call(attacker.ws, "alive", "Heartbeat", {})

    assert answers == Counter({"PropertyConstraintViolation": 20})
    assert heartbeat[0] == 3
