"""The charging session state machine, its deadlines and the meter data it is priced from (pure, no I/O).

A session moves only through :func:`apply`; every event is allowed in every status and either moves the
session on, leaves it where it is (events that arrive late or twice, in any order), or asks the caller to
act (:class:`Effect`). Statuses follow Charge Assist:

```
REQUESTED --accepted--> STARTING --transaction started--> CHARGING <--> PARKING
    |  \\--rejected--> REJECTED       |                         |
    |   \\--failed--> ERROR           |                         +--stop--> STOPPING
    +--deadline--> TIMEOUT <--deadline+                         |             |
    +--stop--> CANCELLED <--stop------+   transaction stopped or lost (any of the three)
                                                                v
                                         COMPLETED --priced--> CDR_AVAILABLE
```

A transaction started at the charger by RFID enters at ``CHARGING``. A StartTransaction that arrives for a
session that already ended (timed out, cancelled) is refused, so the charge point stops it and nobody is
billed for energy the app was told would not flow. ``PARKING`` is a running transaction that draws no
energy (the charge point reports SuspendedEV or SuspendedEVSE). A transaction the charge point lost (it
rebooted without it) ends the session like a stop, so nothing stays CHARGING that no charge point charges.

Money moves only as effects: a session paid with a hold starts with :data:`Effect.AUTHORIZE_PAYMENT` and
asks the charge point for nothing until the hold is in place (``PAYMENT_AUTHORIZED`` then asks for the
remote start); the CDR asks for the capture; every way of ending without charging asks for the hold to be
released. What each payment step does with the money is :mod:`chargeassist.domain.payments`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Final, Literal

import msgspec

from chargeassist.domain.tariffs import MeterSample

__all__ = [
    "ACTIVE_STATUSES",
    "FINAL_STATUSES",
    "SESSION_STATUSES",
    "Effect",
    "LiveFigures",
    "MeterReading",
    "SessionEvent",
    "SessionStatus",
    "Timeouts",
    "Transition",
    "apply",
    "begin",
    "deadline",
    "live_figures",
    "next_status_call",
    "pricing_samples",
]

SessionStatus = Literal[
    "REQUESTED",
    "REJECTED",
    "STARTING",
    "CHARGING",
    "STOPPING",
    "COMPLETED",
    "CDR_AVAILABLE",
    "PARKING",
    "TIMEOUT",
    "CANCELLED",
    "ERROR",
]
SESSION_STATUSES: Final[tuple[SessionStatus, ...]] = (
    "REQUESTED",
    "REJECTED",
    "STARTING",
    "CHARGING",
    "STOPPING",
    "COMPLETED",
    "CDR_AVAILABLE",
    "PARKING",
    "TIMEOUT",
    "CANCELLED",
    "ERROR",
)
FINAL_STATUSES: Final[frozenset[SessionStatus]] = frozenset(
    {"REJECTED", "CDR_AVAILABLE", "TIMEOUT", "CANCELLED", "ERROR"}
)
"""Nothing changes a session any more once it is in one of these."""
ACTIVE_STATUSES: Final[frozenset[SessionStatus]] = frozenset(
    {"REQUESTED", "STARTING", "CHARGING", "PARKING", "STOPPING"}
)
"""A session in one of these occupies its EVSE: the same app token cannot start another one there."""


class SessionEvent(enum.Enum):
    """What can happen to a session."""

    START_ACCEPTED = "start_accepted"
    """The charge point answered RemoteStartTransaction with Accepted."""
    START_REJECTED = "start_rejected"
    """The charge point answered RemoteStartTransaction with Rejected."""
    START_FAILED = "start_failed"
    """RemoteStartTransaction could not be delivered (the connection was lost) or got a CALLERROR."""
    TRANSACTION_STARTED = "transaction_started"
    """StartTransaction arrived for this session."""
    CHARGING_SUSPENDED = "charging_suspended"
    """The connector reports SuspendedEV or SuspendedEVSE during the transaction."""
    CHARGING_RESUMED = "charging_resumed"
    """The connector reports Charging again."""
    STOP_REQUESTED = "stop_requested"
    """The driver asked to stop through the API."""
    STOP_REJECTED = "stop_rejected"
    """The charge point refused RemoteStopTransaction (or it could not be delivered)."""
    TRANSACTION_STOPPED = "transaction_stopped"
    """StopTransaction arrived: the app, the cable or an RFID card ended it."""
    TRANSACTION_LOST = "transaction_lost"
    """The charge point no longer has the session's transaction (it came back from a reboot without it,
    reports the connector free, started another transaction there, or refuses to stop a transaction it does
    not know). The session ends as if stopped at its last reading; it is priced after a grace period, in case
    the charge point's own StopTransaction still arrives and replaces the estimate."""
    PRICED = "priced"
    """The tariff engine priced the meter data."""
    DEADLINE_PASSED = "deadline_passed"
    """The deadline of REQUESTED or STARTING passed (see :func:`deadline`)."""
    PAYMENT_AUTHORIZED = "payment_authorized"
    """The payment hold is in place (at once, or after the driver completed 3-D Secure)."""
    PAYMENT_DECLINED = "payment_declined"
    """The hold was refused after the start was accepted (the driver failed or abandoned 3-D Secure, or the
    card was declined once authenticated). A decline within the start request creates no session at all."""


