from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.patch_location_body import PatchLocationBody
from ...models.patch_location_response_200 import PatchLocationResponse200
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    location_id: str,
    *,
    body: PatchLocationBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/operator/locations/{location_id}".format(
            location_id=quote(str(location_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PatchLocationResponse200 | Problem | None:
    if response.status_code == 200:
        response_200 = PatchLocationResponse200.from_dict(response.json())

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
) -> Response[PatchLocationResponse200 | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    location_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: PatchLocationBody,
) -> Response[PatchLocationResponse200 | Problem]:
    """Partly update a location: top-level fields replace, `evses` merge by `uid`

     Also sets or clears (null) the extensions `restricted_to_partners` and `pre_auth_amount`.

    Args:
        location_id (str):
        body (PatchLocationBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PatchLocationResponse200 | Problem]
    """

    kwargs = _get_kwargs(
        location_id=location_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    location_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: PatchLocationBody,
) -> PatchLocationResponse200 | Problem | None:
    """Partly update a location: top-level fields replace, `evses` merge by `uid`

     Also sets or clears (null) the extensions `restricted_to_partners` and `pre_auth_amount`.

    Args:
        location_id (str):
        body (PatchLocationBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PatchLocationResponse200 | Problem
    """

    return sync_detailed(
        location_id=location_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    location_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: PatchLocationBody,
) -> Response[PatchLocationResponse200 | Problem]:
    """Partly update a location: top-level fields replace, `evses` merge by `uid`

     Also sets or clears (null) the extensions `restricted_to_partners` and `pre_auth_amount`.

    Args:
        location_id (str):
        body (PatchLocationBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PatchLocationResponse200 | Problem]
    """

    kwargs = _get_kwargs(
        location_id=location_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    location_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: PatchLocationBody,
) -> PatchLocationResponse200 | Problem | None:
    """Partly update a location: top-level fields replace, `evses` merge by `uid`

     Also sets or clears (null) the extensions `restricted_to_partners` and `pre_auth_amount`.

    Args:
        location_id (str):
        body (PatchLocationBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PatchLocationResponse200 | Problem
    """

    return (
        await asyncio_detailed(
            location_id=location_id,
            client=client,
            body=body,
        )
    ).parsed
