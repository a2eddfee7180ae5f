"""AsyncChargeAssist: the same surface, awaited, against the live server."""

from __future__ import annotations

import secrets

import pytest

from chargeassist_sdk import AsyncChargeAssist, NotFoundError, ValidationError
from tests._live import HOTEL_LOCATION

AMSTERDAM = (52.25, 4.70, 52.50, 5.10)


async def test_register_and_fill_the_wallet(async_sdk: AsyncChargeAssist) -> None:
    token = f"driver-{secrets.token_hex(6)}"
    await async_sdk.tokens.register(token)
    method = await async_sdk.wallet.add_external(token, "folio-301")
    assert [m.id for m in await async_sdk.wallet.list(token)] == [method.id]


async def test_async_for_follows_the_continuation_tokens(async_sdk: AsyncChargeAssist) -> None:
    one_page = await async_sdk.locations.in_bounding_box(*AMSTERDAM, page_size=100).first_page()
    paged = [location.id async for location in async_sdk.locations.in_bounding_box(*AMSTERDAM, page_size=3)]
    assert sorted(paged) == sorted(location.id for location in one_page.items)


async def test_async_pages_are_at_most_the_page_size(async_sdk: AsyncChargeAssist) -> None:
    sizes = [len(page.items) async for page in async_sdk.locations.in_bounding_box(*AMSTERDAM, page_size=5).pages()]
    assert len(sizes) > 1
    assert max(sizes) == 5


async def test_an_unknown_token_raises_not_found(async_sdk: AsyncChargeAssist) -> None:
    with pytest.raises(NotFoundError):
        await async_sdk.tokens.get("never-registered")


async def test_a_bad_body_raises_validation(async_sdk: AsyncChargeAssist) -> None:
    token = f"driver-{secrets.token_hex(6)}"
    await async_sdk.tokens.register(token)
    with pytest.raises(ValidationError):
        await async_sdk.wallet.add_charge_card(token, "x")


async def test_nearby_location_qr_and_tariff(async_sdk: AsyncChargeAssist) -> None:
    token = f"driver-{secrets.token_hex(6)}"
    await async_sdk.tokens.register(token)
    await async_sdk.wallet.add_external(token, "folio-302")
    scanned = await async_sdk.qr.parse("NL*GFX*EHOTELAMSTEL*1")
    location = await async_sdk.locations.get(HOTEL_LOCATION)
    offers = await async_sdk.tariffs.for_evse(token, location.id, scanned.evse_uid or "")
    assert [offer.validity for offer in offers] == ["VALID"]


async def test_async_ping(async_sdk: AsyncChargeAssist) -> None:
    assert await async_sdk.ping() is True
