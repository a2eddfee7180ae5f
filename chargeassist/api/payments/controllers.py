"""Stripe cards in a wallet, a token's failed payments and their retry, and Stripe's webhooks."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post, put
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from chargeassist.payments import PaymentError
from chargeassist.payments.webhooks import WebhookSignatureInvalid, verify_stripe_webhook
from chargeassist.services import FailedPayment, ServiceError

from .._errors import problem_responses
from .._wire import AppTokenPath, ListMeta, Page, PrincipalDep, ServicesDep, app_token_of
from ..tokens.schemas import PaymentMethodResponse, payment_method_response
from .schemas import (
    FailedPaymentResponse,
    RetryPaymentRequest,
    SetupIntentResponse,
    StripeCardRequest,
    WebhookAck,
)

__all__ = ["FailedPaymentController", "StripeCardController", "StripeWebhookController"]

# Stripe signs events of at most a few hundred kB; anything larger is not Stripe.
_MAX_WEBHOOK_BYTES = 512 * 1024


def _failed_response(payment: FailedPayment) -> FailedPaymentResponse:
    return FailedPaymentResponse(
        id=payment.id,
        charge_session_id=payment.charge_session_id,
        status=payment.status if payment.status in {"PARTIALLY_FAILED", "CAPTURED"} else "FAILED",
        currency=payment.currency,
        amount_due=payment.amount_due,
        amount_paid=payment.amount_paid,
        amount_outstanding=payment.amount_outstanding,
        payment_method_id=payment.payment_method_id,
        failure_code=payment.failure_code,
        failure_message=payment.failure_message,
        retries=payment.retries,
        next_retry_at=payment.next_retry_at,
    )


class StripeCardController(Controller):
    """Saving a card with Stripe and adding it to the wallet."""

    path = "/v1/tokens/{app_token:str}/wallet/psp/stripe"
    tags = ["wallet"]

    @post(
        "/setup-intent",
        operation_id="createStripeSetupIntent",
        summary="Start saving a card with Stripe's SDK (answers the SetupIntent's client secret)",
        status_code=HTTP_200_OK,
        responses=problem_responses(403, 404, 503),
    )
    async def setup_intent(
        self, services: ServicesDep, principal: PrincipalDep, app_token: AppTokenPath
    ) -> SetupIntentResponse:
        record = await app_token_of(services, principal, app_token)
        view = await services.psp_cards.setup_intent(record)
        return SetupIntentResponse(
            client_secret=view.client_secret, customer_id=view.customer_id, publishable_key=view.publishable_key
        )

    @put(
        operation_id="addStripeCard",
        summary="Add a card saved with Stripe (the same card again gives the same id)",
        status_code=HTTP_200_OK,
        responses=problem_responses(403, 404, 503, created=PaymentMethodResponse),
    )
    async def add_card(
        self,
        services: ServicesDep,
        principal: PrincipalDep,
        app_token: AppTokenPath,
        data: JSONBody[StripeCardRequest],
    ) -> Response[PaymentMethodResponse]:
        record = await app_token_of(services, principal, app_token)
        method, card, created = await services.psp_cards.add_card(
            record, data.psp_payment_method_id, data.psp_customer_id
        )
        return Response(payment_method_response(method, card), status_code=HTTP_201_CREATED if created else HTTP_200_OK)


class FailedPaymentController(Controller):
    """Sessions the driver still owes, and paying them."""

    path = "/v1/tokens/{app_token:str}/failed-payments"
    tags = ["payments"]

    @get(
        operation_id="listFailedPayments",
        summary="The token's failed payments that are still owed, newest first",
        responses=problem_responses(403, 404),
    )
    async def list_failed(
        self, services: ServicesDep, principal: PrincipalDep, app_token: AppTokenPath
    ) -> Page[FailedPaymentResponse]:
        record = await app_token_of(services, principal, app_token)
        found = await services.payments.failed_payments(record.pk)
        return Page(data=[_failed_response(p) for p in found], meta=ListMeta(count=len(found), has_more_data=False))

    @post(
        "/{failed_payment_id:str}/retry",
        operation_id="retryFailedPayment",
        summary="Pay a failed payment now, with its card or another Stripe card of the wallet",
        status_code=HTTP_200_OK,
        responses=problem_responses(402, 403, 404, 409, 503),
    )
    async def retry(
        self,
        services: ServicesDep,
        principal: PrincipalDep,
        app_token: AppTokenPath,
        failed_payment_id: FromPath[str],
        data: JSONBody[RetryPaymentRequest | None] = None,
    ) -> FailedPaymentResponse:
        record = await app_token_of(services, principal, app_token)
        payment = await services.payments.failed_payment(record.pk, failed_payment_id)
        if payment is None:
            raise ServiceError(
                404, "failed_payment_not_found", f"no failed payment {failed_payment_id!r} for this token"
            )
        card_id: str | None = None
        psp_id: str | None = None
        if data is not None and data.payment_method_id is not None:
            method = await services.wallet.get_payment_method(record, data.payment_method_id)
            card = (await services.psp_cards.cards([method.id])).get(method.id)
            if card is None or method.verification_status != "VALID":
                raise ServiceError(
                    422,
                    "payment_method_not_chargeable",
                    "paymentMethodId: only a VALID Stripe card of this wallet can pay a failed payment",
                    field="paymentMethodId",
                )
            card_id, psp_id = method.id, card.psp_payment_method_id
        if payment.status == "CAPTURED":
            return _failed_response(payment)
        try:
            await services.payments.retry(payment.pk, psp_payment_method_id=psp_id, payment_method_id=card_id)
        except PaymentError as exc:
            raise ServiceError(503, exc.code, exc.message) from exc
        after = await services.payments.failed_payment(record.pk, failed_payment_id)
        assert after is not None
        if after.status != "CAPTURED":
            raise ServiceError(
                402,
                "payment_declined",
                f"the retry was declined: {after.failure_message or after.failure_code or 'declined'}",
                decline_code=after.failure_code,
            )
        return _failed_response(after)


class StripeWebhookController(Controller):
    """Events from Stripe, signed with the endpoint's secret."""

    path = "/v1/webhooks/stripe"
    tags = ["webhooks"]

    @post(
        operation_id="receiveStripeWebhook",
        summary="Stripe's webhook endpoint (signature verified; redeliveries and unknown events acknowledged)",
        status_code=HTTP_200_OK,
        responses=problem_responses(400, 413, base=(400, 500)),
        security=[{}],  # no API key: an empty requirement (an empty list would inherit the app's)
        # Refused while it streams in, before a forged giant is read whole into memory.
        request_max_body_size=_MAX_WEBHOOK_BYTES,
    )
    async def receive(self, request: Request[Any, Any, Any], services: ServicesDep) -> WebhookAck:
        body = await request.body()  # bounded by the route's request_max_body_size: 413 past it
        try:
            event = verify_stripe_webhook(
                body, request.headers.get("stripe-signature"), services.payment_providers.stripe_webhook_secret
            )
        except WebhookSignatureInvalid as exc:
            raise ServiceError(400, exc.code, exc.message) from exc
        if await services.payments.provider_event_seen(event.id):
            return WebhookAck(duplicate=True)
        if event.payment_intent_id is not None and event.type.startswith("payment_intent."):
            payment_pk = await services.payments.payment_by_reference(event.payment_intent_id)
            if payment_pk is not None:
                # The event says something changed; what it changed to is read back from Stripe, so events
                # that arrive late or out of order converge on the same state.
                try:
                    await services.payments.refresh(payment_pk)
                except PaymentError as exc:
                    # Not recorded: Stripe delivers it again, and then it is acted on.
                    raise ServiceError(503, exc.code, exc.message) from exc
        await services.payments.record_provider_event(event.id, "STRIPE", event.type, body.decode())
        return WebhookAck()
