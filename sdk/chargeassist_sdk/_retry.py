"""Retries with jitter below every request, and the ``Idempotency-Key`` that makes retrying a POST safe.

Both live in an httpx transport, so the generated layer and the hand-written one get them alike.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import anyio
import httpx

from ._errors import APIConnectionError, APITimeoutError
from ._headers import retry_after_seconds

__all__ = [
    "IDEMPOTENCY_KEY",
    "AsyncRetryTransport",
    "RetryPolicy",
    "RetryTransport",
]

IDEMPOTENCY_KEY = "Idempotency-Key"

# Failures where the request may not have reached the server, or its answer was lost. Each retried
# request keeps its Idempotency-Key, so a POST that did arrive is not carried out twice.
_RETRYABLE_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


def _gave_up(request: httpx.Request, exc: Exception, tries: int) -> APIConnectionError:
    kind = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    noun = "try" if tries == 1 else "tries"
    return kind(f"{request.method} {request.url}: {type(exc).__name__}: {exc or 'no detail'} ({tries} {noun})")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When and how long to wait before trying a request again.

    Retried: connection errors and timeouts, 429 (after ``Retry-After`` when the server sends it) and 5xx
    (except 501). The wait grows exponentially from ``backoff_base`` up to ``backoff_max`` seconds, half of
    it random, so that many clients failing together do not come back together.
    """

    max_retries: int = 2
    """Retries after the first try (0 switches retrying off)."""
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    max_retry_after: float = 60.0
    """A ``Retry-After`` longer than this is not waited for: the error is raised at once."""

    def backoff(self, retry: int) -> float:
        """Seconds before retry number ``retry`` (0-based): exponential, with jitter on its upper half."""
        ceiling = min(self.backoff_max, self.backoff_base * 2.0**retry)
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def delay_for(self, response: httpx.Response, retry: int) -> float | None:
        """Seconds to wait before retrying after ``response``, or None when it is final."""
        status = response.status_code
        if retry >= self.max_retries or not (status == 429 or (status >= 500 and status != 501)):
            return None
        asked = retry_after_seconds(response.headers)
        if asked is None:
            return self.backoff(retry)
        return asked if asked <= self.max_retry_after else None


def _with_idempotency_key(request: httpx.Request) -> None:
    if request.method == "POST" and IDEMPOTENCY_KEY.lower() not in request.headers:
        request.headers[IDEMPOTENCY_KEY] = str(uuid.uuid4())


class RetryTransport(httpx.BaseTransport):
    """Wraps a transport with the retry policy; adds an ``Idempotency-Key`` to every POST that has none."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        policy: RetryPolicy,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._inner = inner
        self._policy = policy
        self._sleep = sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        _with_idempotency_key(request)
        retry = 0
        while True:
            try:
                response = self._inner.handle_request(request)
            except _RETRYABLE_ERRORS as exc:
                if retry >= self._policy.max_retries:
                    raise _gave_up(request, exc, retry + 1) from exc
                self._sleep(self._policy.backoff(retry))
                retry += 1
                continue
            delay = self._policy.delay_for(response, retry)
            if delay is None:
                return response
            response.read()
            response.close()
            self._sleep(delay)
            retry += 1

    def close(self) -> None:
        self._inner.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The async twin of :class:`RetryTransport`."""

    def __init__(self, inner: httpx.AsyncBaseTransport, policy: RetryPolicy) -> None:
        self._inner = inner
        self._policy = policy

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        _with_idempotency_key(request)
        retry = 0
        while True:
            try:
                response = await self._inner.handle_async_request(request)
            except _RETRYABLE_ERRORS as exc:
                if retry >= self._policy.max_retries:
                    raise _gave_up(request, exc, retry + 1) from exc
                await anyio.sleep(self._policy.backoff(retry))
                retry += 1
                continue
            delay = self._policy.delay_for(response, retry)
            if delay is None:
                return response
            await response.aread()
            await response.aclose()
            await anyio.sleep(delay)
            retry += 1

    async def aclose(self) -> None:
        await self._inner.aclose()
