"""Every operation that takes a JSON body, fed random and hostile JSON: never a 5xx, never an error logged.

Hostile means what broke before: NUL characters, lone surrogates, integers beyond 64 bits, deep nesting, and
valid bodies with one field swapped for a value of another type. Bounded: a fixed number of examples per
operation, no deadline (the machine is shared), one app per store for the whole module.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import TestClient

from chargeassist.app import create_app
from chargeassist.services import Services
from chargeassist.store import upgrade
from tests.api._demo import DEMO_TARIFFS
from tests.api._helpers import PROBLEM_JSON, capture_logs, ocpi_evse, ocpi_location
from tests.conftest import bearer, make_settings

_LOCATION = ocpi_location("fuzz-1", evses=[ocpi_evse("F-1"), ocpi_evse("F-2")])
_TARIFF = next(t for t in DEMO_TARIFFS if t["id"] == "nl-gfx-ac-standard")


@dataclass(frozen=True)
class Operation:
    """One operation with a body: how to call it, and a body it takes (the seed that mutations start from)."""

    name: str
    method: str
    path: str
    operator: bool
    valid: Any


OPERATIONS = [
    Operation("addChargeCard", "PUT", "/v1/tokens/fuzzer/wallet/charge-card", False, {"visualNumber": "NL-FZZ-0001"}),
    Operation("addExternal", "PUT", "/v1/tokens/fuzzer/wallet/external", False, {"externalPaymentMethodId": "r"}),
    Operation(
        "startSession",
        "POST",
        "/v1/tokens/fuzzer/sessions",
        False,
        {"locationId": "nl-tst-fuzz-1", "evseUid": "F-1", "paymentMethodId": "pm-unknown", "connectorId": "1"},
    ),
    Operation("parseQrCode", "POST", "/v1/qr", False, {"url": "https://charge.example.test/q/abc"}),
    Operation("putLocation", "PUT", "/v1/operator/locations/nl-tst-fuzz-1", True, _LOCATION),
    Operation("patchLocation", "PATCH", "/v1/operator/locations/nl-tst-fuzz-1", True, {"name": "x", "evses": []}),
    Operation("putTariff", "PUT", "/v1/operator/tariffs/nl-gfx-ac-standard", True, _TARIFF),
    Operation(
        "putChargePoint",
        "PUT",
        "/v1/operator/charge-points/CP-FUZZ",
        True,
        {"password": "a-password-of-16-chars", "evses": ["F-1"]},
    ),
    Operation("createQrCode", "POST", "/v1/operator/qr-codes", True, {"locationId": "nl-tst-fuzz-1", "evseUid": "F-1"}),
    Operation("reset", "POST", "/v1/operator/charge-points/CP-NONE/commands/reset", True, {"type": "Soft"}),
    Operation(
        "unlockConnector",
        "POST",
        "/v1/operator/charge-points/CP-NONE/commands/unlock-connector",
        True,
        {"connectorId": 1},
    ),
    Operation(
        "changeAvailability",
        "POST",
        "/v1/operator/charge-points/CP-NONE/commands/change-availability",
        True,
        {"connectorId": 0, "type": "Operative"},
    ),
    Operation(
        "triggerMessage",
        "POST",
        "/v1/operator/charge-points/CP-NONE/commands/trigger-message",
        True,
        {"requestedMessage": "Heartbeat", "connectorId": 1},
    ),
    Operation(
        "getConfiguration",
        "POST",
        "/v1/operator/charge-points/CP-NONE/commands/get-configuration",
        True,
        {"key": ["A"]},
    ),
    Operation(
        "changeConfiguration",
        "POST",
        "/v1/operator/charge-points/CP-NONE/commands/change-configuration",
        True,
        {"key": "HeartbeatInterval", "value": "60"},
    ),
]

# --- strategies -----------------------------------------------------------------------------------------------

_HOSTILE_TEXT = st.sampled_from(["", " ", "\x00", "a\x00b", "\ud800", "\u202e", "é" * 300, "x" * 5000, "null"])
_TEXT = st.text(max_size=40) | _HOSTILE_TEXT
_NUMBERS = st.integers(min_value=-(2**80), max_value=2**80) | st.floats(allow_nan=False, allow_infinity=False)
_SCALARS = st.none() | st.booleans() | _NUMBERS | _TEXT
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=20,
)


def _paths(document: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a document a value sits (the document itself included)."""
    yield prefix
    if isinstance(document, dict):
        for key, value in document.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from _paths(value, (*prefix, index))


