"""Locations on both stores (SQLite and PostgreSQL): writes, reads, tombstones, and every process's index."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from chargeassist.demo import demo_locations
from chargeassist.services import IndexedLocation, SearchFilters, ServiceError, Services
from chargeassist.store import EvseRow, LocationRow
from tests.api._helpers import ocpi_connector, ocpi_evse, ocpi_location
from tests.conftest import make_settings

StartServices = Callable[[], Awaitable[Services]]


@pytest.fixture
async def start_services(database_url: str) -> AsyncIterator[StartServices]:
    """Starts services over the store under test, as many as a test wants (each one is a process)."""
    started: list[Services] = []

    async def start() -> Services:
        services = Services.create(make_settings(database_url))
        await services.start()
        started.append(services)
        return services

    yield start
    for services in started:
        await services.stop()


@pytest.fixture
async def services(start_services: StartServices) -> Services:
    return await start_services()


def site(number: int = 1, **extra: Any) -> dict[str, Any]:
    """Location ``nl-tst-site-{number}`` with two EVSEs, the first available."""
    evses = [
        ocpi_evse(f"site-{number}-a", evse_id=f"NL*TST*E{number}*1"),
        ocpi_evse(f"site-{number}-b", evse_id=f"NL*TST*E{number}*2", status="CHARGING"),
    ]
    return ocpi_location(f"site-{number}", evses=evses, **extra)


async def indexed_ids(services: Services) -> set[str]:
    """Ids of the stored locations (tombstones included) that this process's search index holds."""
    async with services.db.transaction() as session:
        rows = (await session.execute(select(LocationRow.pk, LocationRow.id))).all()
    found = {location_id for pk, location_id in rows if services.locations.index.get(pk) is not None}
    assert len(services.locations.index) == len(found)
    return found


async def indexed(services: Services, location_id: str) -> IndexedLocation:
    """This process's search entry of a location."""
    async with services.db.transaction() as session:
        pk = await session.scalar(select(LocationRow.pk).where(LocationRow.id == location_id))
    assert pk is not None
    entry = services.locations.index.get(pk)
    assert entry is not None
    return entry


async def evse_rows(services: Services) -> int:
    async with services.db.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(EvseRow)) or 0)


# --- writes and reads ------------------------------------------------------------------------


async def test_put_creates_then_replaces(services: Services) -> None:
    _, created = await services.locations.put("nl-tst-site-1", site())
    _, created_again = await services.locations.put("nl-tst-site-1", site(name="Renamed"))
    assert (created, created_again) == (True, False)


async def test_stored_location_reads_back(services: Services) -> None:
    await services.locations.put("nl-tst-site-1", site())
    stored = await services.locations.get("nl-tst-site-1")
    assert stored.id == "nl-tst-site-1"
    assert stored.location.name == "Test Site"
    assert stored.location.coordinates.latitude == "52.370216"
    assert [(e.uid, e.status) for e in stored.location.evses or ()] == [
        ("site-1-a", "AVAILABLE"),
        ("site-1-b", "CHARGING"),
    ]
    assert stored.restricted is False


async def test_stored_location_round_trips_the_demo_data(services: Services) -> None:
    for document in demo_locations(12):
        await services.locations.put(document["id"], document)
        stored = await services.locations.get(document["id"])
        round_trip = stored.to_ocpi()
        round_trip.pop("restricted_to_partners")
        round_trip.pop("pre_auth_amount")
        assert round_trip == document


async def test_get_finds_the_location_whatever_the_case(services: Services) -> None:
    await services.locations.put("nl-tst-site-1", site())
    assert (await services.locations.get("NL-TST-SITE-1")).id == "nl-tst-site-1"


async def test_get_of_an_unknown_location_is_404(services: Services) -> None:
    with pytest.raises(ServiceError) as refused:
        await services.locations.get("nl-tst-nowhere")
    assert (refused.value.status, refused.value.code) == (404, "location_not_found")


async def test_replacing_drops_the_evses_left_out(services: Services) -> None:
    await services.locations.put("nl-tst-site-1", site())
    smaller = site()
    smaller["evses"] = smaller["evses"][1:]
    await services.locations.put("nl-tst-site-1", smaller)
    stored = await services.locations.get("nl-tst-site-1")
    assert [e.uid for e in stored.location.evses or ()] == ["site-1-b"]
    assert await evse_rows(services) == 1


async def test_replacing_keeps_the_evse_rows_of_kept_evses(services: Services) -> None:
    await services.locations.put("nl-tst-site-1", site())
    async with services.db.transaction() as session:
        before = set(await session.scalars(select(EvseRow.pk)))
    await services.locations.put("nl-tst-site-1", site(name="Renamed"))
    async with services.db.transaction() as session:
        after = set(await session.scalars(select(EvseRow.pk)))
    assert after == before


