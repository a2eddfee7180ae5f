"""Application assembly: ``create_app(settings)`` wires everything in one place, with no import-time effects."""

from __future__ import annotations

import contextlib
import gc
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Request
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.logging.config import LoggingConfig
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.routes import HTTPRoute
from litestar.types import Message, Scope

from chargeassist.api import (
    AuthMiddleware,
    LocationController,
    OperatorController,
    QrController,
    TokenController,
    WalletController,
    exception_handlers,
    health,
    ping,
)
from chargeassist.api._auth import Principal, principal_of
from chargeassist.api._errors import ApiError, problem_responses, request_id_of
from chargeassist.api._request import ApiRequest, check_path_and_query
from chargeassist.api._wire import ServicesDep, api_error
from chargeassist.api.operator import IssuedTokenController, OperatorPaymentMethodController
from chargeassist.api.payments import FailedPaymentController, StripeCardController, StripeWebhookController
from chargeassist.api.sessions import SessionController
from chargeassist.api.webhooks import WebhookController
from chargeassist.bus import CommandBus, InProcessCommandBus, SessionEvents, build_command_bus
from chargeassist.csms import CentralSystem, ConnectionRegistry, new_node_id
from chargeassist.limits import RateLimited, RateLimiter
from chargeassist.services import ServiceError, Services
from chargeassist.services._webhooks import WebhookConfig
from chargeassist.settings import Settings

__all__ = ["app_from_env", "create_app"]

_log = logging.getLogger("chargeassist")
_REQUEST_ID = b"x-request-id"


async def _send_request_id(message: Message, scope: Scope) -> None:
    """Name the request id on every HTTP response. A before-send hook rather than a middleware: Litestar
    runs middleware per route, so 401s from authentication and unrouted 404s and 405s never pass one."""
    if message["type"] == "http.response.start":
        encoded = request_id_of(scope).encode("latin-1")
        message["headers"] = [*message.get("headers", []), (_REQUEST_ID, encoded)]


async def _send_allow(message: Message, scope: Scope) -> None:
    """Answer OPTIONS with every method of the path. Litestar 2 makes a path's OPTIONS handler when the path's
    first handler is registered, so its ``Allow`` misses the methods registered after that (fixed in Litestar 3)."""
    if message["type"] != "http.response.start" or scope.get("method") != "OPTIONS" or message["status"] != 204:
        return
    template = scope.get("path_template")
    route = next((r for r in scope["app"].routes if isinstance(r, HTTPRoute) and r.path_format == template), None)
    if route is not None:
        headers = [(name, value) for name, value in message.get("headers", []) if name.lower() != b"allow"]
        message["headers"] = [*headers, (b"allow", ", ".join(sorted(route.methods)).encode("latin-1"))]


def _service_error_handler(request: Request[Any, Any, Any], exc: ServiceError) -> Any:
    return exception_handlers[ApiError](request, api_error(exc))


def _rate_limited_handler(request: Request[Any, Any, Any], exc: RateLimited) -> Any:
    error = ApiError(429, "rate_limited", str(exc), headers={"Retry-After": exc.decision.retry_after_header})
    return exception_handlers[ApiError](request, error)


# Stripe's webhook carries no API key: its signature, checked by the handler, is its credential.
_UNAUTHENTICATED = ("^/schema", "^/v1/health$", "^/ocpp/", "^/v1/webhooks/stripe$")


def _declare_rate_limited(app: Litestar, limited: frozenset[str]) -> None:
    """Declare 429 on every authenticated operation: any of them is refused while the caller's address is
    throttled for failed credentials, besides the operations with rates of their own (``limited``, which
    include unauthenticated ones such as Stripe's webhook)."""
    unauthenticated = re.compile("|".join(_UNAUTHENTICATED))
    spec = problem_responses(429, base=())
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for handler in route.route_handlers:
                if not unauthenticated.match(route.path) or handler.operation_id in limited:
                    handler.responses = {**(handler.responses or {}), **spec}


def _provide_principal(request: Request[Any, Any, Any], services: ServicesDep) -> Principal:
    # Depending on ``services`` puts the two providers in sequence: Litestar resolves dependencies of
    # the same level in a task group, which costs more than both providers together.
    return principal_of(request)


def _provide_services(state: State) -> Services:
    services: Services = state.services
    return services


