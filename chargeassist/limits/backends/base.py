"""The interface of a rate-limit store: one atomic operation, so a shared store (Redis) can run it as one script."""

from __future__ import annotations

import math
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass

__all__ = ["Decision", "Rate", "RateLimitBackend"]

_UNITS = {"s": 1.0, "min": 60.0, "h": 3600.0}
_RATE = re.compile(r"\s*(?P<count>\d+)\s*/\s*(?P<unit>s|min|h)\s*(?::\s*(?P<burst>\d+)\s*)?")


@dataclass(frozen=True, slots=True)
class Rate:
    """``count`` hits per ``period_s`` on average, and up to ``burst`` at once after a quiet spell."""

    count: int
    period_s: float
    burst: int

    def __post_init__(self) -> None:
        if self.count < 1 or self.period_s <= 0 or self.burst < 1:
            raise ValueError("a rate needs a count, a period and a burst of at least one")

    @property
    def interval_s(self) -> float:
        """The time one hit costs: the bucket refills one hit per interval."""
        return self.period_s / self.count

    @classmethod
    def parse(cls, text: str) -> Rate | None:
        """``"20/s:100"`` (20 a second, bursts of 100), ``"5/min"`` (burst = count), ``"1/h"``; ``"off"``: None."""
        if text.strip().lower() == "off":
            return None
        match = _RATE.fullmatch(text)
        if match is None:
            raise ValueError(f"expected COUNT/UNIT[:BURST] with UNIT one of s, min, h (or off), got {text!r}")
        count = int(match["count"])
        burst = int(match["burst"]) if match["burst"] is not None else count
        return cls(count=count, period_s=_UNITS[match["unit"]], burst=burst)


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer to one hit: whether it may pass and, if not, how long until it would."""

    allowed: bool
    retry_after_s: float = 0.0

    @property
    def retry_after_header(self) -> str:
        """Whole seconds for ``Retry-After``, never 0 for a refusal (0 would invite an immediate retry)."""
        return str(max(1, math.ceil(self.retry_after_s)))


class RateLimitBackend(ABC):
    """Where the counters live. Implementations must make :meth:`hit` atomic for every process sharing them.

    The model is a token bucket kept as one number per key (GCRA: the "theoretical arrival time"), so a shared
    store needs one read-compare-write per hit, which Redis does in one Lua script.
    """

    @abstractmethod
    async def hit(self, key: str, rate: Rate, cost: int = 1) -> Decision:
        """Take ``cost`` hits from ``key``'s bucket if they fit, else take nothing and say when they would.

        ``cost=0`` only asks whether one more hit would pass now, and changes nothing."""

    async def close(self) -> None:  # noqa: B027 - optional: a shared store's connection pool
        """Release what the backend holds."""
