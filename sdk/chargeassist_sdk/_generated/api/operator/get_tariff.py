from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.get_tariff_response_200 import GetTariffResponse200
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    tariff_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/operator/tariffs/{tariff_id}".format(
            tariff_id=quote(str(tariff_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> GetTariffResponse200 | Problem | None:
    if response.status_code == 200:
        response_200 = GetTariffResponse200.from_dict(response.json())

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
) -> Response[GetTariffResponse200 | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    tariff_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[GetTariffResponse200 | Problem]:
    """A tariff as stored (OCPI)

    Args:
        tariff_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetTariffResponse200 | Problem]
    """

    kwargs = _get_kwargs(
        tariff_id=tariff_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    tariff_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> GetTariffResponse200 | Problem | None:
    """A tariff as stored (OCPI)

    Args:
        tariff_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetTariffResponse200 | Problem
    """

    return sync_detailed(
        tariff_id=tariff_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    tariff_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[GetTariffResponse200 | Problem]:
    """A tariff as stored (OCPI)

    Args:
        tariff_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetTariffResponse200 | Problem]
    """

    kwargs = _get_kwargs(
        tariff_id=tariff_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    tariff_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> GetTariffResponse200 | Problem | None:
    """A tariff as stored (OCPI)

    Args:
        tariff_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetTariffResponse200 | Problem
    """

    return (
        await asyncio_detailed(
            tariff_id=tariff_id,
            client=client,
        )
    ).parsed
