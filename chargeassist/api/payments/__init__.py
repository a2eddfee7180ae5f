"""Payments on the wire: Stripe cards in wallets, failed payments, and Stripe's webhooks."""

from .controllers import FailedPaymentController, StripeCardController, StripeWebhookController

__all__ = ["FailedPaymentController", "StripeCardController", "StripeWebhookController"]
