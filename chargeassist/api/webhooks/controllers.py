"""A partner's outbound webhooks: its endpoints, their delivery log, replays. Partner API keys only; a partner
never sees another's endpoints or deliveries (they are not found)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Response, delete, get, post, put
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from chargeassist.limits import RateLimited, RateLimiter
from chargeassist.limits.backends import Rate

from .._auth import principal_of, require_partner_key
from .._errors import problem_responses
from .._wire import ListMeta, Page, PrincipalDep, ServicesDep
from .schemas import (
    WebhookDeliveryResponse,
    WebhookEndpointRequest,
    WebhookEndpointResponse,
    delivery_response,
    endpoint_response,
)

__all__ = ["WebhookController"]

EndpointIdPath = Annotated[
    str,
    PathParameter(
        description="The endpoint's id, chosen by the partner: 1 to 64 letters, digits, dots, dashes, underscores",
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9._~-]+$",
    ),
]
DeliveryIdPath = Annotated[str, PathParameter(description="A delivery's id", min_length=1, max_length=40)]

# Each of these writes the store, and a replay sends a request out: one partner key gets a bucket of its own.
_WRITES = Rate(count=5, period_s=1.0, burst=30)


async def _limit_writes(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    limiter: RateLimiter = connection.app.state.rate_limiter
    decision = await limiter.backend.hit(f"webhook_writes:{principal_of(connection).partner_id}", _WRITES)
    if not decision.allowed:
        raise RateLimited("webhook changes and replays", decision)


class WebhookController(Controller):
    """Endpoints that receive a partner's events (session status changes, CDRs, payments), signed."""

    path = "/v1/webhooks"
    tags = ["webhooks"]
    guards = [require_partner_key]

    @put(
        "/endpoints/{endpoint_id:str}",
        operation_id="putWebhookEndpoint",
        summary="Create or update a webhook endpoint (201 with its signing secret, shown once; 200 on update)",
        status_code=HTTP_200_OK,
        guards=[_limit_writes],
        responses=problem_responses(403, 409, created=WebhookEndpointResponse),
    )
    async def put_endpoint(
        self,
        services: ServicesDep,
        principal: PrincipalDep,
        endpoint_id: EndpointIdPath,
        data: JSONBody[WebhookEndpointRequest],
    ) -> Response[WebhookEndpointResponse]:
        view, created = await services.webhooks.put_endpoint(principal.partner_id, endpoint_id, data.url, data.events)
        return Response(endpoint_response(view), status_code=HTTP_201_CREATED if created else HTTP_200_OK)

    @get(
        "/endpoints",
        operation_id="listWebhookEndpoints",
        summary="List the webhook endpoints",
        responses=problem_responses(403),
    )
    async def list_endpoints(self, services: ServicesDep, principal: PrincipalDep) -> Page[WebhookEndpointResponse]:
        views = await services.webhooks.list_endpoints(principal.partner_id)
        return Page(data=[endpoint_response(v) for v in views], meta=ListMeta(count=len(views), has_more_data=False))

    @get(
        "/endpoints/{endpoint_id:str}",
        operation_id="getWebhookEndpoint",
        summary="Get a webhook endpoint (its secret is not shown)",
        responses=problem_responses(403, 404),
    )
    async def get_endpoint(
        self, services: ServicesDep, principal: PrincipalDep, endpoint_id: EndpointIdPath
    ) -> WebhookEndpointResponse:
        return endpoint_response(await services.webhooks.get_endpoint(principal.partner_id, endpoint_id))

    @delete(
        "/endpoints/{endpoint_id:str}",
        operation_id="deleteWebhookEndpoint",
        summary="Delete a webhook endpoint and its delivery log; what was still pending is not sent",
        status_code=HTTP_204_NO_CONTENT,
        guards=[_limit_writes],
        responses=problem_responses(403, 404),
    )
    async def delete_endpoint(
        self, services: ServicesDep, principal: PrincipalDep, endpoint_id: EndpointIdPath
    ) -> None:
        await services.webhooks.delete_endpoint(principal.partner_id, endpoint_id)

    @post(
        "/endpoints/{endpoint_id:str}/rotate-secret",
        operation_id="rotateWebhookSecret",
        summary="Replace the signing secret (the new one, shown once, signs every delivery from now on)",
        status_code=HTTP_200_OK,
        guards=[_limit_writes],
        responses=problem_responses(403, 404),
    )
    async def rotate_secret(
        self, services: ServicesDep, principal: PrincipalDep, endpoint_id: EndpointIdPath
    ) -> WebhookEndpointResponse:
        return endpoint_response(await services.webhooks.rotate_secret(principal.partner_id, endpoint_id))

    @get(
        "/endpoints/{endpoint_id:str}/deliveries",
        operation_id="listWebhookDeliveries",
        summary="The endpoint's delivery log, newest first",
        responses=problem_responses(403, 404),
    )
    async def list_deliveries(
        self,
        services: ServicesDep,
        principal: PrincipalDep,
        endpoint_id: EndpointIdPath,
        page_size: Annotated[int, QueryParameter(name="pageSize", ge=1, le=100)] = 20,
        continuation_token: Annotated[str | None, QueryParameter(name="continuationToken", max_length=512)] = None,
    ) -> Page[WebhookDeliveryResponse]:
        assert services.continuation is not None
        views, next_token = await services.webhooks.list_deliveries(
            principal.partner_id,
            endpoint_id,
            services.continuation,
            page_size=page_size,
            continuation_token=continuation_token,
        )
        return Page(
            data=[delivery_response(v) for v in views],
            meta=ListMeta(count=len(views), has_more_data=next_token is not None, continuation_token=next_token),
        )

    @post(
        "/deliveries/{delivery_id:str}/replay",
        operation_id="replayWebhookDelivery",
        summary="Send a delivery again now, whatever its status (before the endpoint's newer pending ones)",
        status_code=HTTP_202_ACCEPTED,
        guards=[_limit_writes],
        responses=problem_responses(403, 404),
    )
    async def replay(
        self, services: ServicesDep, principal: PrincipalDep, delivery_id: DeliveryIdPath
    ) -> WebhookDeliveryResponse:
        return delivery_response(await services.webhooks.replay(principal.partner_id, delivery_id))
