"""``chargeassist serve`` with a crash point in its Stripe calls, for the payment crash test (never in production).

``PAYMENT_CRASH_AT`` names the point, ``<call>-<when>``: the call is one of the provider's ``authorize``,
``capture``, ``release`` or ``charge_off_session``; ``before`` kills the process once the step is recorded and
just before the request leaves, ``after`` once Stripe has answered and before the answer is recorded. The kill
is ``SIGKILL`` to itself: no shutdown, no flush, no commit, as a power cut or the OOM killer would leave it.

Run as ``python -m tests.faults._payment_server serve --port N``; everything after the module name is
``chargeassist``'s own command line.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from chargeassist.payments._stripe import StripePaymentProvider

CRASH_AT = "PAYMENT_CRASH_AT"
CALLS = ("authorize", "capture", "release", "charge_off_session")
WHEN = ("before", "after")
INLINE_GRACE_S = "PAYMENT_INLINE_GRACE_S"
"""How long the reconciler leaves a fresh step to its inline runner (30 s in production, so a test would
wait that long after every restart)."""


def _die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def _crashing(call: Callable[..., Awaitable[Any]], when: str) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(call)
    async def crash(*args: Any, **kwargs: Any) -> Any:
        if when == "before":
            _die()
        answer = await call(*args, **kwargs)
        _die()
        return answer

    return crash


def install(point: str) -> None:
    """Arm the crash point ``point`` (``capture-after``, ...) in this process."""
    call, _, when = point.rpartition("-")
    if call not in CALLS or when not in WHEN:
        raise SystemExit(f"{CRASH_AT}={point!r}: expected <{'|'.join(CALLS)}>-<{'|'.join(WHEN)}>")
    setattr(StripePaymentProvider, call, _crashing(getattr(StripePaymentProvider, call), when))


def main() -> None:
    point = os.environ.get(CRASH_AT, "")
    if point:
        install(point)
    grace = os.environ.get(INLINE_GRACE_S, "")
    if grace:
        from chargeassist.services import _payments

        _payments._INLINE_GRACE = timedelta(seconds=float(grace))  # type: ignore[misc]
    from chargeassist.cli import main as cli

    cli(args=sys.argv[1:], prog_name="chargeassist")


if __name__ == "__main__":
    main()
