"""The Stripe provider, with the real stripe library against localstripe (behind the front)."""

from __future__ import annotations

import asyncio
import time
import uuid
from decimal import Decimal

import pytest

from chargeassist.payments import (
    AuthorizationStatus,
    CaptureExceedsHold,
    ChargeStatus,
    IncrementNotSupported,
    PaymentIntentStatus,
    PaymentMethodUnusable,
    PaymentNotFound,
    PaymentProviderMisconfigured,
    PaymentProviderUnavailable,
    PaymentRequestRefused,
    StripePaymentProvider,
    idempotency_key,
)
from tests._processes import free_port
from tests.payments.conftest import (
    DECLINES_ON_PAYMENT,
    NEEDS_AUTHENTICATION,
    PAYS,
    SavedTestCard,
    StripeRecords,
    http_server,
)

HOLD = Decimal("50.00")


def _key(step: str) -> str:
    return idempotency_key(str(uuid.uuid4()), step)


async def _hold(
    provider: StripePaymentProvider,
    card: SavedTestCard,
    *,
    amount: Decimal = HOLD,
    key: str | None = None,
    request_incremental: bool = True,
) -> str:
    authorization = await provider.authorize(
        amount=amount,
        currency="EUR",
        customer=card.customer,
        payment_method=card.payment_method,
        idempotency_key=key or _key("authorize"),
        request_incremental=request_incremental,
    )
    assert authorization.status is AuthorizationStatus.AUTHORIZED
    assert authorization.reference is not None
    return authorization.reference


# --- authorize -------------------------------------------------------------------------------


async def test_authorize_holds_the_amount_on_a_paying_card(
    stripe_provider: StripePaymentProvider, stripe_records: StripeRecords
) -> None:
    card = stripe_records.saved_card(PAYS)
    authorization = await stripe_provider.authorize(
        amount=HOLD,
        currency="EUR",
        customer=card.customer,
        payment_method=card.payment_method,
        idempotency_key=_key("authorize"),
        metadata={"chargeSessionId": "s-1"},
    )
    assert authorization.status is AuthorizationStatus.AUTHORIZED
    assert authorization.client_secret is None
    assert authorization.decline is None
    record = stripe_records.payment_intent(str(authorization.reference))
    assert record["status"] == "requires_capture"
    assert record["capture_method"] == "manual"
    assert record["amount"] == 5000
    assert record["currency"] == "eur"
    assert record["metadata"] == {"chargeSessionId": "s-1"}


async def test_a_declining_card_answers_declined_with_its_decline_code(
    stripe_provider: StripePaymentProvider, stripe_records: StripeRecords
) -> None:
    card = stripe_records.saved_card(DECLINES_ON_PAYMENT)
    authorization = await stripe_provider.authorize(
        amount=HOLD,
        currency="EUR",
        customer=card.customer,
        payment_method=card.payment_method,
        idempotency_key=_key("authorize"),
    )
    assert authorization.status is AuthorizationStatus.DECLINED
    assert authorization.decline is not None
    assert authorization.decline.code == "card_declined"
    assert authorization.decline.decline_code == "generic_decline"
    assert authorization.decline.message
    [record] = stripe_records.payment_intents(card.customer)
    assert authorization.reference == record["id"]
    assert record["status"] == "requires_payment_method"
    assert record["amount_capturable"] == 0


async def test_a_3d_secure_card_answers_requires_action_with_a_client_secret(
    stripe_provider: StripePaymentProvider, stripe_records: StripeRecords
) -> None:
    card = stripe_records.saved_card(NEEDS_AUTHENTICATION)
    authorization = await stripe_provider.authorize(
        amount=HOLD,
        currency="EUR",
        customer=card.customer,
        payment_method=card.payment_method,
        idempotency_key=_key("authorize"),
    )
    assert authorization.status is AuthorizationStatus.REQUIRES_ACTION
    assert authorization.client_secret is not None
    assert authorization.client_secret.startswith(f"{authorization.reference}_secret_")