def _replace(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    changed = copy.deepcopy(document)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


@st.composite
def _mutated(draw: st.DrawFn, valid: Any) -> Any:
    """The valid body with one value (or key's value) swapped for something random."""
    path = draw(st.sampled_from(list(_paths(valid))))
    return _replace(valid, path, draw(_JSON))


def _encoded(document: Any) -> bytes:
    # ensure_ascii keeps lone surrogates as \ud800 escapes, as a hostile client would send them.
    return json.dumps(document).encode()


def _bodies(valid: Any) -> st.SearchStrategy[bytes]:
    deep = st.integers(min_value=30, max_value=20_000).map(lambda depth: b"[" * depth + b"]" * depth)
    deep_objects = st.integers(min_value=30, max_value=5_000).map(lambda depth: b'{"a":' * depth + b"1" + b"}" * depth)
    return st.one_of(
        _JSON.map(_encoded),
        _mutated(valid).map(_encoded),
        deep,
        deep_objects,
        st.binary(max_size=64),
        st.just(b'{"connectorId": 18446744073709551616}'),
        st.just(b'{"url": 1e999}'),
    )


# --- the app --------------------------------------------------------------------------------------------------


@dataclass
class Fuzzed:
    """A running app with a partner key (its app token registered), an operator key, and the seed data."""

    client: TestClient[Litestar]
    partner: str
    operator: str


async def _keys(url: str) -> tuple[str, str]:
    services = Services.create(make_settings(url))
    try:
        partner = (await services.partners.create("Fuzz Partner")).api_key
        operator = (await services.partners.create("Fuzz Operator", is_operator=True)).api_key
        return partner, operator
    finally:
        await services.db.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def fuzzed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    """One app per store for every example of the module: a fresh store each time would cost more than the
    requests. PostgreSQL refuses what SQLite takes (NUL, over-long text), so both are fuzzed."""
    if request.param == "postgres":
        url = str(request.getfixturevalue("postgres_url"))
    else:
        path: Path = tmp_path_factory.mktemp("fuzz") / "chargeassist.db"
        url = f"sqlite+aiosqlite:///{path}"
        upgrade(url)
    partner, operator = asyncio.run(_keys(url))
    with TestClient(app=create_app(make_settings(url))) as client:
        for method, target, body in (
            ("PUT", "/v1/operator/tariffs/nl-gfx-ac-standard", _TARIFF),
            ("PUT", "/v1/operator/locations/nl-tst-fuzz-1", _LOCATION),
        ):
            assert client.request(method, target, json=body, headers=bearer(operator)).status_code in (200, 201)
        assert client.put("/v1/tokens/fuzzer", headers=bearer(partner)).status_code in (200, 201)
        yield Fuzzed(client, partner, operator)


@pytest.mark.parametrize("operation", OPERATIONS, ids=[o.name for o in OPERATIONS])
def test_hostile_bodies_never_give_a_5xx_nor_log_an_error(
    fuzzed: Fuzzed, operation: Operation, caplog: pytest.LogCaptureFixture
) -> None:
    key = fuzzed.operator if operation.operator else fuzzed.partner
    headers = {**bearer(key), "Content-Type": "application/json"}

    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(body=_bodies(operation.valid))
    def check(body: bytes) -> None:
        caplog.clear()
        with capture_logs(caplog, logging.ERROR):
            response = fuzzed.client.request(operation.method, operation.path, content=body, headers=headers)
        assert response.status_code < 500, (body[:200], response.text[:500])
        if response.status_code >= 400:
            assert response.headers["content-type"] == PROBLEM_JSON
        logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert logged == [], (body[:200], logged)

    check()
