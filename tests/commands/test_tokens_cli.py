"""``chargeassist tokens import``: OCPI Tokens from a JSON array or NDJSON, bad rows named by line."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from chargeassist.commands.tokens import tokens
from chargeassist.services import PartnerService
from chargeassist.store import Database, IssuedToken


def _token(uid: str, **changes: Any) -> dict[str, Any]:
    token: dict[str, Any] = {
        "country_code": "NL",
        "party_id": "TST",
        "uid": uid,
        "type": "RFID",
        "contract_id": f"NL-TST-{uid}",
        "issuer": "Test Issuer",
        "valid": True,
        "whitelist": "ALLOWED",
        "last_updated": "2026-11-01T10:00:00Z",
    }
    token.update(changes)
    return token


@pytest.fixture
def store(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated SQLite store the command writes to (through CHARGEASSIST_DATABASE_URL)."""
    monkeypatch.setenv("CHARGEASSIST_DATABASE_URL", sqlite_url)
    return sqlite_url


def _run(*args: str) -> Result:
    return CliRunner().invoke(tokens, ["import", *args])


def _stored(url: str) -> dict[str, tuple[str | None, bool]]:
    async def read() -> dict[str, tuple[str | None, bool]]:
        database = Database(url)
        try:
            async with database.read() as session:
                rows = (await session.scalars(select(IssuedToken))).all()
                return {row.uid: (row.partner_id, row.valid) for row in rows}
        finally:
            await database.dispose()

    return asyncio.run(read())


def _partner(url: str) -> str:
    async def create() -> str:
        database = Database(url)
        try:
            return (await PartnerService(database).create("Issuer")).identity.partner_id
        finally:
            await database.dispose()

    return asyncio.run(create())


def _write(tmp_path: Path, text: str, name: str = "tokens.json") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_json_array_is_imported(store: str, tmp_path: Path) -> None:
    file = _write(tmp_path, json.dumps([_token("04AAAAAA01"), _token("04AAAAAA02")], indent=2))
    result = _run(file)
    assert (result.exit_code, result.stdout.strip()) == (0, "created 2, updated 0, refused 0")
    assert set(_stored(store)) == {"04AAAAAA01", "04AAAAAA02"}


def test_ndjson_is_imported(store: str, tmp_path: Path) -> None:
    lines = "\n".join(json.dumps(_token(uid)) for uid in ("04AAAAAA01", "04AAAAAA02", "04AAAAAA03"))
    result = _run(_write(tmp_path, lines + "\n", "tokens.ndjson"))
    assert result.stdout.strip() == "created 3, updated 0, refused 0"


def test_import_again_updates_and_creates_nothing(store: str, tmp_path: Path) -> None:
    file = _write(tmp_path, json.dumps([_token("04AAAAAA01"), _token("04AAAAAA02")]))
    _run(file)
    again = _run(file)
    assert (again.exit_code, again.stdout.strip(), len(_stored(store))) == (0, "created 0, updated 2, refused 0", 2)


def test_partner_option_names_the_issuer(store: str, tmp_path: Path) -> None:
    partner = _partner(store)
    _run(_write(tmp_path, json.dumps([_token("04AAAAAA01")])), "--partner", partner)
    assert _stored(store)["04AAAAAA01"] == (partner, True)


def test_without_partner_the_operator_issued_them(store: str, tmp_path: Path) -> None:
    _run(_write(tmp_path, json.dumps([_token("04AAAAAA01")])))
    assert _stored(store)["04AAAAAA01"] == (None, True)


def test_unknown_partner_option_stops_before_anything_is_stored(store: str, tmp_path: Path) -> None:
    result = _run(_write(tmp_path, json.dumps([_token("04AAAAAA01")])), "--partner", "pa_nobody")
    assert (result.exit_code, _stored(store)) == (2, {})


def test_a_bad_row_is_named_by_its_line_and_the_others_are_stored(store: str, tmp_path: Path) -> None:
    rows = [_token("04AAAAAA01"), _token("04AAAAAA02", whitelist="SOMETIMES"), _token("04AAAAAA03")]
    result = _run(_write(tmp_path, json.dumps(rows, indent=2)))
    second_row_line = json.dumps(rows, indent=2).splitlines().index("  {", 2) + 1
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"line {second_row_line}: uid 04AAAAAA02: invalid_token_field: whitelist: must be one of ALWAYS, ALLOWED, "
        "ALLOWED_OFFLINE, NEVER"
    )
    assert set(_stored(store)) == {"04AAAAAA01", "04AAAAAA03"}


def test_refusals_are_counted(store: str, tmp_path: Path) -> None:
    rows = [_token("04AAAAAA01"), _token("04AAAAAA02", valid="yes")]
    result = _run(_write(tmp_path, json.dumps(rows)))
    assert result.stdout.strip() == "created 1, updated 0, refused 1"


def test_an_ndjson_line_that_is_not_json_is_refused_by_line(store: str, tmp_path: Path) -> None:
    text = json.dumps(_token("04AAAAAA01")) + "\n{not json\n" + json.dumps(_token("04AAAAAA03")) + "\n"
    result = _run(_write(tmp_path, text, "tokens.ndjson"))
    assert result.stderr.startswith("line 2: not JSON")
    assert set(_stored(store)) == {"04AAAAAA01", "04AAAAAA03"}


def test_a_row_without_uid_is_refused_by_line(store: str, tmp_path: Path) -> None:
    row = _token("04AAAAAA01")
    del row["uid"]
    result = _run(_write(tmp_path, json.dumps(row) + "\n", "tokens.ndjson"))
    assert result.stderr.strip() == "line 1: missing_token_field: uid: is required"


def test_a_row_that_is_not_an_object_is_refused(store: str, tmp_path: Path) -> None:
    result = _run(_write(tmp_path, json.dumps([_token("04AAAAAA01"), "04AAAAAA02"])))
    assert (result.exit_code, result.stdout.strip()) == (1, "created 1, updated 0, refused 1")


def test_an_unclosed_array_is_refused_whole(store: str, tmp_path: Path) -> None:
    result = _run(_write(tmp_path, "[" + json.dumps(_token("04AAAAAA01")) + ","))
    assert (result.exit_code, _stored(store)) == (2, {})


def test_a_missing_file_is_refused(store: str, tmp_path: Path) -> None:
    result = _run(str(tmp_path / "absent.json"))
    assert (result.exit_code, result.stderr.startswith("error:")) == (2, True)


def test_an_empty_array_imports_nothing(store: str, tmp_path: Path) -> None:
    result = _run(_write(tmp_path, "[ ]"))
    assert (result.exit_code, result.stdout.strip()) == (0, "created 0, updated 0, refused 0")


def test_the_command_is_registered_on_chargeassist() -> None:
    from chargeassist.cli import main

    result = CliRunner().invoke(main, ["tokens", "import", "--help"])
    assert "--partner" in result.stdout
