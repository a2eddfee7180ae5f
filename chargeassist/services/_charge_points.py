"""Charge points the CSMS accepts: their Basic-auth password (hashed) and which EVSEs they drive."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from litestar.stores.base import Store
from sqlalchemy import func, select, update

from chargeassist.store import ChargePoint, ConnectorStatus, Database, EvseRow, LocationRow, utcnow

from ._batch import BatchWriter
from ._commands import (
    ChangeAvailability,
    ChangeConfiguration,
    ChargePointCommand,
    CommandBus,
    CommandBusUnavailable,
    GetConfiguration,
    OfflineCommandBus,
    Reset,
    TriggerMessage,
    UnlockConnector,
    bus_unavailable,
    command_name,
)
from ._credentials import VerifiedCredentials
from ._errors import ServiceError
from ._locations import LocationService

__all__ = [
    "ChargePointService",
    "ChargePointView",
    "ConnectorView",
    "EvseLink",
    "hash_password",
    "ocpi_status",
    "verify_password",
]

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


# OCPP 1.6 connector status -> OCPI EVSE status. Preparing and Finishing count as in use: a cable is
# plugged in, so search must not offer the EVSE to another driver.
_OCPI_STATUS = {
    "Available": "AVAILABLE",
    "Preparing": "CHARGING",
    "Charging": "CHARGING",
    "SuspendedEV": "CHARGING",
    "SuspendedEVSE": "CHARGING",
    "Finishing": "CHARGING",
    "Reserved": "RESERVED",
    "Unavailable": "INOPERATIVE",
    "Faulted": "OUTOFORDER",
}


def ocpi_status(ocpp_status: str) -> str:
    """The OCPI EVSE status an OCPP 1.6 connector status stands for."""
    return _OCPI_STATUS.get(ocpp_status, "UNKNOWN")


@dataclass(frozen=True, slots=True)
class EvseLink:
    """The EVSE behind one OCPP connector, and its location."""

    evse_pk: int
    evse_uid: str
    location_pk: int
    location_id: str


@dataclass(frozen=True, slots=True)
class ConnectorView:
    """The last status a charge point reported for one connector."""

    connector_id: int
    status: str
    error_code: str
    info: str | None
    vendor_error_code: str | None
    status_at: datetime | None
    updated_at: datetime
    evse_uid: str | None


@dataclass(frozen=True, slots=True)
class ChargePointView:
    """What the operator sees of a charge point."""

    id: str
    evses: list[str]
    connected: bool
    connected_at: datetime | None
    disconnected_at: datetime | None
    last_seen_at: datetime | None
    booted_at: datetime | None
    vendor: str | None
    model: str | None
    serial_number: str | None
    firmware_version: str | None
    firmware_status: str | None
    diagnostics_status: str | None
    connectors: list[ConnectorView]


class ChargePointService:
    """Registers charge points and maps their OCPP connectors (1, 2, ...) to EVSEs in the given order; records
    what the CSMS hears from them (boot, connection, connector statuses)."""

    def __init__(
        self,
        db: Database,
        *,
        locations: LocationService | None = None,
        writer: BatchWriter | None = None,
        commands: CommandBus | None = None,
        command_timeout_s: float = 30.0,
        liveness_window: timedelta = timedelta(minutes=11),
        verified_store: Store | None = None,
    ) -> None:
        """``verified_store`` shares verified passwords with the other processes
        (``build_store(settings.bus, STORE_NAME)``); without it they are remembered in this process only."""
        self._db = db
        self._locations = locations
        self._commands = commands or OfflineCommandBus()
        self._command_timeout_s = command_timeout_s
        self._writer = writer or BatchWriter(db)
        self._liveness_window = liveness_window
        # Verified passwords, so a reconnect to this process or another does not cost another scrypt.
        self._verified = VerifiedCredentials(db, verified_store)
        # scrypt takes 16 MiB and ~30 ms of CPU: two at a time, in two threads of their own, off the event
        # loop. Their own threads, because every thread that runs one keeps its 16 MiB in its malloc arena.
        self._scrypt_threads: ThreadPoolExecutor | None = None

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
        if not created:
            await self._verified.forget(charge_point_id)
        return created

    async def evse_uids(self, charge_point_id: str) -> list[str]:
        """The EVSE uids of a charge point in OCPP connector order; 404 when unknown."""
        async with self._db.read() as session:
            if await session.get(ChargePoint, charge_point_id) is None:
                raise ServiceError(404, "charge_point_not_found", f"no charge point {charge_point_id!r}")
            rows = await session.scalars(
                select(EvseRow.uid)
                .where(EvseRow.charge_point_id == charge_point_id)
                .order_by(EvseRow.ocpp_connector_id)
            )
            return list(rows.all())

    async def connector_ids(self, charge_point_id: str) -> frozenset[int]:
        """The OCPP connector ids the operator mapped to EVSEs (0, the charge point itself, is not among them)."""
        async with self._db.read() as session:
            rows = await session.scalars(
                select(EvseRow.ocpp_connector_id).where(
                    EvseRow.charge_point_id == charge_point_id, EvseRow.ocpp_connector_id.is_not(None)
                )
            )
            return frozenset(connector_id for connector_id in rows.all() if connector_id is not None)

    async def check_password(self, charge_point_id: str, password: str) -> bool | None:
        """None when the charge point is unknown, else whether the password is right."""
        async with self._db.read() as session:
            row = await session.get(ChargePoint, charge_point_id)
        if row is None:
            return None
        return verify_password(password, row.password_hash)

    async def authenticate(self, charge_point_id: str, password: str) -> bool | None:
        """Like :meth:`check_password`, for the CSMS: scrypt runs in a thread, and a password verified once
        against the stored hash is recognised again without it until the hash changes."""
        stored = await self.password_hash(charge_point_id)
        if stored is None:
            return None
        known = self.recognised(charge_point_id, stored, password)
        return known if known is not None else await self.verify(charge_point_id, stored, password)

    async def password_hash(self, charge_point_id: str) -> str | None:
        """The stored password hash of a charge point; None when it is unknown."""
        async with self._db.read() as session:
            stored: str | None = await session.scalar(
                select(ChargePoint.password_hash).where(ChargePoint.id == charge_point_id)
            )
        return stored

    def recognised(self, charge_point_id: str, stored: str, password: str) -> bool | None:
        """Whether the password is the one this process verified before against ``stored`` (no scrypt, no
        I/O); None when this process remembers no verification of this hash, so only :meth:`verify` can tell."""
        return self._verified.recognised(charge_point_id, stored, password)

    async def recognised_shared(self, charge_point_id: str, stored: str, password: str) -> bool | None:
        """Like :meth:`recognised`, asking the other processes too (one round trip to the shared store): True
        when some process verified this password against ``stored``, None when only :meth:`verify` can tell."""
        known = self._verified.recognised(charge_point_id, stored, password)
        if known is not None:
            return known
        return True if await self._verified.recognised_shared(charge_point_id, stored, password) else None

    async def verify(self, charge_point_id: str, stored: str, password: str) -> bool:
        """Check the password against ``stored``: recognised from the shared store when another process (or
        this one before a restart) verified it, else with scrypt in a thread of its own; remembered if right."""
        if await self._verified.recognised_shared(charge_point_id, stored, password):
            return True
        if self._scrypt_threads is None:
            self._scrypt_threads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="scrypt")
        valid = await asyncio.get_running_loop().run_in_executor(
            self._scrypt_threads, verify_password, password, stored
        )
        if valid:
            await self._verified.remember(charge_point_id, stored, password)
        return valid

    def close(self) -> None:
        """Let the password-checking threads go."""
        if self._scrypt_threads is not None:
            self._scrypt_threads.shutdown(wait=False)
            self._scrypt_threads = None

    async def aclose(self) -> None:
        """:meth:`close`, and close the shared store of verified passwords."""
        self.close()
        await self._verified.aclose()

    # --- what the CSMS hears ---------------------------------------------------------------------------

    async def record_connected(self, charge_point_id: str, node_id: str, at: datetime) -> None:
        """A WebSocket of the charge point was accepted by process ``node_id``."""
        await self._writer.write_connected(charge_point_id, node_id, at)

    async def record_disconnected(self, charge_point_id: str, node_id: str, connected_at: datetime) -> None:
        """The connection accepted at ``connected_at`` ended (a newer connection's record is left alone)."""
        await self._writer.write_disconnected(charge_point_id, node_id, connected_at, utcnow())

    async def record_boot(
        self,
        charge_point_id: str,
        *,
        vendor: str,
        model: str,
        serial_number: str | None,
        firmware_version: str | None,
        at: datetime,
    ) -> None:
        """What the charge point said in its BootNotification."""
        await self._writer.write_booted(
            charge_point_id,
            vendor=vendor,
            model=model,
            serial_number=serial_number,
            firmware_version=firmware_version,
            at=at,
        )

    async def record_firmware_status(self, charge_point_id: str, status: str) -> None:
        """The charge point's last FirmwareStatusNotification."""
        await self._set(charge_point_id, firmware_status=status)

    async def record_diagnostics_status(self, charge_point_id: str, status: str) -> None:
        """The charge point's last DiagnosticsStatusNotification."""
        await self._set(charge_point_id, diagnostics_status=status)

    async def _set(self, charge_point_id: str, **values: object) -> None:
        async with self._db.transaction() as session:
            await session.execute(update(ChargePoint).where(ChargePoint.id == charge_point_id).values(**values))

    def seen(self, charge_point_id: str, at: datetime) -> None:
        """The charge point sent something (a heartbeat...); written in the next batch."""
        self._writer.seen(charge_point_id, at)

    async def record_status(
        self,
        charge_point_id: str,
        connector_id: int,
        *,
        status: str,
        error_code: str,
        info: str | None,
        vendor_error_code: str | None,
        status_at: datetime | None,
    ) -> None:
        """A StatusNotification: kept per connector, and the EVSE behind the connector takes the OCPI status
        it stands for, so location search shows it at once."""
        now = utcnow()
        await self._writer.write_status(
            {
                "charge_point_id": charge_point_id,
                "connector_id": connector_id,
                "status": status,
                "error_code": error_code,
                "info": info,
                "vendor_error_code": vendor_error_code,
                "status_at": status_at,
                "updated_at": now,
            }
        )
        if connector_id == 0 or self._locations is None:
            return
        link = await self.evse_of(charge_point_id, connector_id)
        if link is not None:
            await self._locations.set_evse_status(link.evse_pk, ocpi_status(status))

    async def evse_of(self, charge_point_id: str, connector_id: int) -> EvseLink | None:
        """The EVSE the operator mapped to this connector, if any."""
        async with self._db.read() as session:
            found = (
                await session.execute(
                    select(EvseRow.pk, EvseRow.uid, LocationRow.pk, LocationRow.id)
                    .join(LocationRow, LocationRow.pk == EvseRow.location_pk)
                    .where(
                        EvseRow.charge_point_id == charge_point_id,
                        EvseRow.ocpp_connector_id == connector_id,
                        LocationRow.deleted.is_(False),
                    )
                    .limit(1)
                )
            ).first()
        if found is None:
            return None
        return EvseLink(evse_pk=found[0], evse_uid=found[1], location_pk=found[2], location_id=found[3])

    async def connector_status(self, charge_point_id: str, connector_id: int) -> str | None:
        """The last OCPP status of the connector, if it ever reported one."""
        async with self._db.read() as session:
            status: str | None = await session.scalar(
                select(ConnectorStatus.status).where(
                    ConnectorStatus.charge_point_id == charge_point_id,
                    ConnectorStatus.connector_id == connector_id,
                )
            )
        return status

    # --- operator view ---------------------------------------------------------------------------------

    # --- operator commands -----------------------------------------------------------------------------

    async def reset(self, charge_point_id: str, kind: Literal["Hard", "Soft"]) -> dict[str, Any]:
        """Reset (``Hard`` or ``Soft``)."""
        return await self._command(charge_point_id, Reset(kind=kind))

    async def unlock_connector(self, charge_point_id: str, connector_id: int) -> dict[str, Any]:
        """UnlockConnector."""
        return await self._command(charge_point_id, UnlockConnector(connector_id=connector_id))

    async def change_availability(
        self, charge_point_id: str, connector_id: int, kind: Literal["Operative", "Inoperative"]
    ) -> dict[str, Any]:
        """ChangeAvailability of a connector (0: the whole charge point) to ``Operative``/``Inoperative``."""
        return await self._command(charge_point_id, ChangeAvailability(connector_id=connector_id, kind=kind))

    async def trigger_message(
        self, charge_point_id: str, requested_message: str, connector_id: int | None
    ) -> dict[str, Any]:
        """TriggerMessage: ask the charge point to send a message now."""
        command = TriggerMessage(requested_message=requested_message, connector_id=connector_id)
        return await self._command(charge_point_id, command)

    async def get_configuration(self, charge_point_id: str, keys: list[str] | None) -> dict[str, Any]:
        """GetConfiguration of the given keys (all when None)."""
        return await self._command(charge_point_id, GetConfiguration(keys=tuple(keys) if keys else None))

    async def change_configuration(self, charge_point_id: str, key: str, value: str) -> dict[str, Any]:
        """ChangeConfiguration of one key."""
        return await self._command(charge_point_id, ChangeConfiguration(key=key, value=value))

    async def _command(self, charge_point_id: str, command: ChargePointCommand) -> dict[str, Any]:
        async with self._db.read() as session:
            if await session.get(ChargePoint, charge_point_id) is None:
                raise ServiceError(404, "charge_point_not_found", f"no charge point {charge_point_id!r}")
        try:
            outcome = await self._commands.send(charge_point_id, command, timeout_s=self._command_timeout_s)
        except CommandBusUnavailable as exc:
            raise bus_unavailable(exc) from None
        name = command_name(command)
        if outcome.status == "answered":
            return outcome.payload or {}
        if outcome.status == "offline":
            raise ServiceError(503, "charge_point_offline", f"charge point {charge_point_id!r} is not connected")
        if outcome.status == "timeout":
            raise ServiceError(
                504, "charge_point_timeout", f"charge point {charge_point_id!r} did not answer {name} in time"
            )
        raise ServiceError(
            502,
            "charge_point_error",
            f"charge point {charge_point_id!r} answered {name} with {outcome.error_code}: "
            f"{outcome.error_description or ''}".rstrip(": "),
        )

    def _is_connected(self, row: ChargePoint, now: datetime) -> bool:
        # The flag is written by the process holding the connection; a process that died cannot clear it, so
        # a charge point not heard from for longer than its heartbeats allow counts as gone.
        return bool(row.connected) and row.last_seen_at is not None and now - row.last_seen_at <= self._liveness_window

    async def list_views(self, *, offset: int, limit: int) -> tuple[list[ChargePointView], int]:
        """Charge points in id order from ``offset``, and how many there are in all."""
        async with self._db.read() as session:
            total = int(await session.scalar(select(func.count()).select_from(ChargePoint)) or 0)
            rows = list(
                (await session.scalars(select(ChargePoint).order_by(ChargePoint.id).offset(offset).limit(limit))).all()
            )
        return await self._views(rows), total

    async def view(self, charge_point_id: str) -> ChargePointView:
        """One charge point; 404 when unknown."""
        async with self._db.read() as session:
            row = await session.get(ChargePoint, charge_point_id)
        if row is None:
            raise ServiceError(404, "charge_point_not_found", f"no charge point {charge_point_id!r}")
        return (await self._views([row]))[0]

    async def _views(self, rows: list[ChargePoint]) -> list[ChargePointView]:
        ids = [row.id for row in rows]
        if not ids:
            return []
        async with self._db.read() as session:
            evses = (
                await session.execute(
                    select(EvseRow.charge_point_id, EvseRow.ocpp_connector_id, EvseRow.uid)
                    .where(EvseRow.charge_point_id.in_(ids))
                    .order_by(EvseRow.charge_point_id, EvseRow.ocpp_connector_id)
                )
            ).all()
            statuses = (
                await session.scalars(
                    select(ConnectorStatus)
                    .where(ConnectorStatus.charge_point_id.in_(ids))
                    .order_by(ConnectorStatus.charge_point_id, ConnectorStatus.connector_id)
                )
            ).all()
        evse_uids: dict[str, list[str]] = {}
        uid_of: dict[tuple[str, int], str] = {}
        for cp_id, connector_id, uid in evses:
            evse_uids.setdefault(cp_id, []).append(uid)
            uid_of[(cp_id, connector_id)] = uid
        connectors: dict[str, list[ConnectorView]] = {}
        for status in statuses:
            connectors.setdefault(status.charge_point_id, []).append(
                ConnectorView(
                    connector_id=status.connector_id,
                    status=status.status,
                    error_code=status.error_code,
                    info=status.info,
                    vendor_error_code=status.vendor_error_code,
                    status_at=status.status_at,
                    updated_at=status.updated_at,
                    evse_uid=uid_of.get((status.charge_point_id, status.connector_id)),
                )
            )
        now = utcnow()
        return [
            ChargePointView(
                id=row.id,
                evses=evse_uids.get(row.id, []),
                connected=self._is_connected(row, now),
                connected_at=row.connected_at,
                disconnected_at=row.disconnected_at,
                last_seen_at=row.last_seen_at,
                booted_at=row.booted_at,
                vendor=row.vendor,
                model=row.model,
                serial_number=row.serial_number,
                firmware_version=row.firmware_version,
                firmware_status=row.firmware_status,
                diagnostics_status=row.diagnostics_status,
                connectors=connectors.get(row.id, []),
            )
            for row in rows
        ]
