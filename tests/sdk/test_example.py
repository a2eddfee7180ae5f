"""sdk/examples/hotel_closed_loop.py runs against a live demo server, as far as the server's API goes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests._live import DEMO_HOTEL_KEY, DEMO_PARTNER_KEY

EXAMPLE = Path(__file__).resolve().parents[2] / "sdk" / "examples" / "hotel_closed_loop.py"


def run_example(live_url: str, api_key: str, room: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(EXAMPLE), "--base-url", live_url, "--api-key", api_key, "--room", room]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize("api_key", [DEMO_PARTNER_KEY, DEMO_HOTEL_KEY])
def test_the_hotel_example_runs(live_url: str, api_key: str) -> None:
    done = run_example(live_url, api_key, room=f"1{len(api_key)}")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_hotel_example_shows_the_guest_price(live_url: str) -> None:
    done = run_example(live_url, DEMO_PARTNER_KEY, room="201")
    assert "with Room 201 bill: 0.3025 EUR per kWh (incl. VAT)" in done.stdout
