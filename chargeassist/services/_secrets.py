"""Service secrets generated once and shared by every process through the store."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from chargeassist.store import Database, ServiceSecret

__all__ = ["load_or_create_secret"]


async def load_or_create_secret(db: Database, name: str, *, nbytes: int = 32) -> str:
    """The secret called ``name``; the first process to ask creates it, the others read the same one."""
    async with db.read() as session:
        found = await session.scalar(select(ServiceSecret.value).where(ServiceSecret.name == name))
        if found is not None:
            return found
    try:
        async with db.transaction() as session:
            session.add(ServiceSecret(name=name, value=secrets.token_urlsafe(nbytes)))
    except IntegrityError:
        pass  # another process won the race; read its secret below
    async with db.read() as session:
        value = await session.scalar(select(ServiceSecret.value).where(ServiceSecret.name == name))
    assert value is not None
    return value
