"""``chargeassist serve`` with a crash point in its Stripe calls, for the payment crash test (never in production).

``PAYMENT_CRASH_FILE`` names a file the test writes to arm the running server: its text is the point,
``<call>-<when>``, where the call is one of the provider's ``authorize``, ``capture``, ``release`` or
``charge_off_session``; ``before`` kills the process once the step is recorded and just before the request
leaves, ``after`` once Stripe has answered and before the answer is recorded. The kill is ``SIGKILL`` to
itself: no shutdown, no flush, no commit, as a power cut or the OOM killer would leave it. The file is read
at every call, so one server is armed for one test after another without a restart.

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
from pathlib import Path
from typing import Any

from chargeassist.payments._stripe import StripePaymentProvider

CRASH_FILE = "PAYMENT_CRASH_FILE"
CALLS = ("authorize", "capture", "release", "charge_off_session")
WHEN = ("before", "after")
INLINE_GRACE_S = "PAYMENT_INLINE_GRACE_S"
"""How long the reconciler leaves a fresh step to its inline runner (30 s in production); the test sets it
long and ends it itself once what it wants in place is (the charge point back after the restart)."""


def point(call: str, when: str) -> str:
    """The text that arms a crash point."""
    if call not in CALLS or when not in WHEN:
        raise ValueError(f"no crash point {call}-{when}: expected <{'|'.join(CALLS)}>-<{'|'.join(WHEN)}>")
    return f"{call}-{when}"


def _armed(crash_file: Path) -> str:
    try:
        return crash_file.read_text().strip()
    except FileNotFoundError:
        return ""


def _die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def _crashing(name: str, call: Callable[..., Awaitable[Any]], crash_file: Path) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(call)
    async def crash(*args: Any, **kwargs: Any) -> Any:
        if _armed(crash_file) == f"{name}-before":
            _die()
        answer = await call(*args, **kwargs)
        if _armed(crash_file) == f"{name}-after":
            _die()
        return answer

    return crash


def install(crash_file: Path) -> None:
    """Wrap the provider's calls in this process so that the point written in ``crash_file`` kills it."""
    for name in CALLS:
        setattr(StripePaymentProvider, name, _crashing(name, getattr(StripePaymentProvider, name), crash_file))


def main() -> None:
    crash_file = os.environ.get(CRASH_FILE, "")
    if crash_file:
        install(Path(crash_file))
    grace = os.environ.get(INLINE_GRACE_S, "")
    if grace:
        from chargeassist.services import _payments

        _payments._INLINE_GRACE = timedelta(seconds=float(grace))  # type: ignore[misc]
    from chargeassist.cli import main as cli

    cli(args=sys.argv[1:], prog_name="chargeassist")


if __name__ == "__main__":
    main()
