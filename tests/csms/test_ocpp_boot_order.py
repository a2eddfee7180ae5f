"""What reaches the endpoint other than a booted charge point: CALLs before any BootNotification (taken, as
OCPP 1.6 allows, and noted), plain HTTP requests (426), and refused upgrades, which the central system logs
itself without uvicorn's "returned without completing handshake" error."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections.abc import AsyncIterator

import pytest
import uvicorn
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Subprotocol

from chargeassist.app import create_app
from chargeassist.csms._uvicorn import QuietRefusalWebSocketProtocol
from tests.conftest import make_settings
from tests.csms._live import PASSWORD, LiveServer


def _basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


async def test_calls_before_a_boot_notification_are_taken_and_counted(live: LiveServer) -> None:
    async with connect(
        f"{live.ocpp_url}/CP-E2E-1",
        subprotocols=[Subprotocol("ocpp1.6")],
        additional_headers=_basic("CP-E2E-1", PASSWORD),
        proxy=None,
    ) as websocket:
        status = {"connectorId": 1, "errorCode": "NoError", "status": "Available"}
        await websocket.send(json.dumps([2, "s-1", "StatusNotification", status]))
        assert json.loads(await websocket.recv()) == [3, "s-1", {}]
        connection = live.services.sessions.commands.registry.get("CP-E2E-1")  # type: ignore[attr-defined]
        assert (connection.booted, connection.calls_before_boot) == (False, 1)
        boot = {"chargePointVendor": "Acme", "chargePointModel": "X"}
        await websocket.send(json.dumps([2, "b-1", "BootNotification", boot]))
        assert json.loads(await websocket.recv())[2]["status"] == "Accepted"
        await websocket.send(json.dumps([2, "h-1", "Heartbeat", {}]))
        await websocket.recv()
        assert (connection.booted, connection.calls_before_boot) == (True, 1)


async def test_the_operator_sees_a_charge_point_that_never_booted(live: LiveServer) -> None:
    path = "/v1/operator/charge-points/CP-E2E-1"
    async with connect(
        f"{live.ocpp_url}/CP-E2E-1",
        subprotocols=[Subprotocol("ocpp1.6")],
        additional_headers=_basic("CP-E2E-1", PASSWORD),
        proxy=None,
    ) as websocket:
        await websocket.send(json.dumps([2, "h-1", "Heartbeat", {}]))
        await websocket.recv()
        seen = (await live.call("GET", path, live.operator_key)).json()
        assert (seen["bootTime"], seen["neverBooted"]) == (None, True)
        boot = {"chargePointVendor": "Acme", "chargePointModel": "X"}
        await websocket.send(json.dumps([2, "b-1", "BootNotification", boot]))
        await websocket.recv()
        seen = (await live.call("GET", path, live.operator_key)).json()
        assert seen["bootTime"] is not None
        assert seen["neverBooted"] is False


@pytest.mark.parametrize("method", ["GET", "POST", "HEAD"])
async def test_plain_http_request_is_426_problem_json(live: LiveServer, method: str) -> None:
    response = await live.http.request(method, f"{live.base_url}/ocpp/CP-E2E-1")
    assert response.status_code == 426
    assert response.headers["content-type"] == "application/problem+json"
    if method != "HEAD":
        assert response.json()["code"] == "websocket_required"


@pytest.fixture
async def quiet_server(database_url: str) -> AsyncIterator[str]:
    """The app on uvicorn with the WebSocket protocol ``chargeassist serve`` is to use; yields its OCPP URL."""
    app = create_app(make_settings(database_url))
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, ws=QuietRefusalWebSocketProtocol, lifespan="on", access_log=False
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(10):
            while not server.started:
                await asyncio.sleep(0.01)
        yield f"ws://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}/ocpp"
    finally:
        server.should_exit = True
        await serving


@pytest.mark.parametrize(
    ("path", "subprotocol", "status"),
    [("CP-NOBODY", "ocpp1.6", 404), ("not a charge point id!", "ocpp1.6", 404), ("CP-NOBODY", "ocpp2.0.1", 400)],
)
async def test_refused_upgrade_is_logged_without_an_error(
    quiet_server: str, caplog: pytest.LogCaptureFixture, path: str, subprotocol: str, status: int
) -> None:
    caplog.set_level(logging.INFO)
    with pytest.raises(InvalidStatus) as refused:
        async with connect(
            f"{quiet_server}/{path.replace(' ', '%20')}",
            subprotocols=[Subprotocol(subprotocol)],
            additional_headers=_basic("CP-NOBODY", "x"),
            proxy=None,
        ):
            pass
    assert refused.value.response.status_code == status
    await asyncio.sleep(0.05)  # the server finishes the request after the client has its answer
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert [r for r in caplog.records if r.name == "chargeassist.csms" and "refused" in r.getMessage()]
