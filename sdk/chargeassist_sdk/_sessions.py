"""Charge sessions as the SDK sees them, and the pure parts of waiting for one: conditions and polling pace."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

__all__ = [
    "FINAL_STATUSES",
    "SESSION_STATUSES",
    "ChargeSession",
    "SessionCommand",
    "Until",
    "condition_of",
    "session_path",
    "status_call_delay",
    "status_call_url",
]

SESSION_STATUSES = (
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
"""Every status a charge session can have."""

FINAL_STATUSES = frozenset({"REJECTED", "CDR_AVAILABLE", "TIMEOUT", "CANCELLED", "ERROR"})
"""Statuses a session never leaves (``COMPLETED`` is followed by ``CDR_AVAILABLE`` once it is priced)."""

ENDED_STATUSES = frozenset({"COMPLETED", *FINAL_STATUSES})
"""Statuses of a session that no longer charges: what :meth:`wait` waits for unless told otherwise."""

Until = str | Collection[str] | Callable[["ChargeSession"], bool]
"""What to wait for: a status, any of several statuses, or a test of the session."""

DEFAULT_POLL_INTERVAL = 2.0
"""Seconds between status calls when the server does not say when to call next."""
MAX_POLL_INTERVAL = 30.0


def _decimal(value: object) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _next_call(value: object) -> str | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | str):
        return value
    return None


@dataclass(frozen=True, slots=True)
class SessionCommand:
    """The API accepted a start or stop; follow ``next_status_call`` (or :meth:`wait`) for what happens."""

    charge_session_id: str
    next_status_call: str | float | None
    """When (or where) to ask for the status next, as the server put it."""
    data: Mapping[str, Any] = field(default_factory=dict)
    """The whole response body."""

    @classmethod
    def from_data(cls, data: Mapping[str, Any], charge_session_id: str | None = None) -> SessionCommand:
        """Read a start or stop answer; ``charge_session_id`` fills in an id the body does not repeat."""
        found = data.get("chargeSessionId", charge_session_id)
        if not isinstance(found, str) or not found:
            raise ValueError("the answer names no chargeSessionId")
        return cls(charge_session_id=found, next_status_call=_next_call(data.get("nextStatusCall")), data=data)


@dataclass(frozen=True, slots=True)
class ChargeSession:
    """A charge session's state. The common fields are typed; ``data`` has every field the server sent."""

    charge_session_id: str
    status: str
    """One of :data:`SESSION_STATUSES`."""
    energy_in_kwh: Decimal | None
    next_status_call: str | float | None
    """When (or where) to ask for the status next, as the server put it."""
    data: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: Mapping[str, Any], charge_session_id: str | None = None) -> ChargeSession:
        """Read a session body; ``charge_session_id`` fills in an id the body does not repeat."""
        found = data.get("chargeSessionId", data.get("id", charge_session_id))
        status = data.get("status")
        if not isinstance(found, str) or not found or not isinstance(status, str):
            raise ValueError("a charge session needs chargeSessionId and status")
        return cls(
            charge_session_id=found,
            status=status,
            energy_in_kwh=_decimal(data.get("energyInKwh")),
            next_status_call=_next_call(data.get("nextStatusCall")),
            data=data,
        )

    @property
    def is_final(self) -> bool:
        """Whether the session can no longer change."""
        return self.status in FINAL_STATUSES


def condition_of(until: Until | None) -> Callable[[ChargeSession], bool]:
    """A test of a session from what :meth:`wait` was asked to wait for."""
    if until is None:
        return lambda session: session.status in ENDED_STATUSES
    if isinstance(until, str):
        return lambda session: session.status == until
    if callable(until):
        return until
    wanted = frozenset(until)
    return lambda session: session.status in wanted


def session_path(app_token: str, charge_session_id: str | None = None, suffix: str = "") -> str:
    """The path of an app token's sessions, of one session, or of something below one."""
    path = f"/v1/tokens/{quote(app_token, safe='')}/sessions"
    if charge_session_id is not None:
        path += f"/{quote(charge_session_id, safe='')}"
    return path + suffix


def _as_url(value: str) -> bool:
    return value.startswith("/") or urlsplit(value).scheme in {"http", "https"}


def status_call_delay(next_status_call: str | float | None, now: datetime | None = None) -> float:
    """Seconds until the next status call. ``nextStatusCall`` may be seconds, an ISO 8601 time, or a URL
    (called after the default pause); anything else means the default pause."""
    delay: float | None = None
    if isinstance(next_status_call, int | float):
        delay = float(next_status_call)
    elif isinstance(next_status_call, str) and not _as_url(next_status_call):
        try:
            delay = float(next_status_call)
        except ValueError:
            try:
                when = datetime.fromisoformat(next_status_call)
            except ValueError:
                when = None
            if when is not None:
                if when.tzinfo is None:
                    when = when.replace(tzinfo=UTC)
                delay = (when - (now or datetime.now(UTC))).total_seconds()
    if delay is None or delay != delay:  # absent, unreadable or NaN
        return DEFAULT_POLL_INTERVAL
    return min(max(delay, 0.0), MAX_POLL_INTERVAL)


def status_call_url(next_status_call: str | float | None, base_url: str, default: str) -> str:
    """Where the next status call goes: the URL the server gave, if it is on the API's own origin, else ``default``.
    The API key is never sent anywhere else."""
    if not isinstance(next_status_call, str) or not _as_url(next_status_call):
        return default
    base = base_url.rstrip("/") + "/"
    target = urljoin(base, next_status_call)
    wanted, got = urlsplit(base), urlsplit(target)
    if (got.scheme, got.netloc) != (wanted.scheme, wanted.netloc):
        return default
    return target


def decode_session_event(data: str, charge_session_id: str) -> ChargeSession | None:
    """The session state an event carries, if its data is a session body."""
    try:
        decoded = json.loads(data)
    except ValueError:
        return None
    if not isinstance(decoded, dict):
        return None
    try:
        return ChargeSession.from_data(decoded, charge_session_id)
    except ValueError:
        return None
