"""What every resource shares: the HTTP clients (retrying, raising problem details) and reading answers."""

from __future__ import annotations

import os
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any, TypeVar

import httpx

from ._errors import UnexpectedResponseError, error_from_response
from ._generated.client import AuthenticatedClient
from ._generated.types import Response
from ._retry import AsyncRetryTransport, RetryPolicy, RetryTransport

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "AsyncCore",
    "SyncCore",
    "unwrap",
]

T = TypeVar("T")

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
"""30 s for each read and write, 10 s to connect."""

try:
    _VERSION = version("chargeassist-sdk")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    _VERSION = "0"
USER_AGENT = f"chargeassist-sdk-python/{_VERSION}"


def _settings(api_key: str | None, base_url: str | None) -> tuple[str, str]:
    key = api_key or os.environ.get("CHARGEASSIST_API_KEY")
    if not key:
        raise ValueError("pass api_key=... (or set CHARGEASSIST_API_KEY): a partner API key or an app access token")
    url = (base_url or os.environ.get("CHARGEASSIST_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
    return key, url


def _headers(api_key: str, extra: Mapping[str, str] | None) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {api_key}",
        "User-Agent": USER_AGENT,
        "Accept": "application/json",
        **(extra or {}),
    }


def _raise_for_problem(response: httpx.Response) -> None:
    if response.status_code >= 400:
        response.read()
        raise error_from_response(response)


async def _araise_for_problem(response: httpx.Response) -> None:
    if response.status_code >= 400:
        await response.aread()
        raise error_from_response(response)


def unwrap(response: Response[Any], kind: type[T]) -> T:
    """The documented body of a successful answer of the generated layer."""
    parsed = response.parsed
    if isinstance(parsed, kind):
        return parsed
    raise UnexpectedResponseError(f"HTTP {int(response.status_code)}: expected a {kind.__name__} body")


def expect_no_content(response: Response[Any]) -> None:
    """Check a successful answer that has no body."""
    if int(response.status_code) != 204:
        raise UnexpectedResponseError(f"HTTP {int(response.status_code)}: expected 204 No Content")


class SyncCore:
    """The blocking HTTP side of :class:`~chargeassist_sdk.ChargeAssist`."""

    def __init__(
        self,
        api_key: str | None,
        base_url: str | None,
        *,
        timeout: float | httpx.Timeout | None,
        retry: RetryPolicy,
        headers: Mapping[str, str] | None,
        transport: httpx.BaseTransport | None,
    ) -> None:
        key, self.base_url = _settings(api_key, base_url)
        self.http = httpx.Client(
            base_url=self.base_url,
            headers=_headers(key, headers),
            timeout=timeout,
            transport=RetryTransport(transport or httpx.HTTPTransport(), retry),
            event_hooks={"response": [_raise_for_problem]},
        )
        self.api = AuthenticatedClient(base_url=self.base_url, token=key).set_httpx_client(self.http)

    def close(self) -> None:
        self.http.close()


class AsyncCore:
    """The asyncio side of :class:`~chargeassist_sdk.AsyncChargeAssist`."""

    def __init__(
        self,
        api_key: str | None,
        base_url: str | None,
        *,
        timeout: float | httpx.Timeout | None,
        retry: RetryPolicy,
        headers: Mapping[str, str] | None,
        transport: httpx.AsyncBaseTransport | None,
    ) -> None:
        key, self.base_url = _settings(api_key, base_url)
        self.http = httpx.AsyncClient(
            base_url=self.base_url,
            headers=_headers(key, headers),
            timeout=timeout,
            transport=AsyncRetryTransport(transport or httpx.AsyncHTTPTransport(), retry),
            event_hooks={"response": [_araise_for_problem]},
        )
        self.api = AuthenticatedClient(base_url=self.base_url, token=key).set_async_httpx_client(self.http)

    async def aclose(self) -> None:
        await self.http.aclose()
