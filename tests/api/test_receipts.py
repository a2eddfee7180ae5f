"""Receipts over HTTP: the JSON receipt of a paid session, the same receipt as a PDF read back, and the 404s
for a session without a receipt or of another token."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from litestar import Litestar
from sqlalchemy import select

from chargeassist.services import ChargePointCommand, CommandOutcome, Services, paid_with_method
from chargeassist.store import ChargeSession, PaymentMethod, utcnow
from tests.api._helpers import (
    Client,
    assert_problem,
    ocpi_connector,
    ocpi_evse,
    ocpi_location,
    put_location,
    put_tariff,
    register_token,
)
from tests.conftest import bearer, require_module

TARIFF = {
    "country_code": "NL",
    "party_id": "TST",
    "id": "receipt-tariff",
    "currency": "EUR",
    "elements": [
        {
            "price_components": [
                {"type": "FLAT", "price": 0.4999, "vat": 21.0, "step_size": 1},
                {"type": "ENERGY", "price": 0.3333, "vat": 21.0, "step_size": 1},
            ]
        }
    ],
    "last_updated": "2025-01-06T08:00:00Z",
}
LOCATION_NAME = "Parkhaus Müller €-Laden"
SESSIONS = "/v1/tokens/driver-1/sessions"


class StandInChargePoint:
    """Takes the place of a connected charge point in the registry; accepts every command."""

    def __init__(self, charge_point_id: str) -> None:
        self.id = charge_point_id
        self.commands: list[ChargePointCommand] = []

    async def send_command(self, command: ChargePointCommand, timeout_s: float) -> CommandOutcome:
        self.commands.append(command)
        return CommandOutcome(status="answered", payload={"status": "Accepted"})

    async def close(self, reason: str) -> None:
        pass


@dataclass
class Site:
    partner_key: str
    external_id: str
    charge_point: StandInChargePoint


@pytest.fixture
async def site(client: Client, app: Litestar, services: Services, partner_key: str, operator_key: str) -> Site:
    """A priced location with an umlaut and a euro sign in its name, EVSE-1 on a stand-in charge point, and
    driver-1 with an external payment method."""
    await put_tariff(client, operator_key, TARIFF)
    evse = ocpi_evse("EVSE-1", connectors=[ocpi_connector(tariff_ids=["receipt-tariff"])], evse_id="NL*TST*E1")
    await put_location(client, operator_key, ocpi_location("receipts", evses=[evse], name=LOCATION_NAME))
    await services.charge_points.put("CP-RECEIPT", "cp-password-0123456789", ["EVSE-1"])
    stand_in = StandInChargePoint("CP-RECEIPT")
    app.state.central.registry.add(stand_in)
    await register_token(client, partner_key, "driver-1")
    external = await client.put(
        "/v1/tokens/driver-1/wallet/external", json={"externalPaymentMethodId": "room-101"}, headers=bearer(partner_key)
    )
    return Site(partner_key, external.json()["id"], stand_in)


async def _eventually(predicate: Callable[[], Any], timeout_s: float = 5.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not await predicate():
            await asyncio.sleep(0.01)


async def _session(client: Client, site: Site, session_id: str) -> dict[str, Any]:
    response = await client.get(f"{SESSIONS}/{session_id}", headers=bearer(site.partner_key))
    body: dict[str, Any] = response.json()
    return body


async def _status(client: Client, site: Site, session_id: str) -> str:
    status: str = (await _session(client, site, session_id))["status"]
    return status


async def _priced_session(client: Client, site: Site, services: Services) -> str:
    """A session charged 7.777 kWh on EVSE-1 and priced (CDR_AVAILABLE)."""
    started = await client.post(
        SESSIONS,
        json={"locationId": "nl-tst-receipts", "evseUid": "EVSE-1", "paymentMethodId": site.external_id},
        headers=bearer(site.partner_key),
    )
    session_id: str = started.json()["chargeSessionId"]

    async def starting() -> bool:
        return await _status(client, site, session_id) == "STARTING"

    await _eventually(starting)
    id_tag = site.charge_point.commands[-1].id_tag
    began = await services.sessions.transaction_started(
        "CP-RECEIPT", connector_id=1, id_tag=id_tag, meter_start=1000, timestamp=utcnow(), reservation_id=None
    )
    await services.sessions.transaction_stopped(
        "CP-RECEIPT",
        transaction_id=began.transaction_id,
        meter_stop=8777,
        timestamp=utcnow(),
        reason="Local",
        id_tag=None,
        readings=[],
    )

    async def priced() -> bool:
        return await _status(client, site, session_id) == "CDR_AVAILABLE"

    await _eventually(priced)
    return session_id


async def _issue(services: Services, session_id: str) -> None:
    """Issue the receipt as paying the session does (idempotent: a receipt issued on pricing stays)."""
    async with services.db.transaction() as session:
        row = await session.scalar(select(ChargeSession).where(ChargeSession.id == session_id))
        assert row is not None
        method = await session.scalar(select(PaymentMethod).where(PaymentMethod.id == row.payment_method_id))
        await services.receipts.issue(session, row, paid_with_method(method, Decimal(row.total_cost or "0")))


@pytest.fixture
async def paid(client: Client, site: Site, services: Services) -> str:
    """The id of a priced session with its receipt."""
    session_id = await _priced_session(client, site, services)
    await _issue(services, session_id)
    return session_id


async def _receipt(client: Client, site: Site, session_id: str) -> dict[str, Any]:
    response = await client.get(f"{SESSIONS}/{session_id}/receipt", headers=bearer(site.partner_key))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _pdf_text(content: bytes) -> str:
    pypdf = require_module("pypdf")
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


# --- JSON -------------------------------------------------------------------------------------------------


async def test_the_receipt_number_is_the_operators_first(client: Client, site: Site, paid: str) -> None:
    receipt = await _receipt(client, site, paid)

    assert receipt["receiptNumber"] == f"{receipt['seller']['id']}-000001"


async def test_the_seller_is_the_operator(client: Client, site: Site, paid: str) -> None:
    assert (await _receipt(client, site, paid))["seller"]["name"] == "Test Operator"


async def test_the_location_keeps_its_name_and_address(client: Client, site: Site, paid: str) -> None:
    location = (await _receipt(client, site, paid))["location"]

    assert (location["name"], location["address"], location["postalCode"], location["city"]) == (
        LOCATION_NAME,
        "Teststraat 1",
        "1011 AA",
        "Amsterdam",
    )


async def test_the_evse_and_connector_are_named(client: Client, site: Site, paid: str) -> None:
    receipt = await _receipt(client, site, paid)

    assert (receipt["evse"], receipt["connectorId"]) == ({"uid": "EVSE-1", "evseId": "NL*TST*E1"}, "1")


async def test_every_line_adds_up_in_cents(client: Client, site: Site, paid: str) -> None:
    lines = (await _receipt(client, site, paid))["lines"]

    assert [line["dimension"] for line in lines] == ["FLAT", "ENERGY"]
    assert all(Decimal(line["net"]) + Decimal(line["vat"]) == Decimal(line["gross"]) for line in lines)


async def test_the_totals_are_the_sums_of_the_lines(client: Client, site: Site, paid: str) -> None:
    receipt = await _receipt(client, site, paid)

    for field in ("net", "vat", "gross"):
        assert sum(Decimal(line[field]) for line in receipt["lines"]) == Decimal(receipt["totals"][field])


async def test_the_gross_is_what_the_session_charges(client: Client, site: Site, paid: str) -> None:
    receipt = await _receipt(client, site, paid)
    session = await _session(client, site, paid)

    # 0.4999 + 7.777 kWh * 0.3333 = 3.0920841 excl., * 1.21 = 3.74142176 incl. VAT.
    assert (receipt["totals"]["gross"], session["totalCosts"]) == ("3.74", "3.74")


async def test_the_vat_is_the_sessions_vat(client: Client, site: Site, paid: str) -> None:
    receipt = await _receipt(client, site, paid)
    session = await _session(client, site, paid)

    assert Decimal(receipt["totals"]["vat"]) == Decimal(session["totalVat"]) == Decimal("0.65")


async def test_an_external_payment_shows_the_integrators_reference(client: Client, site: Site, paid: str) -> None:
    assert (await _receipt(client, site, paid))["paid"] == {
        "amount": "3.74",
        "method": "EXTERNAL",
        "psp": None,
        "pspTransactionId": None,
        "reference": "room-101",
        "cardHint": None,
    }


async def test_the_receipt_does_not_change_when_issued_again(
    client: Client, site: Site, paid: str, services: Services
) -> None:
    first = await _receipt(client, site, paid)
    await _issue(services, paid)

    assert await _receipt(client, site, paid) == first


async def test_a_second_paid_session_takes_the_next_number(
    client: Client, site: Site, paid: str, services: Services
) -> None:
    second = await _priced_session(client, site, services)
    await _issue(services, second)

    first_number = (await _receipt(client, site, paid))["receiptNumber"]
    assert (await _receipt(client, site, second))["receiptNumber"] == first_number[:-6] + "000002"


# --- 404 --------------------------------------------------------------------------------------------------


async def test_a_session_without_a_receipt_is_404_receipt_not_available(client: Client, site: Site) -> None:
    started = await client.post(
        SESSIONS,
        json={"locationId": "nl-tst-receipts", "evseUid": "EVSE-1", "paymentMethodId": site.external_id},
        headers=bearer(site.partner_key),
    )
    session_id = started.json()["chargeSessionId"]

    response = await client.get(f"{SESSIONS}/{session_id}/receipt", headers=bearer(site.partner_key))

    assert_problem(response, 404, "receipt_not_available")


async def test_the_pdf_of_a_session_without_a_receipt_is_404(client: Client, site: Site) -> None:
    started = await client.post(
        SESSIONS,
        json={"locationId": "nl-tst-receipts", "evseUid": "EVSE-1", "paymentMethodId": site.external_id},
        headers=bearer(site.partner_key),
    )
    session_id = started.json()["chargeSessionId"]

    response = await client.get(f"{SESSIONS}/{session_id}/receipt.pdf", headers=bearer(site.partner_key))

    assert_problem(response, 404, "receipt_not_available")


async def test_the_receipt_of_another_tokens_session_is_404(client: Client, site: Site, paid: str) -> None:
    await register_token(client, site.partner_key, "driver-2")

    response = await client.get(f"/v1/tokens/driver-2/sessions/{paid}/receipt", headers=bearer(site.partner_key))

    assert_problem(response, 404, "session_not_found")


async def test_the_pdf_of_another_tokens_session_is_404(client: Client, site: Site, paid: str) -> None:
    await register_token(client, site.partner_key, "driver-2")

    response = await client.get(f"/v1/tokens/driver-2/sessions/{paid}/receipt.pdf", headers=bearer(site.partner_key))

    assert_problem(response, 404, "session_not_found")


async def test_the_receipt_of_another_partners_token_is_404(
    client: Client, site: Site, paid: str, other_partner_key: str
) -> None:
    response = await client.get(f"{SESSIONS}/{paid}/receipt", headers=bearer(other_partner_key))

    assert_problem(response, 404, "app_token_not_found")


async def test_an_unknown_session_is_404(client: Client, site: Site) -> None:
    response = await client.get(f"{SESSIONS}/no-such-session/receipt", headers=bearer(site.partner_key))

    assert_problem(response, 404, "session_not_found")


# --- PDF --------------------------------------------------------------------------------------------------


async def test_the_pdf_is_a_pdf(client: Client, site: Site, paid: str) -> None:
    response = await client.get(f"{SESSIONS}/{paid}/receipt.pdf", headers=bearer(site.partner_key))

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


async def test_the_pdf_shows_the_receipt_number_and_totals(client: Client, site: Site, paid: str) -> None:
    receipt = await _receipt(client, site, paid)
    response = await client.get(f"{SESSIONS}/{paid}/receipt.pdf", headers=bearer(site.partner_key))

    text = _pdf_text(response.content)

    assert receipt["receiptNumber"] in text
    assert "Total: 3.74 EUR" in text
    assert "VAT: 0.65 EUR" in text
    assert f"Total excl. VAT: {receipt['totals']['net']} EUR" in text


async def test_the_pdf_shows_every_line(client: Client, site: Site, paid: str) -> None:
    receipt = await _receipt(client, site, paid)
    response = await client.get(f"{SESSIONS}/{paid}/receipt.pdf", headers=bearer(site.partner_key))

    text = _pdf_text(response.content)

    for line in receipt["lines"]:
        assert line["dimension"] in text
        assert line["gross"] in text


async def test_the_pdf_keeps_the_umlaut_and_writes_the_euro_sign_as_eur(client: Client, site: Site, paid: str) -> None:
    response = await client.get(f"{SESSIONS}/{paid}/receipt.pdf", headers=bearer(site.partner_key))

    assert "Parkhaus Müller EUR-Laden" in _pdf_text(response.content)


# --- issued on pricing ------------------------------------------------------------------------------------


async def test_a_session_paid_externally_has_its_receipt_once_priced(
    client: Client, site: Site, services: Services
) -> None:
    session_id = await _priced_session(client, site, services)

    assert (await _receipt(client, site, session_id))["paid"]["method"] == "EXTERNAL"


async def test_the_session_shows_its_receipt_number_once_priced(client: Client, site: Site, services: Services) -> None:
    session_id = await _priced_session(client, site, services)

    number = (await _session(client, site, session_id))["receiptNumber"]

    assert number == (await _receipt(client, site, session_id))["receiptNumber"]


async def test_a_session_not_yet_priced_shows_no_receipt_number(client: Client, site: Site) -> None:
    started = await client.post(
        SESSIONS,
        json={"locationId": "nl-tst-receipts", "evseUid": "EVSE-1", "paymentMethodId": site.external_id},
        headers=bearer(site.partner_key),
    )

    assert (await _session(client, site, started.json()["chargeSessionId"]))["receiptNumber"] is None
