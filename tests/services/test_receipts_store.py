"""Receipt numbers on both stores: gapless and unique per operator under concurrent issuers, no number lost
to a rolled-back transaction, one receipt per session."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from chargeassist.store import Database, Receipt, allocate_receipt, utcnow


class Rollback(Exception):
    """Raised inside a transaction to roll it back."""


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()


async def _issue(db: Database, operator: str, session_pk: int, *, hold_s: float = 0.0) -> str:
    async with db.transaction() as session:
        receipt = await allocate_receipt(
            session,
            operator_id=operator,
            session_pk=session_pk,
            session_id=f"S{session_pk}",
            issued_at=utcnow(),
            render=lambda number: f'{{"receiptNumber": "{number}"}}',
        )
        # Keep the transaction open a moment, so concurrent issuers really overlap.
        await asyncio.sleep(hold_s)
        return receipt.receipt_number


async def _issue_then_fail(db: Database, operator: str, session_pk: int) -> None:
    async with db.transaction() as session:
        await allocate_receipt(
            session,
            operator_id=operator,
            session_pk=session_pk,
            session_id=f"S{session_pk}",
            issued_at=utcnow(),
            render=lambda number: "{}",
        )
        raise Rollback


async def test_numbers_count_from_one_per_operator(db: Database) -> None:
    numbers = [await _issue(db, "op-a", 1), await _issue(db, "op-b", 2), await _issue(db, "op-a", 3)]

    assert numbers == ["op-a-000001", "op-b-000001", "op-a-000002"]


async def test_concurrent_issues_are_numbered_one_to_n_without_gap_or_duplicate(db: Database) -> None:
    count = 20

    numbers = await asyncio.gather(*(_issue(db, "op", pk, hold_s=0.01) for pk in range(1, count + 1)))

    assert sorted(numbers) == [f"op-{n:06d}" for n in range(1, count + 1)]


async def test_concurrent_first_receipts_of_an_operator_share_one_counter(db: Database) -> None:
    numbers = await asyncio.gather(*(_issue(db, "new-op", pk) for pk in range(1, 6)))

    assert sorted(numbers) == [f"new-op-{n:06d}" for n in range(1, 6)]


async def test_a_rolled_back_issue_leaves_no_gap(db: Database) -> None:
    await _issue(db, "op", 1)
    with pytest.raises(Rollback):
        await _issue_then_fail(db, "op", 2)

    assert await _issue(db, "op", 3) == "op-000002"


async def test_a_rolled_back_issue_leaves_no_receipt(db: Database) -> None:
    with pytest.raises(Rollback):
        await _issue_then_fail(db, "op", 2)

    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Receipt)) == 0


async def test_issuing_twice_for_one_session_returns_the_first_receipt(db: Database) -> None:
    first = await _issue(db, "op", 7)

    assert await _issue(db, "op", 7) == first


async def test_issuing_twice_for_one_session_uses_no_number(db: Database) -> None:
    await _issue(db, "op", 7)
    await _issue(db, "op", 7)

    assert await _issue(db, "op", 8) == "op-000002"


async def test_concurrent_issues_for_one_session_make_one_receipt_and_burn_no_number(db: Database) -> None:
    numbers = await asyncio.gather(*(_issue(db, "op", 9, hold_s=0.01) for _ in range(5)))

    assert set(numbers) == {"op-000001"}
    assert await _issue(db, "op", 10) == "op-000002"


async def test_the_document_is_rendered_with_its_number(db: Database) -> None:
    await _issue(db, "op", 4)

    async with db.read() as session:
        receipt = await session.scalar(select(Receipt).where(Receipt.session_id == "S4"))
    assert receipt is not None
    assert (receipt.document, receipt.sequence, receipt.operator_id) == ('{"receiptNumber": "op-000001"}', 1, "op")