async def test_a_hold_completed_by_3d_secure_is_held(
    stripe_provider: StripePaymentProvider, stripe_records: StripeRecords
) -> None:
    card = stripe_records.saved_card(NEEDS_AUTHENTICATION)
    authorization = await stripe_provider.authorize(
        amount=HOLD,
        currency="EUR",
        customer=card.customer,
        payment_method=card.payment_method,
        idempotency_key=_key("authorize"),
    )
    assert authorization.reference is not None
    assert authorization.client_secret is not None
    stripe_records.authenticate(authorization.reference, authorization.client_secret)
    state = await stripe_provider.retrieve(authorization.reference)
    assert state.status is PaymentIntentStatus.REQUIRES_CAPTURE
    assert state.amount_capturable == HOLD


async def test_the_same_idempotency_key_twice_places_one_hold(
    stripe_provider: StripePaymentProvider, stripe_records: StripeRecords
) -> None:
    card = stripe_records.saved_card(PAYS)
    key = _key("authorize")
    first = await _hold(stripe_provider, card, key=key)
    second = await _hold(stripe_provider, card, key=key)
    assert first == second
    assert [pi["id"] for pi in stripe_records.payment_intents(card.customer)] == [first]


async def test_two_concurrent_holds_under_one_key_place_one_hold(
    stripe_provider: StripePaymentProvider, stripe_records: StripeRecords
) -> None:
    card = stripe_records.saved_card(PAYS)
    key = _key("authorize")
    first, second = await asyncio.gather(_hold(stripe_provider, card, key=key), _hold(stripe_provider, card, key=key))
    assert first == second
    assert len(stripe_records.payment_intents(card.customer)) == 1


async def test_a_release_repeated_with_its_key_answers_the_same(
    stripe_provider: StripePaymentProvider, stripe_records: StripeRecords
) -> None:
    card = stripe_records.saved_card(PAYS)
    reference = await _hold(stripe_provider, card)
    key = _key("release")
    assert await stripe_provider.release(reference, idempotency_key=key) == await stripe_provider.release(
        reference, idempotency_key=key
    )


async def test_different_keys_place_different_holds(
    stripe_provider: StripePaymentProvider, stripe_records: StripeRecords
) -> None:
    card = stripe_records.saved_card(PAYS)
    await _hold(stripe_provider, card)
    await _hold(stripe_provider, card)
    assert len(stripe_records.payment_intents(card.customer)) == 2


async def test_an_unknown_payment_method_is_unusable(
    stripe_provider: StripePaymentProvider, stripe_records: StripeRecords
) -> None:
    customer = stripe_records.create_customer()
    with pytest.raises(PaymentMethodUnusable) as refused:
        await stripe_provider.authorize(
            amount=HOLD,
            currency="EUR",
            customer=customer,
            payment_method="pm_doesnotexist",
            idempotency_key=_key("authorize"),
        )
    assert refused.value.code == "payment_method_unknown"
    assert stripe_records.payment_intents(customer) == []


# --- capture and release ---------------------------------------------------------------------


async def test_capture_takes_exactly_the_amount_and_releases_the_rest(
    stripe_provider: StripePaymentProvider, stripe_records: StripeRecords
) -> None:
    card = stripe_records.saved_card(PAYS)
    reference = await _hold(stripe_provider, card)
    state = await stripe_provider.capture(reference, Decimal("12.34"), idempotency_key=_key("capture"))
    assert state.status is PaymentIntentStatus.SUCCEEDED
    assert state.amount_received == Decimal("12.34")
    assert state.amount_capturable == Decimal("0.00")
    record = stripe_records.payment_intent(reference)
    assert (record["status"], record["amount_received"], record["amount_capturable"]) == ("succeeded", 1234, 0)


async def test_a_capture_above_the_hold_is_refused_and_leaves_the_hold(
    stripe_provider: StripePaymentProvider, stripe_records: StripeRecords
) -> None:
    card = stripe_records.saved_card(PAYS)
    reference = await _hold(stripe_provider, card)
    with pytest.raises(CaptureExceedsHold):
        await stripe_provider.capture(reference, Decimal("50.01"), idempotency_key=_key("capture"))
    record = stripe_records.payment_intent(reference)
    assert (record["status"], record["amount_capturable"]) == ("requires_capture", 5000)


