"""A session that costs more than its hold: the hold is captured in full and only the difference is charged
off-session to the same card, end to end with a simulated charge point and localstripe."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from tests.csms._live import LiveServer
from tests.payments._flow import FAST_METER, cents, charging, paying_server, register, stop, wait_payment
from tests.payments.conftest import StripeRecords

HOLD = Decimal("0.50")


@pytest.fixture
async def small_hold(database_url: str, api_base: str, api_key: str) -> AsyncIterator[LiveServer]:
    """A hold of 0.50 that is not raised while charging (the difference is charged after the CDR)."""
    async with paying_server(
        database_url, api_base, api_key, preauth_amount=HOLD, payment_hold_exceeded="continue"
    ) as server:
        held = server.services.sessions.payments
        assert held is not None
        held.hold_check_interval_s = 3600.0  # no look at the hold while these sessions charge
        yield server


async def _over_the_hold(live: LiveServer, stripe: StripeRecords) -> tuple[dict[str, object], str]:
    sim, session_id = await charging(live, stripe, time_scale=FAST_METER)
    await sim.wait_sent("MeterValues", 30)
    await stop(live, session_id)
    session = await wait_payment(live, session_id, "CAPTURED", "FAILED", "PARTIALLY_FAILED", "RELEASED")
    return session, await register(live)


def _hold_and_top_up(intents: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    (hold,) = [pi for pi in intents if pi["capture_method"] == "manual"]
    (top_up,) = [pi for pi in intents if pi["capture_method"] != "manual"]
    return hold, top_up


async def test_session_over_the_hold_is_paid_in_full(small_hold: LiveServer, stripe_records: StripeRecords) -> None:
    session, _ = await _over_the_hold(small_hold, stripe_records)
    payment = session["payment"]
    assert isinstance(payment, dict)
    total = Decimal(str(session["totalCosts"]))
    assert total > HOLD
    assert payment["status"] == "CAPTURED"
    assert Decimal(payment["capturedAmount"]) == total


async def test_hold_is_captured_in_full_and_only_the_difference_charged_on_top(
    small_hold: LiveServer, stripe_records: StripeRecords
) -> None:
    session, customer = await _over_the_hold(small_hold, stripe_records)
    total = Decimal(str(session["totalCosts"]))
    hold, top_up = _hold_and_top_up(stripe_records.payment_intents(customer))
    assert (hold["capture_method"], hold["status"], hold["amount_received"]) == ("manual", "succeeded", cents(HOLD))
    assert (top_up["capture_method"], top_up["status"]) == ("automatic", "succeeded")
    assert top_up["amount_received"] == cents(total) - cents(HOLD)


async def test_stripe_took_exactly_the_total(small_hold: LiveServer, stripe_records: StripeRecords) -> None:
    session, customer = await _over_the_hold(small_hold, stripe_records)
    taken = sum(pi["amount_received"] for pi in stripe_records.payment_intents(customer))
    assert taken == cents(str(session["totalCosts"]))


async def test_difference_is_charged_off_session_to_the_same_card(
    small_hold: LiveServer, stripe_records: StripeRecords
) -> None:
    _, customer = await _over_the_hold(small_hold, stripe_records)
    hold, top_up = _hold_and_top_up(stripe_records.payment_intents(customer))
    assert top_up["payment_method"] == hold["payment_method"]
    assert top_up["metadata"] == {**hold["metadata"], "step": "top_up"}


async def test_session_names_the_hold_as_its_transaction(small_hold: LiveServer, stripe_records: StripeRecords) -> None:
    session, customer = await _over_the_hold(small_hold, stripe_records)
    hold, _ = _hold_and_top_up(stripe_records.payment_intents(customer))
    payment = session["payment"]
    assert isinstance(payment, dict)
    assert payment["pspTransactionId"] == hold["id"]
    assert Decimal(payment["authorizedAmount"]) == HOLD
