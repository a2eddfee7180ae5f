"""Both ASGI servers `chargeassist serve` ships, for real: each answers a refused charge point with an HTTP
status before the WebSocket upgrade (the ASGI "websocket.http.response" extension), and charges."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Subprotocol

from chargeassist.simulator import SimulatedStation
from tests._processes import free_port, run_cli
from tests.api._helpers import ocpi_evse, ocpi_location
from tests.conftest import bearer, fresh_postgres_database
from tests.simulator.conftest import fast_config

PASSWORD = "cp-password-0123456789"


@contextlib.contextmanager
def _new_store(kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A new, empty store for one served process: a SQLite file, or a PostgreSQL database of its own."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('served') / 'served.db'}"
        return
    with fresh_postgres_database("chargeassist_served") as url:
        yield url


_SERVED = list(itertools.product(["granian", "uvicorn"], ["sqlite", "postgres"]))


@pytest.fixture(scope="module", params=_SERVED, ids=["-".join(p) for p in _SERVED])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """``chargeassist serve --server NAME`` on a new store of each kind, in a process of its own; yields (base URL,
    operator key)."""
    server, store = request.param
    with _new_store(store, tmp_path_factory) as store_url:
        yield from _serve(server, store_url)


def _serve(server: str, store_url: str) -> Iterator[tuple[str, str]]:
    """``chargeassist serve --server SERVER`` on the store at ``store_url`` (migrated here, an operator created)."""
    env = {**os.environ, "CHARGEASSIST_DATABASE_URL": store_url}
    env["CHARGEASSIST_LOG_LEVEL"] = "WARNING"
    run_cli("db", "upgrade", env=env)
    created = run_cli("partners", "create", "Served Operator", "--operator", env=env)
    match = re.search(r"API key \(shown once\): (\S+)", created)
    assert match is not None, created
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "chargeassist.cli", "serve", "--port", str(port), "--server", server],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(f"{base}/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                raise AssertionError(f"chargeassist serve --server {server} exited")
            time.sleep(0.05)
        yield base, match.group(1)
    finally:
        process.terminate()
        process.wait(timeout=15)


@pytest.fixture
async def charge_point(served: tuple[str, str]) -> str:
    """CP-SERVED-1 registered on the served app; yields the app's OCPP URL."""
    base, operator_key = served
    async with httpx.AsyncClient(base_url=base, headers=bearer(operator_key)) as http:
        location = ocpi_location("served", evses=[ocpi_evse("SERVED-1")])
        assert (await http.put("/v1/operator/locations/nl-tst-served", json=location)).status_code in (200, 201)
        registered = await http.put(
            "/v1/operator/charge-points/CP-SERVED-1", json={"password": PASSWORD, "evses": ["SERVED-1"]}
        )
        assert registered.status_code in (200, 201)
    return base.replace("http://", "ws://") + "/ocpp"


def _basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


async def _status_of_refusal(url: str, headers: dict[str, str]) -> int:
    with pytest.raises(InvalidStatus) as refused:
        async with connect(url, subprotocols=[Subprotocol("ocpp1.6")], additional_headers=headers, proxy=None):
            pass
    return refused.value.response.status_code


async def test_wrong_password_is_401(charge_point: str) -> None:
    status = await _status_of_refusal(f"{charge_point}/CP-SERVED-1", _basic("CP-SERVED-1", "wrong-password-0000"))
    assert status == 401


async def test_unknown_charge_point_is_404(charge_point: str) -> None:
    status = await _status_of_refusal(f"{charge_point}/CP-UNKNOWN", _basic("CP-UNKNOWN", PASSWORD))
    assert status == 404


async def test_registered_charge_point_boots(charge_point: str) -> None:
    station = SimulatedStation(fast_config(charge_point, "CP-SERVED-1", password=PASSWORD, connector_count=1))
    try:
        await station.start()
        await station.wait_booted(timeout_s=10)
        await asyncio.wait_for(station.wait_sent("StatusNotification"), 10)
        assert station.subprotocol == "ocpp1.6"
    finally:
        await station.stop()


async def test_plain_http_request_is_426_problem_json(served: tuple[str, str]) -> None:
    base, _ = served
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{base}/ocpp/CP-SERVED-1")
    assert response.status_code == 426
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "websocket_required"
