"""Reading ``nextStatusCall``: how long to wait before asking for a session's status again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chargeassist_sdk._sessions import status_call_delay

NOW = datetime(2025, 1, 6, 8, 0, 0, tzinfo=UTC)


def test_the_time_given_is_waited_for() -> None:
    assert status_call_delay(NOW + timedelta(seconds=3), now=NOW) == 3.0


def test_a_time_in_the_past_means_now() -> None:
    assert status_call_delay(NOW - timedelta(hours=1), now=NOW) == 0.0


def test_no_time_means_the_default_pause() -> None:
    assert status_call_delay(None, now=NOW) == 2.0


def test_a_long_pause_is_capped() -> None:
    assert status_call_delay(NOW + timedelta(hours=1), now=NOW) == 30.0


def test_a_time_without_zone_is_utc() -> None:
    assert status_call_delay(datetime(2025, 1, 6, 8, 0, 5), now=NOW) == 5.0