async def test_refused_location_names_its_field(services: Services) -> None:
    document = site()
    document["evses"][1]["uid"] = "site-1-a"
    with pytest.raises(ServiceError) as refused:
        await services.locations.put("nl-tst-site-1", document)
    assert (refused.value.code, refused.value.field) == ("invalid_location", "evses[1].uid")


async def test_restricted_location_is_visible_only_to_its_partners(services: Services) -> None:
    await services.locations.put("nl-tst-site-1", site(restricted_to_partners=["ptn_a", "ptn_b", "ptn_a"]))
    stored = await services.locations.get("nl-tst-site-1", partner_id="ptn_b")
    assert stored.restricted_to_partners == ("ptn_a", "ptn_b")
    assert (await services.locations.get("nl-tst-site-1")).restricted is True
    with pytest.raises(ServiceError) as refused:
        await services.locations.get("nl-tst-site-1", partner_id="ptn_c")
    assert refused.value.status == 404


async def test_patch_merges_evses_by_uid(services: Services) -> None:
    await services.locations.put("nl-tst-site-1", site())
    patched = await services.locations.patch("nl-tst-site-1", {"evses": [{"uid": "site-1-b", "status": "AVAILABLE"}]})
    assert [(e.uid, e.status) for e in patched.location.evses or ()] == [
        ("site-1-a", "AVAILABLE"),
        ("site-1-b", "AVAILABLE"),
    ]
    assert patched.location.evses is not None
    assert patched.location.evses[1].evse_id == "NL*TST*E1*2"


async def test_find_evse_by_its_normalised_id(services: Services) -> None:
    await services.locations.put("nl-tst-site-1", site())
    assert await services.locations.find_evse_by_key("NLTSTE12") == ("nl-tst-site-1", "site-1-b")
    assert await services.locations.find_evse_by_key("NLTSTE99") is None


async def test_bulk_put_stores_and_indexes_every_location(services: Services) -> None:
    documents = demo_locations(15)
    assert await services.locations.bulk_put(documents) == 15
    assert await indexed_ids(services) == {d["id"] for d in documents}


async def test_bulk_put_names_the_refused_document(services: Services) -> None:
    documents = [site(1), site(2)]
    documents[1]["coordinates"]["latitude"] = "north"
    with pytest.raises(ServiceError) as refused:
        await services.locations.bulk_put(documents)
    assert refused.value.field == "[1].coordinates.latitude"


async def test_bulk_put_stores_each_locations_pre_auth_amount(services: Services) -> None:
    await services.locations.bulk_put([site(1, pre_auth_amount="25.00"), site(2)])
    stored = [await services.locations.get(f"nl-tst-site-{n}") for n in (1, 2)]
    assert [s.pre_auth_amount for s in stored] == [Decimal("25.00"), None]


async def test_bulk_put_names_the_refused_pre_auth_amount(services: Services) -> None:
    with pytest.raises(ServiceError) as refused:
        await services.locations.bulk_put([site(1), site(2, pre_auth_amount="-1")])
    assert refused.value.field == "[1].pre_auth_amount"


async def test_bulk_put_with_a_pre_auth_amount_too_fine_for_the_currency_stores_none(services: Services) -> None:
    with pytest.raises(ServiceError) as refused:
        await services.locations.bulk_put([site(1), site(2, pre_auth_amount="10.001")])
    assert refused.value.field == "[1].pre_auth_amount"
    assert await services.locations.find("nl-tst-site-1") is None


async def test_pre_auth_is_the_locations_own_hold_in_its_currency(services: Services) -> None:
    await services.locations.put("nl-tst-site-1", site(pre_auth_amount="12.50"))
    held = await services.locations.pre_auth(await services.locations.get("nl-tst-site-1"))
    assert (held.amount, held.currency, held.is_default) == (Decimal("12.50"), "EUR", False)


# --- deletes ---------------------------------------------------------------------------------


async def test_deleted_location_is_not_found(services: Services) -> None:
    await services.locations.put("nl-tst-site-1", site())
    await services.locations.delete("nl-tst-site-1")
    assert await services.locations.find("nl-tst-site-1") is None


async def test_deleted_location_stays_as_a_tombstone_without_evses(services: Services) -> None:
    await services.locations.put("nl-tst-site-1", site())
    await services.locations.delete("nl-tst-site-1")
    async with services.db.transaction() as session:
        row = await session.scalar(select(LocationRow).where(LocationRow.id == "nl-tst-site-1"))
    assert row is not None
    assert row.deleted is True
    assert await evse_rows(services) == 0


