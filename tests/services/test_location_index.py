"""The in-memory spatial index behind location search."""

from __future__ import annotations

import random

from chargeassist.services import ConnectorFacet, IndexedLocation, LocationIndex, SearchFilters

AC = ConnectorFacet(is_dc=False, standard="IEC_62196_T2", kw=11.0, available=True)
DC = ConnectorFacet(is_dc=True, standard="IEC_62196_T2_COMBO", kw=150.0, available=False)


def _entry(pk: int, lat: float, lng: float, **kwargs: object) -> IndexedLocation:
    values: dict[str, object] = {
        "pk": pk,
        "id": f"nl-gfx-{pk}",
        "latitude": lat,
        "longitude": lng,
        "country": "NLD",
        "restricted": False,
        "allowed_partner_ids": frozenset(),
        "connectors": (AC,),
        "available_connectors": 1,
        "summary_json": b'{"id":"nl-gfx-%d"}' % pk,
    }
    values.update(kwargs)
    return IndexedLocation(**values)  # type: ignore[arg-type]


def _index(entries: list[IndexedLocation]) -> LocationIndex:
    index = LocationIndex()
    index.apply(entries, [], last_seq=len(entries))
    index.rebuild()
    return index


def test_box_returns_only_locations_inside() -> None:
    index = _index([_entry(3, 52.37, 4.89), _entry(1, 52.36, 4.90), _entry(2, 51.0, 4.0)])
    found = index.in_box(52.3, 4.8, 52.4, 5.0, partner_id="p", filters=SearchFilters(), after=None, limit=10)
    assert sorted(e.pk for e, _ in found) == [1, 3]


def test_paging_while_locations_are_added_and_moved_loses_none_of_the_others() -> None:
    rng = random.Random(9)
    entries = [_entry(pk, 52 + rng.random(), 4 + rng.random()) for pk in range(1, 401)]
    index = _index(entries)
    seen: list[int] = []
    after = None
    page = index.in_box(52.0, 4.0, 53.0, 5.0, partner_id=None, filters=SearchFilters(), after=after, limit=50)
    seen.extend(e.pk for e, _ in page)
    after = page[-1][1]
    # a new location and a moved one arrive through the overlay mid-way
    index.apply([_entry(401, 52.5, 4.5), _entry(2, 52.9, 4.9)], [], last_seq=2)
    while page:
        page = index.in_box(52.0, 4.0, 53.0, 5.0, partner_id=None, filters=SearchFilters(), after=after, limit=50)
        seen.extend(e.pk for e, _ in page)
        if page:
            after = page[-1][1]
    untouched = set(range(1, 401)) - {2}
    # The moved location may be met at its old and its new place; every other one exactly once.
    assert sorted(pk for pk in seen if pk in untouched) == sorted(untouched)


def test_paging_by_pk_returns_every_location_exactly_once() -> None:
    rng = random.Random(5)
    entries = [_entry(pk, 52 + rng.random(), 4 + rng.random()) for pk in range(1, 1001)]
    index = _index(entries)
    seen: list[int] = []
    after = None
    while True:
        page = index.in_box(52.2, 4.2, 52.8, 4.8, partner_id="p", filters=SearchFilters(), after=after, limit=37)
        if not page:
            break
        seen.extend(e.pk for e, _ in page)
        after = page[-1][1]
    expected = sorted(e.pk for e in entries if 52.2 <= e.latitude <= 52.8 and 4.2 <= e.longitude <= 4.8)
    assert sorted(seen) == expected
    assert len(seen) == len(expected)


def test_restricted_location_is_hidden_from_other_partners() -> None:
    index = _index([_entry(1, 52.0, 4.0, restricted=True, allowed_partner_ids=frozenset({"hotel"}))])
    assert index.in_box(51.9, 3.9, 52.1, 4.1, partner_id="app", filters=SearchFilters(), after=None, limit=5) == []
    assert len(index.in_box(51.9, 3.9, 52.1, 4.1, partner_id="hotel", filters=SearchFilters(), after=None, limit=5))


def test_added_location_is_found_before_a_rebuild() -> None:
    index = _index([_entry(1, 52.0, 4.0)])
    index.apply([_entry(2, 52.01, 4.01)], [], last_seq=2)
    found = index.in_box(51.9, 3.9, 52.1, 4.1, partner_id=None, filters=SearchFilters(), after=None, limit=5)
    assert [e.pk for e, _ in found] == [1, 2]


def test_moved_location_is_found_only_at_its_new_place() -> None:
    index = _index([_entry(1, 52.0, 4.0)])
    index.apply([_entry(1, 50.0, 5.0)], [], last_seq=2)
    old = index.in_box(51.9, 3.9, 52.1, 4.1, partner_id=None, filters=SearchFilters(), after=None, limit=5)
    new = index.in_box(49.9, 4.9, 50.1, 5.1, partner_id=None, filters=SearchFilters(), after=None, limit=5)
    assert (old, [e.pk for e, _ in new]) == ([], [1])


def test_deleted_location_is_not_found() -> None:
    index = _index([_entry(1, 52.0, 4.0)])
    index.apply([], [1], last_seq=2)
    assert index.in_box(51.9, 3.9, 52.1, 4.1, partner_id=None, filters=SearchFilters(), after=None, limit=5) == []


def test_filters_need_one_connector_meeting_all_of_them() -> None:
    index = _index([_entry(1, 52.0, 4.0, connectors=(AC, DC))])
    # The DC connector is fast but busy, the AC one available but slow: no single connector fits.
    filters = SearchFilters(is_available=True, min_kw=50)
    assert index.in_box(51.9, 3.9, 52.1, 4.1, partner_id=None, filters=filters, after=None, limit=5) == []


def test_power_type_filter_matches_dc() -> None:
    index = _index([_entry(1, 52.0, 4.0, connectors=(DC,)), _entry(2, 52.0, 4.0)])
    found = index.in_box(
        51.9, 3.9, 52.1, 4.1, partner_id=None, filters=SearchFilters(power_type="DC"), after=None, limit=5
    )
    assert [e.pk for e, _ in found] == [1]


def test_nearest_orders_by_distance_within_radius() -> None:
    index = _index([_entry(1, 52.10, 4.0), _entry(2, 52.01, 4.0), _entry(3, 53.0, 4.0)])
    found = index.nearest(52.0, 4.0, radius_m=50_000, partner_id=None, filters=SearchFilters(), limit=25)
    assert [e.pk for e, _ in found] == [2, 1]


def test_nearest_reports_distance_in_metres() -> None:
    index = _index([_entry(1, 52.01, 4.0)])
    [(_, distance)] = index.nearest(52.0, 4.0, radius_m=50_000, partner_id=None, filters=SearchFilters(), limit=25)
    assert 1100 < distance < 1125
