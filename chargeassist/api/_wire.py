"""Wire pieces shared by controllers: list envelopes, dependencies, error mapping."""

from __future__ import annotations

from typing import Generic, TypeVar

import msgspec
from litestar.di import NamedDependency

from chargeassist.services import ServiceError, Services

from ._auth import Principal
from ._errors import ApiError, FieldError

__all__ = [
    "ListMeta",
    "Page",
    "PrincipalDep",
    "ServicesDep",
    "api_error",
]

T = TypeVar("T")

# Handler parameters filled by the app's dependencies, marked as such: Litestar deprecates inferring
# a dependency from the parameter name alone (and warns on every handler that does).
ServicesDep = NamedDependency[Services]
"""The process's services (dependency ``services``)."""
PrincipalDep = NamedDependency[Principal]
"""The authenticated caller (dependency ``principal``)."""


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


def api_error(exc: ServiceError) -> ApiError:
    """The problem a service refusal becomes."""
    errors = [FieldError(field=exc.field, reason=exc.detail)] if exc.field else None
    return ApiError(exc.status, exc.code, exc.detail, errors=errors)
