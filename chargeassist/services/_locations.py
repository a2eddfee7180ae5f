"""Locations: operator writes, driver reads, and keeping every process's search index current."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import msgspec
from sqlalchemy import delete, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from chargeassist.domain.locations import (
    Evse,
    Location,
    LocationValidationError,
    connector_kw,
    convert_location,
    is_valid_location_key,
    location_key,
)
from chargeassist.domain.tariffs import minor_unit
from chargeassist.store import Database, EvseRow, LocationRow, TariffRow

from ._errors import ServiceError
from ._location_index import ConnectorFacet, IndexedLocation, LocationIndex
from ._location_views import build_summary, is_dc

__all__ = ["CheckedLocation", "LocationService", "PreAuthAmount", "StoredLocation", "evse_id_key"]

_log = logging.getLogger("chargeassist.locations")
_location_decoder = msgspec.json.Decoder(Location)
_evse_decoder = msgspec.json.Decoder(Evse)
_encoder = msgspec.json.Encoder()
_RESTRICTION_FIELD = "restricted_to_partners"
_PRE_AUTH_FIELD = "pre_auth_amount"
# Stripe takes at most 8 digits of minor units; a hold above this is a typo, not a price.
_MAX_PRE_AUTH = Decimal("999999")
_FALLBACK_CURRENCY = "EUR"


def evse_id_key(evse_id: str | None) -> str | None:
    """An EVSE id upper-cased without separators, so every spelling of it finds the EVSE."""
    if not evse_id:
        return None
    return "".join(ch for ch in evse_id.upper() if ch.isalnum()) or None


@dataclass(frozen=True, slots=True)
class CheckedLocation:
    """A location of an import that passed its checks, ready to be written."""

    location_id: str
    location: Location
    restricted_to: tuple[str, ...] | None
    pre_auth_amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class PreAuthAmount:
    """What a start with a card here holds: the location's own amount, or the service's default."""

    amount: Decimal
    currency: str
    is_default: bool


@dataclass(frozen=True, slots=True)
class StoredLocation:
    """A location as stored: the OCPI object with its EVSEs' current status, and who may see it."""

    pk: int
    id: str
    location: Location
    restricted_to_partners: tuple[str, ...] | None
    pre_auth_amount: Decimal | None = None
    """The operator's hold for a card start here; None: the service's default."""

    @property
    def restricted(self) -> bool:
        """Closed loop: only the listed partners see and use it."""
        return self.restricted_to_partners is not None

    def visible_to(self, partner_id: str | None) -> bool:
        """Whether ``partner_id`` may see it (None: an operator, who sees everything). Restricted: only the partners
        listed. Otherwise published: every partner; OCPI ``publish: false`` and no list: no partner at all."""
        if partner_id is None:
            return True
        if self.restricted_to_partners is not None:
            return partner_id in self.restricted_to_partners
        return self.location.publish

    def evse(self, evse_uid: str) -> Evse | None:
        """The EVSE with this uid."""
        return next((e for e in self.location.evses or () if e.uid == evse_uid), None)

    def to_ocpi(self) -> dict[str, Any]:
        """The OCPI object as the operator API returns it, with the restriction extension field."""
        document: dict[str, Any] = msgspec.to_builtins(self.location)
        document["id"] = self.id
        document[_RESTRICTION_FIELD] = list(self.restricted_to_partners or ()) if self.restricted else None
        # A string, so the amount reads back exactly as it was written (a JSON number may pass through a float).
        document[_PRE_AUTH_FIELD] = str(self.pre_auth_amount) if self.pre_auth_amount is not None else None
        return document


def _split_restriction(body: Mapping[str, Any]) -> tuple[dict[str, Any], tuple[str, ...] | None]:
    document = dict(body)
    raw = document.pop(_RESTRICTION_FIELD, None)
    if raw is None:
        return document, None
    if not isinstance(raw, list) or not all(isinstance(p, str) and p for p in raw):
        raise ServiceError(
            400,
            "validation_failed",
            f"{_RESTRICTION_FIELD}: must be a list of partner ids",
            field=_RESTRICTION_FIELD,
        )
    return document, tuple(dict.fromkeys(raw))


