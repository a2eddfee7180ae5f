"""Whose swipe it is, over a real OCPP WebSocket: the card's VALID payment method decides. A blocked token is
answered Blocked and an expired one Expired; a card only PENDING (typed into a wallet, not issued by its
partner nor approved) cannot start and charges on no wallet; a VALID card's swipe charges on its wallet."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from chargeassist.simulator import AuthorizationRejected
from chargeassist.store import ChargeSession
from tests.csms._live import LiveServer, close_to_our_partner, driver_with_card, issue_card

CARD = "NL-TST-C00000001-7"
CARD_TAG = "NLTSTC000000017"  # the card's issued uid: what its RFID reports


async def _squatter(live: LiveServer) -> str:
    """Another partner whose driver types the same card number into a wallet; returns that partner's key."""
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


async def _refused(live: LiveServer, id_tag: str = CARD_TAG) -> str:
    station = live.station()
    await station.start()
    await station.wait_booted()
    with pytest.raises(AuthorizationRejected) as refused:
        await station.start_rfid(1, id_tag)
    return refused.value.status


async def test_a_valid_cards_swipe_charges_on_its_wallet(live: LiveServer) -> None:
    await driver_with_card(live, card=CARD)
    station = live.station()
    await station.start()
    await station.wait_booted()
    tx = await station.start_rfid(1, CARD_TAG)
    assert tx.id_tag_status == "Accepted"
    response = await live.call("GET", "/v1/tokens/driver-1/sessions")
    assert [s["startMethod"] for s in response.json()["data"]] == ["RFID"]


async def test_a_valid_cards_uid_matches_in_lower_case(live: LiveServer) -> None:
    await driver_with_card(live, card=CARD)
    station = live.station()
    await station.start()
    await station.wait_booted()
    tx = await station.start_rfid(1, CARD_TAG.lower())
    assert tx.id_tag_status == "Accepted"


async def test_a_blocked_token_is_answered_blocked(live: LiveServer) -> None:
    await issue_card(live, CARD, valid=False)
    assert await _refused(live) == "Blocked"


async def test_a_token_blocked_after_its_card_was_added_is_answered_blocked(live: LiveServer) -> None:
    await driver_with_card(live, card=CARD)
    response = await live.call("PATCH", f"/v1/operator/tokens/{CARD_TAG}", live.operator_key, json={"valid": False})
    assert response.status_code == 200, response.text
    assert await _refused(live) == "Blocked"


async def test_an_expired_token_is_answered_expired(live: LiveServer) -> None:
    await issue_card(live, CARD, expiry_date="2026-01-01T00:00:00Z")
    assert await _refused(live) == "Expired"


async def test_a_blocked_swipe_opens_no_session(live: LiveServer) -> None:
    await driver_with_card(live, card=CARD)
    await live.call("PATCH", f"/v1/operator/tokens/{CARD_TAG}", live.operator_key, json={"valid": False})
    await _refused(live)
    assert await _sessions(live) == 0


async def test_a_card_the_operator_blocked_is_answered_blocked(live: LiveServer) -> None:
    method_id = await driver_with_card(live, card=CARD, issued=False)
    response = await live.call("POST", f"/v1/operator/payment-methods/{method_id}/block", live.operator_key)
    assert response.status_code == 200, response.text
    assert await _refused(live, "NLTSTC000000017") == "Blocked"


async def test_a_pending_card_cannot_start(live: LiveServer) -> None:
    await driver_with_card(live, card=CARD, issued=False)
    assert await _refused(live) == "Invalid"


async def test_a_pending_cards_swipe_belongs_to_no_wallet(live: LiveServer) -> None:
    await driver_with_card(live, card=CARD, issued=False)
    await _refused(live)
    response = await live.call("GET", "/v1/tokens/driver-1/sessions")
    assert (response.json()["data"], await _sessions(live)) == ([], 0)


async def test_an_approved_cards_swipe_charges_on_its_wallet(live: LiveServer) -> None:
    method_id = await driver_with_card(live, card=CARD, issued=False)
    response = await live.call("POST", f"/v1/operator/payment-methods/{method_id}/approve", live.operator_key)
    assert response.status_code == 200, response.text
    station = live.station()
    await station.start()
    await station.wait_booted()
    tx = await station.start_rfid(1, "NLTSTC000000017")
    assert tx.id_tag_status == "Accepted"


async def test_a_squatter_of_an_issued_card_sees_none_of_its_sessions(live: LiveServer) -> None:
    key = await _squatter(live)
    await driver_with_card(live, card=CARD)
    station = live.station()
    await station.start()
    await station.wait_booted()
    await station.start_rfid(1, CARD_TAG)
    response = await live.call("GET", "/v1/tokens/squatter-driver/sessions", key)
    assert response.json()["data"] == []


async def test_a_card_only_a_squatter_typed_in_charges_on_no_wallet(live: LiveServer) -> None:
    key = await _squatter(live)
    assert await _refused(live) == "Invalid"
    response = await live.call("GET", "/v1/tokens/squatter-driver/sessions", key)
    assert response.json()["data"] == []


async def test_at_a_closed_location_a_valid_card_of_an_unlisted_partner_cannot_start(live: LiveServer) -> None:
    await close_to_our_partner(live)
    squatter = await live.services.partners.create("Elsewhere")
    await issue_card(live, CARD, squatter.api_key)
    response = await live.call("PUT", "/v1/tokens/elsewhere-driver", squatter.api_key)
    assert response.status_code == 201, response.text
    response = await live.call(
        "PUT", "/v1/tokens/elsewhere-driver/wallet/charge-card", squatter.api_key, json={"visualNumber": CARD}
    )
    assert response.json()["verificationStatus"] == "VALID"
    assert await _refused(live) == "Invalid"


async def test_an_expired_tokens_authorize_answer_names_its_expiry(live: LiveServer) -> None:
    await issue_card(live, CARD, expiry_date="2026-01-01T00:00:00Z")
    station = live.station()
    await station.start()
    await station.wait_booted()
    answer = await station.send_raw(json.dumps([2, "auth-1", "Authorize", {"idTag": CARD_TAG}]))
    assert answer is not None
    assert json.loads(answer)[2]["idTagInfo"] == {"status": "Expired", "expiryDate": "2026-01-01T00:00:00.000Z"}


async def test_a_blocked_tokens_authorize_answer_has_no_expiry(live: LiveServer) -> None:
    await issue_card(live, CARD, valid=False)
    station = live.station()
    await station.start()
    await station.wait_booted()
    answer = await station.send_raw(json.dumps([2, "auth-1", "Authorize", {"idTag": CARD_TAG}]))
    assert answer is not None
    assert json.loads(answer)[2]["idTagInfo"] == {"status": "Blocked"}
