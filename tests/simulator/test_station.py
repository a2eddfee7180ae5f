"""A simulated station against a fake central system over real WebSockets."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import pytest
from ocpp.v16 import call
from websockets.exceptions import InvalidStatus

from chargeassist.simulator import AuthorizationRejected, SimulatedStation, StationError, StationOffline
from tests.simulator._central import FakeCentral, Record
from tests.simulator.conftest import StationFactory


def sampled(record: Record, measurand: str) -> list[dict[str, Any]]:
    return [
        value
        for meter_value in record.payload.get("meter_value", record.payload.get("transaction_data", []))
        for value in meter_value["sampled_value"]
        if value["measurand"] == measurand
    ]


def energy(record: Record) -> int:
    (value,) = sampled(record, "Energy.Active.Import.Register")
    return int(value["value"])


def statuses(central: FakeCentral, connector_id: int, cp_id: str = "CP-1") -> list[str]:
    return [
        r.payload["status"]
        for r in central.of("StatusNotification", cp_id)
        if r.payload["connector_id"] == connector_id
    ]


async def remote_start(central: FakeCentral, station: SimulatedStation, connector_id: int = 1) -> int:
    answer = await central.call(
        station.config.charge_point_id, call.RemoteStartTransaction(id_tag="APP-USER", connector_id=connector_id)
    )
    assert answer.status == "Accepted"
    return await station.wait_transaction(connector_id, timeout_s=5)


async def test_boot_and_status_notifications(central: FakeCentral, make_station: StationFactory) -> None:
    station = make_station(connector_count=3, vendor="Acme", model="Wallbox X", serial="SN-42", firmware="2.1.0")
    await station.start()
    await station.wait_booted(timeout_s=5)
    await central.wait_count("StatusNotification", 3)

    (boot,) = central.of("BootNotification")
    assert boot.payload == {
        "charge_point_vendor": "Acme",
        "charge_point_model": "Wallbox X",
        "charge_point_serial_number": "SN-42",
        "firmware_version": "2.1.0",
    }
    assert central.subprotocols["CP-1"] == ["ocpp1.6"]
    assert station.subprotocol == "ocpp1.6"
    first_statuses = central.records[1:4]
    assert [r.action for r in first_statuses] == ["StatusNotification"] * 3
    assert [(r.payload["connector_id"], r.payload["status"], r.payload["error_code"]) for r in first_statuses] == [
        (1, "Available", "NoError"),
        (2, "Available", "NoError"),
        (3, "Available", "NoError"),
    ]
    # No heartbeat override: the interval from the BootNotification answer is used.
    assert station.heartbeat_interval_s == 300
    assert station.configuration["HeartbeatInterval"] == "300"
    assert station.sent[0].response == {
        "currentTime": station.sent[0].result.current_time,
        "interval": 300,
        "status": "Accepted",
    }


async def test_heartbeats_at_configured_interval(central: FakeCentral, make_station: StationFactory) -> None:
    station = make_station(heartbeat_interval_s=0.05)
    await station.start()
    await station.wait_sent("Heartbeat", 3, timeout_s=5)
    assert len(central.of("Heartbeat")) >= 3
    assert station.heartbeat_interval_s == 0.05


async def test_boot_pending_is_retried(central: FakeCentral, make_station: StationFactory) -> None:
    central.boot_status = "Pending"
    central.heartbeat_interval = 0  # no wait between attempts other than the back-off
    station = make_station(reconnect_initial_s=0.02)
    await station.start()
    await central.wait_count("BootNotification", 2)
    assert not station.booted
    assert not central.of("StatusNotification")
    central.boot_status = "Accepted"
    await station.wait_booted(timeout_s=5)


async def test_basic_auth_header_is_sent(make_station: StationFactory) -> None:
    central = await FakeCentral(password="s3cret").start()
    try:
        good = make_station("CP-GOOD", url=central.url, password="s3cret")
        bad = make_station("CP-BAD", url=central.url, password="wrong")
        anonymous = make_station("CP-ANON", url=central.url)
        for station in (good, bad, anonymous):
            await station.start()
        await good.wait_booted(timeout_s=5)
        await bad.wait_until(lambda: bad.connect_failures >= 2, timeout_s=5)
        await anonymous.wait_until(lambda: anonymous.connect_failures >= 1, timeout_s=5)

        token = base64.b64encode(b"CP-GOOD:s3cret").decode()
        assert central.auth_headers["CP-GOOD"] == [f"Basic {token}"]
        assert central.auth_headers["CP-ANON"][0] is None
        assert not bad.booted
        assert not anonymous.booted
        assert isinstance(bad.last_error, InvalidStatus)
        assert bad.last_error.response.status_code == 401
        for station in (good, bad, anonymous):
            await station.stop()
    finally:
        await central.close()


async def test_remote_start_meter_values_remote_stop(central: FakeCentral, make_station: StationFactory) -> None:
    station = make_station(time_scale=100.0, initial_meter_wh=12_345.6, max_power_kw=11.0)
    await station.start()
    await station.wait_booted(timeout_s=5)

    tx_id = await remote_start(central, station)
    (start,) = central.of("StartTransaction")
    assert start.payload["connector_id"] == 1
    assert start.payload["id_tag"] == "APP-USER"
    assert start.payload["meter_start"] == 12_345
    assert station.transactions == {1: tx_id}
    await station.wait_status(1, "Charging")

    await central.wait_count("MeterValues", 6)
    answer = await central.call("CP-1", call.RemoteStopTransaction(transaction_id=tx_id))
    assert answer.status == "Accepted"
    (stop,) = await central.wait_count("StopTransaction")
    await station.wait_sent("StopTransaction")

    meter_values = central.of("MeterValues")
    assert all(r.seq < stop.seq for r in meter_values)
    for record in meter_values:
        assert record.payload["transaction_id"] == tx_id
        assert record.payload["connector_id"] == 1
        (meter_value,) = record.payload["meter_value"]
        units = {v["measurand"]: v["unit"] for v in meter_value["sampled_value"]}
        assert units == {
            "Energy.Active.Import.Register": "Wh",
            "Power.Active.Import": "W",
            "Current.Import": "A",
            "SoC": "Percent",
        }
        assert {v["context"] for v in meter_value["sampled_value"]} == {"Sample.Periodic"}
        assert float(sampled(record, "Power.Active.Import")[0]["value"]) == 11_000.0
        assert float(sampled(record, "Current.Import")[0]["value"]) == pytest.approx(11_000 / 690, abs=0.01)
    energies = [energy(r) for r in meter_values]
    assert energies == sorted(energies)
    assert energies[-1] > energies[0] >= 12_345

    # Energy matches the power curve over the reported (wall-clock) time, fast-forwarded 100x.
    first, last = meter_values[0], meter_values[-1]
    seconds = (
        _parse(last.payload["meter_value"][0]["timestamp"]) - _parse(first.payload["meter_value"][0]["timestamp"])
    ) * 100.0
    assert energies[-1] - energies[0] == pytest.approx(11_000.0 * seconds / 3600.0, rel=0.05, abs=2.0)

    assert stop.payload["transaction_id"] == tx_id
    assert stop.payload["reason"] == "Remote"
    begin, end = stop.payload["transaction_data"]
    assert {v["context"] for v in begin["sampled_value"]} == {"Transaction.Begin"}
    assert {v["context"] for v in end["sampled_value"]} == {"Transaction.End"}
    assert end["timestamp"] == stop.payload["timestamp"]
    end_energy = int(
        next(v for v in end["sampled_value"] if v["measurand"] == "Energy.Active.Import.Register")["value"]
    )
    assert stop.payload["meter_stop"] == end_energy >= energies[-1]
    assert station.transactions == {}
    await central.wait_for(lambda: statuses(central, 1)[-1] == "Finishing")
    assert statuses(central, 1) == ["Available", "Preparing", "Charging", "Finishing"]
    await station.unplug(1)
    await station.wait_status(1, "Available")


def _parse(timestamp: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()


async def test_remote_stop_of_unknown_transaction_is_rejected(central: FakeCentral, station: SimulatedStation) -> None:
    answer = await central.call("CP-1", call.RemoteStopTransaction(transaction_id=999_999))
    assert answer.status == "Rejected"


async def test_reject_remote_start_flag(central: FakeCentral, make_station: StationFactory) -> None:
    station = make_station(reject_remote_start=True)
    await station.start()
    await station.wait_booted(timeout_s=5)
    answer = await central.call("CP-1", call.RemoteStartTransaction(id_tag="APP-USER", connector_id=1))
    assert answer.status == "Rejected"
    await asyncio.sleep(0.2)
    assert not central.of("StartTransaction")
    assert station.connectors[1].status == "Available"


async def test_authorize_remote_tx_requests(central: FakeCentral, make_station: StationFactory) -> None:
    station = make_station(authorize_remote_starts=True)
    await station.start()
    await station.wait_booted(timeout_s=5)
    await remote_start(central, station)
    authorize, start = central.of("Authorize")[0], central.of("StartTransaction")[0]
    assert authorize.payload["id_tag"] == "APP-USER"
    assert authorize.seq < start.seq


async def test_never_answer_flag(central: FakeCentral, make_station: StationFactory) -> None:
    station = make_station(never_answer=True)
    await station.start()
    await station.wait_booted(timeout_s=5)
    central.cps["CP-1"]._response_timeout = 0.3
    with pytest.raises(TimeoutError):
        await central.call("CP-1", call.RemoteStartTransaction(id_tag="APP-USER", connector_id=1))
    (received,) = station.received_of("RemoteStartTransaction")
    assert received.request == {"idTag": "APP-USER", "connectorId": 1}
    assert not received.done
    assert received.response is None
    assert not central.of("StartTransaction")


async def test_drop_and_replay_in_order(central: FakeCentral, make_station: StationFactory) -> None:
    station = make_station(time_scale=50.0)
    await station.start()
    await station.wait_booted(timeout_s=5)
    tx_id = await remote_start(central, station)
    await central.wait_count("MeterValues", 2)

    await station.drop_connection(offline_s=0.4)
    assert not station.connected
    tx = station.connectors[1].transaction
    assert tx is not None
    queued_at_drop = tx.meter_values_queued
    await station.wait_until(lambda: tx.meter_values_queued >= queued_at_drop + 4, timeout_s=5)
    assert station.outbox_size >= 3  # kept while offline

    await station.wait_booted(timeout_s=5)
    await station.wait_until(lambda: station.outbox_size == 0, timeout_s=5)
    await central.call("CP-1", call.RemoteStopTransaction(transaction_id=tx_id))
    (stop,) = await central.wait_count("StopTransaction")
    await station.wait_sent("StopTransaction")

    assert central.connections("CP-1") == 2
    periodic = [r for r in central.of("MeterValues") if sampled(r, "Energy.Active.Import.Register")]
    timestamps = [r.payload["meter_value"][0]["timestamp"] for r in periodic]
    # In order; an aborted in-flight message may legitimately arrive twice.
    assert timestamps == sorted(timestamps)
    assert len(set(timestamps)) == tx.meter_values_queued
    energies = [energy(r) for r in periodic]
    assert energies == sorted(energies)
    # Samples taken while offline reached the central system on the second connection after the new
    # BootNotification, carrying their original timestamps.
    reboot = central.of("BootNotification")[1]
    replayed = [
        r for r in periodic if r.connection == 2 and r.payload["meter_value"][0]["timestamp"] < reboot.received_at
    ]
    assert len(replayed) >= 4
    assert all(r.seq > reboot.seq for r in replayed)
    assert all(r.payload["transaction_id"] == tx_id for r in periodic)
    assert stop.connection == 2
    assert all(r.seq < stop.seq for r in periodic)
    assert any(e.replay for e in station.sent_of("MeterValues"))


async def test_offline_start_is_queued_and_replayed(central: FakeCentral, station: SimulatedStation) -> None:
    await station.drop_connection(offline_s=0.3)
    tx = await station.start_rfid(2, "OFFLINE-TAG")
    assert tx.transaction_id is None  # nobody to ask yet
    await station.wait_booted(timeout_s=5)
    tx_id = await station.wait_transaction(2, timeout_s=5)
    (start,) = central.of("StartTransaction")
    assert start.payload["id_tag"] == "OFFLINE-TAG"
    assert start.payload["timestamp"] == tx.started_at
    assert not central.of("Authorize")  # LocalAuthorizeOffline
    await station.stop_local(2, reason="EVDisconnected")
    (stop,) = await central.wait_count("StopTransaction")
    assert stop.payload["transaction_id"] == tx_id


async def test_retry_transaction_messages_flag(central: FakeCentral, make_station: StationFactory) -> None:
    station = make_station(retry_transaction_messages=True)
    await station.start()
    await station.wait_booted(timeout_s=5)
    tx_id = await remote_start(central, station)
    await station.wait_sent("StartTransaction")
    await station.drop_connection(offline_s=0.05)
    await station.wait_booted(timeout_s=5)
    first, again = await central.wait_count("StartTransaction", 2)
    assert first.payload == again.payload
    assert again.connection == 2
    assert station.transactions == {1: tx_id}
    assert again.answer == {"transaction_id": tx_id}
    assert station.sent_of("StartTransaction")[-1].replay


async def test_rfid_local_start_and_stop(central: FakeCentral, station: SimulatedStation) -> None:
    await station.plug_in(1)
    await station.wait_status(1, "Preparing")
    tx = await station.start_rfid(1, "RFID-0001")
    assert tx.transaction_id is not None
    assert station.transactions == {1: tx.transaction_id}
    (authorize,) = central.of("Authorize")
    (start,) = central.of("StartTransaction")
    assert authorize.payload == {"id_tag": "RFID-0001"}
    assert authorize.seq < start.seq
    assert start.payload["id_tag"] == "RFID-0001"
    await station.wait_sent("MeterValues", 2)

    await station.stop_local(1, reason="Local")
    (stop,) = central.of("StopTransaction")
    assert stop.payload["reason"] == "Local"
    assert stop.payload["id_tag"] == "RFID-0001"
    assert stop.payload["meter_stop"] == tx.meter_stop
    assert station.connectors[1].status == "Finishing"
    await station.unplug(1)
    await station.wait_status(1, "Available")
    await central.wait_for(lambda: statuses(central, 1)[-1] == "Available")
    assert statuses(central, 1) == ["Available", "Preparing", "Charging", "Finishing", "Available"]

    # Pulling the cable ends the transaction and frees the connector at once.
    await station.start_rfid(2)
    await station.stop_local(2, reason="EVDisconnected")
    stop2 = central.of("StopTransaction")[1]
    assert stop2.payload["reason"] == "EVDisconnected"
    assert "id_tag" not in stop2.payload
    await central.wait_for(lambda: statuses(central, 2)[-1] == "Available")
    assert statuses(central, 2) == ["Available", "Preparing", "Charging", "Available"]


async def test_rfid_blocked_tag(central: FakeCentral, station: SimulatedStation) -> None:
    central.blocked_tags.add("STOLEN")
    with pytest.raises(AuthorizationRejected) as caught:
        await station.start_rfid(1, "STOLEN")
    assert caught.value.status == "Blocked"
    assert not central.of("StartTransaction")
    with pytest.raises(StationError):
        await station.stop_local(1)


async def test_trigger_message(central: FakeCentral, station: SimulatedStation) -> None:
    await central.wait_count("StatusNotification", 2)
    before = len(central.of("StatusNotification"))
    answer = await central.call("CP-1", call.TriggerMessage(requested_message="StatusNotification", connector_id=2))
    assert answer.status == "Accepted"
    triggered = (await central.wait_count("StatusNotification", before + 1))[-1]
    assert triggered.payload["connector_id"] == 2
    assert triggered.payload["status"] == "Available"

    assert (await central.call("CP-1", call.TriggerMessage(requested_message="Heartbeat"))).status == "Accepted"
    await central.wait_count("Heartbeat")

    await remote_start(central, station)
    answer = await central.call("CP-1", call.TriggerMessage(requested_message="MeterValues", connector_id=1))
    assert answer.status == "Accepted"
    await central.wait_for(
        lambda: any(
            v["context"] == "Trigger"
            for r in central.of("MeterValues")
            for v in r.payload["meter_value"][0]["sampled_value"]
        )
    )

    answer = await central.call("CP-1", call.TriggerMessage(requested_message="StatusNotification", connector_id=9))
    assert answer.status == "Rejected"


async def test_get_and_change_configuration(central: FakeCentral, station: SimulatedStation) -> None:
    answer = await central.call("CP-1", call.GetConfiguration(key=["HeartbeatInterval", "NoSuchKey"]))
    assert answer.configuration_key == [{"key": "HeartbeatInterval", "readonly": False, "value": "300"}]
    assert answer.unknown_key == ["NoSuchKey"]

    everything = await central.call("CP-1", call.GetConfiguration())
    keys = {entry["key"]: entry for entry in everything.configuration_key}
    assert keys["NumberOfConnectors"] == {"key": "NumberOfConnectors", "readonly": True, "value": "2"}
    assert "MeterValueSampleInterval" in keys
    assert "AuthorizationKey" not in keys

    async def change(key: str, value: str) -> str:
        result = await central.call("CP-1", call.ChangeConfiguration(key=key, value=value))
        return str(result.status)

    assert await change("MeterValueSampleInterval", "30") == "Accepted"
    assert station.configuration["MeterValueSampleInterval"] == "30"
    assert await change("HeartbeatInterval", "not-a-number") == "Rejected"
    assert await change("NumberOfConnectors", "4") == "Rejected"
    assert await change("NoSuchKey", "1") == "NotSupported"
    assert await change("MeterValuesSampledData", "Energy.Active.Import.Register") == "Accepted"

    # A shorter heartbeat applies at once.
    assert await change("HeartbeatInterval", "0.05") == "Accepted"
    await station.wait_sent("Heartbeat", 2, timeout_s=5)


async def test_reset_stops_transactions_and_reboots(central: FakeCentral, station: SimulatedStation) -> None:
    await remote_start(central, station)
    assert (await central.call("CP-1", call.Reset(type="Soft"))).status == "Accepted"
    (stop,) = await central.wait_count("StopTransaction")
    assert stop.payload["reason"] == "SoftReset"
    await central.wait_count("BootNotification", 2)
    await station.wait_booted(timeout_s=5)
    assert station.boot_count == 2


async def test_unlock_and_change_availability(central: FakeCentral, station: SimulatedStation) -> None:
    await remote_start(central, station, connector_id=1)
    answer = await central.call("CP-1", call.ChangeAvailability(connector_id=0, type="Inoperative"))
    assert answer.status == "Scheduled"  # connector 1 is busy
    await station.wait_status(2, "Unavailable")

    assert (await central.call("CP-1", call.UnlockConnector(connector_id=1))).status == "Unlocked"
    (stop,) = await central.wait_count("StopTransaction")
    assert stop.payload["reason"] == "UnlockCommand"
    await station.wait_status(1, "Unavailable")
    assert (await central.call("CP-1", call.UnlockConnector(connector_id=7))).status == "NotSupported"

    answer = await central.call("CP-1", call.RemoteStartTransaction(id_tag="APP-USER"))
    assert answer.status == "Rejected"
    answer = await central.call("CP-1", call.ChangeAvailability(connector_id=0, type="Operative"))
    assert answer.status == "Accepted"
    await station.wait_status(1, "Available")
    await station.wait_status(2, "Available")


async def test_data_transfer_both_ways(central: FakeCentral, station: SimulatedStation) -> None:
    answer = await central.call("CP-1", call.DataTransfer(vendor_id="Acme", message_id="echo", data="hello"))
    assert (answer.status, answer.data) == ("Accepted", "hello")
    result = await station.data_transfer("ChargeAssist", "ping", "x")
    assert result.data == "pong"
    (record,) = central.of("DataTransfer")
    assert record.payload == {"vendor_id": "ChargeAssist", "message_id": "ping", "data": "x"}


async def test_send_raw(central: FakeCentral, station: SimulatedStation) -> None:
    # Not JSON: the ocpp package on the central side drops it without an answer.
    assert await station.send_raw("this is not json", timeout_s=0.3) is None

    reply = await station.send_raw('[2,"raw-1","NoSuchAction",{}]')
    assert reply is not None
    frame = json.loads(reply)
    assert frame[:3] == [4, "raw-1", "NotSupported"]

    reply = await station.send_raw('[2,"raw-2","Heartbeat",{}]')
    assert reply is not None
    assert json.loads(reply)[:2] == [3, "raw-2"]

    reply = await station.send_raw('[2,"raw-3","StatusNotification",{"connectorId":"one"}]')
    assert reply is not None
    assert json.loads(reply)[0] == 4

    # The regular traffic is undisturbed afterwards.
    await station.heartbeat()


async def test_stop_is_idempotent_and_leaves_nothing_running(
    central: FakeCentral, make_station: StationFactory
) -> None:
    station = make_station(heartbeat_interval_s=0.05)
    await station.stop()  # before start: nothing to do
    station = make_station("CP-2", heartbeat_interval_s=0.05)
    await station.start()
    await station.wait_booted(timeout_s=5)
    await station.start_rfid(1)
    await station.stop()
    await station.stop()
    assert not station.connected
    assert not station._tasks
    assert not station._session_tasks
    with pytest.raises(StationOffline):
        await station.heartbeat()
    # A clean close handshake, not an aborted socket.
    assert central.cps["CP-2"].ws.close_code == 1000


async def test_reconnects_after_central_restart(make_station: StationFactory) -> None:
    central = await FakeCentral().start()
    port = central.port_in_use
    station = make_station("CP-R", url=central.url)
    await station.start()
    await station.wait_booted(timeout_s=5)
    await central.close()
    await station.wait_until(lambda: not station.connected, timeout_s=5)

    restarted = await FakeCentral(port=port).start()
    try:
        await station.wait_booted(timeout_s=5)
        assert station.connect_count == 2
        assert restarted.of("BootNotification")
        await station.stop()
    finally:
        await restarted.close()


async def test_offline_meter_values_are_bounded(central: FakeCentral, make_station: StationFactory) -> None:
    station = make_station(meter_value_queue_limit=3, meter_interval_s=0.02)
    await station.start()
    await station.wait_booted(timeout_s=5)
    tx_id = await remote_start(central, station)
    await station.drop_connection(offline_s=0.3)
    await station.wait_until(lambda: station.meter_values_dropped >= 3, timeout_s=5)
    await station.stop_local(1)
    assert station.outbox_size == 3 + 1  # the three newest samples, then StopTransaction
    await station.wait_booted(timeout_s=5)
    (stop,) = await central.wait_count("StopTransaction")
    assert stop.payload["transaction_id"] == tx_id


async def test_remote_start_waits_for_the_cable_when_told_to(
    central: FakeCentral, make_station: StationFactory
) -> None:
    station = make_station(remote_start_waits_for_plug=True)
    await station.start()
    await station.wait_booted(timeout_s=5)
    answer = await central.call("CP-1", call.RemoteStartTransaction(id_tag="APP-USER", connector_id=1))
    assert answer.status == "Accepted"
    await station.wait_status(1, "Preparing")
    await asyncio.sleep(0.2)
    assert not central.of("StartTransaction")
    await station.plug_in(1)
    await station.wait_transaction(1, timeout_s=5)
    assert len(central.of("StartTransaction")) == 1


async def test_remote_start_without_a_cable_gives_up_after_the_connection_timeout(
    central: FakeCentral, make_station: StationFactory
) -> None:
    station = make_station(remote_start_waits_for_plug=True)
    await station.start()
    await station.wait_booted(timeout_s=5)
    changed = await central.call("CP-1", call.ChangeConfiguration(key="ConnectionTimeOut", value="0.2"))
    assert changed.status == "Accepted"
    await central.call("CP-1", call.RemoteStartTransaction(id_tag="APP-USER", connector_id=1))
    await station.wait_status(1, "Preparing")
    await station.wait_status(1, "Available", timeout_s=5)
    assert not central.of("StartTransaction")
