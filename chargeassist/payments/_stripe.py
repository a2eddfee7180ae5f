"""The Stripe provider: manual-capture PaymentIntents on saved cards, through the stripe library's async API.

Every POST carries the caller's idempotency key; the library's own network retries reuse it, so a retry can
never take money twice. Stripe's exceptions become the :mod:`chargeassist.payments` error tree.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, NoReturn

import stripe

from chargeassist.payments._base import (
    AuthorizationStatus,
    CaptureExceedsHold,
    ChargeStatus,
    IdempotencyConflict,
    IncrementNotSupported,
    PaymentAuthorization,
    PaymentCharge,
    PaymentDecline,
    PaymentDeclined,
    PaymentIntentStatus,
    PaymentMethodUnusable,
    PaymentNotFound,
    PaymentProviderMisconfigured,
    PaymentProviderUnavailable,
    PaymentRequestRefused,
    PaymentState,
    SavedCard,
    from_minor_units,
    to_minor_units,
)

__all__ = ["StripePaymentProvider"]

_STATUSES = {
    "requires_payment_method": PaymentIntentStatus.REQUIRES_PAYMENT_METHOD,
    "requires_confirmation": PaymentIntentStatus.REQUIRES_CONFIRMATION,
    "requires_action": PaymentIntentStatus.REQUIRES_ACTION,
    "processing": PaymentIntentStatus.PROCESSING,
    "requires_capture": PaymentIntentStatus.REQUIRES_CAPTURE,
    "succeeded": PaymentIntentStatus.SUCCEEDED,
    "canceled": PaymentIntentStatus.CANCELED,
}


def _error_body(error: stripe.StripeError) -> dict[str, Any]:
    body = error.json_body
    inner: object = body.get("error") if isinstance(body, dict) else None
    return inner if isinstance(inner, dict) else {}


def _decline(error: stripe.StripeError) -> PaymentDecline:
    body = _error_body(error)
    return PaymentDecline(
        code=str(body.get("code") or error.code or "card_declined"),
        decline_code=body.get("decline_code"),
        message=str(body.get("message") or "The card was declined."),
    )


def _raise_mapped(error: stripe.StripeError, *, unusable_if_missing: str | None = None) -> NoReturn:
    """Raise the payments error for a stripe error; the message never carries our key.

    ``unusable_if_missing``: where a missing object means the saved card (or its customer) is gone, the
    :class:`PaymentMethodUnusable` code to raise instead of :class:`PaymentNotFound`."""
    body = _error_body(error)
    code = body.get("code") or error.code
    message = str(body.get("message") or type(error).__name__)
    if isinstance(error, stripe.CardError):
        decline = _decline(error)
        raise PaymentDeclined(decline.message, code=decline.code, decline_code=decline.decline_code) from error
    if isinstance(error, stripe.APIConnectionError | stripe.APIError | stripe.RateLimitError):
        raise PaymentProviderUnavailable(f"Stripe did not answer usably ({type(error).__name__})") from error
    if isinstance(error, stripe.AuthenticationError | stripe.PermissionError):
        raise PaymentProviderMisconfigured("Stripe refused the configured secret key") from error
    if isinstance(error, stripe.IdempotencyError):
        raise IdempotencyConflict(message) from error
    if error.http_status is not None and error.http_status >= 500:
        raise PaymentProviderUnavailable(f"Stripe failed ({error.http_status})") from error
    if error.http_status == 404 or code == "resource_missing":
        if unusable_if_missing is not None:
            raise PaymentMethodUnusable(message, code=unusable_if_missing) from error
        raise PaymentNotFound(message) from error
    raise PaymentRequestRefused(message, code=str(code) if code else None) from error


def _as_dict(obj: Any) -> dict[str, Any]:
    data: object = obj.to_dict() if hasattr(obj, "to_dict") else obj
    if not isinstance(data, dict):
        raise PaymentProviderUnavailable("Stripe answered something that is not an object")
    return data


def _state(pi: dict[str, Any]) -> PaymentState:
    currency = str(pi["currency"]).upper()
    status = _STATUSES.get(str(pi.get("status")))
    if status is None:
        raise PaymentProviderUnavailable(f"Stripe answered an unknown PaymentIntent status {pi.get('status')!r}")
    error = pi.get("last_payment_error")
    decline = None
    if isinstance(error, dict) and error:
        decline = PaymentDecline(
            code=str(error.get("code") or "payment_failed"),
            decline_code=error.get("decline_code"),
            message=str(error.get("message") or ""),
        )
    metadata = pi.get("metadata")
    return PaymentState(
        reference=str(pi["id"]),
        status=status,
        currency=currency,
        amount=from_minor_units(int(pi["amount"]), currency),
        amount_capturable=from_minor_units(int(pi.get("amount_capturable") or 0), currency),
        amount_received=from_minor_units(int(pi.get("amount_received") or 0), currency),
        client_secret=pi.get("client_secret"),
        decline=decline,
        metadata={str(k): str(v) for k, v in metadata.items()} if isinstance(metadata, dict) else None,
    )


def _declined_reference(error: stripe.StripeError) -> str | None:
    intent = _error_body(error).get("payment_intent")
    if isinstance(intent, dict) and isinstance(intent.get("id"), str):
        return str(intent["id"])
    return None


class _HttpxClient(stripe.HTTPXClient):
    """stripe's httpx client, sending the encoded form as ``content``: passing it as ``data`` (as stripe 16 does)
    is deprecated in httpx and warns on every request. Pinned with stripe's major version (a private hook)."""

    def _get_request_args_kwargs(  # type: ignore[no-untyped-def]
        self, method: str, url: str, headers: Mapping[str, str], post_data
    ):
        args, kwargs = super()._get_request_args_kwargs(method, url, headers, post_data)
        data = kwargs.pop("data", None)
        if data:
            kwargs["content"] = data
        return args, kwargs