async def test_the_same_capture_key_twice_captures_once(
    stripe_provider: StripePaymentProvider, stripe_records: StripeRecords
) -> None:
    card = stripe_records.saved_card(PAYS)
    reference = await _hold(stripe_provider, card)
    key = _key("capture")
    first = await stripe_provider.capture(reference, Decimal("20"), idempotency_key=key)
    second = await stripe_provider.capture(reference, Decimal("20"), idempotency_key=key)
    assert first == second
    assert stripe_records.payment_intent(reference)["amount_received"] == 2000


async def test_release_cancels_the_hold(stripe_provider: StripePaymentProvider, stripe_records: StripeRecords) -> None:
    card = stripe_records.saved_card(PAYS)
    reference = await _hold(stripe_provider, card)
    state = await stripe_provider.release(reference, idempotency_key=_key("release"))
    assert state.status is PaymentIntentStatus.CANCELED
    assert state.amount_capturable == Decimal("0.00")
    assert stripe_records.payment_intent(reference)["status"] == "canceled"


async def test_a_released_hold_cannot_be_captured(
    stripe_provider: StripePaymentProvider, stripe_records: StripeRecords
) -> None:
    card = stripe_records.saved_card(PAYS)
    reference = await _hold(stripe_provider, card)
    await stripe_provider.release(reference, idempotency_key=_key("release"))
    with pytest.raises(PaymentRequestRefused):
        await stripe_provider.capture(reference, Decimal("1"), idempotency_key=_key("capture"))


async def test_capturing_an_unknown_payment_is_not_found(stripe_provider: StripePaymentProvider) -> None:
    with pytest.raises(PaymentNotFound):
        await stripe_provider.capture("pi_doesnotexist", Decimal("1"), idempotency_key=_key("capture"))


# --- off-session charge ----------------------------------------------------------------------


async def test_an_off_session_charge_is_captured_at_once(
    stripe_provider: StripePaymentProvider, stripe_records: StripeRecords
) -> None:
    card = stripe_records.saved_card(PAYS)
    charge = await stripe_provider.charge_off_session(
        amount=Decimal("7.50"),
        currency="EUR",
        customer=card.customer,
        payment_method=card.payment_method,
        idempotency_key=_key("charge-difference"),
    )
    assert charge.status is ChargeStatus.SUCCEEDED
    record = stripe_records.payment_intent(str(charge.reference))
    assert (record["status"], record["amount_received"]) == ("succeeded", 750)
    assert record["capture_method"] == "automatic"


async def test_an_off_session_charge_on_a_declining_card_is_declined(
    stripe_provider: StripePaymentProvider, stripe_records: StripeRecords
) -> None:
    card = stripe_records.saved_card(DECLINES_ON_PAYMENT)
    charge = await stripe_provider.charge_off_session(
        amount=Decimal("7.50"),
        currency="EUR",
        customer=card.customer,
        payment_method=card.payment_method,
        idempotency_key=_key("charge-difference"),
    )
    assert charge.status is ChargeStatus.DECLINED
    assert charge.decline is not None
    assert charge.decline.decline_code == "generic_decline"


async def test_the_same_off_session_key_twice_charges_once(
    stripe_provider: StripePaymentProvider, stripe_records: StripeRecords
) -> None:
    card = stripe_records.saved_card(PAYS)
    key = _key("charge-difference")
    for _ in range(2):
        await stripe_provider.charge_off_session(
            amount=Decimal("3"),
            currency="EUR",
            customer=card.customer,
            payment_method=card.payment_method,
            idempotency_key=key,
        )
    assert len(stripe_records.payment_intents(card.customer)) == 1


# --- retrieve --------------------------------------------------------------------------------


async def test_retrieve_reports_the_hold_as_stripe_has_it(
    stripe_provider: StripePaymentProvider, stripe_records: StripeRecords
) -> None:
    card = stripe_records.saved_card(PAYS)
    reference = await _hold(stripe_provider, card, amount=Decimal("25"))
    state = await stripe_provider.retrieve(reference)
    assert state.reference == reference
    assert state.status is PaymentIntentStatus.REQUIRES_CAPTURE
    assert (state.currency, state.amount, state.amount_capturable) == ("EUR", Decimal("25.00"), Decimal("25.00"))
    assert state.amount_received == Decimal("0.00")


