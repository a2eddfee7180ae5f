"""One exception tree for everything the SDK raises, built from the API's problem details (RFC 9457)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from ._headers import retry_after_seconds

if TYPE_CHECKING:
    from ._generated.models import SessionResponse

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "ChargeAssistError",
    "ConflictError",
    "FieldError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "UnexpectedResponseError",
    "ValidationError",
    "WaitTimeoutError",
    "error_from_response",
]


class ChargeAssistError(Exception):
    """Base of every error the SDK raises."""


class APIConnectionError(ChargeAssistError):
    """The API could not be reached, or the connection broke, even after retrying."""


class APITimeoutError(APIConnectionError):
    """The API did not answer in time, even after retrying."""


class UnexpectedResponseError(ChargeAssistError):
    """The API answered with a success the SDK cannot read (not the documented body)."""


@dataclass(frozen=True, slots=True)
class FieldError:
    """One refused field of a request, and why."""

    field: str
    reason: str


class APIError(ChargeAssistError):
    """The API refused the request. ``code`` is stable and meant for programs; ``detail`` is for people."""

    status: int
    """HTTP status."""
    code: str
    """Stable machine-readable reason, such as ``token_not_found``."""
    detail: str
    """Human-readable explanation."""
    title: str
    type: str
    instance: str | None
    """The path that failed."""
    request_id: str | None
    """The server's id of the request (quote it when reporting a problem)."""
    errors: tuple[FieldError, ...]
    """The fields refused, for validation errors."""
    problem: Mapping[str, Any]
    """The whole problem document as received."""
    headers: httpx.Headers

    def __init__(self, status: int, problem: Mapping[str, Any], headers: httpx.Headers | None = None) -> None:
        self.status = status
        self.problem = problem
        self.headers = headers if headers is not None else httpx.Headers()
        self.code = _text(problem.get("code")) or ("internal_error" if status >= 500 else "http_error")
        self.detail = _text(problem.get("detail")) or _text(problem.get("title")) or f"HTTP {status}"
        self.title = _text(problem.get("title")) or ""
        self.type = _text(problem.get("type")) or "about:blank"
        self.instance = _text(problem.get("instance"))
        self.request_id = _text(problem.get("requestId")) or self.headers.get("x-request-id")
        raw_errors = problem.get("errors")
        self.errors = tuple(
            FieldError(field=str(item.get("field", "")), reason=str(item.get("reason", "")))
            for item in (raw_errors if isinstance(raw_errors, list) else ())
            if isinstance(item, dict)
        )
        suffix = f" (request {self.request_id})" if self.request_id else ""
        super().__init__(f"{status} {self.code}: {self.detail}{suffix}")


class ValidationError(APIError):
    """400 or 422: the request is malformed or cannot be carried out; ``errors`` names the fields."""


class AuthenticationError(APIError):
    """401: the API key or access token is missing, unknown or expired."""


class PermissionDeniedError(APIError):
    """403: these credentials may not do this (an access token for another app token, for example)."""


class NotFoundError(APIError):
    """404: unknown, or not visible to these credentials."""


class ConflictError(APIError):
    """409: the request contradicts what is stored."""


class RateLimitError(APIError):
    """429: too many requests, still after the retries; ``retry_after`` says how long to wait, if known."""

    @property
    def retry_after(self) -> float | None:
        """Seconds the server asked to wait, from ``Retry-After``."""
        return retry_after_seconds(self.headers)


class ServerError(APIError):
    """5xx: the server failed, still after the retries."""


class WaitTimeoutError(ChargeAssistError, TimeoutError):
    """A charge session did not reach the awaited state in time; ``session`` is the last state seen."""

    def __init__(self, message: str, session: SessionResponse) -> None:
        super().__init__(message)
        self.session = session


_BY_STATUS: dict[int, type[APIError]] = {
    400: ValidationError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: ValidationError,
    429: RateLimitError,
}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _problem_of(content: bytes, status: int) -> dict[str, Any]:
    try:
        decoded = json.loads(content)
    except ValueError:
        decoded = None
    if isinstance(decoded, dict):
        return decoded
    # Not problem details (a proxy's HTML page, say): keep a readable start of it.
    text = content[:200].decode("utf-8", "replace").strip()
    return {"detail": text or f"HTTP {status}"}


def error_class(status: int) -> type[APIError]:
    """The exception class for an HTTP error status."""
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, APIError)


def error_from_response(response: httpx.Response) -> APIError:
    """The exception for an error response; its body must have been read."""
    status = response.status_code
    return error_class(status)(status, _problem_of(response.content, status), response.headers)
