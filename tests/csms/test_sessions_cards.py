"""Whose swipe it is: until cards are verified by their issuer, typing a card number into a wallet proves
nothing, so a card held by wallets of several partners charges on none of them, and a partner that
registers another's card number sees none of that card's sessions."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from chargeassist.simulator import AuthorizationRejected
from chargeassist.store import ChargeSession
from tests.csms._live import LiveServer, driver_with_card, seed

CARD = "NL-TST-C00000001-7"
CARD_TAG = "NLTSTC000000017"  # the card's visual number, normalised: what its RFID reports


async def _squatter(live: LiveServer) -> str:
    """Another partner whose driver registers the same card number; returns that partner's key."""
    squatter = await live.services.partners.create("Squatter")
    key = squatter.api_key
    response = await live.call("PUT", "/v1/tokens/squatter-driver", key)
    assert response.status_code == 201, response.text
    response = await live.call("PUT", "/v1/tokens/squatter-driver/wallet/charge-card", key, json={"visualNumber": CARD})
    assert response.status_code == 201, response.text
    return key


async def _sessions(live: LiveServer) -> int:
    async with live.services.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(ChargeSession)) or 0)


async def test_card_in_wallets_of_two_partners_charges_on_neither(live: LiveServer) -> None:
    station = live.station()
    await station.start()
    await station.wait_booted()
    await driver_with_card(live, card=CARD)
    await _squatter(live)
    with pytest.raises(AuthorizationRejected) as refused:
        await station.start_rfid(1, CARD_TAG)
    assert refused.value.status == "Invalid"
    assert await _sessions(live) == 0


async def test_squatter_sees_no_session_of_the_card(live: LiveServer) -> None:
    station = live.station()
    await station.start()
    await station.wait_booted()
    await driver_with_card(live, card=CARD)
    key = await _squatter(live)
    with pytest.raises(AuthorizationRejected):
        await station.start_rfid(1, CARD_TAG)
    response = await live.call("GET", "/v1/tokens/squatter-driver/sessions", key)
    assert response.json()["data"] == []


async def test_at_a_closed_location_only_its_partners_wallets_count(live: LiveServer) -> None:
    ours = await live.services.partners.authenticate(live.partner_key)
    assert ours is not None
    await seed(live, restricted_to=[ours.partner_id])
    station = live.station()
    await station.start()
    await station.wait_booted()
    await driver_with_card(live, card=CARD)
    await _squatter(live)
    tx = await station.start_rfid(1, CARD_TAG)
    assert tx.id_tag_status == "Accepted"
    response = await live.call("GET", "/v1/tokens/driver-1/sessions")
    assert [s["startMethod"] for s in response.json()["data"]] == ["RFID"]
