"""client.sessions.receipt and receipt_pdf against the live demo server: a priced session's receipt, the same
receipt as a PDF, and the stable codes before it is issued or for a session that is not the token's."""

from __future__ import annotations

import io
import secrets
import time
from collections.abc import Iterator
from decimal import Decimal

import pytest

from chargeassist_sdk import AsyncChargeAssist, ChargeAssist, NotFoundError
from chargeassist_sdk.models import SessionResponse
from tests._live import DEMO_PARTNER_KEY
from tests.conftest import require_module

from .conftest import NO_RETRIES
from .test_sessions import Charger, ChargerAt, charger_at

__all__ = ["charger_at"]

HOTEL = "NL*GFX*EHOTELAMSTEL*1"


def free_evse(sdk: ChargeAssist, *, timeout_s: float = 60.0) -> str:
    """The printed id of a hotel EVSE free now, the last one first: the SDK's example (and other tests on the
    shared demo server) take the first free one, and a car stays plugged in for a while (15 s in the demo)
    after its session, so wait for one to come free."""
    scanned = sdk.qr.parse(HOTEL)
    assert isinstance(scanned.location_id, str)
    deadline = time.monotonic() + timeout_s
    while True:
        evses = sdk.locations.get(scanned.location_id).evses
        free = [e.evse_id for e in reversed(evses) if e.status == "AVAILABLE" and isinstance(e.evse_id, str)]
        if free:
            return free[0]
        assert time.monotonic() < deadline, f"no free hotel EVSE among {[(e.uid, e.status) for e in evses]}"
        time.sleep(0.5)


@pytest.fixture(scope="module")
def priced(live_url: str) -> Iterator[tuple[ChargeAssist, str, SessionResponse]]:
    """One session charged and priced at an EVSE of this module's own (a car stays plugged in a while after a
    session, so the tests of this module share it): the client, the app token and the session."""
    with ChargeAssist(api_key=DEMO_PARTNER_KEY, base_url=live_url, retry=NO_RETRIES) as sdk:
        token = f"driver-{secrets.token_hex(6)}"
        sdk.tokens.register(token)
        method = sdk.wallet.add_external(token, f"folio-{secrets.token_hex(4)}").id
        charger = Charger(sdk, token, method, free_evse(sdk))
        session_id = charger.start()
        sdk.sessions.wait(token, session_id, until="CHARGING", timeout=30)
        # A few seconds of charging, so the session draws energy and has a priced line.
        time.sleep(3)
        sdk.sessions.stop(token, session_id)
        yield sdk, token, sdk.sessions.wait(token, session_id, until="CDR_AVAILABLE", timeout=30)


def test_a_session_not_yet_paid_has_no_receipt(sdk: ChargeAssist, charger_at: ChargerAt) -> None:
    charger = charger_at(free_evse(sdk))
    session_id = charger.start()

    with pytest.raises(NotFoundError) as caught:
        charger.sdk.sessions.receipt(charger.app_token, session_id)
    assert caught.value.code == "receipt_not_available"


def test_the_pdf_of_an_unknown_session_is_not_found(sdk: ChargeAssist, app_token: str) -> None:
    with pytest.raises(NotFoundError) as caught:
        sdk.sessions.receipt_pdf(app_token, "cs_no_such_session")
    assert caught.value.code == "session_not_found"


def test_a_priced_session_has_a_receipt_that_charges_its_total(
    priced: tuple[ChargeAssist, str, SessionResponse],
) -> None:
    sdk, token, session = priced

    receipt = sdk.sessions.receipt(token, session.charge_session_id)

    assert Decimal(receipt.totals.gross) == Decimal(str(session.total_costs))


def test_every_receipt_line_adds_up(priced: tuple[ChargeAssist, str, SessionResponse]) -> None:
    sdk, token, session = priced

    lines = sdk.sessions.receipt(token, session.charge_session_id).lines

    assert lines
    assert all(Decimal(line.net) + Decimal(line.vat) == Decimal(line.gross) for line in lines)


def test_the_receipt_pdf_carries_the_receipt_number(priced: tuple[ChargeAssist, str, SessionResponse]) -> None:
    pypdf = require_module("pypdf")
    sdk, token, session = priced
    number = sdk.sessions.receipt(token, session.charge_session_id).receipt_number

    content = sdk.sessions.receipt_pdf(token, session.charge_session_id)

    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)
    assert number in text


async def test_the_async_client_reads_the_same_receipt(
    priced: tuple[ChargeAssist, str, SessionResponse], async_sdk: AsyncChargeAssist
) -> None:
    sdk, token, session = priced
    expected = sdk.sessions.receipt(token, session.charge_session_id)

    receipt = await async_sdk.sessions.receipt(token, session.charge_session_id)

    assert receipt.to_dict() == expected.to_dict()


async def test_the_async_client_reads_the_same_pdf(
    priced: tuple[ChargeAssist, str, SessionResponse], async_sdk: AsyncChargeAssist
) -> None:
    sdk, token, session = priced

    content = await async_sdk.sessions.receipt_pdf(token, session.charge_session_id)

    assert content == sdk.sessions.receipt_pdf(token, session.charge_session_id)
