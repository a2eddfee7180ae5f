"""The SDK's cards and failed payments against a live demo server that takes Stripe cards (a real
localstripe): the card saved as the app would, listed in the wallet, and a token that owes nothing."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator

import pytest

from chargeassist.settings import PaymentSettings
from chargeassist_sdk import AsyncChargeAssist, ChargeAssist, NotFoundError
from tests._live import DEMO_PARTNER_KEY, live_server
from tests.conftest import fresh_postgres_database
from tests.payments.conftest import PAYS, StripeRecords
from tests.sdk.conftest import NO_RETRIES


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def paying_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, api_base: str, api_key: str
) -> Iterator[str]:
    """A live demo server that takes Stripe cards, on a new store of each kind; yields its base URL."""
    payments = PaymentSettings(stripe_api_key=api_key, stripe_publishable_key="pk_test_sdk", stripe_api_base=api_base)
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            store = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('sdk-paying') / 'chargeassist.db'}"
        else:
            store = stack.enter_context(fresh_postgres_database("chargeassist_sdk_paying"))
        yield stack.enter_context(live_server(store, payments=payments))


@pytest.fixture
def paying_sdk(paying_url: str) -> Iterator[ChargeAssist]:
    with ChargeAssist(api_key=DEMO_PARTNER_KEY, base_url=paying_url, retry=NO_RETRIES) as client:
        yield client


@pytest.fixture
def driver(paying_sdk: ChargeAssist) -> str:
    token = f"driver-{secrets.token_hex(6)}"
    paying_sdk.tokens.register(token)
    return token


def _saved_card(sdk: ChargeAssist, stripe: StripeRecords, app_token: str) -> str:
    intent = sdk.wallet.stripe_setup_intent(app_token)
    payment_method = stripe.create_card(PAYS)
    stripe.attach(payment_method, intent.customer_id)
    return payment_method


def test_setup_intent_gives_the_app_what_stripes_sdk_needs(paying_sdk: ChargeAssist, driver: str) -> None:
    intent = paying_sdk.wallet.stripe_setup_intent(driver)
    assert intent.client_secret
    assert intent.customer_id.startswith("cus_")
    assert intent.publishable_key == "pk_test_sdk"


def test_saved_card_is_added_as_a_valid_stripe_card(
    paying_sdk: ChargeAssist, driver: str, stripe_records: StripeRecords
) -> None:
    card = paying_sdk.wallet.add_stripe_card(driver, _saved_card(paying_sdk, stripe_records, driver))
    assert (card.type_, card.psp, card.card_short_hint, card.verification_status) == ("PSP", "STRIPE", "4242", "VALID")


def test_the_same_card_again_gives_the_same_payment_method(
    paying_sdk: ChargeAssist, driver: str, stripe_records: StripeRecords
) -> None:
    payment_method = _saved_card(paying_sdk, stripe_records, driver)
    first = paying_sdk.wallet.add_stripe_card(driver, payment_method)
    assert paying_sdk.wallet.add_stripe_card(driver, payment_method).id == first.id


def test_a_token_that_owes_nothing_has_no_failed_payments(paying_sdk: ChargeAssist, driver: str) -> None:
    assert paying_sdk.payments.failed(driver) == []


def test_retrying_a_payment_that_is_not_the_tokens_is_not_found(paying_sdk: ChargeAssist, driver: str) -> None:
    with pytest.raises(NotFoundError):
        paying_sdk.payments.retry(driver, "pay_not_this_tokens")


async def test_async_client_saves_a_card_too(paying_url: str, stripe_records: StripeRecords) -> None:
    async with AsyncChargeAssist(api_key=DEMO_PARTNER_KEY, base_url=paying_url, retry=NO_RETRIES) as client:
        token = f"driver-{secrets.token_hex(6)}"
        await client.tokens.register(token)
        intent = await client.wallet.stripe_setup_intent(token)
        payment_method = stripe_records.create_card(PAYS)
        stripe_records.attach(payment_method, intent.customer_id)
        card = await client.wallet.add_stripe_card(token, payment_method, psp_customer_id=intent.customer_id)
        assert card.psp_payment_method_id == payment_method
        assert await client.payments.failed(token) == []
