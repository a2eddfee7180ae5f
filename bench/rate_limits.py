"""Rate-limit check benchmark: the cost of one hit on the memory backend and on Redis, measured in one run.

Run: ``.venv/bin/python bench/rate_limits.py [--redis-url redis://HOST:PORT/0] [--hits 20000]`` (the URL
defaults to ``CHARGEASSIST_REDIS_URL``, else a Redis on localhost).

For each backend: one hit at a time (the latency a request pays, p50/p99 in µs, and hits/s), then many hits
in flight at once from one process (hits/s: what the event loop and one connection pool get through). Keys are
spread over a thousand buckets of a rate that lets everything through, under a prefix of the run's own; they
expire by themselves within a second, so nothing is left in Redis.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import time

from redis.asyncio import Redis

from chargeassist.limits import MemoryRateLimitBackend, Rate, RateLimitBackend, RedisRateLimitBackend

RATE = Rate(count=1000, period_s=1, burst=1000)
KEYS = [f"search:partner-{n}" for n in range(1000)]


async def one_at_a_time(backend: RateLimitBackend, hits: int) -> tuple[float, float, float]:
    """hits/s, p50 µs, p99 µs of ``hits`` sequential hits."""
    latencies: list[float] = []
    started = time.perf_counter()
    for n in range(hits):
        before = time.perf_counter_ns()
        await backend.hit(KEYS[n % len(KEYS)], RATE)
        latencies.append((time.perf_counter_ns() - before) / 1000)
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return hits / elapsed, cuts[49], cuts[98]


async def in_flight(backend: RateLimitBackend, hits: int, concurrency: int) -> float:
    """hits/s of ``hits`` hits with ``concurrency`` of them in flight at once."""

    async def worker(first: int) -> None:
        for n in range(first, hits, concurrency):
            await backend.hit(KEYS[n % len(KEYS)], RATE)

    started = time.perf_counter()
    await asyncio.gather(*(worker(first) for first in range(concurrency)))
    return hits / (time.perf_counter() - started)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", default=os.environ.get("CHARGEASSIST_REDIS_URL") or "redis://localhost:6379/0")
    parser.add_argument("--hits", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()

    prefix = f"bench-{secrets.token_hex(4)}:ratelimit:"
    redis = RedisRateLimitBackend(Redis.from_url(args.redis_url, max_connections=args.concurrency), prefix=prefix)
    backends: dict[str, RateLimitBackend] = {"memory": MemoryRateLimitBackend(), "redis": redis}
    try:
        await redis.hit("warm-up", RATE, cost=0)  # connection opened and script loaded before timing
        if not redis.available:
            raise SystemExit(f"Redis at {args.redis_url} does not answer")
        print(f"{args.hits} hits per backend; in flight: {args.concurrency} at once from one process")
        print(f"{'backend':<8} {'hits/s':>10} {'p50 µs':>8} {'p99 µs':>8} {'in flight hits/s':>18}")
        for name, backend in backends.items():
            rate, p50, p99 = await one_at_a_time(backend, args.hits)
            parallel = await in_flight(backend, args.hits, args.concurrency)
            print(f"{name:<8} {rate:>10,.0f} {p50:>8.1f} {p99:>8.1f} {parallel:>18,.0f}")
        if not redis.available:
            print("warning: Redis became unavailable during the run; its figures include in-memory fallback hits")
    finally:
        for backend in backends.values():
            await backend.close()


if __name__ == "__main__":
    asyncio.run(main())
