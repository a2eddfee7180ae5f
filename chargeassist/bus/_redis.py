"""One way to open Redis for every part that uses it: short timeouts, so an outage fails fast, never hangs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as _ConnectionError
from redis.exceptions import TimeoutError as _TimeoutError

if TYPE_CHECKING:
    from chargeassist.settings import BusSettings

__all__ = ["REDIS_ERRORS", "open_redis"]

REDIS_ERRORS: tuple[type[Exception], ...] = (_ConnectionError, _TimeoutError, OSError)
"""What a Redis call raises when the server is away or too slow: callers turn it into "unavailable", never a hang."""


def open_redis(bus: BusSettings, *, socket_timeout_s: float = 2.0) -> Redis:
    """A client of ``CHARGEASSIST_REDIS_URL``. Connections are made lazily, so this never touches the network.

    Two seconds bound a call while Redis is stopped or unreachable (connecting to a closed port fails at once;
    a black-holed host waits for the timeout), so a command or a rate-limit check answers within that time."""
    client: Redis = Redis.from_url(
        bus.redis_url,
        socket_timeout=socket_timeout_s,
        socket_connect_timeout=socket_timeout_s,
        health_check_interval=15,
    )
    return client
