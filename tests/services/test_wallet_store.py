"""App tokens and wallets on both stores (SQLite and PostgreSQL), through the services."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC

import pytest
from sqlalchemy import delete, func, select

from chargeassist.services import ServiceError, Services
from chargeassist.store import IssuedToken, PaymentMethod
from tests.conftest import make_settings


@pytest.fixture
async def services(database_url: str) -> AsyncIterator[Services]:
    """Started services over the store under test."""
    started = Services.create(make_settings(database_url))
    await started.start()
    # The shared PostgreSQL store is emptied of the older tables only; issued tokens are cleared here.
    async with started.db.transaction() as session:
        await session.execute(delete(IssuedToken))
    yield started
    await started.stop()


@pytest.fixture
async def partner(services: Services) -> str:
    return (await services.partners.create("Wallet Partner")).identity.partner_id


@pytest.fixture
async def other_partner(services: Services) -> str:
    return (await services.partners.create("Other Wallet Partner")).identity.partner_id


async def _count_methods(services: Services) -> int:
    async with services.db.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(PaymentMethod)) or 0)


# --- app tokens ------------------------------------------------------------------------------


async def test_registering_creates_once(services: Services, partner: str) -> None:
    first, created = await services.wallet.register(partner, "driver-1")
    again, created_again = await services.wallet.register(partner, "driver-1")
    assert (created, created_again) == (True, False)
    assert again == first


async def test_created_date_reads_back_in_utc(services: Services, partner: str) -> None:
    created, _ = await services.wallet.register(partner, "driver-1")
    found = await services.wallet.find(partner, "driver-1")
    assert found is not None
    assert found.created_at == created.created_at
    assert found.created_at.utcoffset() == UTC.utcoffset(None)


async def test_app_token_is_not_found_for_another_partner(services: Services, partner: str, other_partner: str) -> None:
    await services.wallet.register(partner, "driver-1")
    assert await services.wallet.find(other_partner, "driver-1") is None


async def test_same_name_under_two_partners_is_two_app_tokens(
    services: Services, partner: str, other_partner: str
) -> None:
    mine, _ = await services.wallet.register(partner, "driver-1")
    theirs, created = await services.wallet.register(other_partner, "driver-1")
    assert created is True
    assert mine.pk != theirs.pk


@pytest.mark.parametrize("app_token", ["", "t" * 256])
async def test_app_token_outside_1_to_255_characters_is_refused(
    services: Services, partner: str, app_token: str
) -> None:
    with pytest.raises(ServiceError) as refused:
        await services.wallet.register(partner, app_token)
    assert (refused.value.status, refused.value.field) == (400, "appToken")


async def test_app_token_of_255_characters_is_stored_whole(services: Services, partner: str) -> None:
    await services.wallet.register(partner, "é" * 255)
    found = await services.wallet.find(partner, "é" * 255)
    assert found is not None
    assert found.app_token == "é" * 255


async def test_concurrent_registrations_make_one_app_token(services: Services, partner: str) -> None:
    results = await asyncio.gather(*(services.wallet.register(partner, "driver-1") for _ in range(6)))
    assert sum(created for _, created in results) == 1
    assert len({record.pk for record, _ in results}) == 1


async def test_deleting_an_app_token_deletes_its_payment_methods(services: Services, partner: str) -> None:
    token, _ = await services.wallet.register(partner, "driver-1")
    await services.wallet.add_charge_card(token, "NL-TST-000123-4", None)
    await services.wallet.add_external(token, "psp-1", None)
    await services.wallet.delete(partner, "driver-1")
    assert await services.wallet.find(partner, "driver-1") is None
    assert await _count_methods(services) == 0


async def test_deleting_an_unknown_app_token_is_404(services: Services, partner: str) -> None:
    with pytest.raises(ServiceError) as refused:
        await services.wallet.delete(partner, "nobody")
    assert (refused.value.status, refused.value.code) == (404, "app_token_not_found")


# --- charge cards ----------------------------------------------------------------------------


async def test_charge_card_is_stored_under_its_normalised_number(services: Services, partner: str) -> None:
    token, _ = await services.wallet.register(partner, "driver-1")
    row, created = await services.wallet.add_charge_card(token, "nl-tst 000123-4", "Work")
    assert created is True
    assert (row.card_key, row.id_tag) == ("NLTST0001234", "NLTST0001234")
    assert (row.card_hint, row.card_short_hint) == ("**-*** ***123-4", "1234")


async def test_charge_card_no_issued_token_names_waits_pending(services: Services, partner: str) -> None:
    token, _ = await services.wallet.register(partner, "driver-1")
    row, _ = await services.wallet.add_charge_card(token, "nl-tst 000123-4", "Work")
    assert row.verification_status == "PENDING"


@pytest.mark.parametrize("spelling", ["NLTST0001234", "nl-tst-000123-4", "NL TST 000 123 4", "NL*TST*000123*4"])
async def test_charge_card_in_another_spelling_is_the_same_row(services: Services, partner: str, spelling: str) -> None:
    token, _ = await services.wallet.register(partner, "driver-1")
    first, _ = await services.wallet.add_charge_card(token, "NL-TST-000123-4", None)
    again, created = await services.wallet.add_charge_card(token, spelling, None)
    assert created is False
    assert again.id == first.id


async def test_charge_card_again_with_a_new_display_name_renames_it(services: Services, partner: str) -> None:
    token, _ = await services.wallet.register(partner, "driver-1")
    await services.wallet.add_charge_card(token, "NL-TST-000123-4", "Old")
    await services.wallet.add_charge_card(token, "NL-TST-000123-4", "New")
    [row] = await services.wallet.list_payment_methods(token)
    assert row.display_name == "New"


async def test_charge_card_in_another_wallet_of_the_partner_is_409(services: Services, partner: str) -> None:
    mine, _ = await services.wallet.register(partner, "driver-1")
    other, _ = await services.wallet.register(partner, "driver-2")
    await services.wallet.add_charge_card(mine, "NL-TST-000123-4", None)
    with pytest.raises(ServiceError) as refused:
        await services.wallet.add_charge_card(other, "nltst0001234", None)
    assert (refused.value.status, refused.value.code) == (409, "charge_card_in_other_wallet")


async def test_charge_card_in_another_partners_wallet_is_added(
    services: Services, partner: str, other_partner: str
) -> None:
    mine, _ = await services.wallet.register(partner, "driver-1")
    theirs, _ = await services.wallet.register(other_partner, "driver-9")
    first, _ = await services.wallet.add_charge_card(mine, "NL-TST-000123-4", None)
    second, created = await services.wallet.add_charge_card(theirs, "nltst0001234", None)
    assert created is True
    assert second.id != first.id


async def test_concurrent_adds_of_one_card_to_two_wallets_leave_it_in_one(services: Services, partner: str) -> None:
    tokens = [(await services.wallet.register(partner, f"driver-{n}"))[0] for n in range(4)]
    results = await asyncio.gather(
        *(services.wallet.add_charge_card(token, "NL-TST-000123-4", None) for token in tokens),
        return_exceptions=True,
    )
    added = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(added) == 1
    assert all(isinstance(r, ServiceError) and r.status == 409 for r in refused)
    assert await _count_methods(services) == 1


@pytest.mark.parametrize("visual_number", ["12345", "A" * 41, "NL_TST_0001234", "NL.TST.0001234", ""])
async def test_malformed_visual_number_is_refused_naming_it(
    services: Services, partner: str, visual_number: str
) -> None:
    token, _ = await services.wallet.register(partner, "driver-1")
    with pytest.raises(ServiceError) as refused:
        await services.wallet.add_charge_card(token, visual_number, None)
    assert (refused.value.status, refused.value.field) == (400, "visualNumber")


# --- external payment methods and the wallet -------------------------------------------------


async def test_external_method_is_idempotent_per_wallet(services: Services, partner: str) -> None:
    token, _ = await services.wallet.register(partner, "driver-1")
    first, created = await services.wallet.add_external(token, "psp-1", None)
    again, created_again = await services.wallet.add_external(token, "psp-1", "Renamed")
    assert (created, created_again) == (True, False)
    assert again.id == first.id
    assert again.display_name == "Renamed"


async def test_external_reference_may_sit_in_two_wallets(services: Services, partner: str) -> None:
    one, _ = await services.wallet.register(partner, "driver-1")
    two, _ = await services.wallet.register(partner, "driver-2")
    first, _ = await services.wallet.add_external(one, "psp-shared", None)
    second, created = await services.wallet.add_external(two, "psp-shared", None)
    assert created is True
    assert second.id != first.id


async def test_wallet_lists_oldest_first(services: Services, partner: str) -> None:
    token, _ = await services.wallet.register(partner, "driver-1")
    added = [
        (await services.wallet.add_external(token, "psp-1", None))[0].id,
        (await services.wallet.add_charge_card(token, "NL-TST-000123-4", None))[0].id,
        (await services.wallet.add_external(token, "psp-2", None))[0].id,
    ]
    assert [row.id for row in await services.wallet.list_payment_methods(token)] == added


async def test_removed_method_is_gone(services: Services, partner: str) -> None:
    token, _ = await services.wallet.register(partner, "driver-1")
    row, _ = await services.wallet.add_external(token, "psp-1", None)
    await services.wallet.remove_payment_method(token, row.id)
    assert await services.wallet.list_payment_methods(token) == []


async def test_removing_another_wallets_method_is_404_and_keeps_it(services: Services, partner: str) -> None:
    one, _ = await services.wallet.register(partner, "driver-1")
    two, _ = await services.wallet.register(partner, "driver-2")
    theirs, _ = await services.wallet.add_external(two, "psp-1", None)
    with pytest.raises(ServiceError) as refused:
        await services.wallet.remove_payment_method(one, theirs.id)
    assert (refused.value.status, refused.value.code) == (404, "payment_method_not_found")
    assert [row.id for row in await services.wallet.list_payment_methods(two)] == [theirs.id]


async def test_getting_another_wallets_method_is_404(services: Services, partner: str) -> None:
    one, _ = await services.wallet.register(partner, "driver-1")
    two, _ = await services.wallet.register(partner, "driver-2")
    theirs, _ = await services.wallet.add_external(two, "psp-1", None)
    with pytest.raises(ServiceError) as refused:
        await services.wallet.get_payment_method(one, theirs.id)
    assert refused.value.status == 404


# --- verification against issued tokens ------------------------------------------------------

UID = "04A1B2C3D4E5F6"


def _ocpi_token(**changes: object) -> dict[str, object]:
    token: dict[str, object] = {
        "country_code": "NL",
        "party_id": "TST",
        "uid": UID,
        "type": "RFID",
        "contract_id": "NL-TST-C00001234-5",
        "visual_number": "NL-TST-000123-4",
        "issuer": "Test Issuer",
        "valid": True,
        "whitelist": "ALLOWED",
        "last_updated": "2026-11-01T10:00:00Z",
    }
    token.update(changes)
    return token


async def _status(services: Services, method_id: str) -> tuple[str, str | None]:
    async with services.db.read() as session:
        row = await session.get(PaymentMethod, method_id)
    assert row is not None
    return row.verification_status, row.id_tag


async def test_card_of_an_active_token_of_its_partner_is_valid(services: Services, partner: str) -> None:
    await services.issued_tokens.put(UID, _ocpi_token(), partner)
    token, _ = await services.wallet.register(partner, "driver-1")
    row, _ = await services.wallet.add_charge_card(token, "NL-TST-000123-4", None)
    assert row.verification_status == "VALID"


async def test_card_matched_by_printed_number_charges_under_the_tokens_uid(services: Services, partner: str) -> None:
    await services.issued_tokens.put(UID, _ocpi_token(), partner)
    token, _ = await services.wallet.register(partner, "driver-1")
    row, _ = await services.wallet.add_charge_card(token, "NL-TST-000123-4", None)
    assert row.id_tag == UID


async def test_card_typed_by_its_uid_is_valid(services: Services, partner: str) -> None:
    await services.issued_tokens.put(UID, _ocpi_token(), partner)
    token, _ = await services.wallet.register(partner, "driver-1")
    row, _ = await services.wallet.add_charge_card(token, UID.lower(), None)
    assert row.verification_status == "VALID"


async def test_card_by_uid_after_the_same_card_by_number_is_the_same_method(services: Services, partner: str) -> None:
    await services.issued_tokens.put(UID, _ocpi_token(), partner)
    token, _ = await services.wallet.register(partner, "driver-1")
    first, _ = await services.wallet.add_charge_card(token, "NL-TST-000123-4", None)
    again, created = await services.wallet.add_charge_card(token, UID, None)
    assert (again.id, created) == (first.id, False)


async def test_card_of_another_partners_token_stays_pending(
    services: Services, partner: str, other_partner: str
) -> None:
    await services.issued_tokens.put(UID, _ocpi_token(), other_partner)
    token, _ = await services.wallet.register(partner, "driver-1")
    row, _ = await services.wallet.add_charge_card(token, "NL-TST-000123-4", None)
    assert row.verification_status == "PENDING"


async def test_card_of_a_blocked_token_is_invalid(services: Services, partner: str) -> None:
    await services.issued_tokens.put(UID, _ocpi_token(valid=False), partner)
    token, _ = await services.wallet.register(partner, "driver-1")
    row, _ = await services.wallet.add_charge_card(token, "NL-TST-000123-4", None)
    assert row.verification_status == "INVALID"


async def test_card_of_an_expired_token_is_invalid(services: Services, partner: str) -> None:
    await services.issued_tokens.put(UID, _ocpi_token(expiry_date="2026-01-01T00:00:00Z"), partner)
    token, _ = await services.wallet.register(partner, "driver-1")
    row, _ = await services.wallet.add_charge_card(token, "NL-TST-000123-4", None)
    assert row.verification_status == "INVALID"


async def test_loading_a_token_later_makes_its_partners_pending_card_valid(services: Services, partner: str) -> None:
    token, _ = await services.wallet.register(partner, "driver-1")
    row, _ = await services.wallet.add_charge_card(token, "NL-TST-000123-4", None)
    await services.issued_tokens.put(UID, _ocpi_token(), partner)
    assert await _status(services, row.id) == ("VALID", UID)


async def test_loading_a_token_later_leaves_another_partners_card_pending(
    services: Services, partner: str, other_partner: str
) -> None:
    theirs, _ = await services.wallet.register(other_partner, "driver-1")
    row, _ = await services.wallet.add_charge_card(theirs, "NL-TST-000123-4", None)
    await services.issued_tokens.put(UID, _ocpi_token(), partner)
    assert (await _status(services, row.id))[0] == "PENDING"


async def test_blocking_a_token_later_makes_its_valid_card_invalid(services: Services, partner: str) -> None:
    await services.issued_tokens.put(UID, _ocpi_token(), partner)
    token, _ = await services.wallet.register(partner, "driver-1")
    row, _ = await services.wallet.add_charge_card(token, "NL-TST-000123-4", None)
    await services.issued_tokens.patch(UID, {"valid": False})
    assert (await _status(services, row.id))[0] == "INVALID"


async def test_unblocking_a_token_makes_its_card_valid_again(services: Services, partner: str) -> None:
    await services.issued_tokens.put(UID, _ocpi_token(valid=False), partner)
    token, _ = await services.wallet.register(partner, "driver-1")
    row, _ = await services.wallet.add_charge_card(token, "NL-TST-000123-4", None)
    await services.issued_tokens.patch(UID, {"valid": True})
    assert (await _status(services, row.id))[0] == "VALID"


async def test_expiring_a_token_later_makes_its_card_invalid(services: Services, partner: str) -> None:
    await services.issued_tokens.put(UID, _ocpi_token(), partner)
    token, _ = await services.wallet.register(partner, "driver-1")
    row, _ = await services.wallet.add_charge_card(token, "NL-TST-000123-4", None)
    await services.issued_tokens.patch(UID, {"expiry_date": "2026-01-01T00:00:00Z"})
    assert (await _status(services, row.id))[0] == "INVALID"


async def test_a_token_whose_expiry_passes_reads_invalid_in_the_wallet(services: Services, partner: str) -> None:
    await services.issued_tokens.put(UID, _ocpi_token(), partner)
    token, _ = await services.wallet.register(partner, "driver-1")
    row, _ = await services.wallet.add_charge_card(token, "NL-TST-000123-4", None)
    # The expiry passes with nothing written: the store's moment is moved instead of the clock.
    async with services.db.transaction() as session:
        stored = await session.get(IssuedToken, UID)
        assert stored is not None
        stored.expires_at = stored.created_at
    listed = await services.wallet.list_payment_methods(token)
    assert [m.verification_status for m in listed if m.id == row.id] == ["INVALID"]


async def test_deleting_a_token_puts_its_card_back_to_pending(services: Services, partner: str) -> None:
    await services.issued_tokens.put(UID, _ocpi_token(), partner)
    token, _ = await services.wallet.register(partner, "driver-1")
    row, _ = await services.wallet.add_charge_card(token, "NL-TST-000123-4", None)
    await services.issued_tokens.delete(UID)
    assert (await _status(services, row.id))[0] == "PENDING"


async def test_approved_card_is_valid(services: Services, partner: str) -> None:
    token, _ = await services.wallet.register(partner, "driver-1")
    row, _ = await services.wallet.add_charge_card(token, "NL-TST-000123-4", None)
    approved = await services.issued_tokens.approve(row.id)
    assert approved.verification_status == "VALID"


async def test_blocked_card_is_invalid(services: Services, partner: str) -> None:
    token, _ = await services.wallet.register(partner, "driver-1")
    row, _ = await services.wallet.add_charge_card(token, "NL-TST-000123-4", None)
    blocked = await services.issued_tokens.block(row.id)
    assert blocked.verification_status == "INVALID"


async def test_a_card_the_operator_blocked_stays_invalid_when_its_token_is_loaded(
    services: Services, partner: str
) -> None:
    token, _ = await services.wallet.register(partner, "driver-1")
    row, _ = await services.wallet.add_charge_card(token, "NL-TST-000123-4", None)
    await services.issued_tokens.block(row.id)
    await services.issued_tokens.put(UID, _ocpi_token(), partner)
    assert (await _status(services, row.id))[0] == "INVALID"


async def test_approving_while_another_partners_card_of_the_number_is_valid_is_409(
    services: Services, partner: str, other_partner: str
) -> None:
    mine, _ = await services.wallet.register(partner, "driver-1")
    theirs, _ = await services.wallet.register(other_partner, "driver-1")
    first, _ = await services.wallet.add_charge_card(mine, "NL-TST-000123-4", None)
    second, _ = await services.wallet.add_charge_card(theirs, "NL-TST-000123-4", None)
    await services.issued_tokens.approve(first.id)
    with pytest.raises(ServiceError) as refused:
        await services.issued_tokens.approve(second.id)
    assert (refused.value.status, refused.value.code) == (409, "charge_card_valid_elsewhere")


async def test_approving_a_card_another_partner_issued_is_409(
    services: Services, partner: str, other_partner: str
) -> None:
    await services.issued_tokens.put(UID, _ocpi_token(), other_partner)
    token, _ = await services.wallet.register(partner, "driver-1")
    row, _ = await services.wallet.add_charge_card(token, "NL-TST-000123-4", None)
    with pytest.raises(ServiceError) as refused:
        await services.issued_tokens.approve(row.id)
    assert (refused.value.status, refused.value.code) == (409, "charge_card_issued_to_other_partner")


async def test_the_issuers_card_takes_over_from_an_approved_card_of_another_partner(
    services: Services, partner: str, other_partner: str
) -> None:
    theirs, _ = await services.wallet.register(other_partner, "driver-1")
    squatted, _ = await services.wallet.add_charge_card(theirs, "NL-TST-000123-4", None)
    await services.issued_tokens.approve(squatted.id)
    await services.issued_tokens.put(UID, _ocpi_token(), partner)
    mine, _ = await services.wallet.register(partner, "driver-1")
    row, _ = await services.wallet.add_charge_card(mine, "NL-TST-000123-4", None)
    assert (row.verification_status, (await _status(services, squatted.id))[0]) == ("VALID", "PENDING")


async def test_removing_the_valid_card_lets_an_approved_card_of_the_number_be_valid(
    services: Services, partner: str
) -> None:
    await services.issued_tokens.put(UID, _ocpi_token(), partner)
    first_token, _ = await services.wallet.register(partner, "driver-1")
    first, _ = await services.wallet.add_charge_card(first_token, "NL-TST-000123-4", None)
    await services.wallet.remove_payment_method(first_token, first.id)
    second_token, _ = await services.wallet.register(partner, "driver-2")
    second, _ = await services.wallet.add_charge_card(second_token, UID, None)
    assert second.verification_status == "VALID"
