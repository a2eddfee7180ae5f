"""QR stickers: creating them for EVSEs and resolving whatever a driver's camera read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from chargeassist import qr
from chargeassist.store import Database, QrCode

from ._errors import ServiceError
from ._locations import LocationService, evse_id_key

__all__ = ["QrResolution", "QrService"]


@dataclass(frozen=True, slots=True)
class QrResolution:
    """What a scanned text points at; ``valid`` is False for anything unknown or not visible."""

    valid: bool
    id: str | None = None
    location_id: str | None = None
    evse_uid: str | None = None
    connector_id: str | None = None
    url: str | None = None
    created_date: datetime | None = None


class QrService:
    """QR codes live in the store; their URLs are built from the public base URL."""

    def __init__(self, db: Database, locations: LocationService, public_base_url: str) -> None:
        self._db = db
        self._locations = locations
        self._base_url = public_base_url

    def url_of(self, qr_id: str) -> str:
        """The sticker URL of a QR code."""
        return qr.sticker_url(self._base_url, qr_id)

    async def create(self, location_id: str, evse_uid: str, connector_id: str | None) -> QrCode:
        """A new sticker for an EVSE (and optionally one of its connectors)."""
        location = await self._locations.get(location_id)
        evse = location.evse(evse_uid)
        if evse is None:
            raise ServiceError(404, "evse_not_found", f"no EVSE {evse_uid!r} at location {location_id!r}")
        if connector_id is not None and all(c.id != connector_id for c in evse.connectors):
            raise ServiceError(404, "connector_not_found", f"no connector {connector_id!r} on EVSE {evse_uid!r}")
        row = QrCode(id=qr.new_qr_id(), location_id=location.id, evse_uid=evse_uid, connector_id=connector_id)
        async with self._db.transaction() as session:
            session.add(row)
        return row

    async def get(self, qr_id: str) -> QrCode:
        """A QR code; 404 when unknown."""
        async with self._db.read() as session:
            row = await session.get(QrCode, qr_id)
        if row is None:
            raise ServiceError(404, "qr_code_not_found", f"no QR code {qr_id!r}")
        return row

    async def caption(self, row: QrCode) -> str:
        """Text printed under the code: the EVSE id when known, else location and EVSE uid."""
        location = await self._locations.find(row.location_id)
        evse = location.evse(row.evse_uid) if location else None
        if evse is not None and evse.evse_id:
            return evse.evse_id
        return f"{row.location_id} {row.evse_uid}"

    async def resolve(self, text: str, partner_id: str | None) -> QrResolution:
        """Resolve a scanned text; unknown, foreign or restricted targets are just ``valid: False``."""
        reference = qr.parse_qr_text(text, self._base_url)
        if reference.kind == "sticker" and reference.qr_id:
            async with self._db.read() as session:
                row = await session.get(QrCode, reference.qr_id)
            if row is None:
                return QrResolution(valid=False)
            location = await self._locations.find(row.location_id)
            if location is None or not location.visible_to(partner_id) or location.evse(row.evse_uid) is None:
                return QrResolution(valid=False)
            return QrResolution(
                valid=True,
                id=row.id,
                location_id=row.location_id,
                evse_uid=row.evse_uid,
                connector_id=row.connector_id,
                url=self.url_of(row.id),
                created_date=row.created_at,
            )
        if reference.kind == "evse_id" and reference.evse_id_key:
            found = await self._locations.find_evse_by_key(evse_id_key(reference.evse_id_key) or "")
            if found is None:
                return QrResolution(valid=False)
            location = await self._locations.find(found[0])
            if location is None or not location.visible_to(partner_id):
                return QrResolution(valid=False)
            evse = location.evse(found[1])
            connector_id = evse.connectors[0].id if evse and len(evse.connectors) == 1 else None
            return QrResolution(valid=True, location_id=found[0], evse_uid=found[1], connector_id=connector_id)
        return QrResolution(valid=False)

    async def lookup(self, qr_id: str) -> QrCode | None:
        """A QR code by id, or None."""
        async with self._db.read() as session:
            row: QrCode | None = await session.scalar(select(QrCode).where(QrCode.id == qr_id))
            return row
