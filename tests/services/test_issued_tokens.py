"""Issued tokens on both stores (SQLite and PostgreSQL): what an idTag a charge point reports means."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete

from chargeassist.services import ServiceError, Services
from chargeassist.store import IssuedToken
from tests.conftest import make_settings

UID = "04A1B2C3D4E5F6"
CARD = "NL-TST-000123-4"


@pytest.fixture
async def services(database_url: str) -> AsyncIterator[Services]:
    started = Services.create(make_settings(database_url))
    await started.start()
    async with started.db.transaction() as session:
        await session.execute(delete(IssuedToken))
    yield started
    await started.stop()


@pytest.fixture
async def partner(services: Services) -> str:
    return (await services.partners.create("Issuer")).identity.partner_id


def _token(**changes: object) -> dict[str, object]:
    token: dict[str, object] = {
        "country_code": "NL",
        "party_id": "TST",
        "uid": UID,
        "type": "RFID",
        "contract_id": "NL-TST-C00001234-5",
        "visual_number": CARD,
        "issuer": "Test Issuer",
        "valid": True,
        "whitelist": "ALLOWED",
        "last_updated": "2026-11-01T10:00:00Z",
    }
    token.update(changes)
    return token


async def _valid_card(services: Services, partner: str, number: str = CARD) -> str:
    token, _ = await services.wallet.register(partner, "driver-1")
    row, _ = await services.wallet.add_charge_card(token, number, None)
    return row.id


async def test_unknown_tag_is_invalid(services: Services) -> None:
    assert (await services.issued_tokens.card_for_id_tag(UID)).status == "Invalid"


async def test_tag_that_cannot_be_a_card_number_is_invalid(services: Services) -> None:
    assert (await services.issued_tokens.card_for_id_tag("a_b")).status == "Invalid"


async def test_blocked_token_is_blocked(services: Services, partner: str) -> None:
    await services.issued_tokens.put(UID, _token(valid=False), partner)
    assert (await services.issued_tokens.card_for_id_tag(UID)).status == "Blocked"


async def test_expired_token_is_expired_with_its_expiry(services: Services, partner: str) -> None:
    await services.issued_tokens.put(UID, _token(expiry_date="2026-01-01T00:00:00Z"), partner)
    decision = await services.issued_tokens.card_for_id_tag(UID)
    assert (decision.status, decision.expiry_date) == ("Expired", datetime(2026, 1, 1, tzinfo=UTC))


async def test_blocked_wins_over_expired(services: Services, partner: str) -> None:
    await services.issued_tokens.put(UID, _token(valid=False, expiry_date="2026-01-01T00:00:00Z"), partner)
    assert (await services.issued_tokens.card_for_id_tag(UID)).status == "Blocked"


async def test_active_token_in_no_wallet_is_invalid(services: Services, partner: str) -> None:
    await services.issued_tokens.put(UID, _token(), partner)
    assert (await services.issued_tokens.card_for_id_tag(UID)).status == "Invalid"


async def test_active_token_with_a_valid_card_is_accepted_on_that_card(services: Services, partner: str) -> None:
    await services.issued_tokens.put(UID, _token(), partner)
    card_id = await _valid_card(services, partner)
    decision = await services.issued_tokens.card_for_id_tag(UID)
    assert (decision.status, decision.card.id if decision.card else None, decision.partner_id) == (
        "Accepted",
        card_id,
        partner,
    )


async def test_tag_matches_in_lower_case(services: Services, partner: str) -> None:
    await services.issued_tokens.put(UID, _token(), partner)
    await _valid_card(services, partner)
    assert (await services.issued_tokens.card_for_id_tag(UID.lower())).status == "Accepted"


async def test_pending_card_is_invalid_and_charges_on_nobody(services: Services, partner: str) -> None:
    await _valid_card(services, partner)  # no token, not approved: PENDING
    decision = await services.issued_tokens.card_for_id_tag("NLTST0001234")
    assert (decision.status, decision.card) == ("Invalid", None)


async def test_approved_card_without_token_is_accepted(services: Services, partner: str) -> None:
    card_id = await _valid_card(services, partner)
    await services.issued_tokens.approve(card_id)
    assert (await services.issued_tokens.card_for_id_tag("NLTST0001234")).status == "Accepted"


async def test_card_the_operator_blocked_is_blocked(services: Services, partner: str) -> None:
    card_id = await _valid_card(services, partner)
    await services.issued_tokens.block(card_id)
    assert (await services.issued_tokens.card_for_id_tag("NLTST0001234")).status == "Blocked"


async def test_operators_own_token_makes_an_operator_wallets_card_valid(services: Services) -> None:
    operator = (await services.partners.create("Operator", is_operator=True)).identity.partner_id
    await services.issued_tokens.put(UID, _token())
    await _valid_card(services, operator)
    assert (await services.issued_tokens.card_for_id_tag(UID)).status == "Accepted"


async def test_operators_own_token_leaves_a_partners_card_pending(services: Services, partner: str) -> None:
    await services.issued_tokens.put(UID, _token())
    await _valid_card(services, partner)
    assert (await services.issued_tokens.card_for_id_tag(UID)).status == "Invalid"


async def test_stored_token_keeps_the_ocpi_fields(services: Services, partner: str) -> None:
    await services.issued_tokens.put(
        UID, _token(energy_contract={"supplier_name": "Green"}, default_profile_type="GREEN"), partner
    )
    row = await services.issued_tokens.get(UID)
    assert (row.energy_contract, row.default_profile_type, row.last_updated) == (
        '{"supplier_name":"Green"}',
        "GREEN",
        datetime(2026, 11, 1, 10, tzinfo=UTC),
    )


async def test_page_counts_every_token(services: Services, partner: str) -> None:
    for uid in ("04AAAAAA01", "04AAAAAA02", "04AAAAAA03"):
        await services.issued_tokens.put(uid, _token(uid=uid), partner)
    rows, total = await services.issued_tokens.page(offset=1, limit=1)
    assert ([row.uid for row in rows], total) == (["04AAAAAA02"], 3)


async def test_deleting_an_unknown_token_is_404(services: Services) -> None:
    with pytest.raises(ServiceError) as refused:
        await services.issued_tokens.delete(UID)
    assert (refused.value.status, refused.value.code) == (404, "issued_token_not_found")


async def test_list_cards_filters_by_status(services: Services, partner: str) -> None:
    card_id = await _valid_card(services, partner)
    pending, _ = await services.issued_tokens.list_cards(status="PENDING", offset=0, limit=10)
    valid, _ = await services.issued_tokens.list_cards(status="VALID", offset=0, limit=10)
    assert ([c.id for c in pending], valid) == ([card_id], [])


async def test_operator_may_approve_a_partners_card_of_a_token_it_issued_itself(
    services: Services, partner: str
) -> None:
    await services.issued_tokens.put(UID, _token())
    card_id = await _valid_card(services, partner)
    approved = await services.issued_tokens.approve(card_id)
    assert (approved.verification_status, (await services.issued_tokens.card_for_id_tag(UID)).status) == (
        "VALID",
        "Accepted",
    )
