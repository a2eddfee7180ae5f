"""The session state machine, its deadlines, and the meter data a session is priced from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from chargeassist.domain.sessions import (
    ACTIVE_STATUSES,
    FINAL_STATUSES,
    SESSION_STATUSES,
    Effect,
    MeterReading,
    SessionEvent,
    SessionStatus,
    Timeouts,
    apply,
    begin,
    deadline,
    live_figures,
    next_status_call,
    pricing_samples,
)

E = SessionEvent
T0 = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
TIMEOUTS = Timeouts(remote_start=timedelta(seconds=30), start_transaction=timedelta(seconds=60))


@pytest.mark.parametrize(
    ("status", "event", "expected"),
    [
        ("REQUESTED", E.START_ACCEPTED, "STARTING"),
        ("REQUESTED", E.START_REJECTED, "REJECTED"),
        ("REQUESTED", E.START_FAILED, "ERROR"),
        ("REQUESTED", E.DEADLINE_PASSED, "TIMEOUT"),
        ("REQUESTED", E.STOP_REQUESTED, "CANCELLED"),
        ("REQUESTED", E.TRANSACTION_STARTED, "CHARGING"),
        ("STARTING", E.TRANSACTION_STARTED, "CHARGING"),
        ("STARTING", E.DEADLINE_PASSED, "TIMEOUT"),
        ("STARTING", E.STOP_REQUESTED, "CANCELLED"),
        ("CHARGING", E.CHARGING_SUSPENDED, "PARKING"),
        ("PARKING", E.CHARGING_RESUMED, "CHARGING"),
        ("CHARGING", E.STOP_REQUESTED, "STOPPING"),
        ("PARKING", E.STOP_REQUESTED, "STOPPING"),
        ("STOPPING", E.STOP_REJECTED, "CHARGING"),
        ("CHARGING", E.TRANSACTION_STOPPED, "COMPLETED"),
        ("PARKING", E.TRANSACTION_STOPPED, "COMPLETED"),
        ("STOPPING", E.TRANSACTION_STOPPED, "COMPLETED"),
        ("CHARGING", E.TRANSACTION_LOST, "COMPLETED"),
        ("PARKING", E.TRANSACTION_LOST, "COMPLETED"),
        ("STOPPING", E.TRANSACTION_LOST, "COMPLETED"),
        ("COMPLETED", E.PRICED, "CDR_AVAILABLE"),
        ("REQUESTED", E.PAYMENT_DECLINED, "REJECTED"),
    ],
)
def test_event_moves_the_session_on(status: SessionStatus, event: SessionEvent, expected: SessionStatus) -> None:
    transition = apply(status, event)
    assert (transition.status, transition.changed) == (expected, True)


@pytest.mark.parametrize(
    ("status", "event"),
    [
        ("STARTING", E.START_ACCEPTED),  # the answer arrives twice
        ("CHARGING", E.START_ACCEPTED),  # the transaction started before the answer was processed
        ("CHARGING", E.TRANSACTION_STARTED),  # StartTransaction sent again
        ("CHARGING", E.DEADLINE_PASSED),
        ("STOPPING", E.STOP_REQUESTED),
        ("COMPLETED", E.TRANSACTION_STOPPED),  # StopTransaction sent again
        ("COMPLETED", E.STOP_REQUESTED),
        ("CDR_AVAILABLE", E.PRICED),
        ("CHARGING", E.CHARGING_RESUMED),
        ("PARKING", E.CHARGING_SUSPENDED),
        ("COMPLETED", E.TRANSACTION_LOST),  # the charge point's StopTransaction came first
        ("STARTING", E.TRANSACTION_LOST),  # no transaction to lose yet
        ("STARTING", E.PAYMENT_AUTHORIZED),  # the webhook after the re-check already started it
        ("CHARGING", E.PAYMENT_DECLINED),  # a late decline never ends a running transaction
    ],
)
def test_late_or_repeated_event_changes_nothing(status: SessionStatus, event: SessionEvent) -> None:
    transition = apply(status, event)
    assert (transition.status, transition.changed, transition.effects) == (status, False, frozenset())


@pytest.mark.parametrize("status", sorted(FINAL_STATUSES))
@pytest.mark.parametrize("event", [e for e in E if e is not E.TRANSACTION_STARTED])
def test_final_status_is_final(status: SessionStatus, event: SessionEvent) -> None:
    assert apply(status, event).status == status


@pytest.mark.parametrize("status", sorted(FINAL_STATUSES))
def test_transaction_starting_after_the_end_is_refused(status: SessionStatus) -> None:
    transition = apply(status, E.TRANSACTION_STARTED)
    assert transition.status == status
    assert transition.effects == {Effect.REFUSE_TRANSACTION}


def test_second_transaction_for_a_completed_session_is_refused() -> None:
    # The charge point lost the session's transaction and started another with the same idTag: not asked for.
    transition = apply("COMPLETED", E.TRANSACTION_STARTED)
    assert (transition.status, transition.effects) == ("COMPLETED", {Effect.REFUSE_TRANSACTION})


def test_lost_transaction_is_not_priced_at_once() -> None:
    # The charge point's own StopTransaction may still come (replayed after its boot) and replace the estimate.
    assert apply("CHARGING", E.TRANSACTION_LOST).effects == frozenset()


def test_stop_while_charging_sends_remote_stop() -> None:
    assert apply("CHARGING", E.STOP_REQUESTED).effects == {Effect.SEND_REMOTE_STOP}


def test_stop_before_the_start_sends_nothing_to_the_charge_point() -> None:
    assert Effect.SEND_REMOTE_STOP not in apply("STARTING", E.STOP_REQUESTED).effects


def test_stopped_transaction_is_priced() -> None:
    assert apply("CHARGING", E.TRANSACTION_STOPPED).effects == {Effect.PRICE}


def test_session_with_a_hold_places_it_before_asking_the_charge_point() -> None:
    assert begin(holds_payment=True) == {Effect.AUTHORIZE_PAYMENT}


def test_session_without_a_hold_asks_the_charge_point_at_once() -> None:
    assert begin(holds_payment=False) == {Effect.SEND_REMOTE_START}


def test_hold_in_place_sends_the_remote_start_and_keeps_waiting() -> None:
    transition = apply("REQUESTED", E.PAYMENT_AUTHORIZED)
    assert (transition.status, transition.effects) == ("REQUESTED", {Effect.SEND_REMOTE_START})


def test_cdr_captures_the_payment() -> None:
    assert apply("COMPLETED", E.PRICED).effects == {Effect.CAPTURE_PAYMENT}


@pytest.mark.parametrize(
    ("status", "event"),
    [
        ("REQUESTED", E.START_REJECTED),
        ("REQUESTED", E.START_FAILED),
        ("REQUESTED", E.DEADLINE_PASSED),
        ("STARTING", E.DEADLINE_PASSED),
        ("REQUESTED", E.STOP_REQUESTED),
        ("STARTING", E.STOP_REQUESTED),
        ("REQUESTED", E.PAYMENT_DECLINED),
    ],
)
def test_every_end_without_charging_releases_the_hold(status: SessionStatus, event: SessionEvent) -> None:
    assert Effect.RELEASE_PAYMENT in apply(status, event).effects


def test_a_running_session_never_releases_its_hold() -> None:
    releasing = [
        (status, event)
        for status in SESSION_STATUSES
        if status not in {"REQUESTED", "STARTING"}
        for event in SessionEvent
        if Effect.RELEASE_PAYMENT in apply(status, event).effects
    ]
    assert releasing == []


def test_every_status_is_final_or_active_or_completed() -> None:
    assert set(SESSION_STATUSES) == FINAL_STATUSES | ACTIVE_STATUSES | {"COMPLETED"}


def test_requested_session_times_out_after_the_remote_start_timeout() -> None:
    assert deadline("REQUESTED", requested_at=T0, start_answered_at=None, timeouts=TIMEOUTS) == T0 + timedelta(
        seconds=30
    )


def test_starting_session_times_out_counting_from_the_accepted_answer() -> None:
    answered = T0 + timedelta(seconds=5)
    found = deadline("STARTING", requested_at=T0, start_answered_at=answered, timeouts=TIMEOUTS)
    assert found == answered + timedelta(seconds=60)


def test_session_waiting_for_3ds_has_the_payment_deadline() -> None:
    found = deadline("REQUESTED", requested_at=T0, start_answered_at=None, timeouts=TIMEOUTS, awaiting_payment=True)
    assert found == T0 + timedelta(minutes=10)


def test_remote_start_clock_starts_when_the_hold_is_in_place() -> None:
    authorized = T0 + timedelta(minutes=3)
    found = deadline("REQUESTED", requested_at=T0, start_answered_at=None, timeouts=TIMEOUTS, authorized_at=authorized)
    assert found == authorized + timedelta(seconds=30)


@pytest.mark.parametrize("status", ["CHARGING", "PARKING", "STOPPING", "COMPLETED", "CDR_AVAILABLE", "TIMEOUT"])
def test_other_statuses_have_no_deadline(status: SessionStatus) -> None:
    assert deadline(status, requested_at=T0, start_answered_at=T0, timeouts=TIMEOUTS) is None


@pytest.mark.parametrize("status", sorted(FINAL_STATUSES))
def test_nothing_to_ask_about_a_final_session(status: SessionStatus) -> None:
    assert next_status_call(status, now=T0, deadline_at=None, poll_interval=timedelta(seconds=10)) is None


def test_waiting_session_is_asked_about_soon_but_not_after_its_deadline() -> None:
    found = next_status_call(
        "REQUESTED", now=T0, deadline_at=T0 + timedelta(milliseconds=300), poll_interval=timedelta(seconds=10)
    )
    assert found == T0 + timedelta(milliseconds=300)


def test_charging_session_is_asked_about_at_the_poll_interval() -> None:
    found = next_status_call("CHARGING", now=T0, deadline_at=None, poll_interval=timedelta(seconds=10))
    assert found == T0 + timedelta(seconds=10)


def _reading(seconds: int, wh: int | None, w: int | None = None, soc: int | None = None) -> MeterReading:
    return MeterReading(
        timestamp=T0 + timedelta(seconds=seconds),
        energy_wh=None if wh is None else Decimal(wh),
        power_w=None if w is None else Decimal(w),
        soc=None if soc is None else Decimal(soc),
    )


def test_live_energy_is_the_latest_register_by_its_own_time() -> None:
    # A reading replayed after an outage arrives last but is older: it does not win.
    readings = [_reading(10, 1500), _reading(20, 2500), _reading(5, 1200)]
    assert live_figures(1000, readings).energy_kwh == Decimal("1.5")


def test_live_power_is_in_kw() -> None:
    assert live_figures(0, [_reading(10, 100, w=7400)]).power_kw == Decimal("7.4")


def test_live_figures_without_readings_are_zero_energy_and_unknown_power() -> None:
    figures = live_figures(1000, [])
    assert (figures.energy_kwh, figures.power_kw, figures.soc) == (Decimal(0), None, None)


def test_pricing_samples_are_bounded_by_meter_start_and_stop() -> None:
    samples = pricing_samples(
        started_at=T0,
        meter_start=1000,
        stopped_at=T0 + timedelta(minutes=1),
        meter_stop=2000,
        readings=[_reading(30, 1500)],
    )
    assert [(s.timestamp - T0, s.energy_wh) for s in samples] == [
        (timedelta(0), Decimal(1000)),
        (timedelta(seconds=30), Decimal(1500)),
        (timedelta(minutes=1), Decimal(2000)),
    ]


def test_pricing_samples_come_in_time_order() -> None:
    samples = pricing_samples(
        started_at=T0,
        meter_start=0,
        stopped_at=T0 + timedelta(minutes=1),
        meter_stop=300,
        readings=[_reading(40, 200), _reading(20, 100)],
    )
    assert [s.energy_wh for s in samples] == [0, 100, 200, 300]


def test_pricing_samples_hold_a_register_that_goes_backwards() -> None:
    samples = pricing_samples(
        started_at=T0,
        meter_start=0,
        stopped_at=T0 + timedelta(minutes=1),
        meter_stop=300,
        readings=[_reading(20, 200), _reading(40, 150)],
    )
    assert [s.energy_wh for s in samples] == [0, 200, 200, 300]


def test_pricing_samples_leave_out_readings_outside_the_transaction_and_without_energy() -> None:
    samples = pricing_samples(
        started_at=T0,
        meter_start=0,
        stopped_at=T0 + timedelta(minutes=1),
        meter_stop=300,
        readings=[_reading(-5, 0), _reading(0, 0), _reading(30, None, w=5000), _reading(90, 400)],
    )
    assert len(samples) == 2


def test_pricing_samples_never_exceed_meter_stop() -> None:
    samples = pricing_samples(
        started_at=T0,
        meter_start=0,
        stopped_at=T0 + timedelta(minutes=1),
        meter_stop=300,
        readings=[_reading(30, 900)],
    )
    assert [s.energy_wh for s in samples] == [0, 300, 300]
