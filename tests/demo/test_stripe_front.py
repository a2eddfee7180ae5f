"""The front before localstripe: Stripe's idempotency, incremental authorisation and the fields it lacks."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from chargeassist.demo._localstripe import LocalStripe
from tests.payments.conftest import DECLINES_ON_PAYMENT, PAYS, StripeRecords

_INCREMENTAL = {"payment_method_options[card][request_incremental_authorization]": "if_available"}


@pytest.fixture
def front(api_base: str, api_key: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_base, headers={"Authorization": f"Bearer {api_key}"}, timeout=10) as client:
        yield client


def _hold(front: httpx.Client, records: StripeRecords, number: str = PAYS, **extra: str) -> httpx.Response:
    card = records.saved_card(number)
    form = {
        "amount": "5000",
        "currency": "eur",
        "customer": card.customer,
        "payment_method": card.payment_method,
        "capture_method": "manual",
        "confirm": "true",
        **extra,
    }
    return front.post("/v1/payment_intents", data=form)


def _held(front: httpx.Client, records: StripeRecords, **extra: str) -> dict[str, Any]:
    answer = _hold(front, records, **extra)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_a_repeated_idempotency_key_replays_the_first_answer(front: httpx.Client) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = front.post("/v1/customers", data={"description": "once"}, headers=key)
    second = front.post("/v1/customers", data={"description": "once"}, headers=key)
    assert first.json()["id"] == second.json()["id"]
    assert second.headers["idempotent-replayed"] == "true"


def test_posts_without_a_key_each_take_effect(front: httpx.Client) -> None:
    first = front.post("/v1/customers", data={"description": "twice"})
    second = front.post("/v1/customers", data={"description": "twice"})
    assert first.json()["id"] != second.json()["id"]


def test_a_key_reused_for_another_request_is_an_idempotency_error(front: httpx.Client) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    front.post("/v1/customers", data={"description": "first"}, headers=key)
    answer = front.post("/v1/customers", data={"description": "second"}, headers=key)
    assert answer.status_code == 400
    assert answer.json()["error"]["type"] == "idempotency_error"


def test_a_hold_reports_what_is_capturable_and_received(front: httpx.Client, stripe_records: StripeRecords) -> None:
    held = _held(front, stripe_records)
    assert (held["status"], held["amount_capturable"], held["amount_received"]) == ("requires_capture", 5000, 0)


def test_a_capture_above_the_hold_is_refused_as_stripe_does(front: httpx.Client, stripe_records: StripeRecords) -> None:
    held = _held(front, stripe_records)
    answer = front.post(f"/v1/payment_intents/{held['id']}/capture", data={"amount_to_capture": "5001"})
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert (error["code"], error["param"]) == ("amount_too_large", "amount_to_capture")


def test_an_increment_needs_the_hold_to_have_asked_for_it(front: httpx.Client, stripe_records: StripeRecords) -> None:
    held = _held(front, stripe_records)
    answer = front.post(f"/v1/payment_intents/{held['id']}/increment_authorization", data={"amount": "8000"})
    assert answer.status_code == 400
    assert answer.json()["error"]["type"] == "invalid_request_error"


def test_an_increment_raises_the_ceiling_of_a_hold_that_asked(
    front: httpx.Client, stripe_records: StripeRecords
) -> None:
    held = _held(
        front, stripe_records, **{"payment_method_options[card][request_incremental_authorization]": "if_available"}
    )
    answer = front.post(f"/v1/payment_intents/{held['id']}/increment_authorization", data={"amount": "8000"})
    assert answer.status_code == 200, answer.text
    assert (answer.json()["amount"], answer.json()["amount_capturable"]) == (8000, 8000)


def test_an_increment_must_raise_the_amount(front: httpx.Client, stripe_records: StripeRecords) -> None:
    held = _held(
        front, stripe_records, **{"payment_method_options[card][request_incremental_authorization]": "if_available"}
    )
    answer = front.post(f"/v1/payment_intents/{held['id']}/increment_authorization", data={"amount": "4000"})
    assert answer.status_code == 400
    assert answer.json()["error"]["param"] == "amount"


def test_a_decline_carries_its_decline_code_and_payment_intent(
    front: httpx.Client, stripe_records: StripeRecords
) -> None:
    answer = _hold(front, stripe_records, DECLINES_ON_PAYMENT)
    assert answer.status_code == 402
    error = answer.json()["error"]
    assert (error["code"], error["decline_code"]) == ("card_declined", "generic_decline")
    assert error["payment_intent"]["status"] == "requires_payment_method"


def test_allowed_payment_method_types_reach_localstripe_by_its_older_name(
    front: httpx.Client, local_stripe: LocalStripe, api_key: str, stripe_records: StripeRecords
) -> None:
    form = {"allowed_payment_method_types[0]": "card"}
    assert _hold(front, stripe_records, **form).status_code == 200
    with httpx.Client(base_url=local_stripe.upstream_base, headers={"Authorization": f"Bearer {api_key}"}) as direct:
        assert _hold(direct, stripe_records, **form).status_code == 400


def test_a_full_capture_after_an_increment_takes_the_raised_hold(
    front: httpx.Client, stripe_records: StripeRecords
) -> None:
    held = _held(front, stripe_records, **_INCREMENTAL)
    front.post(f"/v1/payment_intents/{held['id']}/increment_authorization", data={"amount": "8000"})
    captured = front.post(f"/v1/payment_intents/{held['id']}/capture")
    assert captured.status_code == 200, captured.text
    assert (captured.json()["status"], captured.json()["amount_received"]) == ("succeeded", 8000)


def test_a_partial_capture_is_reported_from_localstripes_own_refund(
    front: httpx.Client, stripe_records: StripeRecords
) -> None:
    held = _held(front, stripe_records)
    front.post(f"/v1/payment_intents/{held['id']}/capture", data={"amount_to_capture": "1234"})
    record = front.get(f"/v1/payment_intents/{held['id']}").json()
    assert record["latest_charge"]["amount_refunded"] == 5000 - 1234
    assert record["amount_received"] == 1234


def test_a_canceled_hold_cannot_be_captured(front: httpx.Client, stripe_records: StripeRecords) -> None:
    held = _held(front, stripe_records)
    front.post(f"/v1/payment_intents/{held['id']}/cancel")
    answer = front.post(f"/v1/payment_intents/{held['id']}/capture", data={"amount_to_capture": "100"})
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "payment_intent_unexpected_state"
    assert front.get(f"/v1/payment_intents/{held['id']}").json()["status"] == "canceled"
