"""Fuzzing the OCPP side: the frame parser and the payload decoders raise nothing but their documented
errors, and over a real WebSocket hostile frames are each answered with their own id, never drop the
connection and never log an exception."""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from chargeassist.csms._handler import _REQUESTS
from chargeassist.csms._messages import FrameError, PayloadError, as_utc, decode_payload, parse_frame, readings_of
from tests.csms._live import PASSWORD, LiveServer

_FUZZ = settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(
        ["", "\u0000", "Available", "1e400", "NaN", "-0", "2025-01-06T08:00:00Z", "0001-01-01T00:00:00+14:00"]
    ),
)
_JSON = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)

# A valid payload of each action, for mutations that keep most of the shape (and so reach deeper checks).
_VALID: dict[str, dict[str, Any]] = {
    "BootNotification": {"chargePointVendor": "Acme", "chargePointModel": "X"},
    "Heartbeat": {},
    "StatusNotification": {"connectorId": 1, "errorCode": "NoError", "status": "Available"},
    "Authorize": {"idTag": "TAG"},
    "StartTransaction": {"connectorId": 1, "idTag": "TAG", "meterStart": 0, "timestamp": "2025-01-06T08:00:00Z"},
    "MeterValues": {
        "connectorId": 1,
        "meterValue": [{"timestamp": "2025-01-06T08:00:00Z", "sampledValue": [{"value": "10", "unit": "kWh"}]}],
    },
    "StopTransaction": {"transactionId": 1, "meterStop": 10, "timestamp": "2025-01-06T09:00:00Z"},
    "DataTransfer": {"vendorId": "Acme"},
    "DiagnosticsStatusNotification": {"status": "Idle"},
    "FirmwareStatusNotification": {"status": "Idle"},
}
_FIELDS = sorted({field for payload in _VALID.values() for field in payload} | {"info", "transactionId", "x"})


@st.composite
def _mutated(draw: st.DrawFn) -> tuple[str, Any]:
    action = draw(st.sampled_from(sorted(_VALID)))
    payload: Any = dict(_VALID[action])
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        payload[draw(st.sampled_from(_FIELDS))] = draw(_JSON)
    if draw(st.booleans()):
        payload = draw(_JSON)
    return action, payload


@_FUZZ
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200), _JSON.map(json.dumps)))
def test_frame_parser_raises_only_frame_errors(raw: str | bytes) -> None:
    with contextlib.suppress(FrameError):
        parse_frame(raw)


@_FUZZ
@given(_mutated())
def test_payload_decoders_raise_only_payload_errors(case: tuple[str, Any]) -> None:
    action, payload = case
    try:
        request = decode_payload(payload, _REQUESTS[action])
        moment = getattr(request, "timestamp", None)
        if moment is not None:
            as_utc(moment)
        values = getattr(request, "meter_value", None) or getattr(request, "transaction_data", None)
        if values:
            readings_of(values)
    except PayloadError:
        pass


def _hostile_frames(count: int) -> list[tuple[str, str]]:
    """(unique id, frame) pairs: mutated CALLs, and frames that start like a CALL and then break."""
    rng = random.Random(9)
    frames: list[tuple[str, str]] = []
    pieces: list[Any] = [None, True, -1, 0, 2**31, 2**63, -(2**64), 1.5, "", "\u0000", "x" * 300, [], {}, [[[]]]]
    for number in range(count):
        unique_id = f"f-{number}"
        action = rng.choice(sorted(_VALID))
        payload: Any = dict(_VALID[action])
        for _ in range(rng.randint(1, 3)):
            payload[rng.choice(_FIELDS)] = rng.choice(pieces)
        if number % 10 == 0:
            frames.append((unique_id, f'[2,"{unique_id}","{action}",' + "[" * rng.randint(1, 20_000)))
        else:
            frames.append((unique_id, json.dumps([2, unique_id, action, payload])))
    return frames


async def test_hostile_frames_are_answered_with_their_id_and_log_no_exception(
    live: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    token = base64.b64encode(f"CP-E2E-1:{PASSWORD}".encode()).decode()
    async with connect(
        f"{live.ocpp_url}/CP-E2E-1",
        subprotocols=[Subprotocol("ocpp1.6")],
        additional_headers={"Authorization": f"Basic {token}"},
        proxy=None,
    ) as websocket:
        for unique_id, frame in _hostile_frames(300):
            await websocket.send(frame)
            answer = json.loads(await websocket.recv())
            assert answer[0] in (3, 4), answer
            assert answer[1] == unique_id, answer
        await websocket.send(json.dumps([2, "last", "Heartbeat", {}]))
        assert json.loads(await websocket.recv())[:2] == [3, "last"]
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR or record.exc_info]
    assert errors == []
