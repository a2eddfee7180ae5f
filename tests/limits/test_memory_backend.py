"""The in-memory rate-limit backend: a token bucket with a burst, on a clock the test moves."""

from __future__ import annotations

import pytest

from chargeassist.limits import MemoryRateLimitBackend, Rate


class Clock:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def hits_allowed(backend: MemoryRateLimitBackend, key: str, rate: Rate, tries: int) -> int:
    return sum([(await backend.hit(key, rate)).allowed for _ in range(tries)])


async def test_a_burst_passes_at_once_and_the_next_hit_is_refused() -> None:
    backend = MemoryRateLimitBackend(clock=Clock())
    assert await hits_allowed(backend, "k", Rate(count=20, period_s=1, burst=100), 150) == 100


async def test_a_refusal_says_when_the_next_hit_would_pass() -> None:
    backend = MemoryRateLimitBackend(clock=Clock())
    rate = Rate(count=5, period_s=60, burst=5)
    await hits_allowed(backend, "k", rate, 5)
    refused = await backend.hit("k", rate)
    assert not refused.allowed
    assert refused.retry_after_s == pytest.approx(12.0)
    assert refused.retry_after_header == "12"


async def test_the_bucket_refills_at_the_rate() -> None:
    clock = Clock()
    backend = MemoryRateLimitBackend(clock=clock)
    rate = Rate(count=20, period_s=1, burst=100)
    await hits_allowed(backend, "k", rate, 100)
    clock.now += 0.5
    assert await hits_allowed(backend, "k", rate, 20) == 10


async def test_refused_hits_take_nothing_from_the_bucket() -> None:
    clock = Clock()
    backend = MemoryRateLimitBackend(clock=clock)
    rate = Rate(count=1, period_s=1, burst=1)
    await hits_allowed(backend, "k", rate, 50)
    clock.now += 1
    assert (await backend.hit("k", rate)).allowed


async def test_keys_have_buckets_of_their_own() -> None:
    backend = MemoryRateLimitBackend(clock=Clock())
    rate = Rate(count=1, period_s=60, burst=2)
    await hits_allowed(backend, "a", rate, 5)
    assert await hits_allowed(backend, "b", rate, 5) == 2


async def test_a_zero_cost_hit_asks_without_taking() -> None:
    backend = MemoryRateLimitBackend(clock=Clock())
    rate = Rate(count=1, period_s=60, burst=2)
    assert (await backend.hit("k", rate, cost=0)).allowed
    assert await hits_allowed(backend, "k", rate, 2) == 2
    assert not (await backend.hit("k", rate, cost=0)).allowed


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
