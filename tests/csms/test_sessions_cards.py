"""Whose swipe it is: until cards are verified by their issuer, typing a card number into a wallet proves
nothing. So a swipe charges on a wallet only at a closed-loop location, whose listed partners issue their
drivers' cards, and there a card held by wallets of several of them charges on none; a partner that
registers another's card number sees none of that card's sessions."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from chargeassist.simulator import AuthorizationRejected
from chargeassist.store import ChargeSession
from tests.csms._live import LiveServer, close_to_our_partner, driver_with_card

CARD = "NL-TST-C00000001-7"
CARD_TAG = "NLTSTC000000017"  # the card's visual number, normalised: what its RFID reports


async def _squatter(live: LiveServer, *, listed: bool = True) -> str:
    """Another partner whose driver registers the same card number; returns that partner's key. Listed: the
    site is closed to our partner and this one, so both wallets count there."""
    squatter = await live.services.partners.create("Squatter")
    key = squatter.api_key
    if listed:
        await close_to_our_partner(live, squatter.identity.partner_id)
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
    await close_to_our_partner(live)
    station = live.station()
    await station.start()
    await station.wait_booted()
    await driver_with_card(live, card=CARD)
    await _squatter(live, listed=False)
    tx = await station.start_rfid(1, CARD_TAG)
    assert tx.id_tag_status == "Accepted"
    response = await live.call("GET", "/v1/tokens/driver-1/sessions")
    assert [s["startMethod"] for s in response.json()["data"]] == ["RFID"]


async def test_a_swipe_at_a_public_location_charges_on_no_wallet(live: LiveServer) -> None:
    # The squatter is the only one to have registered the number: nothing shows that the card is its driver's.
    station = live.station()
    await station.start()
    await station.wait_booted()
    key = await _squatter(live, listed=False)
    with pytest.raises(AuthorizationRejected) as refused:
        await station.start_rfid(1, CARD_TAG)
    assert refused.value.status == "Invalid"
    assert await _sessions(live) == 0
    response = await live.call("GET", "/v1/tokens/squatter-driver/sessions", key)
    assert response.json()["data"] == []
