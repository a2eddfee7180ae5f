"""Payments: one :class:`PaymentProvider` interface, one module per provider, chosen from settings.

``external`` settles outside Charge Assist (nothing moves here); ``stripe`` holds, captures and charges saved
cards with manual-capture PaymentIntents. :mod:`chargeassist.payments.webhooks` verifies Stripe's webhooks.
"""

from chargeassist.payments._base import (
    AmountNotRepresentable,
    AuthorizationStatus,
    CaptureExceedsHold,
    ChargeStatus,
    IdempotencyConflict,
    IncrementNotSupported,
    PaymentAuthorization,
    PaymentCharge,
    PaymentDecline,
    PaymentDeclined,
    PaymentError,
    PaymentIntentStatus,
    PaymentMethodUnusable,
    PaymentNotFound,
    PaymentProvider,
    PaymentProviderMisconfigured,
    PaymentProviderUnavailable,
    PaymentRequestRefused,
    PaymentState,
    SavedCard,
    from_minor_units,
    idempotency_key,
    minor_unit_exponent,
    to_minor_units,
)
from chargeassist.payments._external import ExternalPaymentProvider
from chargeassist.payments._providers import PaymentProviders, build_payment_providers
from chargeassist.payments._stripe import StripePaymentProvider

__all__ = [
    "AmountNotRepresentable",
    "AuthorizationStatus",
    "CaptureExceedsHold",
    "ChargeStatus",
    "ExternalPaymentProvider",
    "IdempotencyConflict",
    "IncrementNotSupported",
    "PaymentAuthorization",
    "PaymentCharge",
    "PaymentDecline",
    "PaymentDeclined",
    "PaymentError",
    "PaymentIntentStatus",
    "PaymentMethodUnusable",
    "PaymentNotFound",
    "PaymentProvider",
    "PaymentProviderMisconfigured",
    "PaymentProviderUnavailable",
    "PaymentProviders",
    "PaymentRequestRefused",
    "PaymentState",
    "SavedCard",
    "StripePaymentProvider",
    "build_payment_providers",
    "from_minor_units",
    "idempotency_key",
    "minor_unit_exponent",
    "to_minor_units",
]
