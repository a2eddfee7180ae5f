"""In-memory spatial index over every location, the read model behind location search.

The store is the truth. Each process keeps this index and catches up with every change any process
commits by reading the rows whose ``change_seq`` is above the highest it has seen; ``change_seq`` comes
from a counter row whose lock orders increments by commit, so no committed change is skipped.

Geometry runs in NumPy over a grid: locations are sorted by (grid row, grid column, pk), so one box
needs one binary search per grid row it spans. Everything else (visibility, filters) is checked per
candidate in pk order and stops as soon as a page is full, so a search costs about a page's worth of
Python work whatever the density. Each location's search summary is pre-encoded JSON, so a page is
answered by joining bytes.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from chargeassist.domain.geo import EARTH_RADIUS_M, bounding_box_around

__all__ = ["ConnectorFacet", "IndexedLocation", "LocationIndex", "SearchFilters", "position_key"]

_CELL_DEG = 0.05
_COLS = 7_201  # 360 / 0.05 + 1
_OVERLAY_LIMIT = 4096


@dataclass(frozen=True, slots=True)
class ConnectorFacet:
    """What filters need of one connector (deduplicated per location)."""

    is_dc: bool
    standard: str
    kw: float
    available: bool


@dataclass(frozen=True, slots=True)
class IndexedLocation:
    """One location as search sees it."""

    pk: int
    id: str
    latitude: float
    longitude: float
    country: str
    restricted: bool
    allowed_partner_ids: frozenset[str]
    connectors: tuple[ConnectorFacet, ...]
    available_connectors: int
    summary_json: bytes

    def visible_to(self, partner_id: str | None) -> bool:
        """Public, or restricted to a list that holds ``partner_id`` (None: operator, sees all)."""
        return partner_id is None or not self.restricted or partner_id in self.allowed_partner_ids


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Filters shared by the nearby and bounding-box searches; a connector must satisfy all of them."""

    is_available: bool | None = None
    power_type: str | None = None  # "AC" or "DC"
    connector_types: frozenset[str] = field(default_factory=frozenset)
    min_kw: float | None = None
    max_kw: float | None = None
    country: str | None = None

    @property
    def is_empty(self) -> bool:
        """No filter given: every location matches."""
        return (
            self.is_available is None
            and self.power_type is None
            and not self.connector_types
            and self.min_kw is None
            and self.max_kw is None
            and self.country is None
        )

    def matches(self, location: IndexedLocation) -> bool:
        """Whether the location passes every filter given."""
        if self.country is not None and location.country != self.country:
            return False
        if self.is_available is False and location.available_connectors > 0:
            return False
        needs_connector = (
            self.is_available
            or self.power_type is not None
            or self.connector_types
            or self.min_kw is not None
            or self.max_kw is not None
        )
        if not needs_connector:
            return True
        want_dc = None if self.power_type is None else self.power_type == "DC"
        for facet in location.connectors:
            if self.is_available and not facet.available:
                continue
            if want_dc is not None and facet.is_dc != want_dc:
                continue
            if self.connector_types and facet.standard not in self.connector_types:
                continue
            if self.min_kw is not None and facet.kw < self.min_kw:
                continue
            if self.max_kw is not None and facet.kw > self.max_kw:
                continue
            return True
        return False


