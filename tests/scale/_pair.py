"""Two ``chargeassist serve`` processes, A and B, on one PostgreSQL database and one Redis: one deployment, as
a load balancer would see it. Each is a :class:`~tests.faults._served.Served` (a process a test may kill -9),
with the Redis settings of the deployment; a simulated charge point outside both knows both URLs."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from chargeassist.services import PartnerService
from chargeassist.simulator import SimulatedStation
from chargeassist.store import Database, upgrade
from tests.csms._live import PASSWORD
from tests.faults._served import JsonDict, Served, seed
from tests.simulator.conftest import fast_config

SEARCH_REFRESH_S = 0.5
"""How often each process reloads its search index from the store (what a location written elsewhere waits)."""
PRESENCE_TTL_S = 3.0
"""How long the record of which process holds a charge point lives unless refreshed (every third of it)."""


@dataclass
class Node(Served):
    """One process of the deployment: the served process with the deployment's Redis and key prefix."""

    name: str = ""
    redis_url: str = ""
    redis_prefix: str = ""
    extra_env: Mapping[str, str] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        """Every part that must cross processes on Redis (the default with a Redis URL), under this test's prefix."""
        return {
            **super().env,
            "CHARGEASSIST_REDIS_URL": self.redis_url,
            "CHARGEASSIST_REDIS_KEY_PREFIX": self.redis_prefix,
            "CHARGEASSIST_BUS_PRESENCE_TTL_S": str(PRESENCE_TTL_S),
            "CHARGEASSIST_SEARCH_REFRESH_INTERVAL_S": str(SEARCH_REFRESH_S),
            # Tests share the machine's PostgreSQL (100 connections): 3 kept and up to 6 more per process is plenty.
            "CHARGEASSIST_DATABASE_POOL_SIZE": "3",
            # One driver starts twenty sessions in a minute here (5 a minute in production, counted across both).
            "CHARGEASSIST_RATE_LIMIT_SESSION_START": "600/min:100",
            **self.extra_env,
        }


@dataclass
class Pair:
    """Processes A and B of one deployment, sharing keys; stations outside both."""

    a: Node
    b: Node
    stations: list[SimulatedStation] = field(default_factory=list)

    def station(
        self, charge_point_id: str = "CP-E2E-1", *, fallback: bool = True, **overrides: Any
    ) -> SimulatedStation:
        """A simulated charge point that connects to A first and to B when A refuses, unless told to know A only
        (stopped at teardown)."""
        values: dict[str, Any] = {
            "password": PASSWORD,
            "max_power_kw": 50.0,
            "time_scale": 20.0,
            "initial_meter_wh": 1_234_567.0,
            "log_limit": None,
            "meter_interval_s": 0.2,
            # A loaded machine may take seconds to answer; an answer that comes late is not a lost one.
            "response_timeout_s": 10.0,
        }
        values.update(overrides)
        fallbacks = (self.b.ocpp_url,) if fallback else ()
        config = fast_config(self.a.ocpp_url, charge_point_id, fallback_urls=fallbacks, **values)
        station = SimulatedStation(config)
        self.stations.append(station)
        return station

    def logs(self) -> str:
        """Both processes' output so far (for failure messages)."""
        return f"--- A ---\n{self.a.log()}\n--- B ---\n{self.b.log()}"


async def _keys(database_url: str) -> tuple[str, str]:
    """Migrate the store; an operator key and a partner key."""
    await asyncio.to_thread(upgrade, database_url)
    database = Database(database_url)
    try:
        partners = PartnerService(database)
        operator = await partners.create("Scale Operator", is_operator=True)
        partner = await partners.create("Scale Partner")
        return operator.api_key, partner.api_key
    finally:
        await database.dispose()


@contextlib.asynccontextmanager
async def two_processes(
    database_url: str,
    redis_url: str,
    redis_prefix: str,
    directory: Path,
    *,
    env: Mapping[str, str] | None = None,
) -> AsyncIterator[Pair]:
    """A and B on a fresh store, seeded through A (operator, partner, tariff, site, charge point CP-E2E-1).

    The store is migrated and the keys made here first (as ``chargeassist partners create`` makes them, without
    two more interpreters starting), then A starts, then B once A answers: the processes do not race to migrate."""

    def node(name: str) -> Node:
        return Node(
            database_url=database_url,
            log_path=directory / f"{name}.log",
            name=name,
            redis_url=redis_url,
            redis_prefix=redis_prefix,
            extra_env=dict(env or {}),
        )

    pair = Pair(a=node("A"), b=node("B"))
    try:
        operator_key, partner_key = await _keys(database_url)
        for each in (pair.a, pair.b):
            each.operator_key, each.partner_key = operator_key, partner_key
        await pair.a.start()
        await pair.b.start()
        await seed(pair.a)
        yield pair
    finally:
        for station in pair.stations:
            await station.stop()
        for each in (pair.a, pair.b):
            await each.stop()
            await each.http.aclose()


class Following:
    """A session's event stream on a node, read in the background from the moment it has opened."""

    def __init__(self, node: Node, app_token: str, session_id: str, timeout_s: float = 60.0) -> None:
        self._node = node
        self._path = f"/v1/tokens/{app_token}/sessions/{session_id}/events"
        self._timeout_s = timeout_s
        self.statuses: list[str] = []
        self._first = asyncio.Event()
        self._task: asyncio.Task[list[str]] | None = None

    async def __aenter__(self) -> Following:
        self._task = asyncio.create_task(self._read())
        first = asyncio.create_task(self._first.wait())
        done, _ = await asyncio.wait({first, self._task}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        first.cancel()
        if not self._first.is_set():
            if self._task in done:
                self._task.result()  # raises what ended it
            await self.__aexit__()
            raise AssertionError(f"the event stream on {self._node.name} sent no status")
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def ended(self) -> list[str]:
        """Wait for the stream to end by itself (a final status); returns every status it sent."""
        assert self._task is not None
        return await self._task

    async def _read(self) -> list[str]:
        headers = {"Authorization": f"Bearer {self._node.partner_key}"}
        try:
            async with asyncio.timeout(self._timeout_s):
                url = self._node.base_url + self._path
                async with self._node.http.stream("GET", url, headers=headers, timeout=None) as response:
                    assert response.status_code == 200, await response.aread()
                    event = ""
                    async for line in response.aiter_lines():
                        if line.startswith("event:"):
                            event = line.removeprefix("event:").strip()
                        elif line.startswith("data:") and event == "status":
                            self.statuses.append(json.loads(line.removeprefix("data:"))["status"])
                            self._first.set()
        except TimeoutError:
            sent = self.statuses
            raise AssertionError(f"the event stream on {self._node.name} did not end; it sent {sent}") from None
        return self.statuses


async def command(node: Node, charge_point_id: str, name: str, body: JsonDict) -> httpx.Response:
    """An operator command through ``node``."""
    path = f"/v1/operator/charge-points/{charge_point_id}/commands/{name}"
    return await node.call("POST", path, node.operator_key, json=body)


async def eventually(check: Any, *, timeout_s: float, what: str, interval_s: float = 0.1) -> Any:
    """Call ``check()`` (async) until it returns something truthy; fail naming ``what`` after ``timeout_s``."""
    last: Any = None
    try:
        async with asyncio.timeout(timeout_s):
            while True:
                last = await check()
                if last:
                    return last
                await asyncio.sleep(interval_s)
    except TimeoutError:
        raise AssertionError(f"{what} did not happen within {timeout_s}s; last seen {last!r}") from None
