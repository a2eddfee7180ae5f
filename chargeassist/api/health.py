"""Liveness and readiness."""

from __future__ import annotations

from typing import Literal

import msgspec
from litestar import get
from sqlalchemy import text

from ._errors import problem_responses
from ._wire import ServicesDep

__all__ = ["HealthResponse", "PingResponse", "health", "ping"]


class HealthResponse(msgspec.Struct, kw_only=True, rename="camel"):
    """Whether the service and its store answer."""

    status: Literal["ok", "degraded"]
    database: Literal["ok", "unavailable"]
    indexed_locations: int


@get(
    "/v1/health",
    operation_id="getHealth",
    summary="Service health",
    tags=["health"],
    exclude_from_auth=True,
    security=[{}],  # no credentials: an empty requirement, where an empty list would inherit the app's
    responses=problem_responses(base=(500,)),
)
async def health(services: ServicesDep) -> HealthResponse:
    try:
        async with services.db.read() as session:
            await session.execute(text("SELECT 1"))
        database: Literal["ok", "unavailable"] = "ok"
    except Exception:
        database = "unavailable"
    return HealthResponse(
        status="ok" if database == "ok" else "degraded",
        database=database,
        indexed_locations=len(services.locations.index),
    )


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
