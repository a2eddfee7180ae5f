"""Reading ``nextStatusCall``: when to ask for a session's status next, and where."""

from __future__ import annotations

from datetime import UTC, datetime

from chargeassist_sdk._sessions import status_call_delay, status_call_url

BASE = "https://api.example.test"
DEFAULT = "/v1/tokens/t/sessions/cs_1"
NOW = datetime(2025, 1, 6, 8, 0, 0, tzinfo=UTC)


def test_a_number_is_seconds() -> None:
    assert status_call_delay(5) == 5.0


def test_a_time_is_waited_for() -> None:
    assert status_call_delay("2025-01-06T08:00:03Z", now=NOW) == 3.0


def test_a_time_in_the_past_means_now() -> None:
    assert status_call_delay("2025-01-06T07:00:00Z", now=NOW) == 0.0


def test_nothing_means_the_default_pause() -> None:
    assert status_call_delay(None) == 2.0


def test_a_long_pause_is_capped() -> None:
    assert status_call_delay(3600) == 30.0


def test_a_path_is_called_on_the_api() -> None:
    assert status_call_url("/v1/status/cs_1", BASE, DEFAULT) == f"{BASE}/v1/status/cs_1"


def test_a_url_on_another_host_is_not_followed() -> None:
    assert status_call_url("https://elsewhere.example/steal", BASE, DEFAULT) == DEFAULT


def test_a_time_is_not_a_url() -> None:
    assert status_call_url("2025-01-06T08:00:03Z", BASE, DEFAULT) == DEFAULT
