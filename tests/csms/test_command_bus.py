"""The in-process command bus and the connection registry, without a network: a fake WebSocket stands in
for the charge point."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace
from typing import Any

from chargeassist.bus import InProcessCommandBus, Reset
from chargeassist.csms import CentralChargePoint, ConnectionRegistry
from chargeassist.settings import Settings


class FakeSocket:
    """Records what the central system sends; nothing is ever received."""

    def __init__(self) -> None:
        self.sent: list[list[Any]] = []
        self.closed_with: tuple[int, str] | None = None

    async def recv(self) -> None:
        await asyncio.Event().wait()

    async def send(self, text: str) -> None:
        self.sent.append(json.loads(text))

    async def close(self, code: int = 1000, reason: str = "") -> None:
        self.closed_with = (code, reason)


def _connection(charge_point_id: str = "CP-1") -> tuple[CentralChargePoint, FakeSocket]:
    socket = FakeSocket()
    central = SimpleNamespace(
        settings=Settings(),
        services=SimpleNamespace(charge_points=SimpleNamespace(seen=lambda *_: None)),
    )
    return CentralChargePoint(charge_point_id, socket, central), socket  # type: ignore[arg-type]


RESET = Reset(kind="Soft")


async def _answer(connection: CentralChargePoint, socket: FakeSocket, frame: list[Any]) -> None:
    """Wait for the CALL to go out, then deliver ``frame`` (with its unique id) as the charge point's reply."""
    while not socket.sent:
        await asyncio.sleep(0)
    frame[1] = socket.sent[-1][1]
    await connection.route_message(json.dumps(frame))


async def test_command_to_a_charge_point_not_connected_here_is_offline() -> None:
    outcome = await InProcessCommandBus(ConnectionRegistry()).send("CP-1", RESET, timeout_s=1)
    assert outcome.status == "offline"


async def test_connected_means_held_in_the_registry() -> None:
    bus = InProcessCommandBus(ConnectionRegistry())
    connection, _ = _connection()
    bus.registry.add(connection)
    assert await bus.is_connected("CP-1")
    assert not await bus.is_connected("CP-2")


async def test_command_is_sent_as_an_ocpp_call() -> None:
    bus = InProcessCommandBus(ConnectionRegistry())
    connection, socket = _connection()
    bus.registry.add(connection)
    sending = asyncio.create_task(bus.send("CP-1", RESET, timeout_s=5))
    await _answer(connection, socket, [3, "", {"status": "Accepted"}])
    await sending
    message_type, _, action, payload = socket.sent[0]
    assert (message_type, action, payload) == (2, "Reset", {"type": "Soft"})


async def test_answer_comes_back_as_the_outcome() -> None:
    bus = InProcessCommandBus(ConnectionRegistry())
    connection, socket = _connection()
    bus.registry.add(connection)
    sending = asyncio.create_task(bus.send("CP-1", RESET, timeout_s=5))
    await _answer(connection, socket, [3, "", {"status": "Accepted"}])
    outcome = await sending
    assert (outcome.status, outcome.payload) == ("answered", {"status": "Accepted"})


async def test_callerror_comes_back_with_its_code() -> None:
    bus = InProcessCommandBus(ConnectionRegistry())
    connection, socket = _connection()
    bus.registry.add(connection)
    sending = asyncio.create_task(bus.send("CP-1", RESET, timeout_s=5))
    await _answer(connection, socket, [4, "", "NotSupported", "no resets here", {}])
    outcome = await sending
    assert (outcome.status, outcome.error_code) == ("call_error", "NotSupported")


async def test_no_answer_in_time_is_a_timeout() -> None:
    bus = InProcessCommandBus(ConnectionRegistry())
    connection, _ = _connection()
    bus.registry.add(connection)
    outcome = await bus.send("CP-1", RESET, timeout_s=0.05)
    assert outcome.status == "timeout"


async def test_connection_lost_before_the_answer_ends_the_command_at_once() -> None:
    bus = InProcessCommandBus(ConnectionRegistry())
    connection, socket = _connection()
    bus.registry.add(connection)
    sending = asyncio.create_task(bus.send("CP-1", RESET, timeout_s=30))
    while not socket.sent:
        await asyncio.sleep(0)
    connection.connection_lost()
    async with asyncio.timeout(1):
        outcome = await sending
    assert outcome.status == "offline"


async def test_answer_read_before_the_connection_was_lost_still_counts() -> None:
    bus = InProcessCommandBus(ConnectionRegistry())
    connection, socket = _connection()
    bus.registry.add(connection)
    sending = asyncio.create_task(bus.send("CP-1", RESET, timeout_s=30))
    await _answer(connection, socket, [3, "", {"status": "Accepted"}])
    connection.connection_lost()
    assert (await sending).status == "answered"


def test_new_connection_replaces_the_old_one() -> None:
    registry = ConnectionRegistry()
    old, _ = _connection()
    new, _ = _connection()
    registry.add(old)
    assert registry.add(new) is old
    assert registry.get("CP-1") is new


def test_replaced_connection_going_away_leaves_its_successor() -> None:
    registry = ConnectionRegistry()
    old, _ = _connection()
    new, _ = _connection()
    registry.add(old)
    registry.add(new)
    assert registry.remove(old) is False
    assert registry.get("CP-1") is new
