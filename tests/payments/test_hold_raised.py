"""The hold while charging, end to end with a simulated charge point and localstripe: the running cost is
priced every so often, the hold raised (an incremental authorisation) before the cost reaches it, and where it
cannot be raised the session stops at the hold or carries on, as the operator chose."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import update

from chargeassist.store import SessionPayment
from tests.csms._live import LiveServer, wait_status
from tests.payments._flow import FAST_METER, cents, charging, paying_server, register, session_view, stop, wait_payment
from tests.payments.conftest import StripeRecords

HOLD = Decimal("0.50")


@contextlib.asynccontextmanager
async def _watching(database_url: str, api_base: str, api_key: str, when_exceeded: str) -> AsyncIterator[LiveServer]:
    async with paying_server(
        database_url, api_base, api_key, preauth_amount=HOLD, payment_hold_exceeded=when_exceeded
    ) as server:
        held = server.services.sessions.payments
        assert held is not None
        held.hold_check_interval_s = 0.2
        yield server


@pytest.fixture
async def stopping(database_url: str, api_base: str, api_key: str) -> AsyncIterator[LiveServer]:
    async with _watching(database_url, api_base, api_key, "stop") as server:
        yield server


@pytest.fixture
async def continuing(database_url: str, api_base: str, api_key: str) -> AsyncIterator[LiveServer]:
    async with _watching(database_url, api_base, api_key, "continue") as server:
        yield server


async def _hold_cannot_be_raised(live: LiveServer, session_id: str) -> None:
    """As when the card's issuer refused an incremental authorisation earlier in the session."""
    view = await session_view(live, session_id)
    async with live.services.db.transaction() as session:
        await session.execute(
            update(SessionPayment)
            .where(SessionPayment.reference == view["payment"]["pspTransactionId"])
            .values(can_raise=False)
        )


async def _authorized_above(live: LiveServer, session_id: str, amount: Decimal) -> dict[str, Any]:
    async with asyncio.timeout(10):
        while True:
            view = await session_view(live, session_id)
            if Decimal(view["payment"]["authorizedAmount"]) > amount:
                return view
            await asyncio.sleep(0.05)


async def test_hold_is_raised_before_the_cost_reaches_it(stopping: LiveServer, stripe_records: StripeRecords) -> None:
    _, session_id = await charging(stopping, stripe_records, time_scale=FAST_METER)
    view = await _authorized_above(stopping, session_id, HOLD)
    assert view["status"] == "CHARGING"
    (intent,) = stripe_records.payment_intents(await register(stopping))
    assert intent["amount"] == cents(view["payment"]["authorizedAmount"])


async def test_raised_hold_is_captured_without_a_second_charge(
    stopping: LiveServer, stripe_records: StripeRecords
) -> None:
    sim, session_id = await charging(stopping, stripe_records, time_scale=FAST_METER)
    await _authorized_above(stopping, session_id, HOLD)
    await sim.wait_sent("MeterValues", sim.count_sent("MeterValues") + 15)  # on past the first hold
    await stop(stopping, session_id)
    session = await wait_payment(stopping, session_id, "CAPTURED", "FAILED", "PARTIALLY_FAILED")
    total = Decimal(session["totalCosts"])
    assert session["payment"]["status"] == "CAPTURED"
    assert total > HOLD
    (intent,) = stripe_records.payment_intents(await register(stopping))
    assert (intent["status"], intent["amount_received"]) == ("succeeded", cents(total))


async def test_session_without_a_raisable_hold_stops_at_it(stopping: LiveServer, stripe_records: StripeRecords) -> None:
    sim, session_id = await charging(stopping, stripe_records, time_scale=FAST_METER)
    await _hold_cannot_be_raised(stopping, session_id)
    session = await wait_status(stopping, session_id, "CDR_AVAILABLE", timeout_s=15)
    assert sim.count_received("RemoteStopTransaction") == 1
    assert "hold" in (session["statusReason"] or "")
    paid = await wait_payment(stopping, session_id, "CAPTURED")
    assert Decimal(paid["payment"]["capturedAmount"]) == Decimal(session["totalCosts"])


async def test_operator_may_let_it_charge_past_the_hold(continuing: LiveServer, stripe_records: StripeRecords) -> None:
    sim, session_id = await charging(continuing, stripe_records, time_scale=FAST_METER)
    await _hold_cannot_be_raised(continuing, session_id)
    await sim.wait_sent("MeterValues", 40)
    assert (await session_view(continuing, session_id))["status"] == "CHARGING"
    assert sim.count_received("RemoteStopTransaction") == 0
    await stop(continuing, session_id)
    session = await wait_payment(continuing, session_id, "CAPTURED")
    taken = sum(pi["amount_received"] for pi in stripe_records.payment_intents(await register(continuing)))
    assert Decimal(session["totalCosts"]) > HOLD
    assert taken == cents(session["totalCosts"])


async def test_session_shows_its_running_cost_against_the_hold(
    stopping: LiveServer, stripe_records: StripeRecords
) -> None:
    sim, session_id = await charging(stopping, stripe_records)
    await sim.wait_sent("MeterValues", 3)
    first = Decimal((await session_view(stopping, session_id))["payment"]["runningCost"])
    await sim.wait_sent("MeterValues", sim.count_sent("MeterValues") + 3)
    later = Decimal((await session_view(stopping, session_id))["payment"]["runningCost"])
    assert Decimal(0) < first < later


async def test_priced_session_shows_no_running_cost(stopping: LiveServer, stripe_records: StripeRecords) -> None:
    sim, session_id = await charging(stopping, stripe_records)
    await sim.wait_sent("MeterValues", 3)
    await stop(stopping, session_id)
    session = await wait_payment(stopping, session_id, "CAPTURED")
    assert "runningCost" not in session["payment"]
