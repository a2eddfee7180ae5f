"""Simulated OCPP 1.6J charge points for demos, end-to-end tests and benchmarks.

A `SimulatedStation` is a real OCPP client built on the ``ocpp`` package: it connects over a WebSocket
(subprotocol ``ocpp1.6``, optional HTTP Basic auth), boots, heartbeats, reports connector status, runs
transactions with meter values following a battery power curve, answers the central system's CALLs,
and can be told to misbehave. `run_fleet` runs many of them in one process.

    config = StationConfig(charge_point_id="CP-1", url="ws://127.0.0.1:8000/ocpp", password="secret")
    async with SimulatedStation(config) as station:      # connects to .../ocpp/CP-1 in the background
        await station.wait_booted()
        tx = await station.start_rfid(1, "RFID-0001")    # Authorize, StartTransaction
        await station.wait_sent("MeterValues", count=3)
        await station.stop_local(1, reason="EVDisconnected")
"""

from chargeassist.simulator._config import StationConfig
from chargeassist.simulator._fleet import Fleet, FleetStatus, run_fleet
from chargeassist.simulator._model import (
    AuthorizationRejected,
    Connector,
    Exchange,
    StationError,
    StationOffline,
    Transaction,
)
from chargeassist.simulator._power_curve import BatteryModel, ChargeCurve
from chargeassist.simulator._station import SimulatedStation, StopReason

__all__ = [
    "AuthorizationRejected",
    "BatteryModel",
    "ChargeCurve",
    "Connector",
    "Exchange",
    "Fleet",
    "FleetStatus",
    "SimulatedStation",
    "StationConfig",
    "StationError",
    "StationOffline",
    "StopReason",
    "Transaction",
    "run_fleet",
]
