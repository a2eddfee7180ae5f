"""Liveness and readiness."""

from __future__ import annotations

import logging
from typing import Literal

import msgspec
from litestar import get

from ._errors import ApiError, first_line, problem_responses
from ._wire import ServicesDep

__all__ = ["HealthResponse", "PingResponse", "health", "ping"]

_log = logging.getLogger("chargeassist.api")


class HealthResponse(msgspec.Struct, kw_only=True, rename="camel"):
    """Whether the service answers and its store takes writes."""

    status: Literal["ok", "degraded"]
    database: Literal["ok", "unavailable"]
    indexed_locations: int


@get(
    "/v1/health",
    operation_id="getHealth",
    summary="Service health: 503 `store_unavailable` when the store cannot take a write",
    tags=["health"],
    exclude_from_auth=True,
    security=[{}],  # no credentials: an empty requirement, where an empty list would inherit the app's
    responses=problem_responses(503, base=(500,)),
)
async def health(services: ServicesDep) -> HealthResponse:
    # A write, not a read: a store that reads but cannot write (a read-only file or replica, a file removed under
    # the service) fails every request that matters while a read would still say ok.
    try:
        await services.db.check_writable()
    except Exception as exc:
        _log.error("health: the store cannot take a write: %s", first_line(exc))
        raise ApiError(
            503, "store_unavailable", "the store cannot take a write", headers={"Retry-After": "5"}
        ) from None
    return HealthResponse(status="ok", database="ok", indexed_locations=len(services.locations.index))


class PingResponse(msgspec.Struct, kw_only=True):
    """Proof that the credentials work."""

    pong: bool


@get(
    "/v1/ping",
    operation_id="ping",
    summary="Check credentials (authenticated, does nothing else)",
    tags=["health"],
    responses=problem_responses(base=(401, 500)),
)
async def ping() -> PingResponse:
    return PingResponse(pong=True)