def _cell_key(lat: npt.NDArray[np.float64], lng: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    rows = np.floor((lat + 90.0) / _CELL_DEG).astype(np.int64)
    cols = np.floor((lng + 180.0) / _CELL_DEG).astype(np.int64)
    return rows * _COLS + cols


def _cell(value: float, offset: float) -> int:
    return math.floor((value + offset) / _CELL_DEG)


def position_key(latitude: float, longitude: float) -> int:
    """The grid cell key of a point, the first half of a location's position in search order."""
    return _cell(latitude, 90.0) * _COLS + _cell(longitude, 180.0)


class LocationIndex:
    """The spatial read model; mutate with :meth:`apply`, query with :meth:`in_box` and :meth:`nearest`."""

    def __init__(self) -> None:
        self._entries: dict[int, IndexedLocation] = {}
        self._keys: npt.NDArray[np.int64] = np.empty(0, dtype=np.int64)
        self._lat: npt.NDArray[np.float64] = np.empty(0)
        self._lng: npt.NDArray[np.float64] = np.empty(0)
        self._pks: npt.NDArray[np.int64] = np.empty(0, dtype=np.int64)
        # The entry at each array position (None once deleted or moved away), and each pk's position, so a
        # page is read off the arrays without a dict lookup per location.
        self._objs: npt.NDArray[np.object_] = np.empty(0, dtype=object)
        self._slot: dict[int, int] = {}
        # Per array position: holds a live entry that is public (visible to every partner).
        self._public: npt.NDArray[np.bool_] = np.empty(0, dtype=bool)
        # Locations added or moved since the arrays were built; scanned linearly until the next rebuild.
        self._overlay: set[int] = set()
        self.last_seq = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, pk: int) -> IndexedLocation | None:
        """The indexed location with this pk."""
        return self._entries.get(pk)

    def apply(self, upserts: Iterable[IndexedLocation], deleted_pks: Iterable[int], *, last_seq: int) -> None:
        """Take in changed and deleted locations, up to change ``last_seq``."""
        for pk in deleted_pks:
            self._entries.pop(pk, None)
            self._overlay.discard(pk)
            if (slot := self._slot.get(pk)) is not None:
                self._objs[slot] = None
                self._public[slot] = False
        for entry in upserts:
            pk = entry.pk
            old = self._entries.get(pk)
            self._entries[pk] = entry
            slot = self._slot.get(pk)
            if old is None or old.latitude != entry.latitude or old.longitude != entry.longitude:
                self._overlay.add(pk)
                if slot is not None:
                    self._objs[slot] = None  # its array position is stale now
                    self._public[slot] = False
            elif slot is not None and pk not in self._overlay:
                self._objs[slot] = entry
                self._public[slot] = not entry.restricted
        self.last_seq = max(self.last_seq, last_seq)

    def compact(self) -> None:
        """Rebuild the arrays once scanning the overlay costs more than a rebuild spread over the queries."""
        if len(self._overlay) > min(_OVERLAY_LIMIT, 32 + len(self._entries) // 64):
            self.rebuild()

    def rebuild(self) -> None:
        """Rebuild the sorted arrays from the entries and empty the overlay."""
        count = len(self._entries)
        pks = np.fromiter(self._entries.keys(), dtype=np.int64, count=count)
        lat = np.fromiter((e.latitude for e in self._entries.values()), dtype=np.float64, count=count)
        lng = np.fromiter((e.longitude for e in self._entries.values()), dtype=np.float64, count=count)
        keys = _cell_key(lat, lng)
        order = np.lexsort((pks, keys))
        self._keys, self._lat, self._lng, self._pks = keys[order], lat[order], lng[order], pks[order]
        objs = np.empty(count, dtype=object)
        objs[:] = [self._entries[pk] for pk in self._pks.tolist()]
        self._objs = objs
        self._slot = {pk: slot for slot, pk in enumerate(self._pks.tolist())}
        self._public = np.fromiter((not e.restricted for e in objs.tolist()), dtype=bool, count=count)
        self._overlay.clear()

    def _candidates(self, south: float, west: float, north: float, east: float) -> npt.NDArray[np.int64]:
        """pks of every location inside the box (edges included), unordered, without duplicates."""
        row0, row1 = _cell(south, 90.0), _cell(north, 90.0)
        col0, col1 = _cell(west, 180.0), _cell(east, 180.0)
        slices: list[npt.NDArray[np.int64]] = []
        keys = self._keys
        for row in range(row0, row1 + 1):
            start = int(np.searchsorted(keys, row * _COLS + col0, side="left"))
            stop = int(np.searchsorted(keys, row * _COLS + col1, side="right"))
            if stop > start:
                lat, lng = self._lat[start:stop], self._lng[start:stop]
                mask = (lat >= south) & (lat <= north) & (lng >= west) & (lng <= east)
                slices.append(self._pks[start:stop][mask])
        slices.append(np.asarray([pk for _, pk in self._overlay_in_box(south, west, north, east)], dtype=np.int64))
        return np.unique(np.concatenate(slices))

    def _overlay_in_box(self, south: float, west: float, north: float, east: float) -> list[tuple[int, int]]:
        """(position key, pk) of overlay locations inside the box, in order."""
        found = []
        for pk in self._overlay:
            entry = self._entries.get(pk)
            if entry is not None and south <= entry.latitude <= north and west <= entry.longitude <= east:
                found.append((position_key(entry.latitude, entry.longitude), pk))
        found.sort()
        return found

    def _array_chunks(
        self,
        south: float,
        west: float,
        north: float,
        east: float,
        after: tuple[int, int] | None,
        min_chunk: int = 256,
    ) -> Iterator[npt.NDArray[np.intp]]:
        """Array positions of locations inside the box, in order, after ``after``, in growing batches.

        The arrays are sorted by (grid cell, pk), and a grid row's cells between two columns are one
        contiguous run, so the box is read run by run in order and only as far as a page needs."""
        row0, row1 = _cell(south, 90.0), _cell(north, 90.0)
        col0, col1 = _cell(west, 180.0), _cell(east, 180.0)
        keys, pks, lats, lngs = self._keys, self._pks, self._lat, self._lng
        after_row = after[0] // _COLS if after is not None else -1
        for row in range(max(row0, after_row), row1 + 1):
            lo = int(keys.searchsorted(row * _COLS + col0, side="left"))
            hi = int(keys.searchsorted(row * _COLS + col1, side="right"))
            if after is not None and row == after_row:
                key_lo = int(keys.searchsorted(after[0], side="left"))
                key_hi = int(keys.searchsorted(after[0], side="right"))
                lo = max(lo, key_lo + int(pks[key_lo:key_hi].searchsorted(after[1], side="right")))
            chunk = min_chunk
            while lo < hi:
                end = min(lo + chunk, hi)
                lat, lng = lats[lo:end], lngs[lo:end]
                hits = ((lat >= south) & (lat <= north) & (lng >= west) & (lng <= east)).nonzero()[0]
                if hits.size:
                    yield hits + lo
                lo = end
                chunk *= 4

    def _positions(
        self, south: float, west: float, north: float, east: float, after: tuple[int, int] | None
    ) -> Iterator[tuple[int, int, IndexedLocation | None]]:
        """(position key, pk, entry) of every location in the box after ``after``, in order, arrays and
        overlay merged."""
        array_items = (
            item
            for slots in self._array_chunks(south, west, north, east, after)
            for item in zip(
                self._keys[slots].tolist(), self._pks[slots].tolist(), self._objs[slots].tolist(), strict=True
            )
        )
        extra = [
            (key, pk, self._entries.get(pk))
            for key, pk in self._overlay_in_box(south, west, north, east)
            if after is None or (key, pk) > after
        ]
        return heapq.merge(array_items, extra, key=lambda item: (item[0], item[1])) if extra else array_items

    def in_box(
        self,
        south: float,
        west: float,
        north: float,
        east: float,
        *,
        partner_id: str | None,
        filters: SearchFilters,
        after: tuple[int, int] | None,
        limit: int,
    ) -> list[tuple[IndexedLocation, tuple[int, int]]]:
        """Up to ``limit`` visible matches after position ``after``, each with its position.

        Positions (grid cell key, pk) order a box's locations totally and stably, so paging by the last
        position returns each location once; the cost is that of a page, not of the whole box."""
        check_filters = not filters.is_empty
        found: list[tuple[IndexedLocation, tuple[int, int]]] = []
        if not self._overlay and not check_filters:
            return self._public_first(south, west, north, east, partner_id=partner_id, after=after, limit=limit)
        if self._overlay:
            batches: Iterable[Iterable[tuple[int, int, IndexedLocation | None]]] = [
                self._positions(south, west, north, east, after)
            ]
        else:
            batches = (
                zip(self._keys[slots].tolist(), self._pks[slots].tolist(), self._objs[slots].tolist(), strict=True)
                for slots in self._array_chunks(south, west, north, east, after)
            )
        for batch in batches:
            for key, pk, entry in batch:
                if entry is None:
                    continue  # deleted, or moved: a moved location comes again from the overlay
                if entry.restricted and partner_id is not None and partner_id not in entry.allowed_partner_ids:
                    continue
                if check_filters and not filters.matches(entry):
                    continue
                found.append((entry, (key, pk)))
                if len(found) >= limit:
                    return found
        return found

    def _public_first(
        self,
        south: float,
        west: float,
        north: float,
        east: float,
        *,
        partner_id: str | None,
        after: tuple[int, int] | None,
        limit: int,
    ) -> list[tuple[IndexedLocation, tuple[int, int]]]:
        """The common case, no filters and nothing in the overlay, done a batch at a time in NumPy: only
        restricted locations are looked at one by one (to check the partner)."""
        found: list[tuple[IndexedLocation, tuple[int, int]]] = []
        for slots in self._array_chunks(south, west, north, east, after):
            visible = self._public[slots]
            if not visible.all():
                for i in np.flatnonzero(~visible).tolist():
                    entry = self._objs[slots[i]]
                    if entry is not None and (partner_id is None or partner_id in entry.allowed_partner_ids):
                        visible[i] = True
            chosen = slots[visible][: limit - len(found)]
            found.extend(
                zip(
                    self._objs[chosen].tolist(),
                    zip(self._keys[chosen].tolist(), self._pks[chosen].tolist(), strict=True),
                    strict=True,
                )
            )
            if len(found) >= limit:
                break
        return found

    def nearest(
        self,
        latitude: float,
        longitude: float,
        *,
        radius_m: float,
        partner_id: str | None,
        filters: SearchFilters,
        limit: int,
    ) -> list[tuple[IndexedLocation, float]]:
        """Up to ``limit`` visible matches within ``radius_m``, nearest first, with their distance."""
        south, west, north, east = bounding_box_around(latitude, longitude, radius_m)
        candidates = self._candidates(south, west, north, east)
        if candidates.size == 0:
            return []
        entries = self._entries
        live = [entries[pk] for pk in candidates.tolist() if pk in entries]
        lat = np.radians(np.fromiter((e.latitude for e in live), dtype=np.float64, count=len(live)))
        lng = np.radians(np.fromiter((e.longitude for e in live), dtype=np.float64, count=len(live)))
        phi = math.radians(latitude)
        d_lng = lng - math.radians(longitude)
        a = np.sin((lat - phi) / 2) ** 2 + math.cos(phi) * np.cos(lat) * np.sin(d_lng / 2) ** 2
        distances = 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(a)))
        result: list[tuple[IndexedLocation, float]] = []
        for i in np.argsort(distances, kind="stable").tolist():
            distance = float(distances[i])
            if distance > radius_m:
                break
            entry = live[i]
            if entry.visible_to(partner_id) and filters.matches(entry):
                result.append((entry, distance))
                if len(result) >= limit:
                    break
        return result