async def test_retrieving_an_unknown_payment_is_not_found(stripe_provider: StripePaymentProvider) -> None:
    with pytest.raises(PaymentNotFound):
        await stripe_provider.retrieve("pi_doesnotexist")


async def test_a_zero_decimal_currency_crosses_in_whole_yen(
    stripe_provider: StripePaymentProvider, stripe_records: StripeRecords
) -> None:
    card = stripe_records.saved_card(PAYS)
    authorization = await stripe_provider.authorize(
        amount=Decimal("5000"),
        currency="JPY",
        customer=card.customer,
        payment_method=card.payment_method,
        idempotency_key=_key("authorize"),
    )
    record = stripe_records.payment_intent(str(authorization.reference))
    assert (record["amount"], record["currency"]) == (5000, "jpy")
    state = await stripe_provider.retrieve(str(authorization.reference))
    assert state.amount == Decimal("5000")


# --- incremental authorisation ---------------------------------------------------------------


async def test_an_increment_raises_the_hold_and_a_capture_may_use_it(
    stripe_provider: StripePaymentProvider, stripe_records: StripeRecords
) -> None:
    card = stripe_records.saved_card(PAYS)
    reference = await _hold(stripe_provider, card)
    raised = await stripe_provider.increment_authorization(reference, Decimal("80"), idempotency_key=_key("inc-1"))
    assert (raised.amount, raised.amount_capturable) == (Decimal("80.00"), Decimal("80.00"))
    captured = await stripe_provider.capture(reference, Decimal("65.43"), idempotency_key=_key("capture"))
    assert captured.amount_received == Decimal("65.43")


async def test_a_hold_placed_without_asking_for_increments_cannot_be_raised(
    stripe_provider: StripePaymentProvider, stripe_records: StripeRecords
) -> None:
    card = stripe_records.saved_card(PAYS)
    reference = await _hold(stripe_provider, card, request_incremental=False)
    with pytest.raises(IncrementNotSupported):
        await stripe_provider.increment_authorization(reference, Decimal("80"), idempotency_key=_key("inc-1"))
    assert stripe_records.payment_intent(reference)["amount_capturable"] == 5000


async def test_a_captured_payment_cannot_be_raised(
    stripe_provider: StripePaymentProvider, stripe_records: StripeRecords
) -> None:
    card = stripe_records.saved_card(PAYS)
    reference = await _hold(stripe_provider, card)
    await stripe_provider.capture(reference, Decimal("10"), idempotency_key=_key("capture"))
    with pytest.raises(IncrementNotSupported):
        await stripe_provider.increment_authorization(reference, Decimal("80"), idempotency_key=_key("inc-1"))


# --- saved cards -----------------------------------------------------------------------------


async def test_a_saved_card_is_read_with_its_brand_last_digits_and_expiry(
    stripe_provider: StripePaymentProvider, stripe_records: StripeRecords
) -> None:
    card = stripe_records.saved_card(PAYS)
    saved = await stripe_provider.retrieve_payment_method(card.payment_method, customer=card.customer)
    assert (saved.brand, saved.last4, saved.exp_month, saved.exp_year) == ("visa", "4242", 12, 2034)
    assert (saved.payment_method_id, saved.customer_id) == (card.payment_method, card.customer)


async def test_an_unknown_payment_method_is_refused_with_its_code(stripe_provider: StripePaymentProvider) -> None:
    with pytest.raises(PaymentMethodUnusable) as refused:
        await stripe_provider.retrieve_payment_method("pm_doesnotexist")
    assert refused.value.code == "payment_method_unknown"


async def test_a_detached_payment_method_is_refused_with_its_code(
    stripe_provider: StripePaymentProvider, stripe_records: StripeRecords
) -> None:
    card = stripe_records.saved_card(PAYS)
    stripe_records.detach(card.payment_method)
    with pytest.raises(PaymentMethodUnusable) as refused:
        await stripe_provider.retrieve_payment_method(card.payment_method)
    assert refused.value.code == "payment_method_detached"


async def test_another_customers_payment_method_is_refused_with_its_code(
    stripe_provider: StripePaymentProvider, stripe_records: StripeRecords
) -> None:
    card = stripe_records.saved_card(PAYS)
    with pytest.raises(PaymentMethodUnusable) as refused:
        await stripe_provider.retrieve_payment_method(card.payment_method, customer=stripe_records.create_customer())
    assert refused.value.code == "payment_method_not_owned"


