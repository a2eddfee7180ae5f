"""The two entry points: :class:`ChargeAssist` (blocking) and :class:`AsyncChargeAssist` (asyncio), one surface."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType

import httpx

from ._async_resources import (
    AsyncLocations,
    AsyncPayments,
    AsyncQr,
    AsyncSessions,
    AsyncTariffs,
    AsyncTokens,
    AsyncWallet,
)
from ._core import DEFAULT_TIMEOUT, AsyncCore, SyncCore, unwrap
from ._generated.api.health import ping
from ._generated.client import AuthenticatedClient
from ._generated.models import PingResponse
from ._resources import Locations, Payments, Qr, Sessions, Tariffs, Tokens, Wallet
from ._retry import RetryPolicy

__all__ = ["AsyncChargeAssist", "ChargeAssist"]

_DEFAULT_RETRY = RetryPolicy()


class ChargeAssist:
    """A blocking client of the Charge Assist API.

    ``api_key`` is a partner API key (or an app access token, which acts for one app token only); it and
    ``base_url`` default to ``CHARGEASSIST_API_KEY`` and ``CHARGEASSIST_BASE_URL``. Requests time out after
    ``timeout`` (30 s per read, 10 s to connect; None switches timeouts off) and are retried as ``retry``
    says. Use it as a context manager, or call :meth:`close`.

    ``api`` is the generated low-level client, for operations the resources do not cover; it shares the
    connection pool, retries and error handling.
    """

    tokens: Tokens
    wallet: Wallet
    payments: Payments
    locations: Locations
    qr: Qr
    tariffs: Tariffs
    sessions: Sessions
    api: AuthenticatedClient

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        retry: RetryPolicy = _DEFAULT_RETRY,
        headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._core = SyncCore(api_key, base_url, timeout=timeout, retry=retry, headers=headers, transport=transport)
        self.api = self._core.api
        self.tokens = Tokens(self._core)
        self.wallet = Wallet(self._core)
        self.locations = Locations(self._core)
        self.qr = Qr(self._core)
        self.tariffs = Tariffs(self._core)
        self.sessions = Sessions(self._core)
        self.payments = Payments(self._core)

    @property
    def base_url(self) -> str:
        """The API's base URL."""
        return self._core.base_url

    def ping(self) -> bool:
        """Check that the API answers and accepts the credentials (raises otherwise)."""
        return unwrap(ping.sync_detailed(client=self.api), PingResponse).pong

    def close(self) -> None:
        """Close the connection pool."""
        self._core.close()

    def __enter__(self) -> ChargeAssist:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


class AsyncChargeAssist:
    """An asyncio client of the Charge Assist API: the same surface as :class:`ChargeAssist`, awaited.

    Use it as an async context manager, or await :meth:`aclose`.
    """

    tokens: AsyncTokens
    wallet: AsyncWallet
    payments: AsyncPayments
    locations: AsyncLocations
    qr: AsyncQr
    tariffs: AsyncTariffs
    sessions: AsyncSessions
    api: AuthenticatedClient

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        retry: RetryPolicy = _DEFAULT_RETRY,
        headers: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._core = AsyncCore(api_key, base_url, timeout=timeout, retry=retry, headers=headers, transport=transport)
        self.api = self._core.api
        self.tokens = AsyncTokens(self._core)
        self.wallet = AsyncWallet(self._core)
        self.locations = AsyncLocations(self._core)
        self.qr = AsyncQr(self._core)
        self.tariffs = AsyncTariffs(self._core)
        self.sessions = AsyncSessions(self._core)
        self.payments = AsyncPayments(self._core)

    @property
    def base_url(self) -> str:
        """The API's base URL."""
        return self._core.base_url

    async def ping(self) -> bool:
        """Check that the API answers and accepts the credentials (raises otherwise)."""
        return unwrap(await ping.asyncio_detailed(client=self.api), PingResponse).pong

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._core.aclose()

    async def __aenter__(self) -> AsyncChargeAssist:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()
