"""The command line: migrating the store, partner keys, and importing locations from a file."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import secrets
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from chargeassist.cli import _refuse_split_platform, main
from chargeassist.demo import demo_locations, demo_tariffs
from chargeassist.settings import Settings
from chargeassist.store import upgrade
from tests._processes import free_port
from tests.conftest import fresh_postgres_database

KEY_LINE = re.compile(r"^API key \(shown once\): (?P<key>\S+)$", re.MULTILINE)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A SQLite file the CLI is pointed at through CHARGEASSIST_DATABASE_URL (created on first use)."""
    path = tmp_path / "cli.db"
    monkeypatch.setenv("CHARGEASSIST_DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(sql).fetchall()


def write_json(tmp_path: Path, document: Any, name: str = "import.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def assert_one_line_error(result: Result, *fragments: str) -> None:
    """Exit status 2 and a single ``error: ...`` line on stderr, holding every fragment."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    assert "Traceback" not in result.output


# --- db --------------------------------------------------------------------------------------


def test_db_upgrade_migrates_the_store(store: Path) -> None:
    result = run("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert "store at head" in result.stdout
    tables = {name for (name,) in query(store, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"partners", "locations", "evses", "alembic_version"} <= tables


def test_db_upgrade_twice_is_fine(store: Path) -> None:
    run("db", "upgrade")
    result = run("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert query(store, "SELECT count(*) FROM counters") == [(1,)]


def test_unusable_store_url_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHARGEASSIST_DATABASE_URL", "mysql://db/chargeassist")
    result = run("db", "upgrade")
    assert result.exit_code == 2
    assert "CHARGEASSIST_DATABASE_URL" in result.stderr


# --- partners --------------------------------------------------------------------------------


def test_partners_create_prints_the_key_once(store: Path) -> None:
    result = run("partners", "create", "Acme Mobility")
    assert result.exit_code == 0, result.output
    match = KEY_LINE.search(result.stdout)
    assert match is not None
    assert result.output.count(match["key"]) == 1
    assert re.search(r"^partner ptn_[0-9a-f]{16} \(Acme Mobility\)$", result.stdout, re.MULTILINE)


def test_store_holds_only_the_sha256_of_the_key(store: Path) -> None:
    key = KEY_LINE.search(run("partners", "create", "Acme Mobility").stdout)["key"]  # type: ignore[index]
    [(stored,)] = query(store, "SELECT api_key_hash FROM partners")
    assert stored == hashlib.sha256(key.encode()).hexdigest()
    for path in store.parent.glob("cli.db*"):
        assert key.encode() not in path.read_bytes()


def test_every_partner_gets_its_own_key(store: Path) -> None:
    first = KEY_LINE.search(run("partners", "create", "One").stdout)
    second = KEY_LINE.search(run("partners", "create", "Two").stdout)
    assert first is not None
    assert second is not None
    assert first["key"] != second["key"]


def test_partners_create_operator_makes_an_operator(store: Path) -> None:
    result = run("partners", "create", "GFX Charging", "--operator")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("operator ptn_")
    assert query(store, "SELECT name, is_operator FROM partners") == [("GFX Charging", 1)]


def test_partners_create_without_operator_makes_a_partner(store: Path) -> None:
    run("partners", "create", "Acme Mobility")
    assert query(store, "SELECT name, is_operator FROM partners") == [("Acme Mobility", 0)]


def test_partners_list_shows_ids_kinds_and_names(store: Path) -> None:
    run("partners", "create", "Acme Mobility")
    run("partners", "create", "GFX Charging", "--operator")
    result = run("partners", "list")
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.strip().splitlines()]
    assert [(kind, name) for _, kind, name in rows] == [("partner", "Acme Mobility"), ("operator", "GFX Charging")]
    assert {partner_id for (partner_id,) in query(store, "SELECT id FROM partners")} == {row[0] for row in rows}


def test_partners_list_never_shows_keys_or_hashes(store: Path) -> None:
    key = KEY_LINE.search(run("partners", "create", "Acme Mobility").stdout)["key"]  # type: ignore[index]
    result = run("partners", "list")
    assert key not in result.output
    assert hashlib.sha256(key.encode()).hexdigest() not in result.output


def test_partners_list_of_an_empty_store_prints_nothing(store: Path) -> None:
    result = run("partners", "list")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


# --- import locations ------------------------------------------------------------------------


def test_importing_a_list_of_locations(store: Path, tmp_path: Path) -> None:
    locations = demo_locations(6)
    result = run("import", "locations", str(write_json(tmp_path, locations)))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "imported 6 locations and 0 tariffs"
    stored = {row[0] for row in query(store, "SELECT id FROM locations WHERE deleted = 0")}
    assert stored == {location["id"] for location in locations}


def test_importing_tariffs_and_locations_together(store: Path, tmp_path: Path) -> None:
    document = {"tariffs": demo_tariffs(), "locations": demo_locations(4)}
    result = run("import", "locations", str(write_json(tmp_path, document)))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"imported 4 locations and {len(document['tariffs'])} tariffs"
    assert query(store, "SELECT count(*) FROM tariffs") == [(len(document["tariffs"]),)]


def test_importing_the_same_file_again_replaces_nothing_twice(store: Path, tmp_path: Path) -> None:
    path = write_json(tmp_path, demo_locations(4))
    run("import", "locations", str(path))
    result = run("import", "locations", str(path))
    assert result.exit_code == 0, result.output
    assert query(store, "SELECT count(*) FROM locations") == [(4,)]
    assert query(store, "SELECT count(*) FROM evses") == [(sum(len(loc["evses"]) for loc in demo_locations(4)),)]


def test_import_keeps_the_restriction_extension(store: Path, tmp_path: Path) -> None:
    [location] = demo_locations(2)[1:]
    location["restricted_to_partners"] = ["ptn_hotel"]
    run("import", "locations", str(write_json(tmp_path, [location])))
    assert query(store, "SELECT restricted, allowed_partner_ids FROM locations") == [(1, '["ptn_hotel"]')]


def test_import_of_a_file_that_is_not_json_fails_in_one_line(store: Path, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[{"id": ', encoding="utf-8")
    assert_one_line_error(run("import", "locations", str(path)), "broken.json")


def test_import_of_a_file_that_is_not_text_fails_in_one_line(store: Path, tmp_path: Path) -> None:
    path = tmp_path / "binary.json"
    path.write_bytes(b"\xff\xfe\x00[")
    assert_one_line_error(run("import", "locations", str(path)), "binary.json")


@pytest.mark.parametrize("document", [42, "locations", None])
def test_import_of_json_that_is_no_list_or_object_fails_in_one_line(store: Path, tmp_path: Path, document: Any) -> None:
    assert_one_line_error(run("import", "locations", str(write_json(tmp_path, document))), "import.json")


def test_import_of_an_invalid_location_names_it_and_its_field(store: Path, tmp_path: Path) -> None:
    locations = demo_locations(3)
    locations[2]["coordinates"]["latitude"] = "north"
    result = run("import", "locations", str(write_json(tmp_path, locations)))
    assert_one_line_error(result, "[2].coordinates.latitude")


def test_import_with_one_bad_location_writes_nothing(store: Path, tmp_path: Path) -> None:
    locations = demo_locations(3)
    locations[2]["coordinates"]["latitude"] = "north"
    run("import", "locations", str(write_json(tmp_path, {"tariffs": demo_tariffs(), "locations": locations})))
    assert query(store, "SELECT count(*) FROM locations") == [(0,)]
    assert query(store, "SELECT count(*) FROM tariffs") == [(0,)]


def test_import_with_one_bad_tariff_writes_nothing(store: Path, tmp_path: Path) -> None:
    tariffs = demo_tariffs()
    tariffs[-1]["currency"] = "EURO"
    run("import", "locations", str(write_json(tmp_path, {"tariffs": tariffs, "locations": demo_locations(2)})))
    assert query(store, "SELECT count(*) FROM tariffs") == [(0,)]


def test_import_names_the_bad_tariff_by_its_index(store: Path, tmp_path: Path) -> None:
    tariffs = demo_tariffs()
    tariffs[1]["currency"] = "EURO"
    result = run("import", "locations", str(write_json(tmp_path, {"tariffs": tariffs, "locations": []})))
    assert_one_line_error(result, "[1].currency")


def test_import_of_an_invalid_tariff_names_its_field(store: Path, tmp_path: Path) -> None:
    tariffs = demo_tariffs()
    tariffs[0]["currency"] = "EURO"
    result = run("import", "locations", str(write_json(tmp_path, {"tariffs": tariffs, "locations": []})))
    assert_one_line_error(result, "currency")


@pytest.mark.parametrize("entry", [1, "nl-gfx-000001", None, [["id", "x"]]])
def test_import_of_an_entry_that_is_no_object_fails_in_one_line(store: Path, tmp_path: Path, entry: Any) -> None:
    locations: list[Any] = [*demo_locations(2)[1:], entry]
    assert_one_line_error(run("import", "locations", str(write_json(tmp_path, locations))), "[1]")


@pytest.mark.parametrize("document", [{"locations": 5}, {"locations": {"id": "x"}}, {"tariffs": "all"}])
def test_import_whose_lists_are_not_lists_fails_in_one_line(store: Path, tmp_path: Path, document: Any) -> None:
    assert_one_line_error(run("import", "locations", str(write_json(tmp_path, document))), "import.json")


def test_import_of_a_missing_file_is_a_usage_error(store: Path, tmp_path: Path) -> None:
    result = run("import", "locations", str(tmp_path / "nowhere.json"))
    assert result.exit_code == 2
    assert "nowhere.json" in result.stderr


def test_serve_with_several_workers_on_sqlite_is_refused_before_anything_starts(store: Path) -> None:
    result = run("serve", "--workers", "2")
    assert result.exit_code == 2
    assert "SQLite store takes one process" in result.output
    assert "CHARGEASSIST_DATABASE_URL" in result.output
    assert not store.exists()  # refused before the store was migrated


def test_serve_with_several_workers_without_redis_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CHARGEASSIST_DATABASE_URL", "postgresql+asyncpg://nobody@127.0.0.1:1/none")
    monkeypatch.delenv("CHARGEASSIST_REDIS_URL", raising=False)
    result = run("serve", "--workers", "3")
    assert result.exit_code == 2
    assert "would split the platform" in result.output
    assert "CHARGEASSIST_REDIS_URL" in result.output


def test_serve_with_several_workers_and_one_bus_part_in_memory_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHARGEASSIST_DATABASE_URL", "postgresql+asyncpg://nobody@127.0.0.1:1/none")
    monkeypatch.setenv("CHARGEASSIST_REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setenv("CHARGEASSIST_BUS_EVENTS", "memory")
    result = run("serve", "--workers", "2")
    assert result.exit_code == 2
    assert "would split the platform" in result.output


def test_several_workers_on_postgresql_with_redis_are_allowed() -> None:
    settings = Settings.from_env(
        {
            "CHARGEASSIST_DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/none",
            "CHARGEASSIST_REDIS_URL": "redis://127.0.0.1:1/0",
        }
    )
    _refuse_split_platform(settings, 4)  # no UsageError


def test_several_workers_on_sqlite_are_refused_even_with_redis() -> None:
    settings = Settings.from_env({"CHARGEASSIST_REDIS_URL": "redis://127.0.0.1:1/0"})
    with pytest.raises(click.UsageError, match="SQLite store takes one process"):
        _refuse_split_platform(settings, 2)


# --- serve: a worker that fails to start -----------------------------------------------------


@pytest.fixture
def store_that_fails_start_up() -> Iterator[str]:
    """A migrated PostgreSQL store whose table of service secrets is gone: the migrations find nothing to do,
    and every worker's start-up (which loads the secrets) fails."""
    with fresh_postgres_database("chargeassist_cli") as url:
        upgrade(url)

        async def drop() -> None:
            engine = create_async_engine(url)
            try:
                async with engine.begin() as connection:
                    await connection.execute(text("DROP TABLE service_secrets"))
            finally:
                await engine.dispose()

        asyncio.run(drop())
        yield url


def _serve(workers: int, database_url: str, redis_url: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "CHARGEASSIST_DATABASE_URL": database_url,
        "CHARGEASSIST_REDIS_URL": redis_url,
        "CHARGEASSIST_REDIS_KEY_PREFIX": "test-cli-" + secrets.token_hex(4),
        "CHARGEASSIST_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "chargeassist.cli", "serve", "--port", str(free_port()), "--workers", str(workers)]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def test_serve_exits_3_when_its_one_worker_fails_to_start(store_that_fails_start_up: str, redis_url: str) -> None:
    done = _serve(1, store_that_fails_start_up, redis_url)
    assert done.returncode == 3, done.stdout + done.stderr


def test_serve_exits_3_when_a_worker_of_several_fails_to_start(store_that_fails_start_up: str, redis_url: str) -> None:
    done = _serve(2, store_that_fails_start_up, redis_url)
    assert done.returncode == 3, done.stdout + done.stderr
    assert "failed to start" in done.stderr
