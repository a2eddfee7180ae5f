"""Choosing the providers from the payments settings: Stripe only with a secret key."""

from __future__ import annotations

from chargeassist.payments import build_payment_providers
from chargeassist.settings import PaymentSettings


async def test_without_a_secret_key_only_the_external_provider_is_offered() -> None:
    providers = build_payment_providers(PaymentSettings())
    assert providers.stripe is None
    assert providers.external.name == "EXTERNAL"
    await providers.aclose()


async def test_with_a_secret_key_stripe_is_offered_with_the_public_keys() -> None:
    providers = build_payment_providers(
        PaymentSettings(
            stripe_api_key="sk_test_abc", stripe_publishable_key="pk_test_abc", stripe_webhook_secret="whsec_abc"
        )
    )
    assert providers.stripe is not None
    assert providers.stripe.name == "STRIPE"
    assert (providers.stripe_publishable_key, providers.stripe_webhook_secret) == ("pk_test_abc", "whsec_abc")
    await providers.aclose()


async def test_the_secrets_are_not_in_the_repr() -> None:
    providers = build_payment_providers(PaymentSettings(stripe_api_key="sk_test_abc", stripe_webhook_secret="whsec_x"))
    assert "sk_test_abc" not in repr(providers)
    assert "whsec_x" not in repr(providers)
    await providers.aclose()


async def test_stripe_is_reached_at_the_configured_api_base(api_base: str, api_key: str) -> None:
    providers = build_payment_providers(PaymentSettings(stripe_api_key=api_key, stripe_api_base=api_base))
    assert providers.stripe is not None
    customer = await providers.stripe.create_customer(idempotency_key="providers-api-base-customer")
    assert customer.startswith("cus_")
    await providers.aclose()
