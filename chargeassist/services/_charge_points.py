"""Charge points the CSMS accepts: their Basic-auth password (hashed) and which EVSEs they drive."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence

from sqlalchemy import select, update

from chargeassist.store import ChargePoint, Database, EvseRow, LocationRow

from ._errors import ServiceError

__all__ = ["ChargePointService", "hash_password", "verify_password"]

# scrypt parameters: about 16 MiB and a few ms per check; a charge point authenticates once per connection.
_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    """A salted scrypt hash in a self-describing text form."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches the hash, compared in constant time."""
    try:
        scheme, n, r, p, salt_b64, digest_b64 = encoded.split("$")
        if scheme != "scrypt":
            return False
        salt, expected = base64.b64decode(salt_b64), base64.b64decode(digest_b64)
        digest = hashlib.scrypt(password.encode(), salt=salt, n=int(n), r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, expected)


class ChargePointService:
    """Registers charge points and maps their OCPP connectors (1, 2, ...) to EVSEs in the given order."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def put(self, charge_point_id: str, password: str, evse_uids: Sequence[str]) -> bool:
        """Create or replace a charge point; the flag says whether it was created."""
        if len(set(evse_uids)) != len(evse_uids):
            raise ServiceError(400, "validation_failed", "evses: each EVSE uid may appear once", field="evses")
        async with self._db.transaction() as session:
            evse_pks: list[int] = []
            for index, uid in enumerate(evse_uids):
                rows = (
                    await session.execute(
                        select(EvseRow.pk, EvseRow.charge_point_id)
                        .join(LocationRow, LocationRow.pk == EvseRow.location_pk)
                        .where(EvseRow.uid == uid, LocationRow.deleted.is_(False))
                    )
                ).all()
                if not rows:
                    raise ServiceError(404, "evse_not_found", f"evses[{index}]: no EVSE with uid {uid!r}")
                if len(rows) > 1:
                    raise ServiceError(
                        409,
                        "evse_uid_ambiguous",
                        f"evses[{index}]: uid {uid!r} exists at more than one location",
                    )
                pk, owner = rows[0]
                if owner is not None and owner != charge_point_id:
                    raise ServiceError(
                        409, "evse_taken", f"evses[{index}]: EVSE {uid!r} belongs to charge point {owner!r}"
                    )
                evse_pks.append(pk)
            row = await session.get(ChargePoint, charge_point_id)
            created = row is None
            if row is None:
                session.add(ChargePoint(id=charge_point_id, password_hash=hash_password(password)))
            else:
                row.password_hash = hash_password(password)
            await session.execute(
                update(EvseRow)
                .where(EvseRow.charge_point_id == charge_point_id)
                .values(charge_point_id=None, ocpp_connector_id=None)
            )
            for connector_id, pk in enumerate(evse_pks, start=1):
                await session.execute(
                    update(EvseRow)
                    .where(EvseRow.pk == pk)
                    .values(charge_point_id=charge_point_id, ocpp_connector_id=connector_id)
                )
        return created

    async def evse_uids(self, charge_point_id: str) -> list[str]:
        """The EVSE uids of a charge point in OCPP connector order; 404 when unknown."""
        async with self._db.transaction() as session:
            if await session.get(ChargePoint, charge_point_id) is None:
                raise ServiceError(404, "charge_point_not_found", f"no charge point {charge_point_id!r}")
            rows = await session.scalars(
                select(EvseRow.uid)
                .where(EvseRow.charge_point_id == charge_point_id)
                .order_by(EvseRow.ocpp_connector_id)
            )
            return list(rows.all())

    async def check_password(self, charge_point_id: str, password: str) -> bool | None:
        """None when the charge point is unknown, else whether the password is right."""
        async with self._db.transaction() as session:
            row = await session.get(ChargePoint, charge_point_id)
        if row is None:
            return None
        return verify_password(password, row.password_hash)
