"""What every request must be before a handler sees it: JSON bodies only as JSON, shallow, without NUL characters.

A NUL character is valid JSON and a valid URL escape, but PostgreSQL refuses it in text, and a string that the
store cannot hold must be refused with the field named, before anything is written.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from litestar import Request

from ._errors import ApiError, FieldError, camel

__all__ = ["MAX_JSON_DEPTH", "ApiRequest", "check_path_and_query", "refuse_null"]

MAX_JSON_DEPTH = 32
"""The deepest nesting a JSON body may have; an OCPI Location, the deepest body taken, needs 6."""

_NUL = "\x00"
_ESCAPED_NUL = b"%00"
_NULL = b"null"


def _is_json(media_type: str) -> bool:
    main = media_type.partition(";")[0].strip().lower()
    return main == "application/json" or (main.startswith("application/") and main.endswith("+json"))


def _too_deep() -> ApiError:
    reason = f"nested deeper than {MAX_JSON_DEPTH} levels"
    return ApiError(400, "validation_failed", f"body: {reason}", errors=[FieldError(field="body", reason=reason)])


def _nul_at(field: str) -> ApiError:
    return ApiError.bad_field(field, "must not contain a NUL character")


def _check_tree(document: Any) -> None:
    """Refuse NUL characters in keys and strings and nesting beyond the limit, naming the first offending field.

    Iterative, so that checking a deep document cannot itself run out of stack."""
    pending: list[tuple[Any, str, int]] = [(document, "", 0)]
    while pending:
        value, path, depth = pending.pop()
        if isinstance(value, str):
            if _NUL in value:
                raise _nul_at(path or "body")
        elif isinstance(value, dict):
            if depth >= MAX_JSON_DEPTH:
                raise _too_deep()
            for key, item in value.items():
                where = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and _NUL in key:
                    raise _nul_at(where.replace(_NUL, "\\u0000"))
                pending.append((item, where, depth + 1))
        elif isinstance(value, list):
            if depth >= MAX_JSON_DEPTH:
                raise _too_deep()
            pending.extend((item, f"{path}[{index}]", depth + 1) for index, item in enumerate(value))


class ApiRequest(Request[Any, Any, Any]):
    """A request whose JSON body is refused unless it is declared JSON, nests at most 32 levels deep and holds
    no NUL character (400 naming the field, 415 for another media type)."""

    async def json(self) -> Any:
        """The decoded JSON body, checked as the class says."""
        body = await self.body()
        content_type = self.headers.get("content-type")
        if body and content_type is not None and not _is_json(content_type):
            raise ApiError(
                415, "unsupported_media_type", f"send the body as application/json, not {content_type.split(';')[0]}"
            )
        try:
            document = await super().json()
        except RecursionError:
            # msgspec gives up on nesting deeper than the interpreter's recursion limit.
            raise _too_deep() from None
        _check_tree(document)
        return document


async def check_path_and_query(request: Request[Any, Any, Any]) -> None:
    """Before any handler: a NUL character in a path parameter or a query value is a 400 naming the parameter,
    and so is a query value without a parameter name.

    Looks at the raw query first, so a query without an escaped NUL costs one byte search."""
    if _NUL in request.scope["path"]:
        name = next((k for k, v in request.path_params.items() if isinstance(v, str) and _NUL in v), "path")
        raise _nul_at(camel(name))
    query = request.scope.get("query_string", b"")
    if query.startswith(b"=") or b"&=" in query:
        # A value without a name: no operation takes one, and the caller meant some parameter it did not name.
        raise ApiError.bad_field("query", "a parameter has a value but no name")
    if _ESCAPED_NUL in query:
        for key, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if _NUL in key or _NUL in value:
                raise _nul_at(key.replace(_NUL, "\\u0000"))


def refuse_null(request: Request[Any, Any, Any], *names: str) -> None:
    """A query value ``null`` for one of ``names`` is a 400 naming it.

    Litestar reads ``null`` as "not given" for an optional parameter that is not a string, so ``isAvailable=null``
    would search as if no filter had been asked for; call this with such parameters whose value came out None."""
    if _NULL not in request.scope.get("query_string", b""):
        return
    for name in names:
        if request.query_params.get(name) == "null":
            raise ApiError.bad_field(name, "null is not a value: leave the parameter out instead")
