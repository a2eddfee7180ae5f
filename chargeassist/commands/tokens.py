"""``chargeassist tokens import``: load issued charge cards (OCPI 2.2.1 Tokens) in bulk.

Exit status 0 when every row was stored, 1 when some were refused (each named on stderr with its line), 2
when the file itself is unusable.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import click

from chargeassist.settings import Settings, SettingsError

__all__ = ["tokens"]


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {' '.join(message.split())}", err=True)
    raise click.exceptions.Exit(2)


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    value: Any
    error: str | None = None


def _array_rows(text: str, start: int) -> Iterator[_Row]:
    """The items of a JSON array, each with the line it starts on (json.loads would lose the lines)."""
    decoder = json.JSONDecoder()
    position = start + 1
    expect_item = True
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            raise ValueError("the JSON array is not closed")
        if text[position] == "]" and (expect_item is False or text[start + 1 : position].strip() == ""):
            return
        if not expect_item:
            if text[position] != ",":
                raise ValueError(f"line {text.count(chr(10), 0, position) + 1}: expected ',' or ']'")
            position += 1
            expect_item = True
            continue
        line = text.count("\n", 0, position) + 1
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            raise ValueError(f"line {exc.lineno}: {exc.msg}") from None
        yield _Row(line, value)
        expect_item = False


def _ndjson_rows(text: str) -> Iterator[_Row]:
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            yield _Row(number, json.loads(raw))
        except json.JSONDecodeError as exc:
            yield _Row(number, None, f"not JSON ({exc.msg})")


def read_rows(path: Path) -> list[_Row]:
    """The file's tokens: a JSON array, or one JSON object per line (NDJSON)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        _fail(f"{path}: no such file")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"{path}: cannot read ({exc})")
    start = len(text) - len(text.lstrip())
    if text[start : start + 1] == "[":
        try:
            return list(_array_rows(text, start))
        except ValueError as exc:
            _fail(f"{path}: {exc}")
    return list(_ndjson_rows(text))


@click.group(name="tokens")
def tokens() -> None:
    """Issued charge cards (OCPI 2.2.1 Tokens): the cards a wallet's card is verified against."""


@tokens.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--partner",
    "partner_id",
    default=None,
    help="The partner that issued the cards (a row's own partner_id wins); left out: the operator itself.",
)
def import_tokens(file: Path, partner_id: str | None) -> None:
    """Create or replace the tokens of FILE (a JSON array or NDJSON); a refused row does not stop the others."""
    from chargeassist.services import IssuedTokenService, ServiceError
    from chargeassist.store import Database, Partner, upgrade

    rows = read_rows(file)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from exc
    upgrade(settings.database_url)

    async def run() -> tuple[int, int, list[str]]:
        database = Database(settings.database_url)
        created = updated = 0
        refusals: list[str] = []
        try:
            if partner_id is not None:
                async with database.read() as session:
                    if await session.get(Partner, partner_id) is None:
                        _fail(f"--partner {partner_id}: no such partner")
            service = IssuedTokenService(database)
            for row in rows:
                uid = row.value.get("uid") if isinstance(row.value, dict) else None
                if row.error is not None:
                    refusals.append(f"line {row.line}: {row.error}")
                    continue
                if not isinstance(uid, str):
                    refusals.append(f"line {row.line}: missing_token_field: uid: is required")
                    continue
                try:
                    _, new = await service.put(uid, row.value, partner_id)
                except ServiceError as exc:
                    refusals.append(f"line {row.line}: uid {uid}: {exc.code}: {exc.detail}")
                    continue
                created, updated = (created + 1, updated) if new else (created, updated + 1)
        finally:
            await database.dispose()
        return created, updated, refusals

    created, updated, refusals = asyncio.run(run())
    for refusal in refusals:
        click.echo(refusal, err=True)
    click.echo(f"created {created}, updated {updated}, refused {len(refusals)}")
    if refusals:
        raise click.exceptions.Exit(1)
