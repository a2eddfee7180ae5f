"""Who is calling: partner and operator API keys, and app access tokens (JWT) bound to one app token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from chargeassist.limits import RateLimiter

from ._errors import ApiError

__all__ = ["AuthMiddleware", "Principal", "principal_of", "require_operator", "require_partner_key"]

_BEARER = "bearer "


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller. ``app_token`` is set when the caller holds an app access token rather than an API key."""

    partner_id: str
    is_operator: bool
    app_token: str | None = None

    def check_app_token(self, app_token: str) -> None:
        """An app access token may only act for its own app token; 403 otherwise."""
        if self.app_token is not None and self.app_token != app_token:
            raise ApiError(403, "token_scope", "this access token is for another app token")


def _unauthorized(detail: str) -> ApiError:
    return ApiError(401, "unauthorized", detail, headers={"WWW-Authenticate": 'Bearer realm="chargeassist"'})


class AuthMiddleware(AbstractAuthenticationMiddleware):
    """Reads ``Authorization: Bearer <API key or access token>``; 401 when missing or not valid."""

    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        header = connection.headers.get("authorization")
        if not header or not header[: len(_BEARER)].lower() == _BEARER:
            raise _unauthorized("send Authorization: Bearer <partner API key or app access token>")
        credential = header[len(_BEARER) :].strip()
        if not credential or len(credential) > 4096:
            raise _unauthorized("empty or oversized credential")
        state = connection.app.state
        limiter: RateLimiter = state.rate_limiter
        address = connection.client.host if connection.client else ""
        # Before any check: an address that guessed too often learns nothing more, and costs no lookup.
        await limiter.before_credential(address)
        services = state.services
        if credential.count(".") == 2:
            claims = services.access_tokens.verify(credential)
            if claims is None:
                await limiter.credential_failed(address)
                raise _unauthorized("the access token is not valid or has expired")
            principal = Principal(partner_id=claims.partner_id, is_operator=False, app_token=claims.app_token)
            return AuthenticationResult(user=principal, auth=None)
        identity = await services.partners.authenticate(credential)
        if identity is None:
            await limiter.credential_failed(address)
            raise _unauthorized("unknown API key")
        return AuthenticationResult(
            user=Principal(partner_id=identity.partner_id, is_operator=identity.is_operator), auth=None
        )


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """The authenticated caller of this request."""
    user = connection.scope.get("user")
    if not isinstance(user, Principal):
        raise _unauthorized("not authenticated")
    return user


def require_operator(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: operator API keys only."""
    if not principal_of(connection).is_operator:
        raise ApiError(403, "operator_only", "this operation needs an operator API key")


def require_partner_key(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: a partner (or operator) API key; an app access token may not call this."""
    if principal_of(connection).app_token is not None:
        raise ApiError(403, "partner_key_required", "this operation needs the partner API key")
