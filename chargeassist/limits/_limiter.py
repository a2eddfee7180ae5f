"""Which operations are limited, by which key, and the failed-credential throttle."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from .backends import BACKENDS, Decision, Rate, RateLimitBackend

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection
    from litestar.handlers.base import BaseRouteHandler

    from chargeassist.settings import Settings

__all__ = ["RateLimited", "RateLimiter", "RateLimits"]


class RateLimited(Exception):
    """Too many requests of one kind from one caller: answered 429 with ``Retry-After``."""

    def __init__(self, what: str, decision: Decision) -> None:
        super().__init__(f"too many {what}; retry after {decision.retry_after_header} s")
        self.what = what
        self.decision = decision


class _Caller(Protocol):
    """What the limiter needs of the authenticated caller (the API's principal)."""

    @property
    def partner_id(self) -> str: ...

    @property
    def app_token(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class RateLimits:
    """The rates, each None when switched off."""

    search: Rate | None
    qr: Rate | None
    session_start: Rate | None
    app_token_create: Rate | None
    access_token_create: Rate | None
    auth_failures: Rate | None
    stripe_webhook: Rate | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimits:
        """The rates the ``CHARGEASSIST_RATE_LIMIT_*`` settings name."""
        return cls(
            search=Rate.parse(settings.rate_limit_search),
            qr=Rate.parse(settings.rate_limit_qr),
            session_start=Rate.parse(settings.rate_limit_session_start),
            app_token_create=Rate.parse(settings.rate_limit_app_token_create),
            access_token_create=Rate.parse(settings.rate_limit_access_token_create),
            auth_failures=Rate.parse(settings.rate_limit_auth_failures),
            stripe_webhook=Rate.parse(settings.rate_limit_stripe_webhook),
        )


_KeyOf = Callable[[Any, "ASGIConnection[Any, Any, Any, Any]"], str]


def _per_credential(caller: _Caller, _: ASGIConnection[Any, Any, Any, Any]) -> str:
    # An app access token is one driver's: each has a bucket of its own, apart from its partner's key.
    if caller.app_token is None:
        return caller.partner_id
    return f"{caller.partner_id}/{caller.app_token}"


def _per_partner(caller: _Caller, _: ASGIConnection[Any, Any, Any, Any]) -> str:
    return caller.partner_id


def _per_address(_: _Caller | None, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    # No credential to key on (Stripe's webhook is signed, not authenticated): the source address.
    return connection.client.host if connection.client is not None else "unknown"


def _per_app_token(caller: _Caller, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    # The app token in the path, whoever calls for it: the partner key and the token's own access token share it.
    return f"{caller.partner_id}/{connection.path_params.get('app_token', '')}"


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str
    what: str
    rate: Rate
    key_of: _KeyOf


class RateLimiter:
    """Applies :class:`RateLimits` over one backend: a guard for the limited operations (by operation id, so
    the controllers stay unaware of it) and a throttle of failed credentials per source address."""

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter:
        """The limits the settings name, over the backend they choose."""
        return cls(RateLimits.from_settings(settings), BACKENDS[settings.rate_limit_backend](settings))

    def __init__(self, limits: RateLimits, backend: RateLimitBackend) -> None:
        self.limits = limits
        self.backend = backend
        wanted: dict[str, tuple[str, str, Rate | None, _KeyOf]] = {
            "searchLocationsInBoundingBox": ("search", "searches", limits.search, _per_credential),
            "searchLocationsNearby": ("search", "searches", limits.search, _per_credential),
            "parseQrCode": ("qr", "QR code lookups", limits.qr, _per_credential),
            "startSession": (
                "session_start",
                "session starts for this app token",
                limits.session_start,
                _per_app_token,
            ),
            "registerAppToken": ("app_token_create", "app token registrations", limits.app_token_create, _per_partner),
            "createAccessToken": (
                "access_token_create",
                "access tokens",
                limits.access_token_create,
                _per_partner,
            ),
            "receiveStripeWebhook": ("stripe_webhook", "webhook deliveries", limits.stripe_webhook, _per_address),
        }
        self._rules = {
            operation_id: _Rule(name, what, rate, key_of)
            for operation_id, (name, what, rate, key_of) in wanted.items()
            if rate is not None
        }

    @property
    def limited_operations(self) -> frozenset[str]:
        """The operation ids a limit applies to (their OpenAPI entries declare 429)."""
        return frozenset(self._rules)

    async def guard(self, connection: ASGIConnection[Any, Any, Any, Any], route_handler: BaseRouteHandler) -> None:
        """Litestar guard: refuse a limited operation past its caller's rate. Runs after authentication."""
        rule = self._rules.get(getattr(route_handler, "operation_id", None) or "")
        if rule is None:
            return
        caller: _Caller | None = connection.scope.get("user")
        if caller is None and rule.key_of is not _per_address:
            return
        decision = await self.backend.hit(f"{rule.name}:{rule.key_of(caller, connection)}", rule.rate)
        if not decision.allowed:
            raise RateLimited(rule.what, decision)

    async def before_credential(self, address: str) -> None:
        """Refuse, before any check of the credential, an address that failed too often (a guesser learns
        nothing from the answer then, and costs no verification)."""
        rate = self.limits.auth_failures
        if rate is None:
            return
        decision = await self.backend.hit(f"auth_failures:{address}", rate, cost=0)
        if not decision.allowed:
            raise RateLimited("failed credentials from this address", decision)

    async def credential_failed(self, address: str) -> None:
        """Count a credential that did not verify against its source address."""
        rate = self.limits.auth_failures
        if rate is not None:
            await self.backend.hit(f"auth_failures:{address}", rate)
