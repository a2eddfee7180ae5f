"""The Stripe stand-in fixtures of the payments tests, for the tests of the stand-in itself."""

from tests.payments.conftest import api_base, api_key, local_stripe, stripe_records

__all__ = ["api_base", "api_key", "local_stripe", "stripe_records"]
