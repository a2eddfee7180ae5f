"""Wire pieces shared by controllers: list envelopes, dependencies, error mapping."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

import msgspec
from litestar.di import NamedDependency
from litestar.params import PathParameter

from chargeassist.services import AppTokenRecord, ServiceError, Services

from ._auth import Principal
from ._errors import ApiError, FieldError

__all__ = [
    "PRINTABLE_NOT_BLANK",
    "AppTokenPath",
    "ListMeta",
    "Page",
    "PrincipalDep",
    "ServicesDep",
    "api_error",
    "app_token_of",
]

T = TypeVar("T")

# Handler parameters filled by the app's dependencies, marked as such: Litestar deprecates inferring
# a dependency from the parameter name alone (and warns on every handler that does).
ServicesDep = NamedDependency[Services]
"""The process's services (dependency ``services``)."""
PrincipalDep = NamedDependency[Principal]
"""The authenticated caller (dependency ``principal``)."""


PRINTABLE_NOT_BLANK = r"^(?=[\s\S]*[^\s\x00-\x1f\x7f-\x9f])[^\x00-\x1f\x7f-\x9f]+$"
"""An app token holds something other than white space, and no control character: one that looks blank in a log
or a dashboard, or that a terminal would act on, is a token nobody can tell apart from another."""

AppTokenPath = Annotated[
    str,
    PathParameter(
        description="The app token: any opaque string, without control characters and not only white space",
        min_length=1,
        max_length=255,
        pattern=PRINTABLE_NOT_BLANK,
    ),
]
"""The ``{app_token}`` of a path."""


class ListMeta(msgspec.Struct, kw_only=True, rename="camel"):
    """Paging information of a list."""

    count: int
    """Items in this page."""
    has_more_data: bool
    continuation_token: str | None = None
    """Pass back as ``continuationToken`` to get the next page."""


class Page(msgspec.Struct, Generic[T], kw_only=True, rename="camel"):
    """A list envelope: ``{data, meta}``."""

    data: list[T]
    meta: ListMeta


async def app_token_of(services: Services, principal: Principal, app_token: str) -> AppTokenRecord:
    """The path's app token, once the caller may act for it (its partner's key, or its own access token)."""
    principal.check_app_token(app_token)
    return await services.wallet.get(principal.partner_id, app_token)


def api_error(exc: ServiceError) -> ApiError:
    """The problem a service refusal becomes."""
    errors = [FieldError(field=exc.field, reason=exc.detail)] if exc.field else None
    return ApiError(exc.status, exc.code, exc.detail, errors=errors, decline_code=exc.decline_code)