async def test_a_customer_and_a_setup_intent_are_created_for_saving_a_card(
    stripe_provider: StripePaymentProvider,
) -> None:
    customer = await stripe_provider.create_customer(idempotency_key=_key("customer"), metadata={"appToken": "t1"})
    assert customer.startswith("cus_")
    secret = await stripe_provider.create_setup_intent(customer, idempotency_key=_key("setup"))
    assert secret.startswith("seti_")
    assert "_secret_" in secret


async def test_the_same_customer_key_twice_creates_one_customer(stripe_provider: StripePaymentProvider) -> None:
    key = _key("customer")
    assert await stripe_provider.create_customer(idempotency_key=key) == await stripe_provider.create_customer(
        idempotency_key=key
    )


# --- failures of the provider itself ---------------------------------------------------------


async def test_a_provider_that_cannot_be_reached_is_unavailable() -> None:
    provider = StripePaymentProvider("sk_test_x", api_base=f"http://127.0.0.1:{free_port()}", max_network_retries=0)
    try:
        with pytest.raises(PaymentProviderUnavailable):
            await provider.authorize(
                amount=HOLD, currency="EUR", customer="cus_x", payment_method="pm_x", idempotency_key=_key("a")
            )
    finally:
        await provider.aclose()


async def test_a_stripe_answering_5xx_is_unavailable_and_was_sent_the_idempotency_key() -> None:
    with http_server(status=500) as failing:
        provider = StripePaymentProvider("sk_test_x", api_base=failing.base, max_network_retries=0)
        try:
            with pytest.raises(PaymentProviderUnavailable):
                await provider.authorize(
                    amount=HOLD, currency="EUR", customer="cus_x", payment_method="pm_x", idempotency_key="key-5xx"
                )
        finally:
            await provider.aclose()
        sent = failing.received.get_nowait()
    assert sent.headers["Idempotency-Key"] == "key-5xx"


async def test_network_retries_repeat_the_same_idempotency_key() -> None:
    with http_server(status=503) as failing:
        provider = StripePaymentProvider("sk_test_x", api_base=failing.base, max_network_retries=2)
        try:
            with pytest.raises(PaymentProviderUnavailable):
                await provider.release("pi_x", idempotency_key="key-retried")
        finally:
            await provider.aclose()
        keys = [failing.received.get_nowait().headers["Idempotency-Key"] for _ in range(failing.received.qsize())]
    assert keys == ["key-retried"] * 3


async def test_a_stripe_that_does_not_answer_in_time_is_unavailable() -> None:
    with http_server(delay_s=2.0) as hanging:
        provider = StripePaymentProvider("sk_test_x", api_base=hanging.base, timeout_s=0.3, max_network_retries=0)
        started = time.monotonic()
        try:
            with pytest.raises(PaymentProviderUnavailable):
                await provider.retrieve("pi_x")
        finally:
            await provider.aclose()
    assert time.monotonic() - started < 2.0


async def test_a_refused_secret_key_is_a_misconfiguration(api_base: str) -> None:
    provider = StripePaymentProvider("not-a-key", api_base=api_base)
    try:
        with pytest.raises(PaymentProviderMisconfigured):
            await provider.retrieve("pi_x")
    finally:
        await provider.aclose()


def test_the_secret_key_is_not_in_the_repr() -> None:
    assert "sk_test_hidden" not in repr(StripePaymentProvider("sk_test_hidden"))


async def test_an_off_session_charge_on_a_3d_secure_card_requires_action(
    stripe_provider: StripePaymentProvider, stripe_records: StripeRecords
) -> None:
    card = stripe_records.saved_card(NEEDS_AUTHENTICATION)
    charge = await stripe_provider.charge_off_session(
        amount=Decimal("7.50"),
        currency="EUR",
        customer=card.customer,
        payment_method=card.payment_method,
        idempotency_key=_key("charge-difference"),
    )
    assert charge.status is ChargeStatus.REQUIRES_ACTION
    assert stripe_records.payment_intent(str(charge.reference))["amount_received"] == 0
