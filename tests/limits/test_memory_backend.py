"""What only the in-memory rate-limit backend does (bounded memory), and rates read from settings text; what
every backend does is in test_backends.py."""

from __future__ import annotations

import pytest

from chargeassist.limits import MemoryRateLimitBackend, Rate
from tests.limits.conftest import Clock


async def test_many_keys_do_not_grow_memory_past_the_bound() -> None:
    backend = MemoryRateLimitBackend(max_keys=1000, clock=Clock())
    rate = Rate(count=1, period_s=60, burst=1)
    for n in range(5000):
        await backend.hit(f"address-{n}", rate)
    assert len(backend) <= 1000


async def test_the_most_recent_keys_survive_eviction() -> None:
    backend = MemoryRateLimitBackend(max_keys=100, clock=Clock())
    rate = Rate(count=1, period_s=60, burst=1)
    for n in range(300):
        await backend.hit(f"address-{n}", rate)
    assert not (await backend.hit("address-299", rate)).allowed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20/s:100", Rate(count=20, period_s=1, burst=100)),
        ("5/min", Rate(count=5, period_s=60, burst=5)),
        (" 2 / h : 4 ", Rate(count=2, period_s=3600, burst=4)),
        ("off", None),
    ],
)
def test_rates_parse_from_settings_text(text: str, expected: Rate | None) -> None:
    assert Rate.parse(text) == expected


@pytest.mark.parametrize("text", ["", "20", "20/d", "0/s", "5/min:0", "-1/s", "fast"])
def test_malformed_rates_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"rate|COUNT"):
        Rate.parse(text)
