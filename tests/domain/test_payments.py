"""A session's payment: its statuses, the settlement against the hold, and the hold check while charging."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chargeassist.domain.payments import (
    PAYMENT_STATUSES,
    HoldAdvice,
    PaymentEvent,
    PaymentStatus,
    apply_payment,
    check_hold,
    is_unpaid,
    settle,
)

P = PaymentEvent
D = Decimal


@pytest.mark.parametrize(
    ("status", "event", "expected"),
    [
        ("NONE", P.HOLD_PLACED, "AUTHORIZED"),
        ("NONE", P.ACTION_REQUIRED, "REQUIRES_ACTION"),
        ("NONE", P.DECLINED, "FAILED"),
        ("REQUIRES_ACTION", P.HOLD_PLACED, "AUTHORIZED"),
        ("REQUIRES_ACTION", P.DECLINED, "FAILED"),
        ("REQUIRES_ACTION", P.RELEASED, "RELEASED"),
        ("AUTHORIZED", P.RELEASED, "RELEASED"),
        ("AUTHORIZED", P.CAPTURED, "CAPTURED"),
        ("AUTHORIZED", P.TOP_UP_FAILED, "PARTIALLY_FAILED"),
        ("AUTHORIZED", P.CAPTURE_FAILED, "FAILED"),
        ("FAILED", P.PAID_ON_RETRY, "CAPTURED"),
        ("PARTIALLY_FAILED", P.PAID_ON_RETRY, "CAPTURED"),
    ],
)
def test_event_moves_the_payment_on(status: PaymentStatus, event: PaymentEvent, expected: PaymentStatus) -> None:
    transition = apply_payment(status, event)
    assert (transition.status, transition.changed) == (expected, True)


@pytest.mark.parametrize(
    ("status", "event"),
    [
        ("AUTHORIZED", P.HOLD_PLACED),  # the webhook after the re-check
        ("CAPTURED", P.CAPTURED),  # the capture answer seen twice
        ("CAPTURED", P.RELEASED),  # money taken is never given back by a late release
        ("RELEASED", P.CAPTURED),  # nor is a released hold captured
        ("RELEASED", P.HOLD_PLACED),
        ("CAPTURED", P.PAID_ON_RETRY),  # a retry racing the schedule pays once
        ("NONE", P.CAPTURED),  # nothing held, nothing to capture
    ],
)
def test_late_or_repeated_answer_changes_nothing(status: PaymentStatus, event: PaymentEvent) -> None:
    transition = apply_payment(status, event)
    assert (transition.status, transition.changed) == (status, False)


def test_only_failed_payments_are_unpaid() -> None:
    assert {s for s in PAYMENT_STATUSES if is_unpaid(s)} == {"FAILED", "PARTIALLY_FAILED"}


def test_total_within_the_hold_is_captured_exactly() -> None:
    assert (settle(D("12.34"), D("50")).capture, settle(D("12.34"), D("50")).top_up) == (D("12.34"), D(0))


def test_total_above_the_hold_captures_the_hold_and_charges_only_the_difference() -> None:
    plan = settle(D("61.20"), D("50"))
    assert (plan.capture, plan.top_up, plan.releases) == (D("50"), D("11.20"), False)


def test_nothing_to_pay_releases_the_hold() -> None:
    assert settle(D("0.00"), D("50")).releases


def test_negative_hold_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        settle(D("1"), D("-1"))


@given(
    total=st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False),
    held=st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False),
)
def test_settlement_takes_exactly_the_total_and_never_more_than_held_from_the_hold(
    total: Decimal, held: Decimal
) -> None:
    plan = settle(total, held)
    assert plan.capture + plan.top_up == total
    assert D(0) <= plan.capture <= held
    assert plan.top_up >= 0


def test_hold_is_kept_while_the_cost_is_well_within_it() -> None:
    assert check_hold(D("39.99"), D("50"), step=D("50"), can_raise=True, when_exceeded="stop").advice is HoldAdvice.KEEP


def test_hold_is_raised_before_the_cost_reaches_it_where_the_card_allows() -> None:
    found = check_hold(D("40"), D("50"), step=D("50"), can_raise=True, when_exceeded="stop")
    assert (found.advice, found.new_amount) == (HoldAdvice.RAISE, D("100"))


def test_raised_hold_covers_a_cost_that_already_passed_it() -> None:
    found = check_hold(D("130"), D("50"), step=D("50"), can_raise=True, when_exceeded="stop")
    assert found.new_amount == D("180")


def test_session_is_stopped_near_a_hold_that_cannot_be_raised_when_the_operator_says_stop() -> None:
    found = check_hold(D("47.50"), D("50"), step=D("50"), can_raise=False, when_exceeded="stop")
    assert found.advice is HoldAdvice.STOP


def test_session_carries_on_past_a_hold_that_cannot_be_raised_when_the_operator_says_continue() -> None:
    found = check_hold(D("70"), D("50"), step=D("50"), can_raise=False, when_exceeded="continue")
    assert found.advice is HoldAdvice.KEEP
