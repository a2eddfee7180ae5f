"""The assembled app: settings that shape it take effect."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from litestar.testing import AsyncTestClient

from chargeassist.app import create_app

from .conftest import make_settings


@pytest.fixture
def root_level() -> Iterator[None]:
    level = logging.getLogger().level
    yield
    logging.getLogger().setLevel(level)


@pytest.mark.usefixtures("root_level")
async def test_log_level_setting_applies_to_the_service_loggers(sqlite_url: str) -> None:
    app = create_app(make_settings(sqlite_url, log_level="WARNING"))
    async with AsyncTestClient(app=app):
        assert not logging.getLogger("chargeassist.csms").isEnabledFor(logging.INFO)
        assert logging.getLogger("chargeassist.csms").isEnabledFor(logging.WARNING)