class Effect(enum.Enum):
    """Work a transition asks the caller to do."""

    SEND_REMOTE_STOP = "send_remote_stop"
    """Send RemoteStopTransaction for the session's transaction."""
    REFUSE_TRANSACTION = "refuse_transaction"
    """Answer the StartTransaction with an idTagInfo that is not Accepted."""
    PRICE = "price"
    """Price the session's meter data."""
    AUTHORIZE_PAYMENT = "authorize_payment"
    """Place the payment hold; nothing is sent to the charge point before it is in place."""
    SEND_REMOTE_START = "send_remote_start"
    """Send RemoteStartTransaction: the session is paid for (or needs no hold)."""
    CAPTURE_PAYMENT = "capture_payment"
    """Take the priced total from the hold (and any difference above it off-session)."""
    RELEASE_PAYMENT = "release_payment"
    """Give the hold back: the session ended without charging anything."""


@dataclass(frozen=True, slots=True)
class Transition:
    """Where an event leaves a session and what the caller must do."""

    status: SessionStatus
    changed: bool
    effects: frozenset[Effect] = frozenset()


_NONE: frozenset[Effect] = frozenset()
_RUNNING: frozenset[SessionStatus] = frozenset({"CHARGING", "PARKING", "STOPPING"})
_NOT_STARTED: frozenset[SessionStatus] = frozenset({"REQUESTED", "STARTING"})
# Every way a session ends before a transaction ran: whatever was held for it goes back.
_ENDED_UNCHARGED: frozenset[SessionStatus] = frozenset({"REJECTED", "TIMEOUT", "CANCELLED", "ERROR"})


def begin(*, holds_payment: bool) -> frozenset[Effect]:
    """What a new app session asks for first: the hold when its payment method takes one, else the start."""
    return frozenset({Effect.AUTHORIZE_PAYMENT if holds_payment else Effect.SEND_REMOTE_START})


def _to(status: SessionStatus, *effects: Effect) -> tuple[SessionStatus, frozenset[Effect]]:
    return status, frozenset(effects)


def _next(status: SessionStatus, event: SessionEvent) -> tuple[SessionStatus, frozenset[Effect]] | None:
    """The new status and effects, or None when the event changes nothing in this status."""
    match event:
        case SessionEvent.START_ACCEPTED if status == "REQUESTED":
            return _to("STARTING")
        case SessionEvent.START_REJECTED if status == "REQUESTED":
            return _to("REJECTED")
        case SessionEvent.START_FAILED if status == "REQUESTED":
            return _to("ERROR")
        case SessionEvent.TRANSACTION_STARTED:
            if status in _NOT_STARTED:
                return _to("CHARGING")
            if status in FINAL_STATUSES or status == "COMPLETED":
                # A session whose transaction ended takes no second one: nobody asked for it.
                return status, frozenset({Effect.REFUSE_TRANSACTION})
            return None
        case SessionEvent.CHARGING_SUSPENDED if status == "CHARGING":
            return _to("PARKING")
        case SessionEvent.CHARGING_RESUMED if status == "PARKING":
            return _to("CHARGING")
        case SessionEvent.STOP_REQUESTED:
            if status in _NOT_STARTED:
                return _to("CANCELLED")
            if status in {"CHARGING", "PARKING"}:
                return _to("STOPPING", Effect.SEND_REMOTE_STOP)
            return None
        case SessionEvent.STOP_REJECTED if status == "STOPPING":
            return _to("CHARGING")
        case SessionEvent.TRANSACTION_STOPPED if status in _RUNNING or status in _NOT_STARTED:
            return _to("COMPLETED", Effect.PRICE)
        case SessionEvent.TRANSACTION_LOST if status in _RUNNING:
            return _to("COMPLETED")
        case SessionEvent.PRICED if status == "COMPLETED":
            return _to("CDR_AVAILABLE", Effect.CAPTURE_PAYMENT)
        case SessionEvent.DEADLINE_PASSED if status in _NOT_STARTED:
            return _to("TIMEOUT")
        case SessionEvent.PAYMENT_AUTHORIZED if status == "REQUESTED":
            # The status stays: the session is still waiting for the charge point, which is asked only now.
            return _to("REQUESTED", Effect.SEND_REMOTE_START)
        case SessionEvent.PAYMENT_DECLINED if status == "REQUESTED":
            return _to("REJECTED")
    return None


def apply(status: SessionStatus, event: SessionEvent) -> Transition:
    """The transition ``event`` causes in ``status``."""
    found = _next(status, event)
    if found is None:
        return Transition(status=status, changed=False)
    new_status, effects = found
    if new_status in _ENDED_UNCHARGED and new_status != status:
        effects = effects | {Effect.RELEASE_PAYMENT}
    return Transition(status=new_status, changed=new_status != status, effects=effects)


