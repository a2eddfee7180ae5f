"""The main proof of issue 11: a charge point connected to process A, everything done through process B (start,
events, stop, operator commands), twenty rounds in a row, every one succeeding."""

from __future__ import annotations

import functools

import pytest

from chargeassist.simulator import SimulatedStation
from chargeassist.store import ChargeSession
from tests.faults._served import driver_with_card, start_session, wait_status
from tests.scale._pair import Following, Pair, command, eventually

pytestmark = pytest.mark.scale

ROUNDS = 20
CP = "CP-E2E-1"


def _booted(station: SimulatedStation, times: int) -> bool:
    return station.boot_count >= times


async def _held_by_a_and_seen_by_b(pair: Pair) -> bool:
    """B answers a command for the charge point (it is on A): the cheapest round trip across the bus."""
    response = await command(pair.b, CP, "get-configuration", {"key": ["HeartbeatInterval"]})
    return response.status_code == 200


async def test_a_charge_point_on_a_is_driven_through_b_every_time(pair: Pair) -> None:
    station = pair.station(CP)
    await station.start()
    await station.wait_booted(timeout_s=15)
    assert station.current_endpoint.startswith(pair.a.ocpp_url)
    method_id = await driver_with_card(pair.b)

    for round_ in range(ROUNDS):
        await eventually(lambda: _held_by_a_and_seen_by_b(pair), timeout_s=15, what=f"round {round_}: B reaching A")
        response = await start_session(pair.b, method_id)
        assert response.status_code == 201, f"round {round_}: {response.text}"
        session_id: str = response.json()["chargeSessionId"]
        await wait_status(pair.b, session_id, "CHARGING")
        async with Following(pair.b, "driver-1", session_id) as events:
            response = await pair.b.call("POST", f"/v1/tokens/driver-1/sessions/{session_id}/stop")
            assert response.status_code == 200, f"round {round_}: {response.text}"
            statuses = await events.ended()
        assert statuses[0] == "CHARGING", f"round {round_}: {statuses}"
        assert statuses[-1] == "CDR_AVAILABLE", f"round {round_}: {statuses}"

        answers = {
            "get-configuration": await command(pair.b, CP, "get-configuration", {"key": ["MeterValueSampleInterval"]}),
            "trigger-message": await command(
                pair.b, CP, "trigger-message", {"requestedMessage": "StatusNotification", "connectorId": 1}
            ),
            "change-availability off": await command(
                pair.b, CP, "change-availability", {"connectorId": 2, "type": "Inoperative"}
            ),
            "change-availability on": await command(
                pair.b, CP, "change-availability", {"connectorId": 2, "type": "Operative"}
            ),
            "unlock-connector": await command(pair.b, CP, "unlock-connector", {"connectorId": 1}),
        }
        failed = {name: r.text for name, r in answers.items() if r.status_code != 200}
        assert not failed, f"round {round_}: {failed}"
        results = {name: r.json()["result"] for name, r in answers.items()}
        assert [k["key"] for k in results["get-configuration"]["configurationKey"]] == ["MeterValueSampleInterval"]
        assert results["trigger-message"]["status"] == "Accepted", results
        assert results["change-availability off"]["status"] == "Accepted", results
        assert results["change-availability on"]["status"] == "Accepted", results
        assert results["unlock-connector"]["status"] == "Unlocked", results

        booted = station.boot_count + 1
        response = await command(pair.b, CP, "reset", {"type": "Soft"})
        assert response.status_code == 200, f"round {round_}: {response.text}"
        assert response.json()["result"]["status"] == "Accepted"
        # The soft reset reboots the charge point: it comes back to A, and B must find it there again.
        await station.wait_until(functools.partial(_booted, station, booted), timeout_s=15)
        assert station.current_endpoint.startswith(pair.a.ocpp_url)

    assert await pair.b.count(ChargeSession) == ROUNDS
    assert await pair.b.count(ChargeSession, ChargeSession.status == "CDR_AVAILABLE") == ROUNDS
    assert station.count_received("RemoteStartTransaction") == ROUNDS
    assert station.count_received("RemoteStopTransaction") == ROUNDS
