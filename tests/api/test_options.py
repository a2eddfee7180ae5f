"""OPTIONS names every method of a path, not only those registered before its first handler."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient


async def test_options_lists_every_method_of_the_path(client: AsyncTestClient[Litestar]) -> None:
    response = await client.options("/v1/tokens/driver-1")
    assert response.headers["allow"] == "DELETE, GET, OPTIONS, PUT"
