from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.session_response import SessionResponse
from ...types import Response


def _get_kwargs(
    app_token: str,
    charge_session_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/tokens/{app_token}/sessions/{charge_session_id}/stop".format(
            app_token=quote(str(app_token), safe=""),
            charge_session_id=quote(str(charge_session_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SessionResponse | None:
    if response.status_code == 200:
        response_200 = SessionResponse.from_dict(response.json())

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

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | SessionResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    app_token: str,
    charge_session_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Problem | SessionResponse]:
    """Stop charging (or cancel a session that has not started); answers with the new status

     `command_bus_unavailable` (503): the stop could not be sent to the charge point now (the service's
    command bus is down); nothing changed, and the session keeps charging until a retry succeeds.

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space
        charge_session_id (str): The chargeSessionId

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SessionResponse]
    """

    kwargs = _get_kwargs(
        app_token=app_token,
        charge_session_id=charge_session_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    app_token: str,
    charge_session_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Problem | SessionResponse | None:
    """Stop charging (or cancel a session that has not started); answers with the new status

     `command_bus_unavailable` (503): the stop could not be sent to the charge point now (the service's
    command bus is down); nothing changed, and the session keeps charging until a retry succeeds.

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space
        charge_session_id (str): The chargeSessionId

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SessionResponse
    """

    return sync_detailed(
        app_token=app_token,
        charge_session_id=charge_session_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    app_token: str,
    charge_session_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Problem | SessionResponse]:
    """Stop charging (or cancel a session that has not started); answers with the new status

     `command_bus_unavailable` (503): the stop could not be sent to the charge point now (the service's
    command bus is down); nothing changed, and the session keeps charging until a retry succeeds.

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space
        charge_session_id (str): The chargeSessionId

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SessionResponse]
    """

    kwargs = _get_kwargs(
        app_token=app_token,
        charge_session_id=charge_session_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    app_token: str,
    charge_session_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Problem | SessionResponse | None:
    """Stop charging (or cancel a session that has not started); answers with the new status

     `command_bus_unavailable` (503): the stop could not be sent to the charge point now (the service's
    command bus is down); nothing changed, and the session keeps charging until a retry succeeds.

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space
        charge_session_id (str): The chargeSessionId

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SessionResponse
    """

    return (
        await asyncio_detailed(
            app_token=app_token,
            charge_session_id=charge_session_id,
            client=client,
        )
    ).parsed
