"""Iterating paged lists: each page's ``meta.continuationToken`` fetches the next, until ``hasMoreData`` is false."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from ._errors import UnexpectedResponseError

__all__ = ["AsyncPaginator", "Page", "Paginator"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list."""

    items: list[T]
    has_more: bool
    continuation_token: str | None


def _next_token(page: Page[T], seen: set[str]) -> str | None:
    """The token of the page after ``page``, None at the end; refuses a server that would loop forever."""
    if not page.has_more:
        return None
    token = page.continuation_token
    if not token:
        raise UnexpectedResponseError("the page says there is more data but gives no continuation token")
    if token in seen:
        raise UnexpectedResponseError("the server handed back a continuation token it gave before")
    seen.add(token)
    return token


class Paginator(Generic[T]):
    """Every item of a paged list, fetched page by page as the loop goes: ``for item in paginator``.

    Nothing is fetched until iteration starts; each iteration starts again from the first page.
    """

    def __init__(self, fetch: Callable[[str | None], Page[T]]) -> None:
        self._fetch = fetch

    def pages(self) -> Iterator[Page[T]]:
        """The pages themselves, for when page boundaries matter."""
        seen: set[str] = set()
        token: str | None = None
        while True:
            page = self._fetch(token)
            yield page
            token = _next_token(page, seen)
            if token is None:
                return

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def first_page(self) -> Page[T]:
        """Only the first page."""
        return self._fetch(None)


class AsyncPaginator(Generic[T]):
    """Every item of a paged list for ``async for``, fetched page by page as the loop goes."""

    def __init__(self, fetch: Callable[[str | None], Awaitable[Page[T]]]) -> None:
        self._fetch = fetch

    async def pages(self) -> AsyncIterator[Page[T]]:
        """The pages themselves, for when page boundaries matter."""
        seen: set[str] = set()
        token: str | None = None
        while True:
            page = await self._fetch(token)
            yield page
            token = _next_token(page, seen)
            if token is None:
                return

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def first_page(self) -> Page[T]:
        """Only the first page."""
        return await self._fetch(None)
