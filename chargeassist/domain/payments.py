"""What a session's payment does with the money (pure, no I/O): its statuses, the settlement of a priced
session against its hold, and when to ask for a bigger hold while charging.

```
NONE --hold placed--> AUTHORIZED --captured--> CAPTURED
  |  \\--action required--> REQUIRES_ACTION --hold placed--^     ^--paid on retry--+
  |                              |                     \\--top-up failed--> PARTIALLY_FAILED
  +--declined--> FAILED <--------+--declined   \\--capture failed--> FAILED ------+
                                 AUTHORIZED | REQUIRES_ACTION --released--> RELEASED
```

A session paid outside the service (an external payment method, a charge card settled by its issuer) stays
``NONE``: the service reports the cost and the integrator settles it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

__all__ = [
    "PAYMENT_STATUSES",
    "HoldAdvice",
    "HoldCheck",
    "PaymentEvent",
    "PaymentStatus",
    "PaymentTransition",
    "Settlement",
    "apply_payment",
    "check_hold",
    "is_unpaid",
    "settle",
]

PaymentStatus = Literal["NONE", "REQUIRES_ACTION", "AUTHORIZED", "CAPTURED", "PARTIALLY_FAILED", "FAILED", "RELEASED"]
PAYMENT_STATUSES: Final[tuple[PaymentStatus, ...]] = (
    "NONE",
    "REQUIRES_ACTION",
    "AUTHORIZED",
    "CAPTURED",
    "PARTIALLY_FAILED",
    "FAILED",
    "RELEASED",
)
_UNPAID: Final[frozenset[PaymentStatus]] = frozenset({"PARTIALLY_FAILED", "FAILED"})


class PaymentEvent(enum.Enum):
    """What the payment provider answered, or what a retry achieved."""

    HOLD_PLACED = "hold_placed"
    """The hold is in place (Stripe: the PaymentIntent is ``requires_capture``)."""
    ACTION_REQUIRED = "action_required"
    """The card issuer wants the driver to authenticate first (3-D Secure)."""
    DECLINED = "declined"
    """The hold was refused."""
    RELEASED = "released"
    """The hold was given back uncaptured."""
    CAPTURED = "captured"
    """The whole total was taken: from the hold, plus the off-session top-up where it was above the hold."""
    TOP_UP_FAILED = "top_up_failed"
    """The hold was captured but the charge for the difference above it failed."""
    CAPTURE_FAILED = "capture_failed"
    """Nothing was taken: the capture failed (the hold expired, the provider refused it)."""
    PAID_ON_RETRY = "paid_on_retry"
    """A failed payment was paid by a retry (automatic or asked for by the driver)."""


@dataclass(frozen=True, slots=True)
class PaymentTransition:
    """Where an event leaves a payment."""

    status: PaymentStatus
    changed: bool


def _next(status: PaymentStatus, event: PaymentEvent) -> PaymentStatus | None:
    match event:
        case PaymentEvent.HOLD_PLACED if status in {"NONE", "REQUIRES_ACTION"}:
            return "AUTHORIZED"
        case PaymentEvent.ACTION_REQUIRED if status == "NONE":
            return "REQUIRES_ACTION"
        case PaymentEvent.DECLINED if status in {"NONE", "REQUIRES_ACTION"}:
            return "FAILED"
        case PaymentEvent.RELEASED if status in {"AUTHORIZED", "REQUIRES_ACTION"}:
            return "RELEASED"
        case PaymentEvent.CAPTURED if status == "AUTHORIZED":
            return "CAPTURED"
        case PaymentEvent.TOP_UP_FAILED if status == "AUTHORIZED":
            return "PARTIALLY_FAILED"
        case PaymentEvent.CAPTURE_FAILED if status == "AUTHORIZED":
            return "FAILED"
        case PaymentEvent.PAID_ON_RETRY if status in _UNPAID:
            return "CAPTURED"
    return None


def apply_payment(status: PaymentStatus, event: PaymentEvent) -> PaymentTransition:
    """The transition ``event`` causes; late and repeated answers (a webhook after the re-check, a retry
    racing the schedule) change nothing, so the shell may deliver each one as often as it sees it."""
    found = _next(status, event)
    if found is None:
        return PaymentTransition(status=status, changed=False)
    return PaymentTransition(status=found, changed=found != status)


def is_unpaid(status: PaymentStatus) -> bool:
    """A failed payment the driver still owes: the token starts no new session with the same provider."""
    return status in _UNPAID


@dataclass(frozen=True, slots=True)
class Settlement:
    """How a priced session is paid from its hold.

    ``capture`` comes from the hold (never more than was held); ``top_up`` is charged off-session to the
    same card when the total was above the hold. Capturing the hold and charging only the difference is
    what keeps a session over its hold from taking the whole total a second time; with nothing to capture
    the hold is released instead.
    """

    capture: Decimal
    top_up: Decimal

    @property
    def releases(self) -> bool:
        """Whether the hold is released uncaptured (nothing to pay)."""
        return self.capture == 0 and self.top_up == 0


def settle(total_incl_vat: Decimal, held: Decimal) -> Settlement:
    """Split what the session costs into the part taken from the hold and the part charged on top."""
    if held < 0:
        raise ValueError(f"a hold cannot be negative: {held}")
    if total_incl_vat <= 0:
        return Settlement(capture=Decimal(0), top_up=Decimal(0))
    if total_incl_vat <= held:
        return Settlement(capture=total_incl_vat, top_up=Decimal(0))
    return Settlement(capture=held, top_up=total_incl_vat - held)


class HoldAdvice(enum.Enum):
    """What to do about the hold while the session charges."""

    KEEP = "keep"
    """The running cost is well within the hold."""
    RAISE = "raise"
    """Ask the provider for a bigger hold (an incremental authorisation) before the cost reaches it."""
    STOP = "stop"
    """The hold cannot be raised and the operator chose to stop at the hold: stop charging now."""


@dataclass(frozen=True, slots=True)
class HoldCheck:
    """The advice, and the amount to ask for when it is :attr:`HoldAdvice.RAISE`."""

    advice: HoldAdvice
    new_amount: Decimal | None = None


# Asking for more at 80 % of the hold leaves a reading interval or two of charging before the cost could
# pass it; stopping at 95 % leaves room for what flows while the charge point handles the stop.
_RAISE_AT: Final = Decimal("0.8")
_STOP_AT: Final = Decimal("0.95")


def check_hold(
    running_cost: Decimal,
    held: Decimal,
    *,
    step: Decimal,
    can_raise: bool,
    when_exceeded: Literal["stop", "continue"],
) -> HoldCheck:
    """Whether the hold still covers the session, raising it by ``step`` (at least to the running cost plus
    ``step``) where the card allows it; where it does not, stop or carry on as the operator chose (carrying
    on means the difference is charged off-session after the CDR)."""
    if held <= 0 or running_cost < held * _RAISE_AT:
        return HoldCheck(HoldAdvice.KEEP)
    if can_raise:
        return HoldCheck(HoldAdvice.RAISE, new_amount=max(held + step, running_cost + step))
    if when_exceeded == "stop" and running_cost >= held * _STOP_AT:
        return HoldCheck(HoldAdvice.STOP)
    return HoldCheck(HoldAdvice.KEEP)
