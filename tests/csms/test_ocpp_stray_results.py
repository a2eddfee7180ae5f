"""Answers to calls the central system never made: dropped and counted, logged once, kept nowhere, and the
next real command is answered as usual. A raw WebSocket client plays the charge point."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from tests.csms._live import PASSWORD, LiveServer


async def _heartbeat(websocket: ClientConnection) -> None:
    """A round trip: everything sent before it has been read by the central system."""
    await websocket.send(json.dumps([2, "hb", "Heartbeat", {}]))
    assert json.loads(await websocket.recv())[:2] == [3, "hb"]


@contextlib.asynccontextmanager
async def _charge_point(live: LiveServer) -> AsyncIterator[ClientConnection]:
    token = base64.b64encode(f"CP-E2E-1:{PASSWORD}".encode()).decode()
    async with connect(
        f"{live.ocpp_url}/CP-E2E-1",
        subprotocols=[Subprotocol("ocpp1.6")],
        additional_headers={"Authorization": f"Basic {token}"},
        proxy=None,
        max_size=None,
    ) as websocket:
        await _heartbeat(websocket)  # answered once the connection is registered for commands
        yield websocket


async def _command_answered_with(
    live: LiveServer, websocket: ClientConnection, *answers: Any
) -> tuple[httpx.Response, str]:
    """Send GetConfiguration from the operator API; the charge point replies with each of ``answers`` in
    turn (a callable is given the CALL's id); returns the HTTP answer and the CALL's id."""
    request = asyncio.create_task(
        live.call(
            "POST",
            "/v1/operator/charge-points/CP-E2E-1/commands/get-configuration",
            live.operator_key,
            json={"key": ["HeartbeatInterval"]},
        )
    )
    message_type, unique_id, action, _ = json.loads(await websocket.recv())
    assert (message_type, action) == (2, "GetConfiguration")
    for answer in answers:
        await websocket.send(json.dumps(answer(unique_id) if callable(answer) else answer))
    return await request, unique_id


def _configuration(unique_id: str) -> list[Any]:
    return [3, unique_id, {"configurationKey": [{"key": "HeartbeatInterval", "readonly": False, "value": "300"}]}]


async def test_command_after_many_stray_answers_is_answered(live: LiveServer) -> None:
    async with _charge_point(live) as websocket:
        for number in range(1_500):
            await websocket.send(json.dumps([3, f"junk-{number}", {"status": "Accepted"}]))
        await _heartbeat(websocket)
        response, _ = await _command_answered_with(live, websocket, _configuration)
    assert response.status_code == 200, response.text
    assert response.json()["result"]["configurationKey"][0]["value"] == "300"


async def test_large_stray_answers_are_dropped(live: LiveServer) -> None:
    junk = "x" * (2 * 1024 * 1024)
    async with _charge_point(live) as websocket:
        for number in range(20):
            await websocket.send(json.dumps([3, f"big-{number}", {"data": junk}]))
            await websocket.send(json.dumps([4, f"big-error-{number}", "GenericError", junk, {}]))
        await _heartbeat(websocket)
        connection = live.services.sessions.commands.registry.get("CP-E2E-1")  # type: ignore[attr-defined]
        assert connection is not None
        assert connection.stray_answers == 40
        response, _ = await _command_answered_with(live, websocket, _configuration)
    assert response.status_code == 200, response.text


async def test_stray_answers_are_logged_once(live: LiveServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="chargeassist.csms")
    async with _charge_point(live) as websocket:
        for number in range(100):
            await websocket.send(json.dumps([3, f"junk-{number}", {}]))
        await _heartbeat(websocket)
    loud = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [(record.levelno, "no outstanding call" in record.getMessage()) for record in loud] == [
        (logging.WARNING, True)
    ]


async def test_answer_with_another_id_does_not_answer_the_command(live: LiveServer) -> None:
    async with _charge_point(live) as websocket:
        response, _ = await _command_answered_with(
            live, websocket, [3, "not-the-call", {"configurationKey": []}], _configuration
        )
    assert response.status_code == 200, response.text
    assert response.json()["result"]["configurationKey"][0]["key"] == "HeartbeatInterval"


async def test_answer_to_a_command_that_timed_out_is_dropped(live: LiveServer) -> None:
    live.services.charge_points._command_timeout_s = 0.3
    async with _charge_point(live) as websocket:
        response, unique_id = await _command_answered_with(live, websocket)
        assert response.status_code == 504
        await websocket.send(json.dumps(_configuration(unique_id)))
        await _heartbeat(websocket)
        live.services.charge_points._command_timeout_s = 5.0
        response, _ = await _command_answered_with(live, websocket, _configuration)
    assert response.status_code == 200, response.text
