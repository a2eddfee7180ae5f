"""The service as ``chargeassist serve`` runs it, in a process of its own that a test can kill -9 and start
again on the same port and store, with the HTTP calls an operator and a driver's app make to it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import httpx
import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool
from sqlalchemy.sql import ColumnElement

from chargeassist.domain.tariffs import MeterSample, decode_tariff, price_session
from chargeassist.simulator import SimulatedStation
from tests._processes import free_port
from tests.api._helpers import ocpi_connector, ocpi_evse, ocpi_location
from tests.conftest import bearer
from tests.csms._live import EVSES, LOCATION_ID, PASSWORD, TARIFF, TARIFF_ID
from tests.simulator.conftest import fast_config

JsonDict = dict[str, Any]

START_TIMEOUT_S = 30.0
"""How long a start may take on a loaded machine: imports, migrations, the first search index."""


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass
class Served:
    """One store and one port; the server process on them comes and goes."""

    database_url: str
    log_path: Path
    port: int = field(default_factory=free_port)
    operator_key: str = ""
    partner_key: str = ""
    http: httpx.AsyncClient = field(default_factory=lambda: httpx.AsyncClient(timeout=10))
    stations: list[SimulatedStation] = field(default_factory=list)
    _process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None

    @property
    def base_url(self) -> str:
        """Where the API answers."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def ocpp_url(self) -> str:
        """Where charge points connect (their id is the last path segment)."""
        return f"ws://127.0.0.1:{self.port}/ocpp"

    @property
    def env(self) -> dict[str, str]:
        """The server's environment: this store, quick sweeps and deadlines short enough for a test."""
        return {
            **os.environ,
            "CHARGEASSIST_DATABASE_URL": self.database_url,
            "CHARGEASSIST_LOG_LEVEL": "WARNING",
            "CHARGEASSIST_SESSION_SWEEP_INTERVAL_S": "0.2",
            # A session whose transaction the charger lost is priced this soon (60 s in production).
            "CHARGEASSIST_SESSION_LOST_GRACE_S": "1",
            "CHARGEASSIST_OCPP_RESPONSE_TIMEOUT_S": "5",
        }

    def cli(self, *args: str) -> str:
        """Run a ``chargeassist`` command on this store; returns what it printed."""
        done = subprocess.run(
            [sys.executable, "-m", "chargeassist.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return done.stdout

    def create_key(self, name: str, *, operator: bool = False) -> str:
        """A partner (or operator) key made the way an operator makes one."""
        printed = self.cli("partners", "create", name, *(["--operator"] if operator else []))
        match = re.search(r"API key \(shown once\): (\S+)", printed)
        assert match is not None, printed
        return match.group(1)

    async def start(self) -> None:
        """Start ``chargeassist serve`` and wait until its health check answers."""
        assert self._process is None, "already running"
        self._log = self.log_path.open("ab")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "chargeassist.cli", "serve", "--port", str(self.port)],
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            async with asyncio.timeout(START_TIMEOUT_S):
                while True:
                    if self._process.poll() is not None:
                        raise AssertionError(f"the server exited with {self._process.returncode}: {self.log()}")
                    with contextlib.suppress(httpx.TransportError):
                        if (await self.http.get(f"{self.base_url}/v1/health", timeout=1)).status_code == 200:
                            return
                    await asyncio.sleep(0.05)
        except TimeoutError:
            raise AssertionError(f"the server did not answer within {START_TIMEOUT_S}s: {self.log()}") from None

    async def kill(self) -> None:
        """``kill -9``: no shutdown, no flush, no close frames."""
        process = self._take_process()
        process.send_signal(signal.SIGKILL)
        await asyncio.to_thread(process.wait, 10)

    async def stop(self) -> None:
        """A clean stop, if it is running."""
        if self._process is None:
            return
        process = self._take_process()
        process.terminate()
        try:
            await asyncio.to_thread(process.wait, 15)
        except subprocess.TimeoutExpired:
            process.kill()
            await asyncio.to_thread(process.wait, 10)

    def _take_process(self) -> subprocess.Popen[bytes]:
        process, self._process = self._process, None
        assert process is not None, "not running"
        if self._log is not None:
            self._log.close()
            self._log = None
        return process

    def log(self) -> str:
        """The server's output so far (for failure messages)."""
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""

    def station(self, charge_point_id: str = "CP-E2E-1", **overrides: Any) -> SimulatedStation:
        """A simulated charge point outside the server, reconnecting quickly; stopped at teardown."""
        values: dict[str, Any] = {
            "password": PASSWORD,
            "max_power_kw": 50.0,
            "time_scale": 20.0,
            "initial_meter_wh": 1_234_567.0,
            "log_limit": None,
            # A loaded machine may take seconds to answer; an answer that comes late is not a lost one.
            "response_timeout_s": 10.0,
        }
        values.update(overrides)
        station = SimulatedStation(fast_config(self.ocpp_url, charge_point_id, **values))
        self.stations.append(station)
        return station

    async def call(self, method: str, path: str, key: str | None = None, **kwargs: Any) -> httpx.Response:
        """An HTTP call with a bearer key (the partner's unless told otherwise)."""
        headers = {**bearer(key or self.partner_key), **kwargs.pop("headers", {})}
        return await self.http.request(method, self.base_url + path, headers=headers, **kwargs)

    async def count(self, model: type, *where: ColumnElement[bool]) -> int:
        """Rows of a table in the server's store, read behind its back."""
        engine = create_async_engine(self.database_url, poolclass=NullPool)
        try:
            async with engine.connect() as connection:
                found = await connection.scalar(select(func.count()).select_from(model).where(*where))
                return int(found or 0)
        finally:
            await engine.dispose()


@contextlib.asynccontextmanager
async def served(database_url: str, log_path: Path) -> AsyncIterator[Served]:
    """A seeded store (operator, partner, tariff, a site with two EVSEs, charge point CP-E2E-1) and the server
    running on it; stations and the server are stopped when the block ends."""
    server = Served(database_url=database_url, log_path=log_path)
    try:
        server.operator_key = await asyncio.to_thread(server.create_key, "Fault Operator", operator=True)
        server.partner_key = await asyncio.to_thread(server.create_key, "Fault Partner")
        await server.start()
        await seed(server)
        yield server
    finally:
        for station in server.stations:
            await station.stop()
        await server.stop()
        await server.http.aclose()


async def seed(server: Served) -> None:
    """The tariff, the site and CP-E2E-1 driving its two EVSEs, through the operator API."""
    response = await server.call("PUT", f"/v1/operator/tariffs/{TARIFF_ID}", server.operator_key, json=TARIFF)
    assert response.status_code in (200, 201), response.text
    connectors = [ocpi_connector(tariff_ids=[TARIFF_ID])]
    location = ocpi_location("e2e-site", evses=[ocpi_evse(uid, connectors=connectors) for uid in EVSES])
    response = await server.call("PUT", f"/v1/operator/locations/{LOCATION_ID}", server.operator_key, json=location)
    assert response.status_code in (200, 201), response.text
    await register_charge_point(server, "CP-E2E-1", list(EVSES))


async def register_charge_point(server: Served, charge_point_id: str, evses: list[str]) -> None:
    """Register a charge point with the common test password."""
    response = await server.call(
        "PUT",
        f"/v1/operator/charge-points/{charge_point_id}",
        server.operator_key,
        json={"password": PASSWORD, "evses": evses},
    )
    assert response.status_code in (200, 201), response.text


async def driver_with_card(server: Served, app_token: str = "driver-1") -> str:
    """An app token with a charge card in its wallet; returns the card's payment method id."""
    response = await server.call("PUT", f"/v1/tokens/{app_token}")
    assert response.status_code in (200, 201), response.text
    response = await server.call(
        "PUT",
        f"/v1/tokens/{app_token}/wallet/charge-card",
        json={"visualNumber": "NL-TST-C00000001-7", "displayName": "card"},
    )
    assert response.status_code in (200, 201), response.text
    method_id: str = response.json()["id"]
    # No issued token names the card: the operator approves it, so it may start sessions.
    response = await server.call("POST", f"/v1/operator/payment-methods/{method_id}/approve", server.operator_key)
    assert response.status_code == 200, response.text
    return method_id


async def start_session(server: Served, method_id: str, *, app_token: str = "driver-1") -> httpx.Response:
    """POST a session start on the first EVSE."""
    body = {"locationId": LOCATION_ID, "evseUid": EVSES[0], "paymentMethodId": method_id}
    return await server.call("POST", f"/v1/tokens/{app_token}/sessions", json=body)


async def wait_status(
    server: Served, session_id: str, *statuses: str, app_token: str = "driver-1", timeout_s: float = 15.0
) -> JsonDict:
    """Poll the session until it reaches one of ``statuses``; returns it."""
    last: JsonDict = {}
    try:
        async with asyncio.timeout(timeout_s):
            while True:
                with contextlib.suppress(httpx.TransportError):
                    response = await server.call("GET", f"/v1/tokens/{app_token}/sessions/{session_id}")
                    assert response.status_code == 200, response.text
                    last = response.json()
                    if last["status"] in statuses:
                        return last
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"session never reached {statuses}; last seen {last}") from None