@dataclass(frozen=True, slots=True)
class Timeouts:
    """How long a session may wait for the charge point before it ends in TIMEOUT."""

    remote_start: timedelta
    """From the request until the charge point answers RemoteStartTransaction."""
    start_transaction: timedelta
    """From the Accepted answer until StartTransaction."""
    payment_action: timedelta = timedelta(minutes=10)
    """From the request until the driver has completed what the card issuer asked (3-D Secure)."""


def deadline(
    status: SessionStatus,
    *,
    requested_at: datetime,
    start_answered_at: datetime | None,
    timeouts: Timeouts,
    awaiting_payment: bool = False,
    authorized_at: datetime | None = None,
) -> datetime | None:
    """When the session times out if nothing happens first; None in statuses that cannot time out.

    A session waiting for the driver to authenticate the hold has the payment's own, longer deadline; once
    the hold is in place the charge point's clock starts from then, not from the request.
    """
    if status == "REQUESTED":
        if awaiting_payment:
            return requested_at + timeouts.payment_action
        return (authorized_at or requested_at) + timeouts.remote_start
    if status == "STARTING":
        return (start_answered_at or requested_at) + timeouts.start_transaction
    return None


_SOON = timedelta(seconds=1)


def next_status_call(
    status: SessionStatus, *, now: datetime, deadline_at: datetime | None, poll_interval: timedelta
) -> datetime | None:
    """When an app polling the session should next ask; None once nothing can change any more.

    Waiting for the charge point, the answer can come any moment: ask again soon, and at the latest at the
    deadline. While charging, meter values arrive every ``poll_interval`` or so. A finished session is
    priced within moments.
    """
    if status in FINAL_STATUSES:
        return None
    if status in _NOT_STARTED or status == "STOPPING":
        soon = now + _SOON
        return min(soon, deadline_at) if deadline_at is not None and deadline_at > now else soon
    if status == "COMPLETED":
        return now + _SOON
    return now + poll_interval


class MeterReading(msgspec.Struct, frozen=True, kw_only=True):
    """One instant of a transaction's meter data: energy register (Wh), power (W), current (A), SoC (%)."""

    timestamp: datetime
    energy_wh: Decimal | None = None
    power_w: Decimal | None = None
    current_a: Decimal | None = None
    soc: Decimal | None = None


class LiveFigures(msgspec.Struct, frozen=True, kw_only=True):
    """What the app shows while charging: energy since the start (kWh), power now (kW), state of charge."""

    energy_kwh: Decimal
    power_kw: Decimal | None
    soc: Decimal | None


_KWH = Decimal(1000)


def live_figures(meter_start: int | None, readings: Iterable[MeterReading]) -> LiveFigures:
    """Energy, power and SoC from the latest readings by their own timestamps (late replays sort in place)."""
    latest_energy: MeterReading | None = None
    latest_power: MeterReading | None = None
    latest_soc: MeterReading | None = None
    for reading in readings:
        if reading.energy_wh is not None and (latest_energy is None or reading.timestamp >= latest_energy.timestamp):
            latest_energy = reading
        if reading.power_w is not None and (latest_power is None or reading.timestamp >= latest_power.timestamp):
            latest_power = reading
        if reading.soc is not None and (latest_soc is None or reading.timestamp >= latest_soc.timestamp):
            latest_soc = reading
    energy = Decimal(0)
    if latest_energy is not None and latest_energy.energy_wh is not None and meter_start is not None:
        energy = max(Decimal(0), latest_energy.energy_wh - meter_start) / _KWH
    power = latest_power.power_w / _KWH if latest_power is not None and latest_power.power_w is not None else None
    return LiveFigures(
        energy_kwh=energy,
        power_kw=power,
        soc=latest_soc.soc if latest_soc is not None else None,
    )


def pricing_samples(
    *,
    started_at: datetime,
    meter_start: int,
    stopped_at: datetime,
    meter_stop: int,
    readings: Sequence[MeterReading],
) -> list[MeterSample]:
    """The tariff engine's samples for a finished transaction.

    The start and stop registers bound the data; readings are taken in time order, those outside the
    transaction or without an energy register are left out, and a register that goes backwards (a meter
    glitch, a reading from a replay of another day) is held at the highest reading before it, so the
    engine always sees a meter that only counts up and ends at ``meterStop``.
    """
    end = max(stopped_at, started_at)
    floor = Decimal(meter_start)
    ceiling = max(Decimal(meter_stop), floor)
    samples = [MeterSample(timestamp=started_at, energy_wh=floor)]
    highest = floor
    for reading in sorted(readings, key=lambda r: r.timestamp):
        if reading.energy_wh is None or not started_at < reading.timestamp < end:
            continue
        highest = min(max(highest, reading.energy_wh), ceiling)
        samples.append(
            MeterSample(
                timestamp=reading.timestamp,
                energy_wh=highest,
                power_w=reading.power_w,
                current_a=reading.current_a,
                state_of_charge=reading.soc,
            )
        )
    samples.append(MeterSample(timestamp=end, energy_wh=ceiling))
    return samples
