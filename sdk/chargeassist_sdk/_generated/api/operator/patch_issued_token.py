from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.patch_issued_token_body import PatchIssuedTokenBody
from ...models.patch_issued_token_response_200 import PatchIssuedTokenResponse200
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    uid: str,
    *,
    body: PatchIssuedTokenBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/operator/tokens/{uid}".format(
            uid=quote(str(uid), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PatchIssuedTokenResponse200 | Problem | None:
    if response.status_code == 200:
        response_200 = PatchIssuedTokenResponse200.from_dict(response.json())

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

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

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
) -> Response[PatchIssuedTokenResponse200 | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    uid: str,
    *,
    client: AuthenticatedClient | Client,
    body: PatchIssuedTokenBody,
) -> Response[PatchIssuedTokenResponse200 | Problem]:
    """Change some fields of an issued card: `valid` blocks or unblocks it, `expiry_date` expires it

    Args:
        uid (str): The token's OCPI uid (the RFID UID); spaces, dashes, stars and case do not
            matter
        body (PatchIssuedTokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PatchIssuedTokenResponse200 | Problem]
    """

    kwargs = _get_kwargs(
        uid=uid,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    uid: str,
    *,
    client: AuthenticatedClient | Client,
    body: PatchIssuedTokenBody,
) -> PatchIssuedTokenResponse200 | Problem | None:
    """Change some fields of an issued card: `valid` blocks or unblocks it, `expiry_date` expires it

    Args:
        uid (str): The token's OCPI uid (the RFID UID); spaces, dashes, stars and case do not
            matter
        body (PatchIssuedTokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PatchIssuedTokenResponse200 | Problem
    """

    return sync_detailed(
        uid=uid,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    uid: str,
    *,
    client: AuthenticatedClient | Client,
    body: PatchIssuedTokenBody,
) -> Response[PatchIssuedTokenResponse200 | Problem]:
    """Change some fields of an issued card: `valid` blocks or unblocks it, `expiry_date` expires it

    Args:
        uid (str): The token's OCPI uid (the RFID UID); spaces, dashes, stars and case do not
            matter
        body (PatchIssuedTokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PatchIssuedTokenResponse200 | Problem]
    """

    kwargs = _get_kwargs(
        uid=uid,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    uid: str,
    *,
    client: AuthenticatedClient | Client,
    body: PatchIssuedTokenBody,
) -> PatchIssuedTokenResponse200 | Problem | None:
    """Change some fields of an issued card: `valid` blocks or unblocks it, `expiry_date` expires it

    Args:
        uid (str): The token's OCPI uid (the RFID UID); spaces, dashes, stars and case do not
            matter
        body (PatchIssuedTokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PatchIssuedTokenResponse200 | Problem
    """

    return (
        await asyncio_detailed(
            uid=uid,
            client=client,
            body=body,
        )
    ).parsed
