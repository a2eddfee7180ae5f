from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.card_verification_response import CardVerificationResponse
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    payment_method_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/operator/payment-methods/{payment_method_id}/block".format(
            payment_method_id=quote(str(payment_method_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CardVerificationResponse | Problem | None:
    if response.status_code == 200:
        response_200 = CardVerificationResponse.from_dict(response.json())

        return response_200

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
) -> Response[CardVerificationResponse | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    payment_method_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[CardVerificationResponse | Problem]:
    """Block a charge card: INVALID, and its swipes are answered Blocked

    Args:
        payment_method_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CardVerificationResponse | Problem]
    """

    kwargs = _get_kwargs(
        payment_method_id=payment_method_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    payment_method_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> CardVerificationResponse | Problem | None:
    """Block a charge card: INVALID, and its swipes are answered Blocked

    Args:
        payment_method_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CardVerificationResponse | Problem
    """

    return sync_detailed(
        payment_method_id=payment_method_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    payment_method_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[CardVerificationResponse | Problem]:
    """Block a charge card: INVALID, and its swipes are answered Blocked

    Args:
        payment_method_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CardVerificationResponse | Problem]
    """

    kwargs = _get_kwargs(
        payment_method_id=payment_method_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    payment_method_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> CardVerificationResponse | Problem | None:
    """Block a charge card: INVALID, and its swipes are answered Blocked

    Args:
        payment_method_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CardVerificationResponse | Problem
    """

    return (
        await asyncio_detailed(
            payment_method_id=payment_method_id,
            client=client,
        )
    ).parsed
