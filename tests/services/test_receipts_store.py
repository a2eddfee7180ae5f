"""Receipt numbers on both stores: gapless and unique per operator under concurrent issuers, no number lost
to a rolled-back transaction, one receipt per session; and receipts issued as sessions are priced."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal

import msgspec
import pytest
from sqlalchemy import func, select

from chargeassist.domain.tariffs import decode_tariff, encode_tariff
from chargeassist.services import AppTokenRecord, PaidWith, ServiceError, Services
from chargeassist.store import ChargeSession, Database, PaymentMethod, Receipt, allocate_receipt, utcnow
from tests.conftest import make_settings


class Rollback(Exception):
    """Raised inside a transaction to roll it back."""


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()


async def _issue(db: Database, operator: str, session_pk: int, *, hold_s: float = 0.0) -> str:
    async with db.transaction() as session:
        receipt = await allocate_receipt(
            session,
            operator_id=operator,
            session_pk=session_pk,
            session_id=f"S{session_pk}",
            issued_at=utcnow(),
            render=lambda number: f'{{"receiptNumber": "{number}"}}',
        )
        # Keep the transaction open a moment, so concurrent issuers really overlap.
        await asyncio.sleep(hold_s)
        return receipt.receipt_number


async def _issue_then_fail(db: Database, operator: str, session_pk: int) -> None:
    async with db.transaction() as session:
        await allocate_receipt(
            session,
            operator_id=operator,
            session_pk=session_pk,
            session_id=f"S{session_pk}",
            issued_at=utcnow(),
            render=lambda number: "{}",
        )
        raise Rollback


async def test_numbers_count_from_one_per_operator(db: Database) -> None:
    numbers = [await _issue(db, "op-a", 1), await _issue(db, "op-b", 2), await _issue(db, "op-a", 3)]

    assert numbers == ["op-a-000001", "op-b-000001", "op-a-000002"]


async def test_concurrent_issues_are_numbered_one_to_n_without_gap_or_duplicate(db: Database) -> None:
    count = 20

    numbers = await asyncio.gather(*(_issue(db, "op", pk, hold_s=0.01) for pk in range(1, count + 1)))

    assert sorted(numbers) == [f"op-{n:06d}" for n in range(1, count + 1)]


async def test_concurrent_first_receipts_of_an_operator_share_one_counter(db: Database) -> None:
    numbers = await asyncio.gather(*(_issue(db, "new-op", pk) for pk in range(1, 6)))

    assert sorted(numbers) == [f"new-op-{n:06d}" for n in range(1, 6)]


async def test_a_rolled_back_issue_leaves_no_gap(db: Database) -> None:
    await _issue(db, "op", 1)
    with pytest.raises(Rollback):
        await _issue_then_fail(db, "op", 2)

    assert await _issue(db, "op", 3) == "op-000002"


async def test_a_rolled_back_issue_leaves_no_receipt(db: Database) -> None:
    with pytest.raises(Rollback):
        await _issue_then_fail(db, "op", 2)

    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Receipt)) == 0


async def test_issuing_twice_for_one_session_returns_the_first_receipt(db: Database) -> None:
    first = await _issue(db, "op", 7)

    assert await _issue(db, "op", 7) == first


async def test_issuing_twice_for_one_session_uses_no_number(db: Database) -> None:
    await _issue(db, "op", 7)
    await _issue(db, "op", 7)

    assert await _issue(db, "op", 8) == "op-000002"


async def test_concurrent_issues_for_one_session_make_one_receipt_and_burn_no_number(db: Database) -> None:
    numbers = await asyncio.gather(*(_issue(db, "op", 9, hold_s=0.01) for _ in range(5)))

    assert set(numbers) == {"op-000001"}
    assert await _issue(db, "op", 10) == "op-000002"


async def test_the_document_is_rendered_with_its_number(db: Database) -> None:
    await _issue(db, "op", 4)

    async with db.read() as session:
        receipt = await session.scalar(select(Receipt).where(Receipt.session_id == "S4"))
    assert receipt is not None
    assert (receipt.document, receipt.sequence, receipt.operator_id) == ('{"receiptNumber": "op-000001"}', 1, "op")


# --- issued on pricing ------------------------------------------------------------------------------------

# 0.1 kWh at 0.235 with 20 % VAT: 0.0235 excl., 0.0282 incl., VAT 0.0047.
SMALL_TARIFF = decode_tariff(
    msgspec.json.encode(
        {
            "country_code": "NL",
            "party_id": "TST",
            "id": "small",
            "currency": "EUR",
            "elements": [{"price_components": [{"type": "ENERGY", "price": "0.235", "vat": 20.0, "step_size": 1}]}],
            "last_updated": "2025-01-06T08:00:00Z",
        }
    )
)


@pytest.fixture
async def services(database_url: str) -> AsyncIterator[Services]:
    started = Services.create(make_settings(database_url, session_sweep_interval_s=3600))
    await started.start()
    yield started
    await started.stop()


@pytest.fixture
async def token(services: Services) -> AppTokenRecord:
    await services.partners.create("Receipts Operator", is_operator=True)
    partner = (await services.partners.create("Receipts Partner")).identity.partner_id
    record, _ = await services.wallet.register(partner, "driver-1")
    return record


async def _completed(services: Services, token: AppTokenRecord, method: PaymentMethod | None) -> str:
    """A COMPLETED session of 0.1 kWh under SMALL_TARIFF, paid with ``method``."""
    started = utcnow() - timedelta(hours=1)
    async with services.db.transaction() as session:
        if method is not None:
            session.add(method)
        session.add(
            ChargeSession(
                id="cs_small",
                partner_id=token.partner_id,
                app_token_pk=token.pk,
                payment_method_id=method.id if method is not None else None,
                start_kind="APP",
                location_id="nl-tst-x",
                evse_uid="E-1",
                connector_id="1",
                charge_point_id="CP-1",
                ocpp_connector_id=1,
                id_tag="CATAG",
                status="COMPLETED",
                requested_at=started,
                started_at=started,
                stopped_at=started + timedelta(minutes=10),
                meter_start=1000,
                meter_stop=1100,
                tariff_id="small",
                tariff_document=encode_tariff(SMALL_TARIFF).decode(),
                currency="EUR",
                time_zone="UTC",
            )
        )
    await services.sessions.price("cs_small")
    return "cs_small"


def _external(token: AppTokenRecord) -> PaymentMethod:
    return PaymentMethod(
        id="pm_external",
        app_token_pk=token.pk,
        partner_id=token.partner_id,
        type="EXTERNAL",
        external_payment_method_id="folio-7",
        verification_status="VALID",
    )


def _card(token: AppTokenRecord) -> PaymentMethod:
    return PaymentMethod(
        id="pm_card",
        app_token_pk=token.pk,
        partner_id=token.partner_id,
        type="CHARGE_CARD",
        card_key="NLTSTC123456789",
        card_hint="NL-TST-C12345***-*",
        card_short_hint="6789",
        id_tag="NLTSTC123456789",
        verification_status="VALID",
    )


async def _row(services: Services, session_id: str) -> ChargeSession:
    async with services.db.read() as session:
        row = await session.scalar(select(ChargeSession).where(ChargeSession.id == session_id))
    assert row is not None
    return row


async def test_the_sessions_vat_is_its_exact_vat_rounded_once(services: Services, token: AppTokenRecord) -> None:
    row = await _row(services, await _completed(services, token, _external(token)))

    assert (row.total_cost_excl_vat, row.total_vat, row.total_cost) == ("0.03", "0.00", "0.03")


async def test_a_session_paid_externally_gets_its_receipt_when_priced(
    services: Services, token: AppTokenRecord
) -> None:
    session_id = await _completed(services, token, _external(token))

    receipt = await services.receipts.get(token, session_id)

    assert (receipt.totals.gross, receipt.totals.vat) == (Decimal("0.03"), Decimal("0.00"))
    assert receipt.paid == PaidWith(amount=Decimal("0.03"), method="EXTERNAL", reference="folio-7")


async def test_a_session_paid_by_charge_card_shows_only_the_card_hint(
    services: Services, token: AppTokenRecord
) -> None:
    session_id = await _completed(services, token, _card(token))

    receipt = await services.receipts.get(token, session_id)

    assert receipt.paid == PaidWith(amount=Decimal("0.03"), method="CHARGE_CARD", card_hint="NL-TST-C12345***-*")


async def test_a_session_of_no_wallet_method_gets_no_receipt(services: Services, token: AppTokenRecord) -> None:
    session_id = await _completed(services, token, None)

    with pytest.raises(ServiceError) as caught:
        await services.receipts.get(token, session_id)
    assert caught.value.code == "receipt_not_available"


async def test_the_session_shows_its_receipt_number(services: Services, token: AppTokenRecord) -> None:
    session_id = await _completed(services, token, _external(token))

    view = await services.sessions.get(token, session_id)

    assert view.receipt_number == (await services.receipts.get(token, session_id)).receipt_number
