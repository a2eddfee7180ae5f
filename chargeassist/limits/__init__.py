"""Rate limits of the API (per caller, per operation) and the HTTP servers' own limits.

A limit is a token bucket: a rate with a burst, kept by a :class:`RateLimitBackend` that settings choose. The
in-memory backend serves one process; the Redis backend is shared by every process and makes
:meth:`RateLimitBackend.hit` atomic across them (one Lua script per hit).
"""

from ._http import BoundedHttpToolsProtocol, HttpLimits
from ._limiter import RateLimited, RateLimiter, RateLimits
from .backends import BACKENDS, Decision, MemoryRateLimitBackend, Rate, RateLimitBackend, RedisRateLimitBackend

__all__ = [
    "BACKENDS",
    "BoundedHttpToolsProtocol",
    "Decision",
    "HttpLimits",
    "MemoryRateLimitBackend",
    "Rate",
    "RateLimitBackend",
    "RateLimited",
    "RateLimiter",
    "RateLimits",
    "RedisRateLimitBackend",
]
