"""Receipts: one immutable receipt per paid session, numbered without gaps per operator.

A receipt's number is ``{operator id}-{sequence:06d}`` (``acme-000042``): the sequence counts 1, 2, 3 ...
per operator and never restarts, so the numbers of one seller form one unbroken series, as VAT rules ask
of invoices. The sequence comes from ``receipt_counters``, incremented in the transaction that inserts
the receipt: a transaction that rolls back takes its increment with it, so no number is ever skipped,
and the counter row's lock (PostgreSQL) or the write lock (SQLite) makes concurrent issuers take turns.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import BigInteger, String, Text, UniqueConstraint, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from ._models import Base, BigIntPk

__all__ = ["Receipt", "ReceiptCounter", "allocate_receipt", "receipt_number"]


class ReceiptCounter(Base):
    """The next receipt sequence of one operator."""

    __tablename__ = "receipt_counters"

    operator_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    next_sequence: Mapped[int] = mapped_column(BigInteger)


class Receipt(Base):
    """A receipt as issued: its document (the receipt as the API shows it, JSON text) never changes."""

    __tablename__ = "receipts"
    __table_args__ = (UniqueConstraint("operator_id", "sequence", name="uq_receipts_operator_sequence"),)

    pk: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    receipt_number: Mapped[str] = mapped_column(String(60), unique=True)
    operator_id: Mapped[str] = mapped_column(String(40))
    sequence: Mapped[int] = mapped_column(BigInteger)
    # No foreign key: a receipt outlives its session (an app token's removal takes its sessions with it, and
    # the seller must keep its invoices); the document holds all it says.
    session_pk: Mapped[int] = mapped_column(BigInteger, unique=True)
    session_id: Mapped[str] = mapped_column(String(40), unique=True)
    issued_at: Mapped[datetime] = mapped_column()
    document: Mapped[str] = mapped_column(Text)


def receipt_number(operator_id: str, sequence: int) -> str:
    """The printed number of an operator's ``sequence``-th receipt."""
    return f"{operator_id}-{sequence:06d}"


async def _next_sequence(session: AsyncSession, operator_id: str) -> int:
    for _ in range(2):
        taken = await session.scalar(
            update(ReceiptCounter)
            .where(ReceiptCounter.operator_id == operator_id)
            .values(next_sequence=ReceiptCounter.next_sequence + 1)
            .returning(ReceiptCounter.next_sequence - 1)
        )
        if taken is not None:
            return int(taken)
        # The operator's first receipt: create its counter; when another transaction just did, use theirs.
        try:
            async with session.begin_nested():
                await session.execute(insert(ReceiptCounter).values(operator_id=operator_id, next_sequence=2))
        except IntegrityError:
            continue
        return 1
    raise RuntimeError(f"receipt counter of operator {operator_id!r} could neither be read nor created")


async def allocate_receipt(
    session: AsyncSession,
    *,
    operator_id: str,
    session_pk: int,
    session_id: str,
    issued_at: datetime,
    render: Callable[[str], str],
) -> Receipt:
    """The receipt of a charging session: the one already issued, or a new one with the operator's next number.

    Runs inside the caller's transaction, so the receipt and the number commit (or roll back) with whatever
    made the session paid. ``render`` makes the document (JSON text) of a new receipt from its number.
    """
    existing = await session.scalar(select(Receipt).where(Receipt.session_id == session_id))
    if existing is not None:
        return existing
    try:
        async with session.begin_nested():
            sequence = await _next_sequence(session, operator_id)
            number = receipt_number(operator_id, sequence)
            row = Receipt(
                receipt_number=number,
                operator_id=operator_id,
                sequence=sequence,
                session_pk=session_pk,
                session_id=session_id,
                issued_at=issued_at,
                document=render(number),
            )
            session.add(row)
            await session.flush()
    except IntegrityError:
        # Another transaction issued this session's receipt first; the savepoint gave back our number.
        found = await session.scalar(select(Receipt).where(Receipt.session_id == session_id))
        if found is None:
            raise
        return found
    return row
