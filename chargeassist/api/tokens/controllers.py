"""App tokens, their wallets, access tokens and the tariffs that apply to them."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, delete, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from chargeassist.services import PreAuthAmountView

from .._auth import require_partner_key
from .._errors import problem_responses
from .._wire import AppTokenPath, ListMeta, Page, PrincipalDep, ServicesDep, app_token_of
from .schemas import (
    AccessTokenResponse,
    AppTokenResponse,
    ChargeCardRequest,
    ExternalPaymentMethodRequest,
    PaymentMethodResponse,
    TariffOfferResponse,
    payment_method_response,
)

__all__ = ["TokenController", "WalletController"]


class TokenController(Controller):
    """App tokens: one driver or one device of a partner."""

    path = "/v1/tokens/{app_token:str}"
    tags = ["tokens"]

    @put(
        operation_id="registerAppToken",
        summary="Register an app token (idempotent: 201 when new, 200 when it existed)",
        guards=[require_partner_key],
        status_code=HTTP_200_OK,
        responses=problem_responses(403, created=AppTokenResponse),
    )
    async def register(
        self, services: ServicesDep, principal: PrincipalDep, app_token: AppTokenPath
    ) -> Response[AppTokenResponse]:
        record, created = await services.wallet.register(principal.partner_id, app_token)
        body = AppTokenResponse(app_token=record.app_token, created_date=record.created_at)
        return Response(body, status_code=HTTP_201_CREATED if created else HTTP_200_OK)

    @get(operation_id="getAppToken", summary="Get an app token", responses=problem_responses(403, 404))
    async def get_token(
        self, services: ServicesDep, principal: PrincipalDep, app_token: AppTokenPath
    ) -> AppTokenResponse:
        record = await app_token_of(services, principal, app_token)
        return AppTokenResponse(app_token=record.app_token, created_date=record.created_at)

    @delete(
        operation_id="deleteAppToken",
        summary="Delete an app token and its wallet",
        guards=[require_partner_key],
        status_code=HTTP_204_NO_CONTENT,
        responses=problem_responses(403, 404),
    )
    async def delete_token(self, services: ServicesDep, principal: PrincipalDep, app_token: AppTokenPath) -> None:
        await services.wallet.delete(principal.partner_id, app_token)

    @post(
        "/access-token",
        operation_id="createAccessToken",
        summary="Mint a short-lived access token for this app token",
        guards=[require_partner_key],
        status_code=HTTP_201_CREATED,
        responses=problem_responses(403, 404),
    )
    async def access_token(
        self, services: ServicesDep, principal: PrincipalDep, app_token: AppTokenPath
    ) -> AccessTokenResponse:
        record = await app_token_of(services, principal, app_token)
        assert services.access_tokens is not None
        minted = services.access_tokens.mint(partner_id=record.partner_id, app_token=record.app_token)
        return AccessTokenResponse(access_token=minted.token, token_type="Bearer", expires_in=minted.expires_in)  # noqa: S106

    @get(
        "/tariffs/{location_id:str}/{evse_uid:str}",
        operation_id="getTariffsForEvse",
        summary="The tariff at an EVSE for each payment method in the wallet",
        responses=problem_responses(403, 404),
    )
    async def tariffs(
        self,
        services: ServicesDep,
        principal: PrincipalDep,
        app_token: AppTokenPath,
        location_id: FromPath[str],
        evse_uid: FromPath[str],
        connector_id: Annotated[str | None, QueryParameter(name="connectorId", max_length=36)] = None,
    ) -> Page[TariffOfferResponse]:
        record = await app_token_of(services, principal, app_token)
        location = await services.locations.get(location_id, partner_id=principal.partner_id)
        methods = await services.wallet.list_payment_methods(record)
        offers = await services.tariffs.offers(location, evse_uid, connector_id, methods)
        held = await services.locations.pre_auth(location) if any(m.type == "PSP" for m in methods) else None
        cards = await services.psp_cards.cards([m.id for m in methods if m.type == "PSP"])
        data = [
            TariffOfferResponse(
                tariff=o.tariff,
                validity=o.validity,
                payment_method=payment_method_response(o.payment_method, cards.get(o.payment_method.id)),
                pre_auth_amount=PreAuthAmountView(
                    amount=held.amount,
                    # The hold is in the currency the session is priced in: the connector's tariff's.
                    currency=o.tariff.currency if o.tariff is not None else held.currency,
                    is_default=held.is_default,
                )
                if held is not None and o.payment_method.type == "PSP"
                else None,
            )
            for o in offers
        ]
        return Page(data=data, meta=ListMeta(count=len(data), has_more_data=False))


class WalletController(Controller):
    """The payment methods of an app token."""

    path = "/v1/tokens/{app_token:str}/wallet"
    tags = ["wallet"]

    @get(operation_id="listPaymentMethods", summary="List the wallet", responses=problem_responses(403, 404))
    async def list_methods(
        self, services: ServicesDep, principal: PrincipalDep, app_token: AppTokenPath
    ) -> Page[PaymentMethodResponse]:
        record = await app_token_of(services, principal, app_token)
        rows = await services.wallet.list_payment_methods(record)
        cards = await services.psp_cards.cards([r.id for r in rows if r.type == "PSP"])
        return Page(
            data=[payment_method_response(r, cards.get(r.id)) for r in rows],
            meta=ListMeta(count=len(rows), has_more_data=False),
        )

    @put(
        "/charge-card",
        operation_id="addChargeCard",
        summary="Add an RFID charge card (the same card again gives the same id)",
        status_code=HTTP_200_OK,
        responses=problem_responses(403, 404, 409, created=PaymentMethodResponse),
    )
    async def add_charge_card(
        self, services: ServicesDep, principal: PrincipalDep, app_token: AppTokenPath, data: JSONBody[ChargeCardRequest]
    ) -> Response[PaymentMethodResponse]:
        record = await app_token_of(services, principal, app_token)
        row, created = await services.wallet.add_charge_card(record, data.visual_number, data.display_name)
        return Response(payment_method_response(row), status_code=HTTP_201_CREATED if created else HTTP_200_OK)

    @put(
        "/external",
        operation_id="addExternalPaymentMethod",
        summary="Add an external payment reference (the same reference again gives the same id)",
        status_code=HTTP_200_OK,
        responses=problem_responses(403, 404, created=PaymentMethodResponse),
    )
    async def add_external(
        self,
        services: ServicesDep,
        principal: PrincipalDep,
        app_token: AppTokenPath,
        data: JSONBody[ExternalPaymentMethodRequest],
    ) -> Response[PaymentMethodResponse]:
        record = await app_token_of(services, principal, app_token)
        row, created = await services.wallet.add_external(record, data.external_payment_method_id, data.display_name)
        return Response(payment_method_response(row), status_code=HTTP_201_CREATED if created else HTTP_200_OK)

    @delete(
        "/{payment_method_id:str}",
        operation_id="deletePaymentMethod",
        summary="Remove a payment method",
        status_code=HTTP_204_NO_CONTENT,
        responses=problem_responses(403, 404),
    )
    async def remove(
        self, services: ServicesDep, principal: PrincipalDep, app_token: AppTokenPath, payment_method_id: FromPath[str]
    ) -> None:
        record = await app_token_of(services, principal, app_token)
        await services.wallet.remove_payment_method(record, payment_method_id)
