"""The payment providers one deployment offers, chosen from its settings in one place."""

from __future__ import annotations

from dataclasses import dataclass

from chargeassist.payments._base import PaymentProvider
from chargeassist.payments._external import ExternalPaymentProvider
from chargeassist.payments._stripe import StripePaymentProvider
from chargeassist.settings import PaymentSettings

__all__ = ["PaymentProviders", "build_payment_providers"]


@dataclass(frozen=True, slots=True)
class PaymentProviders:
    """The external provider (always) and Stripe (only with a secret key)."""

    external: PaymentProvider
    stripe: PaymentProvider | None
    """``None`` when no Stripe secret key is configured: Stripe cards are then not offered."""
    stripe_publishable_key: str = ""
    stripe_webhook_secret: str = ""

    def __repr__(self) -> str:
        return f"PaymentProviders(external=yes, stripe={'yes' if self.stripe else 'no'})"

    async def aclose(self) -> None:
        """Release the providers' connections (on shutdown)."""
        await self.external.aclose()
        if self.stripe is not None:
            await self.stripe.aclose()


def build_payment_providers(settings: PaymentSettings) -> PaymentProviders:
    """The providers ``settings`` configure; Stripe only when ``CHARGEASSIST_STRIPE_API_KEY`` is set."""
    stripe = (
        StripePaymentProvider(settings.stripe_api_key, api_base=settings.stripe_api_base)
        if settings.stripe_enabled
        else None
    )
    return PaymentProviders(
        external=ExternalPaymentProvider(),
        stripe=stripe,
        stripe_publishable_key=settings.stripe_publishable_key,
        stripe_webhook_secret=settings.stripe_webhook_secret,
    )
