"""The Stripe stand-in runs as processes of its own: it starts, stops, and outlives a client killed mid-payment."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import uuid
from decimal import Decimal

import httpx
import pytest

from chargeassist.demo._localstripe import TEST_SECRET_KEY, LocalStripe, localstripe_available
from chargeassist.payments import StripePaymentProvider
from tests.conftest import require_module
from tests.payments.conftest import PAYS, StripeRecords


def test_localstripe_is_installed_with_the_dev_extra() -> None:
    require_module("localstripe")
    assert localstripe_available() is True


def test_stopping_the_stand_in_closes_both_ports() -> None:
    require_module("localstripe")
    stand_in = LocalStripe().start()
    bases = (stand_in.api_base, stand_in.upstream_base)
    stand_in.stop()
    for base in bases:
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{base}/v1/customers", headers={"Authorization": f"Bearer {TEST_SECRET_KEY}"}, timeout=2)


_HOLD_THEN_HANG = textwrap.dedent(
    """
    import asyncio, sys
    from decimal import Decimal
    from chargeassist.payments import StripePaymentProvider

    async def main():
        provider = StripePaymentProvider(sys.argv[1], api_base=sys.argv[2])
        held = await provider.authorize(amount=Decimal("50"), currency="EUR", customer=sys.argv[3],
                                        payment_method=sys.argv[4], idempotency_key=sys.argv[5])
        print(held.reference, flush=True)
        await asyncio.sleep(3600)  # killed here, before it could record the answer anywhere

    asyncio.run(main())
    """
)


async def test_a_hold_repeated_after_its_caller_was_killed_is_still_one_hold(
    api_base: str, api_key: str, stripe_records: StripeRecords
) -> None:
    card = stripe_records.saved_card(PAYS)
    key = f"chargeassist:{uuid.uuid4()}:authorize"
    child = subprocess.Popen(
        [sys.executable, "-c", _HOLD_THEN_HANG, api_key, api_base, card.customer, card.payment_method, key],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    first_reference = child.stdout.readline().strip()
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    child.stdout.close()
    provider = StripePaymentProvider(api_key, api_base=api_base)
    try:
        again = await provider.authorize(
            amount=Decimal("50"),
            currency="EUR",
            customer=card.customer,
            payment_method=card.payment_method,
            idempotency_key=key,
        )
    finally:
        await provider.aclose()
    assert again.reference == first_reference
    assert [pi["id"] for pi in stripe_records.payment_intents(card.customer)] == [first_reference]
