"""The compose platform's simulated charge points: registered through the operator API, then run by
``chargeassist simulate`` against the load balancer.

The api replicas run the demo (``CHARGEASSIST_DEMO=true``): it seeds the demo locations, tariffs and keys, and
registers its own five charge points on ten of the demo EVSEs. This registers ``SIM-00001``, ``SIM-00002``, ...
on EVSEs the demo left free, each station on EVSEs of one location (its OCPP connectors 1, 2, ... in that order),
so drivers can start and stop sessions on them through the API like on any charger. Then it becomes
``chargeassist simulate``, whose stations connect through the load balancer and so land on any replica.

Read from the environment: ``SIMULATOR_API_URL`` (the API, through the load balancer), ``SIMULATOR_OCPP_URL``
(the OCPP base URL, through it too), ``SIMULATOR_STATIONS``, ``SIMULATOR_CONNECTORS``, ``SIMULATOR_PASSWORD``
(the OCPP password of every station, 16 to 64 characters) and ``SIMULATOR_OPERATOR_KEY``. Not a ``CHARGEASSIST_*``
variable among them: none is a setting of the service.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from chargeassist.demo import demo_locations
from chargeassist.services._seed import DEMO_CHARGE_POINTS, DEMO_OPERATOR_KEY

__all__ = ["Station", "main", "plan_stations", "register", "simulate_command"]

ID_PREFIX = "SIM"


class SimulatorError(RuntimeError):
    """The stations could not be registered (a refusal of the API, or no API within the wait)."""


@dataclass(frozen=True, slots=True)
class Station:
    """One simulated charge point: its id and its EVSEs in OCPP connector order."""

    charge_point_id: str
    evses: tuple[str, ...]


def station_id(number: int) -> str:
    """The id ``chargeassist simulate --id-prefix SIM`` gives its station ``number`` (counted from 1)."""
    return f"{ID_PREFIX}-{number:05d}"


def plan_stations(
    count: int,
    connectors: int,
    locations: Iterable[Mapping[str, Any]] | None = None,
    taken: Iterable[str] | None = None,
) -> list[Station]:
    """``count`` stations of ``connectors`` EVSEs each, on EVSEs of the demo locations that no demo charge point
    holds; a location with fewer free EVSEs left than ``connectors`` gives no station. Refuses a count the
    locations cannot hold, rather than running fewer stations than asked."""
    if count < 1 or connectors < 1:
        raise SimulatorError("SIMULATOR_STATIONS and SIMULATOR_CONNECTORS must be at least 1")
    held = set(taken if taken is not None else (uid for evses in DEMO_CHARGE_POINTS.values() for uid in evses))
    stations: list[Station] = []
    for location in locations if locations is not None else demo_locations():
        free = [evse["uid"] for evse in location.get("evses", []) if evse["uid"] not in held]
        for start in range(0, len(free) - connectors + 1, connectors):
            if len(stations) == count:
                return stations
            stations.append(Station(station_id(len(stations) + 1), tuple(free[start : start + connectors])))
    if len(stations) < count:
        raise SimulatorError(
            f"SIMULATOR_STATIONS={count}: the demo locations have free EVSEs for {len(stations)} stations of "
            f"{connectors} connectors"
        )
    return stations


def register(
    client: httpx.Client,
    stations: Sequence[Station],
    *,
    operator_key: str,
    password: str,
    wait_s: float = 120.0,
) -> None:
    """Register every station with its password and EVSEs (``PUT``, so a restart of this service registers them
    again harmlessly). While the API is not reachable or answers 5xx (replicas still starting behind the load
    balancer), try again for up to ``wait_s``; a 4xx is a refusal and stops at once."""
    deadline = time.monotonic() + wait_s
    headers = {"Authorization": f"Bearer {operator_key}"}
    for station in stations:
        body = {"password": password, "evses": list(station.evses)}
        while True:
            try:
                answer = client.put(f"/v1/operator/charge-points/{station.charge_point_id}", json=body, headers=headers)
            except httpx.TransportError as exc:
                problem = f"the API is not reachable: {exc}"
            else:
                if answer.status_code < 300:
                    break
                problem = f"{answer.status_code} {answer.text[:300]}"
                if answer.status_code < 500:
                    raise SimulatorError(f"{station.charge_point_id}: the API refused the registration: {problem}")
            if time.monotonic() > deadline:
                raise SimulatorError(f"{station.charge_point_id}: not registered within {wait_s:.0f} s: {problem}")
            time.sleep(1.0)


def simulate_command(ocpp_url: str, stations: Sequence[Station], connectors: int) -> list[str]:
    """The ``chargeassist simulate`` command line running exactly these stations."""
    return [
        "chargeassist",
        "simulate",
        "--url",
        ocpp_url,
        "--stations",
        str(len(stations)),
        "--id-prefix",
        ID_PREFIX,
        "--first-index",
        "1",
        "--connectors",
        str(connectors),
    ]


def main(environ: Mapping[str, str]) -> None:
    """Register the stations, then replace this process with ``chargeassist simulate`` running them."""
    api_url = environ.get("SIMULATOR_API_URL", "http://lb:8000")
    ocpp_url = environ.get("SIMULATOR_OCPP_URL", "ws://lb:8000/ocpp")
    password = environ.get("SIMULATOR_PASSWORD", "")
    operator_key = environ.get("SIMULATOR_OPERATOR_KEY", DEMO_OPERATOR_KEY)
    try:
        count = int(environ.get("SIMULATOR_STATIONS", "20"))
        connectors = int(environ.get("SIMULATOR_CONNECTORS", "2"))
    except ValueError as exc:
        raise SimulatorError(f"SIMULATOR_STATIONS and SIMULATOR_CONNECTORS are whole numbers: {exc}") from None
    if not 16 <= len(password) <= 64:
        raise SimulatorError("SIMULATOR_PASSWORD: 16 to 64 characters (an OCPP password the API accepts)")
    stations = plan_stations(count, connectors)
    with httpx.Client(base_url=api_url, timeout=10.0) as client:
        register(client, stations, operator_key=operator_key, password=password)
    print(f"registered {stations[0].charge_point_id} to {stations[-1].charge_point_id}", flush=True)
    command = simulate_command(ocpp_url, stations, connectors)
    # The password through the simulator's own variable rather than the command line, which `ps` shows.
    os.execvpe(command[0], command, {**environ, "CHARGEASSIST_SIM_PASSWORD": password})  # noqa: S606 - no shell wanted


if __name__ == "__main__":
    try:
        main(os.environ)
    except SimulatorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
