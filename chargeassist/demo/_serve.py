"""Where ``serve --demo`` takes its card payments: Stripe itself, a stand-in it is pointed at, or a localstripe
it starts for itself, so the walk-through shows a hold and a capture without a Stripe account."""

from __future__ import annotations

import atexit
import logging
import signal
from collections.abc import MutableMapping
from types import FrameType

from ._localstripe import (
    TEST_PUBLISHABLE_KEY,
    TEST_SECRET_KEY,
    LocalStripe,
    LocalStripeError,
    localstripe_available,
)

__all__ = ["DemoStripe", "demo_stripe"]

_log = logging.getLogger("chargeassist.demo")

_KEY = "CHARGEASSIST_STRIPE_API_KEY"
_PUBLISHABLE_KEY = "CHARGEASSIST_STRIPE_PUBLISHABLE_KEY"
_API_BASE = "CHARGEASSIST_STRIPE_API_BASE"
_STAND_IN_LINE = "Stripe stand-in (localstripe) at {base}: save test cards there with the key {key}"


class DemoStripe:
    """What :func:`demo_stripe` decided; :meth:`stop` ends the localstripe it started, if it started one."""

    def __init__(self, line: str, stand_in: LocalStripe | None = None) -> None:
        self.line = line
        """One line for the console saying where cards are paid."""
        self._stand_in = stand_in

    def stop(self) -> None:
        """Stop the localstripe this demo started (nothing when it started none)."""
        if self._stand_in is not None:
            self._stand_in.stop()
            self._stand_in = None

    def stop_at_exit(self) -> None:
        """Stop the localstripe when this process ends, by Ctrl-C or by SIGTERM too.

        uvicorn hands a signal back to the handler in place before it once it has shut down; Python's default
        for SIGTERM ends the process without running exit handlers, which would leave localstripe running."""
        if self._stand_in is None:
            return
        atexit.register(self.stop)
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _exit_on_sigterm)


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def demo_stripe(environ: MutableMapping[str, str]) -> DemoStripe:
    """Choose the demo's Stripe and write it into ``environ``, which every worker process reads its settings from.

    A secret key in the environment: that Stripe account, as configured. Else ``CHARGEASSIST_STRIPE_API_BASE``:
    the stand-in found there, with the test keys. Else a localstripe started here (the ``demo`` extra brings
    it); without one the demo runs with no Stripe cards, which the line says.
    """
    if environ.get(_KEY):
        return DemoStripe(f"Stripe: the configured account at {environ.get(_API_BASE) or 'https://api.stripe.com'}")
    if environ.get(_API_BASE):
        _use_stand_in(environ, environ[_API_BASE])
        return DemoStripe(_STAND_IN_LINE.format(base=environ[_API_BASE], key=TEST_SECRET_KEY))
    if not localstripe_available():
        return DemoStripe(
            "Stripe: no cards in this demo (localstripe is not installed: pip install -e '.[demo]'); "
            "charge cards and external methods still pay"
        )
    try:
        stand_in = LocalStripe().start()
    except LocalStripeError as exc:
        _log.warning("localstripe did not start: %s", exc)
        return DemoStripe(f"Stripe: no cards in this demo (localstripe did not start: {exc})")
    _use_stand_in(environ, stand_in.api_base)
    return DemoStripe(_STAND_IN_LINE.format(base=stand_in.api_base, key=TEST_SECRET_KEY), stand_in)


def _use_stand_in(environ: MutableMapping[str, str], base: str) -> None:
    # The stand-in takes any sk_/pk_ key; fixed ones let the walk-through name them.
    environ[_KEY] = TEST_SECRET_KEY
    environ[_API_BASE] = base
    environ.setdefault(_PUBLISHABLE_KEY, TEST_PUBLISHABLE_KEY)
