from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.access_token_response import AccessTokenResponse
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    app_token: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/tokens/{app_token}/access-token".format(
            app_token=quote(str(app_token), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AccessTokenResponse | Problem | None:
    if response.status_code == 201:
        response_201 = AccessTokenResponse.from_dict(response.json())

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AccessTokenResponse | Problem]:
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
) -> Response[AccessTokenResponse | Problem]:
    """Mint a short-lived access token for this app token

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccessTokenResponse | Problem]
    """

    kwargs = _get_kwargs(
        app_token=app_token,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    app_token: str,
    *,
    client: AuthenticatedClient | Client,
) -> AccessTokenResponse | Problem | None:
    """Mint a short-lived access token for this app token

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccessTokenResponse | Problem
    """

    return sync_detailed(
        app_token=app_token,
        client=client,
    ).parsed


async def asyncio_detailed(
    app_token: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[AccessTokenResponse | Problem]:
    """Mint a short-lived access token for this app token

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccessTokenResponse | Problem]
    """

    kwargs = _get_kwargs(
        app_token=app_token,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    app_token: str,
    *,
    client: AuthenticatedClient | Client,
) -> AccessTokenResponse | Problem | None:
    """Mint a short-lived access token for this app token

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccessTokenResponse | Problem
    """

    return (
        await asyncio_detailed(
            app_token=app_token,
            client=client,
        )
    ).parsed
