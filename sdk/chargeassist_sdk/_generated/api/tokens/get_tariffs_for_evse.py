from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.page_tariff_offer_response import PageTariffOfferResponse
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    app_token: str,
    location_id: str,
    evse_uid: str,
    *,
    connector_id: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_connector_id: None | str | Unset
    if isinstance(connector_id, Unset):
        json_connector_id = UNSET
    else:
        json_connector_id = connector_id
    params["connectorId"] = json_connector_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/tokens/{app_token}/tariffs/{location_id}/{evse_uid}".format(
            app_token=quote(str(app_token), safe=""),
            location_id=quote(str(location_id), safe=""),
            evse_uid=quote(str(evse_uid), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageTariffOfferResponse | Problem | None:
    if response.status_code == 200:
        response_200 = PageTariffOfferResponse.from_dict(response.json())

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
) -> Response[PageTariffOfferResponse | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    app_token: str,
    location_id: str,
    evse_uid: str,
    *,
    client: AuthenticatedClient | Client,
    connector_id: None | str | Unset = UNSET,
) -> Response[PageTariffOfferResponse | Problem]:
    """The tariff at an EVSE for each payment method in the wallet

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space
        location_id (str):
        evse_uid (str):
        connector_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageTariffOfferResponse | Problem]
    """

    kwargs = _get_kwargs(
        app_token=app_token,
        location_id=location_id,
        evse_uid=evse_uid,
        connector_id=connector_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    app_token: str,
    location_id: str,
    evse_uid: str,
    *,
    client: AuthenticatedClient | Client,
    connector_id: None | str | Unset = UNSET,
) -> PageTariffOfferResponse | Problem | None:
    """The tariff at an EVSE for each payment method in the wallet

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space
        location_id (str):
        evse_uid (str):
        connector_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageTariffOfferResponse | Problem
    """

    return sync_detailed(
        app_token=app_token,
        location_id=location_id,
        evse_uid=evse_uid,
        client=client,
        connector_id=connector_id,
    ).parsed


async def asyncio_detailed(
    app_token: str,
    location_id: str,
    evse_uid: str,
    *,
    client: AuthenticatedClient | Client,
    connector_id: None | str | Unset = UNSET,
) -> Response[PageTariffOfferResponse | Problem]:
    """The tariff at an EVSE for each payment method in the wallet

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space
        location_id (str):
        evse_uid (str):
        connector_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageTariffOfferResponse | Problem]
    """

    kwargs = _get_kwargs(
        app_token=app_token,
        location_id=location_id,
        evse_uid=evse_uid,
        connector_id=connector_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    app_token: str,
    location_id: str,
    evse_uid: str,
    *,
    client: AuthenticatedClient | Client,
    connector_id: None | str | Unset = UNSET,
) -> PageTariffOfferResponse | Problem | None:
    """The tariff at an EVSE for each payment method in the wallet

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space
        location_id (str):
        evse_uid (str):
        connector_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageTariffOfferResponse | Problem
    """

    return (
        await asyncio_detailed(
            app_token=app_token,
            location_id=location_id,
            evse_uid=evse_uid,
            client=client,
            connector_id=connector_id,
        )
    ).parsed
