"""A real server for end-to-end tests: uvicorn in the test's event loop on 127.0.0.1, an ephemeral port,
and the HTTP calls a driver's app and an operator make, over real sockets."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn

from chargeassist.app import create_app
from chargeassist.csms import QuietRefusalWebSocketProtocol
from chargeassist.services import Services
from chargeassist.settings import Settings
from chargeassist.simulator import SimulatedStation, StationConfig
from tests.api._helpers import ocpi_connector, ocpi_evse, ocpi_location
from tests.conftest import bearer
from tests.simulator.conftest import fast_config

JsonDict = dict[str, Any]

PASSWORD = "cp-password-0123456789"
LOCATION_ID = "nl-tst-e2e-site"
TARIFF_ID = "e2e-energy-and-time"
TARIFF: JsonDict = {
    "country_code": "NL",
    "party_id": "TST",
    "id": TARIFF_ID,
    "currency": "EUR",
    "elements": [
        {
            "price_components": [
                {"type": "ENERGY", "price": 0.25, "vat": 21.0, "step_size": 1},
                {"type": "TIME", "price": 2.00, "vat": 21.0, "step_size": 1},
            ]
        }
    ],
    "last_updated": "2025-01-06T08:00:00Z",
}
EVSES = ("E2E-EVSE-1", "E2E-EVSE-2")


@dataclass
class LiveServer:
    """The running app and what the tests need to talk to it."""

    services: Services
    base_url: str
    ocpp_url: str
    http: httpx.AsyncClient
    operator_key: str = ""
    partner_key: str = ""
    stations: list[SimulatedStation] = field(default_factory=list)

    def station(self, charge_point_id: str = "CP-E2E-1", **overrides: Any) -> SimulatedStation:
        """A simulated station with fast intervals (stopped at teardown)."""
        # A meter that does not start at zero, as none does in the field.
        values: dict[str, Any] = {
            "password": PASSWORD,
            "max_power_kw": 50.0,
            "time_scale": 20.0,
            "initial_meter_wh": 1_234_567.0,
        }
        values.update(overrides)
        config: StationConfig = fast_config(self.ocpp_url, charge_point_id, **values)
        station = SimulatedStation(config)
        self.stations.append(station)
        return station

    async def call(self, method: str, path: str, key: str | None = None, **kwargs: Any) -> httpx.Response:
        """An HTTP call with a bearer key (the partner's unless told otherwise)."""
        headers = {**bearer(key or self.partner_key), **kwargs.pop("headers", {})}
        return await self.http.request(method, self.base_url + path, headers=headers, **kwargs)


@contextlib.asynccontextmanager
async def live_server(settings: Settings) -> AsyncIterator[LiveServer]:
    """Serve the app over real sockets until the block ends, then stop the stations and the server."""
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        ws=QuietRefusalWebSocketProtocol,
        lifespan="on",
        log_level="warning",
        access_log=False,
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(10):
            while not server.started:
                if serving.done():
                    serving.result()
                await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        async with httpx.AsyncClient(timeout=10) as http:
            live = LiveServer(
                services=app.state.services,
                base_url=f"http://127.0.0.1:{port}",
                ocpp_url=f"ws://127.0.0.1:{port}/ocpp",
                http=http,
            )
            try:
                yield live
            finally:
                for station in live.stations:
                    await station.stop()
    finally:
        server.should_exit = True
        await serving


async def seed(live: LiveServer, *, charge_point_id: str = "CP-E2E-1", restricted_to: list[str] | None = None) -> None:
    """An operator, a partner, the tariff, a location with two EVSEs and a charge point driving them."""
    services = live.services
    if not live.operator_key:
        live.operator_key = (await services.partners.create("E2E Operator", is_operator=True)).api_key
        live.partner_key = (await services.partners.create("E2E Partner")).api_key
    response = await live.call("PUT", f"/v1/operator/tariffs/{TARIFF_ID}", live.operator_key, json=TARIFF)
    assert response.status_code in (200, 201), response.text
    connectors = [ocpi_connector(tariff_ids=[TARIFF_ID])]
    location = ocpi_location("e2e-site", evses=[ocpi_evse(uid, connectors=connectors) for uid in EVSES])
    if restricted_to is not None:
        location["restricted_to_partners"] = restricted_to
    response = await live.call("PUT", f"/v1/operator/locations/{LOCATION_ID}", live.operator_key, json=location)
    assert response.status_code in (200, 201), response.text
    response = await live.call(
        "PUT",
        f"/v1/operator/charge-points/{charge_point_id}",
        live.operator_key,
        json={"password": PASSWORD, "evses": list(EVSES)},
    )
    assert response.status_code in (200, 201), response.text


async def close_to_our_partner(live: LiveServer, *also: str) -> None:
    """Restrict the site to the test partner (and ``also``): a closed-loop location, where a VALID card's swipe
    charges on its wallet only when the card's partner is one the location lists."""
    ours = await live.services.partners.authenticate(live.partner_key)
    assert ours is not None
    await seed(live, restricted_to=[ours.partner_id, *also])


async def issue_card(live: LiveServer, card: str, partner_key: str | None = None, **changes: Any) -> str:
    """Load ``card`` as an issued token of the partner holding ``partner_key`` (default: the test partner), its
    uid the normalised number (what the card's RFID reports here); returns that uid."""
    partner = await live.services.partners.authenticate(partner_key or live.partner_key)
    assert partner is not None
    uid = "".join(ch for ch in card if ch.isalnum()).upper()
    token = {
        "country_code": "NL",
        "party_id": "TST",
        "uid": uid,
        "type": "RFID",
        "contract_id": card[:36],
        "visual_number": card,
        "issuer": "E2E Partner",
        "valid": True,
        "whitelist": "ALLOWED",
        "last_updated": "2026-11-01T10:00:00Z",
        "partner_id": partner.partner_id,
        **changes,
    }
    response = await live.call("PUT", f"/v1/operator/tokens/{uid}", live.operator_key, json=token)
    assert response.status_code in (200, 201), response.text
    return uid


async def driver_with_card(
    live: LiveServer, app_token: str = "driver-1", card: str = "NL-TST-C00000001-7", *, issued: bool = True
) -> str:
    """Register an app token with a charge card in its wallet; returns the card's payment method id. Issued:
    the card is first loaded as the test partner's issued token, so it is VALID in the wallet."""
    if issued:
        await issue_card(live, card)
    response = await live.call("PUT", f"/v1/tokens/{app_token}")
    assert response.status_code in (200, 201), response.text
    response = await live.call(
        "PUT", f"/v1/tokens/{app_token}/wallet/charge-card", json={"visualNumber": card, "displayName": "card"}
    )
    assert response.status_code in (200, 201), response.text
    method_id: str = response.json()["id"]
    return method_id


async def start_session(
    live: LiveServer, payment_method_id: str, *, app_token: str = "driver-1", evse_uid: str = EVSES[0], **extra: Any
) -> httpx.Response:
    """POST a session start."""
    body = {"locationId": LOCATION_ID, "evseUid": evse_uid, "paymentMethodId": payment_method_id}
    return await live.call("POST", f"/v1/tokens/{app_token}/sessions", json=body, **extra)


async def wait_status(
    live: LiveServer, session_id: str, *statuses: str, app_token: str = "driver-1", timeout_s: float = 10.0
) -> JsonDict:
    """Poll the session until it reaches one of ``statuses``; returns it."""
    last: JsonDict = {}
    try:
        async with asyncio.timeout(timeout_s):
            while True:
                response = await live.call("GET", f"/v1/tokens/{app_token}/sessions/{session_id}")
                assert response.status_code == 200, response.text
                last = response.json()
                if last["status"] in statuses:
                    return last
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"session never reached {statuses}; last seen {last}") from None
