from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.put_tariff_body import PutTariffBody
from ...models.put_tariff_response_200 import PutTariffResponse200
from ...models.put_tariff_response_201 import PutTariffResponse201
from ...types import Response


def _get_kwargs(
    tariff_id: str,
    *,
    body: PutTariffBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/operator/tariffs/{tariff_id}".format(
            tariff_id=quote(str(tariff_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | PutTariffResponse200 | PutTariffResponse201 | None:
    if response.status_code == 200:
        response_200 = PutTariffResponse200.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = PutTariffResponse201.from_dict(response.json())

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
) -> Response[Problem | PutTariffResponse200 | PutTariffResponse201]:
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
    body: PutTariffBody,
) -> Response[Problem | PutTariffResponse200 | PutTariffResponse201]:
    """Create or replace an OCPI 2.2.1 Tariff (validated)

    Args:
        tariff_id (str):
        body (PutTariffBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | PutTariffResponse200 | PutTariffResponse201]
    """

    kwargs = _get_kwargs(
        tariff_id=tariff_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    tariff_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: PutTariffBody,
) -> Problem | PutTariffResponse200 | PutTariffResponse201 | None:
    """Create or replace an OCPI 2.2.1 Tariff (validated)

    Args:
        tariff_id (str):
        body (PutTariffBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | PutTariffResponse200 | PutTariffResponse201
    """

    return sync_detailed(
        tariff_id=tariff_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    tariff_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: PutTariffBody,
) -> Response[Problem | PutTariffResponse200 | PutTariffResponse201]:
    """Create or replace an OCPI 2.2.1 Tariff (validated)

    Args:
        tariff_id (str):
        body (PutTariffBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | PutTariffResponse200 | PutTariffResponse201]
    """

    kwargs = _get_kwargs(
        tariff_id=tariff_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    tariff_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: PutTariffBody,
) -> Problem | PutTariffResponse200 | PutTariffResponse201 | None:
    """Create or replace an OCPI 2.2.1 Tariff (validated)

    Args:
        tariff_id (str):
        body (PutTariffBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | PutTariffResponse200 | PutTariffResponse201
    """

    return (
        await asyncio_detailed(
            tariff_id=tariff_id,
            client=client,
            body=body,
        )
    ).parsed
