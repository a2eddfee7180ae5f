from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.change_availability_command import ChangeAvailabilityCommand
from ...models.command_response import CommandResponse
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    charge_point_id: str,
    *,
    body: ChangeAvailabilityCommand,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/operator/charge-points/{charge_point_id}/commands/change-availability".format(
            charge_point_id=quote(str(charge_point_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CommandResponse | Problem | None:
    if response.status_code == 200:
        response_200 = CommandResponse.from_dict(response.json())

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

    if response.status_code == 502:
        response_502 = Problem.from_dict(response.json())

        return response_502

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = Problem.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[CommandResponse | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    charge_point_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ChangeAvailabilityCommand,
) -> Response[CommandResponse | Problem]:
    """Send ChangeAvailability

    Args:
        charge_point_id (str):
        body (ChangeAvailabilityCommand):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CommandResponse | Problem]
    """

    kwargs = _get_kwargs(
        charge_point_id=charge_point_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    charge_point_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ChangeAvailabilityCommand,
) -> CommandResponse | Problem | None:
    """Send ChangeAvailability

    Args:
        charge_point_id (str):
        body (ChangeAvailabilityCommand):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CommandResponse | Problem
    """

    return sync_detailed(
        charge_point_id=charge_point_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    charge_point_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ChangeAvailabilityCommand,
) -> Response[CommandResponse | Problem]:
    """Send ChangeAvailability

    Args:
        charge_point_id (str):
        body (ChangeAvailabilityCommand):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CommandResponse | Problem]
    """

    kwargs = _get_kwargs(
        charge_point_id=charge_point_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    charge_point_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ChangeAvailabilityCommand,
) -> CommandResponse | Problem | None:
    """Send ChangeAvailability

    Args:
        charge_point_id (str):
        body (ChangeAvailabilityCommand):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CommandResponse | Problem
    """

    return (
        await asyncio_detailed(
            charge_point_id=charge_point_id,
            client=client,
            body=body,
        )
    ).parsed