class StripePaymentProvider:
    """Stripe, or anything speaking its API at ``api_base`` (localstripe in tests and the demo)."""

    def __init__(
        self,
        api_key: str,
        *,
        api_base: str = "https://api.stripe.com",
        timeout_s: float = 20.0,
        max_network_retries: int = 1,
    ) -> None:
        self._http = _HttpxClient(timeout=timeout_s)
        self._client = stripe.StripeClient(
            api_key,
            base_addresses={"api": api_base.rstrip("/")},
            http_client=self._http,
            max_network_retries=max_network_retries,
        )

    def __repr__(self) -> str:
        return "StripePaymentProvider(<secret key hidden>)"

    @property
    def name(self) -> str:
        return "STRIPE"

    async def authorize(
        self,
        *,
        amount: Decimal,
        currency: str,
        customer: str,
        payment_method: str,
        idempotency_key: str,
        metadata: Mapping[str, str] | None = None,
        request_incremental: bool = True,
    ) -> PaymentAuthorization:
        minor = to_minor_units(amount, currency)
        params: dict[str, Any] = {
            "amount": minor,
            "currency": currency.lower(),
            "customer": customer,
            "payment_method": payment_method,
            # Card only: without it Stripe enables redirect methods, and confirming then needs a return URL.
            "allowed_payment_method_types": ["card"],
            "capture_method": "manual",
            "confirm": True,
            "metadata": dict(metadata or {}),
        }
        if request_incremental:
            params["payment_method_options"] = {"card": {"request_incremental_authorization": "if_available"}}
        try:
            pi = await self._client.v1.payment_intents.create_async(
                params,  # type: ignore[arg-type]
                {"idempotency_key": idempotency_key},
            )
        except stripe.CardError as error:
            return PaymentAuthorization(
                reference=_declined_reference(error),
                status=AuthorizationStatus.DECLINED,
                amount=amount,
                currency=currency.upper(),
                decline=_decline(error),
            )
        except stripe.StripeError as error:
            _raise_mapped(error, unusable_if_missing="payment_method_unknown")
        state = _state(_as_dict(pi))
        if state.status is PaymentIntentStatus.REQUIRES_CAPTURE:
            status = AuthorizationStatus.AUTHORIZED
        elif state.status is PaymentIntentStatus.REQUIRES_ACTION:
            status = AuthorizationStatus.REQUIRES_ACTION
        elif state.status is PaymentIntentStatus.REQUIRES_PAYMENT_METHOD:
            status = AuthorizationStatus.DECLINED
        else:
            raise PaymentRequestRefused(f"a hold came back {state.status}, not held", code="unexpected_payment_status")
        return PaymentAuthorization(
            reference=state.reference,
            status=status,
            amount=amount,
            currency=state.currency,
            client_secret=state.client_secret if status is AuthorizationStatus.REQUIRES_ACTION else None,
            decline=state.decline if status is AuthorizationStatus.DECLINED else None,
        )

    async def capture(self, reference: str, amount: Decimal, *, idempotency_key: str) -> PaymentState:
        current = await self.retrieve(reference)
        minor = to_minor_units(amount, current.currency)
        # Only a live hold is checked here (Stripe's own refusal has no documented code); any other state goes
        # to Stripe, so a capture repeated with its key after a crash gets the first answer replayed.
        if current.status is PaymentIntentStatus.REQUIRES_CAPTURE and amount > current.amount_capturable:
            raise CaptureExceedsHold(f"capture of {amount} exceeds the {current.amount_capturable} held")
        try:
            pi = await self._client.v1.payment_intents.capture_async(
                reference, {"amount_to_capture": minor}, {"idempotency_key": idempotency_key}
            )
        except stripe.InvalidRequestError as error:
            if error.param == "amount_to_capture" or error.code == "amount_too_large":
                raise CaptureExceedsHold(str(_error_body(error).get("message") or "capture exceeds hold")) from error
            _raise_mapped(error)
        except stripe.StripeError as error:
            _raise_mapped(error)
        return _state(_as_dict(pi))

    async def release(self, reference: str, *, idempotency_key: str) -> PaymentState:
        try:
            pi = await self._client.v1.payment_intents.cancel_async(
                reference, options={"idempotency_key": idempotency_key}
            )
        except stripe.StripeError as error:
            _raise_mapped(error)
        return _state(_as_dict(pi))

    async def charge_off_session(
        self,
        *,
        amount: Decimal,
        currency: str,
        customer: str,
        payment_method: str,
        idempotency_key: str,
        metadata: Mapping[str, str] | None = None,
    ) -> PaymentCharge:
        minor = to_minor_units(amount, currency)
        try:
            pi = await self._client.v1.payment_intents.create_async(
                {
                    "amount": minor,
                    "currency": currency.lower(),
                    "customer": customer,
                    "payment_method": payment_method,
                    "allowed_payment_method_types": ["card"],
                    "capture_method": "automatic",
                    "confirm": True,
                    "off_session": True,
                    "metadata": dict(metadata or {}),
                },
                {"idempotency_key": idempotency_key},
            )
        except stripe.CardError as error:
            # Off-session, an authentication demand also arrives as a card error
            # (authentication_required); its PaymentIntent is then in requires_action.
            decline = _decline(error)
            needs_action = decline.code == "authentication_required"
            return PaymentCharge(
                reference=_declined_reference(error),
                status=ChargeStatus.REQUIRES_ACTION if needs_action else ChargeStatus.DECLINED,
                amount=amount,
                currency=currency.upper(),
                decline=decline,
            )
        except stripe.StripeError as error:
            _raise_mapped(error, unusable_if_missing="payment_method_unknown")
        state = _state(_as_dict(pi))
        charge_status = {
            PaymentIntentStatus.SUCCEEDED: ChargeStatus.SUCCEEDED,
            PaymentIntentStatus.PROCESSING: ChargeStatus.PROCESSING,
            PaymentIntentStatus.REQUIRES_ACTION: ChargeStatus.REQUIRES_ACTION,
            PaymentIntentStatus.REQUIRES_PAYMENT_METHOD: ChargeStatus.DECLINED,
        }.get(state.status)
        if charge_status is None:
            raise PaymentRequestRefused(f"a charge came back {state.status}", code="unexpected_payment_status")
        return PaymentCharge(
            reference=state.reference,
            status=charge_status,
            amount=amount,
            currency=state.currency,
            client_secret=state.client_secret if charge_status is ChargeStatus.REQUIRES_ACTION else None,
            decline=state.decline if charge_status is ChargeStatus.DECLINED else None,
        )

    async def retrieve(self, reference: str) -> PaymentState:
        try:
            pi = await self._client.v1.payment_intents.retrieve_async(reference)
        except stripe.StripeError as error:
            _raise_mapped(error)
        return _state(_as_dict(pi))

    async def increment_authorization(
        self, reference: str, new_amount: Decimal, *, idempotency_key: str
    ) -> PaymentState:
        current = await self.retrieve(reference)
        minor = to_minor_units(new_amount, current.currency)
        if current.status is not PaymentIntentStatus.REQUIRES_CAPTURE:
            raise IncrementNotSupported(f"only a hold can be raised; this payment is {current.status}")
        try:
            pi = await self._client.v1.payment_intents.increment_authorization_async(
                reference, {"amount": minor}, {"idempotency_key": idempotency_key}
            )
        except stripe.CardError as error:
            _raise_mapped(error)
        except stripe.InvalidRequestError as error:
            if error.code == "resource_missing":
                _raise_mapped(error)
            # Any other refusal (the card or the payment does not allow it, or a Stripe stand-in has no such
            # endpoint) means the same to the caller: the old hold stands and cannot be raised.
            raise IncrementNotSupported(
                str(_error_body(error).get("message") or "the hold cannot be raised")
            ) from error
        except stripe.StripeError as error:
            _raise_mapped(error)
        return _state(_as_dict(pi))

    async def create_customer(
        self, *, idempotency_key: str, email: str | None = None, metadata: Mapping[str, str] | None = None
    ) -> str:
        params: dict[str, Any] = {"metadata": dict(metadata or {})}
        if email is not None:
            params["email"] = email
        try:
            customer = await self._client.v1.customers.create_async(
                params,  # type: ignore[arg-type]
                {"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as error:
            _raise_mapped(error)
        return str(customer.id)

    async def create_setup_intent(self, customer: str, *, idempotency_key: str) -> str:
        try:
            intent = await self._client.v1.setup_intents.create_async(
                {"customer": customer, "usage": "off_session", "allowed_payment_method_types": ["card"]},
                {"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as error:
            _raise_mapped(error, unusable_if_missing="customer_unknown")
        secret = _as_dict(intent).get("client_secret")
        if not isinstance(secret, str):
            raise PaymentProviderUnavailable("Stripe answered a SetupIntent without a client secret")
        return secret

    async def retrieve_payment_method(self, payment_method: str, *, customer: str | None = None) -> SavedCard:
        try:
            method = _as_dict(await self._client.v1.payment_methods.retrieve_async(payment_method))
        except stripe.StripeError as error:
            _raise_mapped(error, unusable_if_missing="payment_method_unknown")
        card = method.get("card")
        if method.get("type") != "card" or not isinstance(card, dict):
            raise PaymentMethodUnusable("the payment method is not a card", code="payment_method_not_card")
        owner = method.get("customer")
        if isinstance(owner, dict):
            owner = owner.get("id")
        if not owner:
            raise PaymentMethodUnusable(
                "the payment method is not attached to a customer (detached, or never saved)",
                code="payment_method_detached",
            )
        if customer is not None and owner != customer:
            raise PaymentMethodUnusable(
                "the payment method belongs to another customer", code="payment_method_not_owned"
            )
        return SavedCard(
            payment_method_id=str(method["id"]),
            customer_id=str(owner),
            brand=str(card.get("brand") or "unknown"),
            last4=str(card.get("last4") or ""),
            exp_month=int(card["exp_month"]),
            exp_year=int(card["exp_year"]),
        )

    async def aclose(self) -> None:
        await self._http.close_async()  # type: ignore[no-untyped-call]
