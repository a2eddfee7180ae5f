from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.payment_method_response import PaymentMethodResponse
from ...models.problem import Problem
from ...models.stripe_card_request import StripeCardRequest
from ...types import Response


def _get_kwargs(
    app_token: str,
    *,
    body: StripeCardRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/tokens/{app_token}/wallet/psp/stripe".format(
            app_token=quote(str(app_token), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PaymentMethodResponse | Problem | None:
    if response.status_code == 200:
        response_200 = PaymentMethodResponse.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = PaymentMethodResponse.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[PaymentMethodResponse | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    app_token: str,
    *,
    client: AuthenticatedClient | Client,
    body: StripeCardRequest,
) -> Response[PaymentMethodResponse | Problem]:
    """Add a card saved with Stripe (the same card again gives the same id)

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space
        body (StripeCardRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaymentMethodResponse | Problem]
    """

    kwargs = _get_kwargs(
        app_token=app_token,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    app_token: str,
    *,
    client: AuthenticatedClient | Client,
    body: StripeCardRequest,
) -> PaymentMethodResponse | Problem | None:
    """Add a card saved with Stripe (the same card again gives the same id)

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space
        body (StripeCardRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaymentMethodResponse | Problem
    """

    return sync_detailed(
        app_token=app_token,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    app_token: str,
    *,
    client: AuthenticatedClient | Client,
    body: StripeCardRequest,
) -> Response[PaymentMethodResponse | Problem]:
    """Add a card saved with Stripe (the same card again gives the same id)

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space
        body (StripeCardRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaymentMethodResponse | Problem]
    """

    kwargs = _get_kwargs(
        app_token=app_token,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    app_token: str,
    *,
    client: AuthenticatedClient | Client,
    body: StripeCardRequest,
) -> PaymentMethodResponse | Problem | None:
    """Add a card saved with Stripe (the same card again gives the same id)

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space
        body (StripeCardRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaymentMethodResponse | Problem
    """

    return (
        await asyncio_detailed(
            app_token=app_token,
            client=client,
            body=body,
        )
    ).parsed