def _bad_pre_auth(why: str, field: str = _PRE_AUTH_FIELD) -> ServiceError:
    return ServiceError(400, "validation_failed", f"{field}: {why}", field=field)


def _split_pre_auth(document: dict[str, Any], field: str = _PRE_AUTH_FIELD) -> Decimal | None:
    """Take the pre-authorisation extension out of ``document``: a positive amount in the major unit."""
    raw = document.pop(_PRE_AUTH_FIELD, None)
    if raw is None:
        return None
    # bool is an int to Python; neither it nor a float's binary noise is an amount.
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise _bad_pre_auth('must be an amount such as "25.00"', field)
    try:
        amount = Decimal(str(raw).strip())
    except InvalidOperation as exc:
        raise _bad_pre_auth('must be an amount such as "25.00"', field) from exc
    if not amount.is_finite() or amount <= 0:
        raise _bad_pre_auth("must be a positive amount", field)
    if amount > _MAX_PRE_AUTH:
        raise _bad_pre_auth(f"must be at most {_MAX_PRE_AUTH}", field)
    return amount


def _check_pre_auth_decimals(amount: Decimal | None, currency: str, field: str = _PRE_AUTH_FIELD) -> None:
    if amount is None:
        return
    places = minor_unit(currency)
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise _bad_pre_auth(f"{currency} has {places} decimals; {amount} cannot be held", field)


def _tariff_ids(location: Location) -> list[str]:
    """The location's tariff ids in the order a start picks them (first connector of the first EVSE first)."""
    ids: list[str] = []
    for evse in location.evses or ():
        for connector in evse.connectors:
            ids.extend(t for t in connector.tariff_ids or () if t not in ids)
    return ids


# Most locations share one of a few connector line-ups; one tuple for each saves memory at 1M EVSEs.
_FACET_TUPLES: dict[frozenset[ConnectorFacet], tuple[ConnectorFacet, ...]] = {}


def _facets(evses: Sequence[Evse]) -> tuple[ConnectorFacet, ...]:
    facets = frozenset(
        ConnectorFacet(
            is_dc=is_dc(c), standard=c.standard, kw=float(connector_kw(c)), available=e.status == "AVAILABLE"
        )
        for e in evses
        for c in e.connectors
    )
    shared = _FACET_TUPLES.get(facets)
    if shared is None:
        shared = tuple(facets)
        if len(_FACET_TUPLES) < 100_000:
            _FACET_TUPLES[facets] = shared
    return shared


def _indexed(row: Any, location: Location, evses: list[Evse]) -> IndexedLocation:
    allowed: list[str] = msgspec.json.decode(row.allowed_partner_ids) if row.restricted else []
    summary = build_summary(row.id, location, evses, restricted=row.restricted)
    return IndexedLocation(
        pk=row.pk,
        id=row.id,
        latitude=row.latitude,
        longitude=row.longitude,
        country=location.country,
        # Unpublished and not restricted to a list of partners: restricted to none, so search shows it to no partner
        # (the operator has its own API).
        restricted=row.restricted or not location.publish,
        allowed_partner_ids=frozenset(allowed),
        connectors=_facets(evses),
        available_connectors=summary.con_avail,
        summary_json=_encoder.encode(summary),
    )


