"""Stores for the API tests, built once per session and copied for each test (copying beats migrating).

Every test gets an empty migrated store of its own. A module that wants data overrides ``sqlite_url``
with ``demo_sqlite_url`` (the first demo locations and all demo tariffs, PUT through the operator API)
or uses ``seeded_sqlite_url`` (the full demo seeding, with the closed hotel location). Each test gets
its own copy, so tests may change data freely.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from chargeassist.app import create_app
from chargeassist.store import upgrade
from tests.api._demo import ALL_DEMO_LOCATIONS, DEMO_TARIFFS
from tests.api._helpers import put_location, put_tariff
from tests.conftest import make_settings


def _url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def _copy_store(source: Path, target: Path) -> str:
    """Copy a SQLite store with SQLite's own backup, so nothing left in a WAL file is lost."""
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)
    return _url(target)


async def _load_demo_data(url: str) -> None:
    app = create_app(make_settings(url))
    async with AsyncTestClient(app=app) as client:
        created = await app.state.services.partners.create("Template Operator", is_operator=True)
        for tariff in DEMO_TARIFFS:
            await put_tariff(client, created.api_key, tariff)
        for location in ALL_DEMO_LOCATIONS:
            await put_location(client, created.api_key, location)


async def _run_demo_seeding(url: str) -> None:
    app = create_app(make_settings(url, demo=True))
    async with AsyncTestClient(app=app):
        pass  # the lifespan seeds the demo data


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty store."""
    path = tmp_path_factory.mktemp("empty-template") / "chargeassist.db"
    upgrade(_url(path))
    return path


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the demo tariffs and the first demo locations, loaded through the operator API."""
    path = tmp_path_factory.mktemp("demo-template") / "chargeassist.db"
    upgrade(_url(path))
    asyncio.run(_load_demo_data(_url(path)))
    return path


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store after the demo seeding of ``CHARGEASSIST_DEMO=true`` (300 locations, hotel restricted)."""
    path = tmp_path_factory.mktemp("seeded-template") / "chargeassist.db"
    upgrade(_url(path))
    asyncio.run(_run_demo_seeding(_url(path)))
    return path


@pytest.fixture
def sqlite_url(empty_template: Path, tmp_path: Path) -> str:
    """This test's own empty migrated store."""
    return _copy_store(empty_template, tmp_path / "chargeassist.db")


@pytest.fixture
def demo_sqlite_url(demo_template: Path, tmp_path: Path) -> str:
    """This test's own copy of the demo data store."""
    return _copy_store(demo_template, tmp_path / "chargeassist.db")


@pytest.fixture
def seeded_sqlite_url(seeded_template: Path, tmp_path: Path) -> str:
    """This test's own copy of the demo-seeded store."""
    return _copy_store(seeded_template, tmp_path / "chargeassist.db")
