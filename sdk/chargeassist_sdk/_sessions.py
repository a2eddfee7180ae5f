"""The pure parts of following a charge session: statuses, what to wait for, and when to ask again."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from urllib.parse import quote

from ._generated.models import SessionResponse

__all__ = [
    "ENDED_STATUSES",
    "FINAL_STATUSES",
    "SESSION_STATUSES",
    "Until",
    "condition_of",
    "decode_session_event",
    "is_final",
    "session_path",
    "status_call_delay",
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
"""Statuses of a session that no longer charges: what ``sessions.wait`` waits for unless told otherwise."""

Until = str | Collection[str] | Callable[[SessionResponse], bool]
"""What to wait for: a status, any of several statuses, or a test of the session."""

DEFAULT_POLL_INTERVAL = 2.0
"""Seconds between status calls when the server does not say when to call next."""
MAX_POLL_INTERVAL = 30.0


def is_final(session: SessionResponse) -> bool:
    """Whether the session can no longer change."""
    return session.status in FINAL_STATUSES


def condition_of(until: Until | None) -> Callable[[SessionResponse], bool]:
    """A test of a session from what ``sessions.wait`` was asked to wait for."""
    if until is None:
        return lambda session: session.status in ENDED_STATUSES
    if isinstance(until, str):
        return lambda session: session.status == until
    if callable(until):
        return until
    wanted = frozenset(until)
    return lambda session: session.status in wanted


def session_path(app_token: str, charge_session_id: str, suffix: str = "") -> str:
    """The path of one session of an app token, or of something below it."""
    return f"/v1/tokens/{quote(app_token, safe='')}/sessions/{quote(charge_session_id, safe='')}{suffix}"


def status_call_delay(next_status_call: datetime | None, now: datetime | None = None) -> float:
    """Seconds until ``nextStatusCall`` (the default pause when the server names no time), at most 30."""
    if next_status_call is None:
        return DEFAULT_POLL_INTERVAL
    when = next_status_call if next_status_call.tzinfo is not None else next_status_call.replace(tzinfo=UTC)
    delay = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(delay, 0.0), MAX_POLL_INTERVAL)


def decode_session_event(data: str) -> SessionResponse | None:
    """The session an event carries, if its data is a session."""
    try:
        decoded = json.loads(data)
        return SessionResponse.from_dict(decoded) if isinstance(decoded, dict) else None
    except (ValueError, KeyError, TypeError):
        return None