def readings_sent(station: SimulatedStation) -> set[datetime]:
    """Times of the periodic readings the server acknowledged, each once however often it was sent."""
    return {
        _time(meter_value["timestamp"])
        for exchange in station.sent_of("MeterValues")
        if exchange.result is not None
        for meter_value in exchange.request["meterValue"]
    }


def expected_cost(station: SimulatedStation) -> Decimal:
    """Price what the station measured, with the site's tariff: what the CDR must say.

    A reading sent again after a reconnect counts once, as it did at the meter.
    """
    (start,) = [e for e in station.sent_of("StartTransaction") if e.result is not None]
    (stop,) = [e for e in station.sent_of("StopTransaction") if e.result is not None]
    started, stopped = _time(start.request["timestamp"]), _time(stop.request["timestamp"])
    by_time: dict[datetime, MeterSample] = {}
    for exchange in station.sent_of("MeterValues"):
        for meter_value in exchange.request["meterValue"]:
            at = _time(meter_value["timestamp"])
            if not started < at < stopped:
                continue
            values: dict[str, Any] = {v["measurand"]: Decimal(v["value"]) for v in meter_value["sampledValue"]}
            by_time[at] = MeterSample(
                timestamp=at,
                energy_wh=values["Energy.Active.Import.Register"],
                power_w=values.get("Power.Active.Import"),
                current_a=values.get("Current.Import"),
                state_of_charge=values.get("SoC"),
            )
    samples = [
        MeterSample(timestamp=started, energy_wh=Decimal(start.request["meterStart"])),
        *(by_time[at] for at in sorted(by_time)),
        MeterSample(timestamp=stopped, energy_wh=Decimal(stop.request["meterStop"])),
    ]
    priced = price_session(
        decode_tariff(msgspec.json.encode(TARIFF)),
        session_start=started,
        samples=samples,
        charging_end=stopped,
        session_end=stopped,
        time_zone="Europe/Amsterdam",
    )
    return priced.amount_due_incl_vat