class LocationService:
    """The one place that writes locations; every write bumps ``change_seq`` so indexes can catch up."""

    def __init__(
        self,
        db: Database,
        index: LocationIndex,
        *,
        default_pre_auth: Decimal = Decimal(50),
        stripe_cards: bool = False,
    ) -> None:
        self._db = db
        self.index = index
        self._default_pre_auth = default_pre_auth
        self.stripe_cards = stripe_cards
        """Whether cards saved with Stripe can pay (a Stripe account is configured): the locations' ``pms``."""
        # Two overlapping refreshes could apply an older row over a newer one; one at a time.
        self._refresh_lock = asyncio.Lock()

    # --- writes -------------------------------------------------------------------------------

    @staticmethod
    async def _next_seq(session: AsyncSession) -> int:
        # The row lock on the counter serialises writers, so change_seq order is commit order. Every writer takes it
        # before any location or EVSE row, so two writers never hold each other's rows.
        result = await session.execute(
            text("UPDATE counters SET value = value + 1 WHERE name = 'locations' RETURNING value")
        )
        value = result.scalar_one_or_none()
        if value is None:
            raise RuntimeError("counter 'locations' is missing: run `chargeassist db upgrade`")
        return int(value)

    def _convert(self, location_id: str, document: Mapping[str, Any]) -> Location:
        try:
            location = convert_location(document)
        except LocationValidationError as exc:
            raise ServiceError(400, "invalid_location", str(exc), field=exc.field) from exc
        expected = location_key(location.country_code, location.party_id, location.id)
        if expected != location_id:
            raise ServiceError(
                400,
                "location_id_mismatch",
                f"the path names {location_id!r} but the body is location {expected!r} "
                "({country_code}-{party_id}-{id}, lowercased)",
                field="id",
            )
        return location

    async def put(self, location_id: str, body: Mapping[str, Any]) -> tuple[StoredLocation, bool]:
        """Create or replace a location with its EVSEs; the flag says whether it was created."""
        if not is_valid_location_key(location_id):
            raise ServiceError(400, "invalid_location_id", "location ids look like nl-gfx-123 ({country}-{party}-{id})")
        document, restricted_to = _split_restriction(body)
        pre_auth = _split_pre_auth(document)
        location = self._convert(location_id, document)
        _check_pre_auth_decimals(pre_auth, await self._currency(location))
        created = await self._write(location_id, location, restricted_to, pre_auth)
        await self.refresh_index()
        stored = await self.get(location_id)
        return stored, created

    async def patch(self, location_id: str, changes: Mapping[str, Any]) -> StoredLocation:
        """Merge a partial OCPI Location: top-level fields replace, ``evses`` merge by ``uid``."""
        current = await self.get(location_id)
        merged = current.to_ocpi()
        for key, value in changes.items():
            if key == "evses":
                merged["evses"] = self._merge_evses(merged.get("evses") or [], value)
            elif key in {"id", "country_code", "party_id"} and value != merged.get(key):
                raise ServiceError(400, "immutable_field", f"{key}: cannot be changed by PATCH", field=key)
            else:
                merged[key] = value
        merged["id"] = current.location.id
        if _RESTRICTION_FIELD not in changes:
            merged[_RESTRICTION_FIELD] = list(current.restricted_to_partners or ()) if current.restricted else None
        document, restricted_to = _split_restriction(merged)
        pre_auth = _split_pre_auth(document)
        location = self._convert(location_id, document)
        _check_pre_auth_decimals(pre_auth, await self._currency(location))
        await self._write(location_id, location, restricted_to, pre_auth)
        await self.refresh_index()
        return await self.get(location_id)

    @staticmethod
    def _merge_evses(current: list[dict[str, Any]], patches: Any) -> list[dict[str, Any]]:
        if not isinstance(patches, list):
            raise ServiceError(400, "validation_failed", "evses: must be a list of EVSE objects", field="evses")
        by_uid = {evse["uid"]: evse for evse in current}
        for index, patch in enumerate(patches):
            if not isinstance(patch, dict) or not isinstance(patch.get("uid"), str):
                raise ServiceError(
                    400,
                    "validation_failed",
                    f"evses[{index}].uid: each EVSE needs its uid",
                    field=f"evses[{index}]",
                )
            if patch["uid"] in by_uid:
                by_uid[patch["uid"]] = {**by_uid[patch["uid"]], **patch}
            else:
                by_uid[patch["uid"]] = patch  # a new EVSE; it must be complete to pass validation
        return list(by_uid.values())

    async def _write(
        self,
        location_id: str,
        location: Location,
        restricted_to: tuple[str, ...] | None,
        pre_auth: Decimal | None = None,
    ) -> bool:
        evses = list(location.evses or ())
        bare = msgspec.structs.replace(location, evses=None)
        async with self._db.transaction() as session:
            seq = await self._next_seq(session)
            row = await session.scalar(select(LocationRow).where(LocationRow.id == location_id))
            created = row is None or row.deleted
            values = {
                "country_code": location.country_code,
                "party_id": location.party_id,
                "latitude": float(location.coordinates.latitude),
                "longitude": float(location.coordinates.longitude),
                "document": _encoder.encode(bare).decode(),
                "restricted": restricted_to is not None,
                "allowed_partner_ids": _encoder.encode(list(restricted_to or ())).decode(),
                "pre_auth_amount": str(pre_auth) if pre_auth is not None else None,
                "change_seq": seq,
                "deleted": False,
            }
            if row is None:
                row = LocationRow(id=location_id, **values)
                session.add(row)
                await session.flush()
                existing: dict[str, EvseRow] = {}
            else:
                for key, value in values.items():
                    setattr(row, key, value)
                existing = {
                    e.uid: e for e in await session.scalars(select(EvseRow).where(EvseRow.location_pk == row.pk))
                }
            keep: set[str] = set()
            for position, evse in enumerate(evses):
                keep.add(evse.uid)
                evse_row = existing.get(evse.uid)
                fields = {
                    "position": position,
                    "evse_id": evse.evse_id,
                    "evse_id_key": evse_id_key(evse.evse_id),
                    "status": evse.status,
                    "document": _encoder.encode(evse).decode(),
                }
                if evse_row is None:
                    session.add(EvseRow(location_pk=row.pk, uid=evse.uid, **fields))
                else:
                    for key, value in fields.items():
                        setattr(evse_row, key, value)
            gone = [uid for uid in existing if uid not in keep]
            if gone:
                await session.execute(delete(EvseRow).where(EvseRow.location_pk == row.pk, EvseRow.uid.in_(gone)))
        return created

    def check_many(self, documents: Sequence[Any]) -> list[CheckedLocation]:
        """Every location of an import, checked; refused naming the first that is not valid, by its index."""
        checked: list[CheckedLocation] = []
        for index, body in enumerate(documents):
            if not isinstance(body, Mapping):
                raise ServiceError(
                    400, "invalid_location", f"[{index}]: must be an object (an OCPI Location)", field=f"[{index}]"
                )
            document, restricted_to = _split_restriction(body)
            pre_auth = _split_pre_auth(document, f"[{index}].{_PRE_AUTH_FIELD}")
            try:
                location = convert_location(document)
            except LocationValidationError as exc:
                raise ServiceError(400, "invalid_location", f"[{index}].{exc}", field=f"[{index}].{exc.field}") from exc
            location_id = location_key(location.country_code, location.party_id, location.id)
            if not is_valid_location_key(location_id):
                raise ServiceError(400, "invalid_location_id", f"[{index}]: location id {location_id!r} is not usable")
            checked.append(CheckedLocation(location_id, location, restricted_to, pre_auth))
        return checked

    async def store_many(self, locations: Sequence[CheckedLocation]) -> int:
        """Create or replace locations that :meth:`check_many` passed; the index is refreshed once."""
        # The decimals a hold may have depend on the currency of the stored tariffs: checked for all first.
        for index, item in enumerate(locations):
            if item.pre_auth_amount is not None:
                currency = await self._currency(item.location)
                _check_pre_auth_decimals(item.pre_auth_amount, currency, f"[{index}].{_PRE_AUTH_FIELD}")
        for item in locations:
            await self._write(item.location_id, item.location, item.restricted_to, item.pre_auth_amount)
        await self.refresh_index()
        return len(locations)

    async def bulk_put(self, documents: Sequence[Any]) -> int:
        """Create or replace many locations (import): all are checked before any is written."""
        return await self.store_many(self.check_many(documents))

    async def delete(self, location_id: str) -> None:
        """Remove a location; kept as a tombstone so every index drops it."""
        async with self._db.transaction() as session:
            seq = await self._next_seq(session)
            result = await session.execute(
                update(LocationRow)
                .where(LocationRow.id == location_id, LocationRow.deleted.is_(False))
                .values(deleted=True, change_seq=seq)
                .returning(LocationRow.pk)
            )
            pk = result.scalar_one_or_none()
            if pk is None:
                raise ServiceError(404, "location_not_found", f"no location {location_id!r}")
            await session.execute(delete(EvseRow).where(EvseRow.location_pk == pk))
        await self.refresh_index()

    async def set_evse_status(self, evse_pk: int, status: str) -> None:
        """Record a new EVSE status (from the charge point) and let search see it."""
        async with self._db.transaction() as session:
            evse = await session.get(EvseRow, evse_pk)
            if evse is None or evse.status == status:
                return
            # The counter before any EVSE or location row, as every location write takes them (see _next_seq).
            seq = await self._next_seq(session)
            evse.status = status
            await session.execute(update(LocationRow).where(LocationRow.pk == evse.location_pk).values(change_seq=seq))
        await self.refresh_index()

    async def set_evse_statuses(self, changes: Mapping[int, tuple[str, str]]) -> int:
        """Move EVSEs (by pk) from the status seen to a new one, each only if it still has the status seen (a
        charge point's own report that came in between wins); returns how many locations changed."""
        touched: set[int] = set()
        async with self._db.transaction() as session:
            # The counter first, as every location write takes it (see _next_seq): taken after the EVSE rows, a
            # sweep and a status write or location write deadlocked on PostgreSQL (dozens a run in the two-process
            # benchmark). Taken when nothing changes too: a sweep that finds nothing to move is rare.
            seq = await self._next_seq(session)
            for evse_pk in sorted(changes):
                seen, wanted = changes[evse_pk]
                result = await session.execute(
                    update(EvseRow)
                    .where(EvseRow.pk == evse_pk, EvseRow.status == seen)
                    .values(status=wanted)
                    .returning(EvseRow.location_pk)
                )
                location_pk = result.scalar_one_or_none()
                if location_pk is not None:
                    touched.add(location_pk)
            if touched:
                await session.execute(update(LocationRow).where(LocationRow.pk.in_(touched)).values(change_seq=seq))
        if touched:
            await self.refresh_index()
        return len(touched)

    # --- reads --------------------------------------------------------------------------------

    @staticmethod
    def _assemble(row: Any, evse_rows: Sequence[Any]) -> StoredLocation:
        # ``row`` and ``evse_rows`` are ORM objects or plain column rows with the same attribute names.
        location = _location_decoder.decode(row.document)
        evses = [
            msgspec.structs.replace(_evse_decoder.decode(e.document), status=e.status)
            for e in sorted(evse_rows, key=lambda e: e.position)
        ]
        allowed: list[str] = msgspec.json.decode(row.allowed_partner_ids)
        return StoredLocation(
            pk=row.pk,
            id=row.id,
            location=msgspec.structs.replace(location, evses=evses),
            restricted_to_partners=tuple(allowed) if row.restricted else None,
            pre_auth_amount=Decimal(row.pre_auth_amount) if row.pre_auth_amount is not None else None,
        )

    async def _currency(self, location: Location) -> str:
        """The currency a start here is priced and held in: its tariff's (the first stored one), else EUR."""
        ids = _tariff_ids(location)
        if not ids:
            return _FALLBACK_CURRENCY
        async with self._db.read() as session:
            found = dict(
                (await session.execute(select(TariffRow.id, TariffRow.currency).where(TariffRow.id.in_(ids))))
                .tuples()
                .all()
            )
        return next((found[t] for t in ids if t in found), _FALLBACK_CURRENCY)

    async def pre_auth(self, stored: StoredLocation) -> PreAuthAmount:
        """The hold a card start at ``stored`` places, and its currency."""
        currency = await self._currency(stored.location)
        if stored.pre_auth_amount is not None:
            return PreAuthAmount(stored.pre_auth_amount, currency, is_default=False)
        return PreAuthAmount(self._default_pre_auth, currency, is_default=True)

    async def find(self, location_id: str) -> StoredLocation | None:
        """The location, or None."""
        async with self._db.read() as session:
            row = await session.scalar(
                select(LocationRow).where(LocationRow.id == location_id, LocationRow.deleted.is_(False))
            )
            if row is None:
                return None
            evse_rows = (await session.scalars(select(EvseRow).where(EvseRow.location_pk == row.pk))).all()
        return self._assemble(row, evse_rows)

    async def get(self, location_id: str, *, partner_id: str | None = None) -> StoredLocation:
        """The location if ``partner_id`` may see it (None: operator); 404 otherwise, never telling which."""
        stored = await self.find(location_id.lower())
        if stored is None or not stored.visible_to(partner_id):
            raise ServiceError(404, "location_not_found", f"no location {location_id!r}")
        return stored

    async def find_evse_by_key(self, key: str) -> tuple[str, str] | None:
        """(location id, EVSE uid) of the EVSE whose normalised EVSE id is ``key``."""
        async with self._db.read() as session:
            found = (
                await session.execute(
                    select(LocationRow.id, EvseRow.uid)
                    .join(LocationRow, LocationRow.pk == EvseRow.location_pk)
                    .where(EvseRow.evse_id_key == key, LocationRow.deleted.is_(False))
                    .limit(1)
                )
            ).first()
        return (found[0], found[1]) if found else None

    # --- search index -------------------------------------------------------------------------

    async def refresh_index(self, *, batch: int = 5000) -> int:
        """Load every change committed since the index's last one; returns how many locations changed."""
        async with self._refresh_lock:
            changed = await self._refresh(batch)
            self.index.compact()
            return changed

    async def _refresh(self, batch: int) -> int:
        # Plain column rows, not ORM objects: loading a million EVSEs through the ORM costs minutes.
        changed = 0
        while True:
            async with self._db.read() as session:
                rows = (
                    await session.execute(
                        select(*_INDEX_LOCATION_COLUMNS)
                        .where(LocationRow.change_seq > self.index.last_seq)
                        .order_by(LocationRow.change_seq)
                        .limit(batch)
                    )
                ).all()
                if not rows:
                    return changed
                live_pks = [r.pk for r in rows if not r.deleted]
                evses_by_location: dict[int, list[Any]] = {}
                for start in range(0, len(live_pks), 500):
                    chunk = live_pks[start : start + 500]
                    result = await session.execute(select(*_INDEX_EVSE_COLUMNS).where(EvseRow.location_pk.in_(chunk)))
                    for evse_row in result:
                        evses_by_location.setdefault(evse_row.location_pk, []).append(evse_row)
            upserts = []
            for row in rows:
                if row.deleted:
                    continue
                stored = self._assemble(row, evses_by_location.get(row.pk, []))
                upserts.append(_indexed(row, stored.location, list(stored.location.evses or ())))
            self.index.apply(upserts, [r.pk for r in rows if r.deleted], last_seq=max(r.change_seq for r in rows))
            changed += len(rows)
            if len(rows) < batch:
                return changed


_INDEX_LOCATION_COLUMNS = (
    LocationRow.pk,
    LocationRow.id,
    LocationRow.latitude,
    LocationRow.longitude,
    LocationRow.document,
    LocationRow.restricted,
    LocationRow.allowed_partner_ids,
    LocationRow.pre_auth_amount,
    LocationRow.change_seq,
    LocationRow.deleted,
)
_INDEX_EVSE_COLUMNS = (EvseRow.location_pk, EvseRow.position, EvseRow.status, EvseRow.document)