async def test_deleting_twice_is_404(services: Services) -> None:
    await services.locations.put("nl-tst-site-1", site())
    await services.locations.delete("nl-tst-site-1")
    with pytest.raises(ServiceError) as refused:
        await services.locations.delete("nl-tst-site-1")
    assert refused.value.status == 404


async def test_putting_a_deleted_location_again_creates_it(services: Services) -> None:
    await services.locations.put("nl-tst-site-1", site())
    await services.locations.delete("nl-tst-site-1")
    _, created = await services.locations.put("nl-tst-site-1", site())
    assert created is True
    assert await indexed_ids(services) == {"nl-tst-site-1"}


# --- the search index in this and other processes --------------------------------------------


async def test_writes_show_in_the_writers_index_at_once(services: Services) -> None:
    await services.locations.put("nl-tst-site-1", site())
    await services.locations.put("nl-tst-site-2", site(2))
    await services.locations.delete("nl-tst-site-1")
    assert await indexed_ids(services) == {"nl-tst-site-2"}


async def test_another_process_catches_up_with_writes(start_services: StartServices) -> None:
    writer, reader = await start_services(), await start_services()
    await writer.locations.put("nl-tst-site-1", site())
    await writer.locations.put("nl-tst-site-2", site(2))
    assert await indexed_ids(reader) == set()
    assert await reader.locations.refresh_index() == 2
    assert await indexed_ids(reader) == {"nl-tst-site-1", "nl-tst-site-2"}


async def test_another_process_drops_deleted_locations(start_services: StartServices) -> None:
    writer, reader = await start_services(), await start_services()
    await writer.locations.put("nl-tst-site-1", site())
    await reader.locations.refresh_index()
    await writer.locations.delete("nl-tst-site-1")
    await reader.locations.refresh_index()
    assert await indexed_ids(reader) == set()


async def test_another_process_sees_status_changes(start_services: StartServices) -> None:
    writer, reader = await start_services(), await start_services()
    await writer.locations.put("nl-tst-site-1", site())
    await reader.locations.refresh_index()
    async with writer.db.transaction() as session:
        evse_pk = await session.scalar(select(EvseRow.pk).where(EvseRow.uid == "site-1-a"))
    assert evse_pk is not None
    await writer.locations.set_evse_status(evse_pk, "CHARGING")
    await reader.locations.refresh_index()
    assert (await indexed(reader, "nl-tst-site-1")).available_connectors == 0


async def test_a_process_started_later_loads_everything(start_services: StartServices) -> None:
    writer = await start_services()
    for number in range(1, 6):
        await writer.locations.put(f"nl-tst-site-{number}", site(number))
    await writer.locations.delete("nl-tst-site-3")
    late = await start_services()
    assert await indexed_ids(late) == {"nl-tst-site-1", "nl-tst-site-2", "nl-tst-site-4", "nl-tst-site-5"}


async def test_refresh_in_small_batches_catches_up_with_everything(start_services: StartServices) -> None:
    writer, reader = await start_services(), await start_services()
    for number in range(1, 8):
        await writer.locations.put(f"nl-tst-site-{number}", site(number))
    assert await reader.locations.refresh_index(batch=2) == 7
    assert len(await indexed_ids(reader)) == 7


async def test_concurrent_writers_lose_no_change_for_a_following_process(start_services: StartServices) -> None:
    """Change numbers follow commit order, so a process refreshing while others write skips nothing."""
    writers = [await start_services() for _ in range(3)]
    reader = await start_services()
    done = asyncio.Event()

    async def follow() -> None:
        while not done.is_set():
            await reader.locations.refresh_index()
            await asyncio.sleep(0)

    async def write(number: int) -> None:
        writer = writers[number % len(writers)]
        await writer.locations.put(f"nl-tst-site-{number}", site(number))

    follower = asyncio.create_task(follow())
    await asyncio.gather(*(write(number) for number in range(1, 13)))
    done.set()
    await follower
    await reader.locations.refresh_index()
    assert await indexed_ids(reader) == {f"nl-tst-site-{number}" for number in range(1, 13)}


async def test_index_filters_by_connector_as_stored(services: Services) -> None:
    dc = ocpi_connector("1", standard="IEC_62196_T2_COMBO", power_type="DC", max_electric_power=150_000)
    await services.locations.put("nl-tst-site-1", site())
    await services.locations.put("nl-tst-fast", ocpi_location("fast", evses=[ocpi_evse("fast-1", connectors=[dc])]))
    fast_dc = SearchFilters(power_type="DC", min_kw=100)
    assert fast_dc.matches(await indexed(services, "nl-tst-fast"))
    assert not fast_dc.matches(await indexed(services, "nl-tst-site-1"))