def create_app(
    settings: Settings,
    *,
    services: Services | None = None,
    freeze_heap: bool = False,
    webhooks: WebhookConfig | None = None,
) -> Litestar:
    """The whole service as one ASGI app. The store must be migrated (``chargeassist db upgrade``).

    ``webhooks`` says how partners' webhooks are delivered when the app builds its services (default: the
    production rules, which refuse endpoints on private addresses).

    ``freeze_heap`` moves everything alive once the app has started out of the garbage collector's sight (for a
    server process, which runs one app until it exits; not for tests, which start many)."""
    node_id = new_node_id()
    bus: CommandBus
    if services is None:
        registry = ConnectionRegistry()
        bus = build_command_bus(settings.bus, registry, node_id=node_id)
        delivery = webhooks or WebhookConfig(allow_private_urls=settings.webhook_allow_private_urls)
        events = SessionEvents.from_settings(settings.bus)
        the_services = Services.create(settings, commands=bus, events=events, webhooks=delivery)
    else:
        # Services built by a caller (tests) bring their own bus; one that delivers to a registry is served here.
        the_services = services
        bus = services.sessions.commands
        found = getattr(bus, "registry", None)
        registry = found if isinstance(found, ConnectionRegistry) else ConnectionRegistry()
        if found is None:
            bus = InProcessCommandBus(registry)
    limiter = RateLimiter.from_settings(settings)
    central = CentralSystem(the_services, registry, settings, commands=bus, node_id=node_id, failures=limiter.backend)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await the_services.start()
        await bus.start()
        async with contextlib.AsyncExitStack() as stack:
            if settings.demo:
                from chargeassist.demo._fleet import demo_fleet
                from chargeassist.services._seed import seed_demo

                await seed_demo(the_services)
                # One process of the deployment runs the simulated charge points: the holder of a store lease.
                await stack.enter_async_context(demo_fleet(settings, the_services.db))
            if freeze_heap:
                # What exists once started (modules, the app, the search index) lives as long as the process.
                # Left in the collector's oldest generation, each full collection walks all of it again: 200 ms
                # pauses in the middle of OCPP answers were measured. Frozen, a collection walks only what came
                # after. Those still come every few seconds under load and cost tens of milliseconds with
                # thousands of connections, so the oldest generation is walked ten times less often.
                gc.collect()
                gc.freeze()
                young, middle, _ = gc.get_threshold()
                gc.set_threshold(young, middle, 100)
            try:
                yield
            finally:
                await stack.aclose()
                await central.stop()
                await bus.stop()
                await the_services.stop()
                await limiter.backend.close()

    openapi = OpenAPIConfig(
        title="Charge Assist",
        version="1.0.0",
        description="Driver and operator API of an open-source EV charging backend. Every error is "
        "application/problem+json (RFC 9457) with a stable `code`.",
        components=Components(
            security_schemes={
                "bearer": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="A partner or operator API key, or an app access token (JWT).",
                )
            }
        ),
        security=[{"bearer": []}],
        use_handler_docstrings=False,
        path="/schema",
    )
    app = Litestar(
        route_handlers=[
            health,
            ping,
            TokenController,
            WalletController,
            LocationController,
            QrController,
            OperatorController,
            IssuedTokenController,
            OperatorPaymentMethodController,
            SessionController,
            StripeCardController,
            FailedPaymentController,
            StripeWebhookController,
            WebhookController,
            central.route_handler(),
        ],
        dependencies={
            "services": Provide(_provide_services, sync_to_thread=False),
            "principal": Provide(_provide_principal, sync_to_thread=False),
        },
        before_send=[_send_request_id, _send_allow],
        before_request=check_path_and_query,
        request_class=ApiRequest,
        middleware=[
            DefineMiddleware(AuthMiddleware, exclude=list(_UNAUTHENTICATED)),
        ],
        # After authentication (a middleware): the limited operations' rates, by operation id.
        guards=[limiter.guard],
        exception_handlers={
            **exception_handlers,
            ServiceError: _service_error_handler,
            RateLimited: _rate_limited_handler,
        },
        state=State({"services": the_services, "settings": settings, "central": central, "rate_limiter": limiter}),
        lifespan=[lifespan],
        openapi_config=openapi,
        # Level 1: JSON pages shrink almost as much as at 9 for under half the CPU.
        compression_config=CompressionConfig(backend="gzip", minimum_size=4096, gzip_compress_level=1),
        request_max_body_size=2 * 1024 * 1024,
        # Litestar's own default puts the root logger at INFO, whatever CHARGEASSIST_LOG_LEVEL says.
        logging_config=LoggingConfig(root={"handlers": ["queue_listener"], "level": settings.log_level.upper()}),
        debug=False,
    )
    _declare_rate_limited(app, limiter.limited_operations)
    return app


def app_from_env() -> Litestar:
    """App factory for ASGI servers: settings from ``CHARGEASSIST_*`` variables, read when called."""
    return create_app(Settings.from_env(), freeze_heap=True)
