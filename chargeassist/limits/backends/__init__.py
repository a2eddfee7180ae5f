"""Rate-limit stores: the interface and, beside it, one file per backend, chosen by name in settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .base import Decision, Rate, RateLimitBackend
from .memory import MemoryRateLimitBackend
from .redis import RedisRateLimitBackend

if TYPE_CHECKING:
    from chargeassist.settings import Settings

__all__ = ["BACKENDS", "Decision", "MemoryRateLimitBackend", "Rate", "RateLimitBackend", "RedisRateLimitBackend"]

BACKENDS: dict[str, Callable[[Settings], RateLimitBackend]] = {
    "memory": lambda _settings: MemoryRateLimitBackend(),
    "redis": RedisRateLimitBackend.from_settings,
}
"""``CHARGEASSIST_RATE_LIMIT_BACKEND`` name -> the backend it makes from the settings."""
