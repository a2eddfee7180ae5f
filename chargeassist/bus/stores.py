"""Litestar stores shared by every process (Redis) or kept in this one (memory), chosen by settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore

from ._redis import open_redis

if TYPE_CHECKING:
    from chargeassist.settings import BusSettings

__all__ = ["build_store"]


def build_store(bus: BusSettings, name: str) -> Store:
    """The store called ``name`` (its keys live under ``{key_prefix}:{name}:`` in Redis).

    ``CHARGEASSIST_BUS_STORES=memory`` keeps it in this process, which is right for one process only."""
    if bus.stores == "redis":
        return RedisStore(open_redis(bus), namespace=f"{bus.key_prefix}:{name}", handle_client_shutdown=True)
    return MemoryStore()
