"""RFC 9457 problem details: the one error shape of the API, in responses and in the OpenAPI document."""

from __future__ import annotations

import logging
import re
import secrets
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    SerializationException,
    ValidationException,
)
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import Scope

from chargeassist.store._database import is_store_unavailable

__all__ = [
    "PROBLEM_MEDIA_TYPE",
    "ApiError",
    "FieldError",
    "Problem",
    "camel",
    "exception_handlers",
    "first_line",
    "problem_responses",
    "request_id_of",
]

PROBLEM_MEDIA_TYPE = "application/problem+json"
_TYPE_PREFIX = "urn:chargeassist:problem:"
_log = logging.getLogger("chargeassist.api")
_REQUEST_ID_HEADER = b"x-request-id"


def request_id_of(scope: Scope) -> str:
    """The request's id: the caller's ``X-Request-Id`` when sane (1 to 128 bytes), else a new one.

    Kept in the scope's state, so a problem's ``requestId`` and the response header always agree
    whichever asks first; errors raised before routing or by middleware never pass a route's middleware.
    """
    state: dict[str, Any] = scope.setdefault("state", {})
    found = state.get("request_id")
    if isinstance(found, str):
        return found
    request_id = next(
        (v.decode("latin-1") for k, v in scope["headers"] if k == _REQUEST_ID_HEADER and 0 < len(v) <= 128), None
    ) or secrets.token_hex(8)
    state["request_id"] = request_id
    return request_id


class FieldError(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One field that was refused, and why."""

    field: str
    reason: str


class Problem(msgspec.Struct, kw_only=True, omit_defaults=True, rename="camel"):
    """An RFC 9457 problem document; ``code`` is stable and meant for programs, ``detail`` for people."""

    type: str
    title: str
    status: int
    code: str
    detail: str
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldError] | None = None
    decline_code: str | None = None
    """With ``payment_declined``: the card issuer's reason (Stripe's ``decline_code``, e.g. ``insufficient_funds``)."""


_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class ApiError(Exception):
    """An error the API answers with; ``code`` is the stable machine-readable reason."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
        decline_code: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = errors
        self.headers = headers
        self.decline_code = decline_code

    @classmethod
    def bad_field(cls, field: str, reason: str, *, code: str = "validation_failed") -> ApiError:
        """400 naming one field."""
        return cls(400, code, f"{field}: {reason}", errors=[FieldError(field=field, reason=reason)])

    @classmethod
    def not_found(cls, code: str, detail: str) -> ApiError:
        """404: unknown, or not this caller's to see (the two are not told apart)."""
        return cls(404, code, detail)

    @classmethod
    def conflict(cls, code: str, detail: str) -> ApiError:
        """409: the request contradicts what is stored."""
        return cls(409, code, detail)


_problem_encoder = msgspec.json.Encoder()


