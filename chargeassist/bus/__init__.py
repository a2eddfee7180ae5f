"""What crosses processes: the command bus to the charge points, session events and shared stores.

Each has an interface and, beside it, one file per backend: ``memory`` (this process, the embedded default)
and ``redis`` (every process of a deployment), chosen by :class:`chargeassist.settings.BusSettings`.
"""

from ._redis import REDIS_ERRORS, open_redis
from .stores import build_store

__all__ = ["REDIS_ERRORS", "build_store", "open_redis"]
