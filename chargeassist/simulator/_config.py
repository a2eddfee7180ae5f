"""Configuration of one simulated charge point."""

from __future__ import annotations

from dataclasses import dataclass, field

from chargeassist.simulator._power_curve import BatteryModel

__all__ = ["StationConfig"]


@dataclass(frozen=True, kw_only=True, slots=True)
class StationConfig:
    """Everything that describes a simulated station; immutable, so it can be shared and copied."""

    charge_point_id: str
    """OCPP charge point identity; the last path segment of the WebSocket URL and the Basic-auth user."""

    url: str
    """Central system base URL such as ``ws://127.0.0.1:8000/ocpp``; the station connects to
    ``{url}/{charge_point_id}``."""

    fallback_urls: tuple[str, ...] = ()
    """Other central system base URLs of the same deployment (another process, another load balancer), tried in
    turn after `url`: each failed connection attempt moves the station to the next one, wrapping round to `url`,
    and it stays on the one that let it in. So when the process holding it dies, it reconnects to another."""

    password: str | None = None
    """HTTP Basic password sent on the WebSocket upgrade (OCPP security profile 1/2); `None` sends no
    ``Authorization`` header."""

    connector_count: int = 2
    """Number of connectors, numbered from 1."""

    vendor: str = "ChargeAssist"
    """``chargePointVendor`` in BootNotification (at most 20 characters)."""

    model: str = "Simulator"
    """``chargePointModel`` in BootNotification (at most 20 characters)."""

    serial: str | None = None
    """``chargePointSerialNumber`` in BootNotification (at most 25 characters); omitted when `None`."""

    firmware: str = "1.0.0"
    """``firmwareVersion`` in BootNotification (at most 50 characters)."""

    meter_interval_s: float = 10.0
    """Seconds between periodic MeterValues during a transaction; fractions are allowed so tests run fast.
    Also reported and changeable as ``MeterValueSampleInterval``."""

    heartbeat_interval_s: float | None = None
    """Heartbeat period in seconds; `None` uses the interval from the BootNotification answer.
    Zero disables heartbeats."""

    max_power_kw: float = 11.0
    """Maximum power per connector in kW (e.g. 11 for AC wallboxes, 50 for DC chargers)."""

    phases: int = 3
    """Number of phases the current is spread over; used to derive ``Current.Import`` from power."""

    voltage_v: float = 230.0
    """Voltage per phase (AC) or DC link voltage; used to derive ``Current.Import`` from power."""

    battery: BatteryModel = field(default_factory=BatteryModel)
    """EV assumed to be plugged in when a transaction starts without an explicit `plug_in` EV."""

    initial_meter_wh: float = 0.0
    """Lifetime energy register of every connector at start-up, in Wh."""

    id_tag: str = "SIMTAG"
    """RFID tag used by local starts when none is given (at most 20 characters)."""

    time_scale: float = 1.0
    """Simulated seconds of charging per wall-clock second; values above 1 fast-forward the power curve
    for demos. Message timestamps always use the wall clock."""

    remote_start_waits_for_plug: bool = False
    """A remote start on a connector with no cable plugged in waits for `SimulatedStation.plug_in` (at most
    ``ConnectionTimeOut`` seconds, then gives up without a transaction), as real charge points do; by default
    the EV is taken to be plugged in at once."""

    authorize_remote_starts: bool = False
    """Initial ``AuthorizeRemoteTxRequests``: send Authorize before starting a remotely started
    transaction."""

    reject_remote_start: bool = False
    """Misbehaviour: answer every RemoteStartTransaction with ``Rejected``."""

    never_answer: bool = False
    """Misbehaviour: receive CALLs from the central system but never respond to them."""

    drop_after_s: float | None = None
    """Misbehaviour: abort the connection this many seconds after every accepted boot (then reconnect)."""

    retry_transaction_messages: bool = False
    """Misbehaviour: after each reconnect, send the last answered StartTransaction or StopTransaction
    again, as if its answer had been lost."""

    auto_unplug_s: float | None = None
    """Unplug the cable this many seconds after a transaction ends with the cable still plugged
    (status Finishing); `None` waits for `unplug()`."""

    meter_value_queue_limit: int = 10_000
    """Most periodic MeterValues kept in the outbox (offline, or when the central system falls behind);
    beyond it the oldest are discarded. Start/StopTransaction are never discarded."""

    response_timeout_s: float = 30.0
    """How long to wait for the answer to a CALL before treating it as lost."""

    transaction_message_attempts: int = 3
    """Initial ``TransactionMessageAttempts``: sends of a transaction message whose answer times out."""

    transaction_message_retry_interval_s: float = 10.0
    """Initial ``TransactionMessageRetryInterval``: pause before re-sending an unanswered transaction
    message."""

    reconnect_initial_s: float = 1.0
    """First back-off delay after a failed connection attempt or a dropped connection."""

    reconnect_max_s: float = 30.0
    """Upper bound for the exponential reconnect back-off."""

    open_timeout_s: float = 10.0
    """Timeout for the TCP connect and WebSocket handshake."""

    close_timeout_s: float = 2.0
    """How long a clean close waits for the central system's close frame."""

    ping_interval_s: float | None = 20.0
    """WebSocket keep-alive ping period; `None` disables pings."""

    validate_messages: bool = True
    """Validate outgoing CALLs and their answers against the OCPP JSON schemas; switching it off saves
    two thread-pool hops per message in large benchmarks."""

    log_limit: int | None = 1000
    """Most recent exchanges kept in `SimulatedStation.sent` / `.received`; `None` keeps everything."""

    def __post_init__(self) -> None:
        if not self.url.startswith(("ws://", "wss://")):
            raise ValueError("url must be a ws:// or wss:// URL")
        if not all(fallback.startswith(("ws://", "wss://")) for fallback in self.fallback_urls):
            raise ValueError("fallback_urls must be ws:// or wss:// URLs")
        if not self.charge_point_id or "/" in self.charge_point_id:
            raise ValueError("charge_point_id must be a non-empty path segment")
        if self.connector_count < 1:
            raise ValueError("connector_count must be at least 1")
        if self.meter_interval_s <= 0:
            raise ValueError("meter_interval_s must be positive")
        if self.heartbeat_interval_s is not None and self.heartbeat_interval_s < 0:
            raise ValueError("heartbeat_interval_s must not be negative")
        if self.max_power_kw <= 0 or self.voltage_v <= 0 or self.phases < 1:
            raise ValueError("max_power_kw, voltage_v and phases must be positive")
        if self.time_scale <= 0:
            raise ValueError("time_scale must be positive")
        if self.meter_value_queue_limit < 1:
            raise ValueError("meter_value_queue_limit must be at least 1")
        if self.transaction_message_attempts < 1:
            raise ValueError("transaction_message_attempts must be at least 1")
        if len(self.id_tag) > 20:
            raise ValueError("id_tag is a CiString20")

    @property
    def endpoint(self) -> str:
        """Full WebSocket URL of this station at `url`."""
        return f"{self.url.rstrip('/')}/{self.charge_point_id}"

    @property
    def endpoints(self) -> tuple[str, ...]:
        """Full WebSocket URLs of this station, in the order they are tried: `url`, then `fallback_urls`."""
        return tuple(f"{base.rstrip('/')}/{self.charge_point_id}" for base in (self.url, *self.fallback_urls))
