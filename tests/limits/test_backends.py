"""What every rate-limit backend does: a token bucket with a burst (GCRA), on the memory backend and on Redis.

Rates are slow (minutes or hours per hit) where a test is not about refilling, so the real time a test of
Redis takes cannot refill a bucket behind its back; refill tests wait at least what they say."""

from __future__ import annotations

import pytest

from chargeassist.limits import Rate, RateLimitBackend
from tests.limits.conftest import Subject


async def hits_allowed(backend: RateLimitBackend, key: str, rate: Rate, tries: int) -> int:
    return sum([(await backend.hit(key, rate)).allowed for _ in range(tries)])


async def test_a_burst_passes_at_once_and_the_next_hit_is_refused(subject: Subject) -> None:
    assert await hits_allowed(subject.backend, "k", Rate(count=20, period_s=3600, burst=100), 150) == 100


async def test_a_refusal_says_when_the_next_hit_would_pass(subject: Subject) -> None:
    rate = Rate(count=5, period_s=60, burst=5)
    await hits_allowed(subject.backend, "k", rate, 5)
    refused = await subject.backend.hit("k", rate)
    assert not refused.allowed
    assert refused.retry_after_s == pytest.approx(12.0, abs=0.5)
    assert refused.retry_after_header == "12"


async def test_the_bucket_refills_at_the_rate(subject: Subject) -> None:
    rate = Rate(count=2, period_s=1, burst=4)
    await hits_allowed(subject.backend, "k", rate, 4)
    await subject.wait(1.0)
    assert await hits_allowed(subject.backend, "k", rate, 5) == 2


async def test_a_refused_hit_passes_once_its_retry_after_has_passed(subject: Subject) -> None:
    rate = Rate(count=2, period_s=1, burst=2)
    await hits_allowed(subject.backend, "k", rate, 2)
    refused = await subject.backend.hit("k", rate)
    await subject.wait(refused.retry_after_s)
    assert (await subject.backend.hit("k", rate)).allowed


async def test_refused_hits_take_nothing_from_the_bucket(subject: Subject) -> None:
    rate = Rate(count=1, period_s=1, burst=1)
    await hits_allowed(subject.backend, "k", rate, 50)
    await subject.wait(1.0)
    assert (await subject.backend.hit("k", rate)).allowed


async def test_keys_have_buckets_of_their_own(subject: Subject) -> None:
    rate = Rate(count=1, period_s=60, burst=2)
    await hits_allowed(subject.backend, "a", rate, 5)
    assert await hits_allowed(subject.backend, "b", rate, 5) == 2


async def test_a_zero_cost_hit_asks_without_taking(subject: Subject) -> None:
    rate = Rate(count=1, period_s=60, burst=2)
    assert (await subject.backend.hit("k", rate, cost=0)).allowed
    assert await hits_allowed(subject.backend, "k", rate, 2) == 2
    assert not (await subject.backend.hit("k", rate, cost=0)).allowed


async def test_a_zero_cost_refusal_says_when_one_hit_would_pass(subject: Subject) -> None:
    rate = Rate(count=1, period_s=60, burst=1)
    await subject.backend.hit("k", rate)
    refused = await subject.backend.hit("k", rate, cost=0)
    assert refused.retry_after_s == pytest.approx(60.0, abs=0.5)


async def test_a_hit_costing_more_than_is_left_takes_nothing(subject: Subject) -> None:
    rate = Rate(count=1, period_s=3600, burst=5)
    await hits_allowed(subject.backend, "k", rate, 3)
    assert not (await subject.backend.hit("k", rate, cost=3)).allowed
    assert (await subject.backend.hit("k", rate, cost=2)).allowed