def _respond(request: Request[Any, Any, Any], problem: Problem, headers: dict[str, str] | None) -> Response[bytes]:
    problem.instance = request.url.path
    problem.request_id = request_id_of(request.scope)
    return Response(
        content=_problem_encoder.encode(problem),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def _problem(status: int, code: str, detail: str, errors: list[FieldError] | None = None) -> Problem:
    return Problem(
        type=_TYPE_PREFIX + code,
        title=_TITLES.get(status, "Error"),
        status=status,
        code=code,
        detail=detail,
        errors=errors,
    )


def first_line(error: BaseException) -> str:
    """The first line of an error's message, for one log line that says what happened."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:300]


def _api_error_handler(request: Request[Any, Any, Any], exc: ApiError) -> Response[bytes]:
    problem = _problem(exc.status, exc.code, exc.detail, exc.errors)
    if exc.decline_code is not None:
        problem = msgspec.structs.replace(problem, decline_code=exc.decline_code)
    return _respond(request, problem, exc.headers)


def camel(name: str) -> str:
    """The wire name of a handler parameter: snake_case in Python, camelCase on the wire."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


_MISSING_FIELD = re.compile(r"Object missing required field `(?P<name>[^`]+)`")
# msgspec quotes the whole pattern back, escaped twice over in JSON: unreadable, and the document has it already.
_PATTERN_MISMATCH = re.compile(r"Expected `str` matching regex '.*'", re.DOTALL)
_PATTERN_REASON = "has characters or a shape this field does not take (its pattern is in the API document)"
_BODY_PARAMETER = "data"  # what Litestar calls the request body: a handler's name for it, not a wire name


def _field_error(item: dict[str, Any]) -> FieldError:
    """The wire field an error of Litestar's validation is about, and why."""
    key = str(item.get("key") or "")
    reason = str(item.get("message") or "invalid value")
    if _PATTERN_MISMATCH.match(reason):
        reason = _PATTERN_MISMATCH.sub(_PATTERN_REASON, reason, count=1)
    missing = _MISSING_FIELD.fullmatch(reason)
    if key == _BODY_PARAMETER or (not key and item.get("source", "body") == "body"):
        # About the body as a whole: name the missing field, else the body itself.
        if missing:
            return FieldError(field=missing.group("name"), reason="required field is missing")
        if reason == repr(_BODY_PARAMETER):  # Litestar's KeyError when there is no body at all
            return FieldError(field="body", reason="a JSON body is required")
        return FieldError(field="body", reason=reason)
    field = camel(key or str(item.get("source")))
    if missing:
        return FieldError(field=f"{field}.{missing.group('name')}", reason="required field is missing")
    return FieldError(field=field, reason=reason)


def _validation_handler(request: Request[Any, Any, Any], exc: ValidationException) -> Response[bytes]:
    errors: list[FieldError] = []
    extra = exc.extra if isinstance(exc.extra, list) else []
    for item in extra:
        if isinstance(item, dict):
            errors.append(_field_error(item))
    if errors:
        detail = "; ".join(f"{e.field}: {e.reason}" for e in errors)
    else:
        detail = exc.detail or "the request could not be validated"
    return _respond(request, _problem(400, "validation_failed", detail, errors or None), None)


_HTTP_CODES = {
    NotAuthorizedException: "unauthorized",
    PermissionDeniedException: "forbidden",
    NotFoundException: "not_found",
    MethodNotAllowedException: "method_not_allowed",
}


def _http_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[bytes]:
    code = next((c for t, c in _HTTP_CODES.items() if isinstance(exc, t)), None)
    status = exc.status_code
    if code is None:
        code = {413: "payload_too_large", 415: "unsupported_media_type", 429: "rate_limited"}.get(
            status, "http_error" if status < 500 else "internal_error"
        )
    detail = exc.detail or _TITLES.get(status, "error")
    if isinstance(exc.__cause__, SerializationException):
        # The body is not JSON (Litestar turns the decoding error into a bare 400): name the body.
        problem = _problem(400, "validation_failed", f"body: {detail}", [FieldError(field="body", reason=detail)])
        return _respond(request, problem, exc.headers)
    if isinstance(exc, NotFoundException) and detail == "Not Found":
        detail = f"no resource at {request.url.path}"
    return _respond(request, _problem(status, code, detail), exc.headers)


_STORE_RETRY_AFTER_S = "5"


def _unexpected_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    if is_store_unavailable(exc):
        # An outage, not a bug: one line per refused request (no traceback), and a 503 the caller may retry.
        _log.error("store unavailable on %s %s: %s", request.method, request.url.path, first_line(exc))
        problem = _problem(503, "store_unavailable", "the store cannot take this request now; retry later")
        return _respond(request, problem, {"Retry-After": _STORE_RETRY_AFTER_S})
    _log.exception("unhandled error on %s %s", request.method, request.url.path)
    problem = _problem(HTTP_500_INTERNAL_SERVER_ERROR, "internal_error", "the server failed to answer this request")
    return _respond(request, problem, None)


exception_handlers: dict[type[Exception] | int, Any] = {
    ApiError: _api_error_handler,
    ValidationException: _validation_handler,
    HTTPException: _http_handler,
    Exception: _unexpected_handler,
}

_DESCRIPTIONS = {
    400: "The request is malformed; `errors` names the fields.",
    401: "Missing or invalid credentials.",
    402: "The payment was declined; `declineCode` says why, where the card issuer said.",
    403: "These credentials may not call this operation.",
    404: "Unknown, or not visible to these credentials.",
    409: "Conflicts with what is stored.",
    422: "Understood but cannot be carried out.",
    429: "Too many requests; retry after `Retry-After`.",
    500: "The server failed.",
    502: "A dependency (such as the charge point) answered with an error.",
    503: "A dependency (the store, or the charge point) is unavailable; `code` says which.",
    504: "A dependency (such as the charge point) did not answer in time.",
}


def problem_responses(
    *statuses: int, base: tuple[int, ...] = (400, 401, 500), created: Any = None
) -> dict[int, ResponseSpec]:
    """OpenAPI responses declaring problem+json for the given statuses plus ``base``; ``created`` documents a
    201 with that body for PUTs that answer 200 when the resource already existed."""
    wanted = sorted({*base, *statuses})
    # No generated examples: they are drawn at random, so the document would change with what ran before it.
    extra = (
        {201: ResponseSpec(data_container=created, description="Created", generate_examples=False)}
        if created is not None
        else {}
    )
    return extra | {
        status: ResponseSpec(
            data_container=Problem,
            media_type=PROBLEM_MEDIA_TYPE,
            description=_DESCRIPTIONS.get(status, _TITLES.get(status, "Error")),
            generate_examples=False,
        )
        for status in wanted
    }
