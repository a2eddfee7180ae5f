"""The assembled app: settings that shape it take effect."""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator

import pytest
from litestar.testing import AsyncTestClient

from chargeassist.app import create_app
from chargeassist.services import Services

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


@pytest.fixture
def collector() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("collector")
async def test_a_server_app_freezes_what_exists_once_started(sqlite_url: str) -> None:
    app = create_app(make_settings(sqlite_url), freeze_heap=True)
    async with AsyncTestClient(app=app):
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[2] == 100


@pytest.mark.usefixtures("collector")
async def test_an_app_for_tests_leaves_the_collector_alone(sqlite_url: str) -> None:
    frozen = gc.get_freeze_count()
    app = create_app(make_settings(sqlite_url))
    async with AsyncTestClient(app=app):
        assert gc.get_freeze_count() == frozen


def test_webhook_private_urls_setting_reaches_the_delivery_rules(sqlite_url: str) -> None:
    services: Services = create_app(make_settings(sqlite_url, webhook_allow_private_urls=True)).state.services
    assert services.webhooks.config.allow_private_urls


def test_webhook_private_urls_are_refused_by_default(sqlite_url: str) -> None:
    services: Services = create_app(make_settings(sqlite_url)).state.services
    assert not services.webhooks.config.allow_private_urls
