from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.nearby_page import NearbyPage
from ...models.problem import Problem
from ...models.search_locations_nearby_power_type_type_1 import (
    SearchLocationsNearbyPowerTypeType1,
)
from ...models.search_locations_nearby_power_type_type_2_type_1 import (
    SearchLocationsNearbyPowerTypeType2Type1,
)
from ...models.search_locations_nearby_power_type_type_3_type_1 import (
    SearchLocationsNearbyPowerTypeType3Type1,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    latitude: float,
    longitude: float,
    payment_method_id: None | str | Unset = UNSET,
    is_available: bool | None | Unset = UNSET,
    power_type: None
    | SearchLocationsNearbyPowerTypeType1
    | SearchLocationsNearbyPowerTypeType2Type1
    | SearchLocationsNearbyPowerTypeType3Type1
    | Unset = UNSET,
    connector_types: list[str] | None | Unset = UNSET,
    min_kw: float | None | Unset = UNSET,
    max_kw: float | None | Unset = UNSET,
    country: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["latitude"] = latitude

    params["longitude"] = longitude

    json_payment_method_id: None | str | Unset
    if isinstance(payment_method_id, Unset):
        json_payment_method_id = UNSET
    else:
        json_payment_method_id = payment_method_id
    params["paymentMethodId"] = json_payment_method_id

    json_is_available: bool | None | Unset
    if isinstance(is_available, Unset):
        json_is_available = UNSET
    else:
        json_is_available = is_available
    params["isAvailable"] = json_is_available

    json_power_type: None | str | Unset
    if isinstance(power_type, Unset):
        json_power_type = UNSET
    elif isinstance(power_type, str):
        json_power_type = power_type
    elif isinstance(power_type, str):
        json_power_type = power_type
    elif isinstance(power_type, str):
        json_power_type = power_type
    else:
        json_power_type = power_type
    params["powerType"] = json_power_type

    json_connector_types: list[str] | None | Unset
    if isinstance(connector_types, Unset):
        json_connector_types = UNSET
    elif isinstance(connector_types, list):
        json_connector_types = connector_types

    else:
        json_connector_types = connector_types
    params["connectorTypes"] = json_connector_types

    json_min_kw: float | None | Unset
    if isinstance(min_kw, Unset):
        json_min_kw = UNSET
    else:
        json_min_kw = min_kw
    params["minKw"] = json_min_kw

    json_max_kw: float | None | Unset
    if isinstance(max_kw, Unset):
        json_max_kw = UNSET
    else:
        json_max_kw = max_kw
    params["maxKw"] = json_max_kw

    json_country: None | str | Unset
    if isinstance(country, Unset):
        json_country = UNSET
    else:
        json_country = country
    params["country"] = json_country

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/locations/nearby",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> NearbyPage | Problem | None:
    if response.status_code == 200:
        response_200 = NearbyPage.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

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
) -> Response[NearbyPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    latitude: float,
    longitude: float,
    payment_method_id: None | str | Unset = UNSET,
    is_available: bool | None | Unset = UNSET,
    power_type: None
    | SearchLocationsNearbyPowerTypeType1
    | SearchLocationsNearbyPowerTypeType2Type1
    | SearchLocationsNearbyPowerTypeType3Type1
    | Unset = UNSET,
    connector_types: list[str] | None | Unset = UNSET,
    min_kw: float | None | Unset = UNSET,
    max_kw: float | None | Unset = UNSET,
    country: None | str | Unset = UNSET,
) -> Response[NearbyPage | Problem]:
    """Up to 25 locations within 50 km, nearest first

    Args:
        latitude (float):
        longitude (float):
        payment_method_id (None | str | Unset):
        is_available (bool | None | Unset):
        power_type (None | SearchLocationsNearbyPowerTypeType1 |
            SearchLocationsNearbyPowerTypeType2Type1 | SearchLocationsNearbyPowerTypeType3Type1 |
            Unset):
        connector_types (list[str] | None | Unset):
        min_kw (float | None | Unset):
        max_kw (float | None | Unset):
        country (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[NearbyPage | Problem]
    """

    kwargs = _get_kwargs(
        latitude=latitude,
        longitude=longitude,
        payment_method_id=payment_method_id,
        is_available=is_available,
        power_type=power_type,
        connector_types=connector_types,
        min_kw=min_kw,
        max_kw=max_kw,
        country=country,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    latitude: float,
    longitude: float,
    payment_method_id: None | str | Unset = UNSET,
    is_available: bool | None | Unset = UNSET,
    power_type: None
    | SearchLocationsNearbyPowerTypeType1
    | SearchLocationsNearbyPowerTypeType2Type1
    | SearchLocationsNearbyPowerTypeType3Type1
    | Unset = UNSET,
    connector_types: list[str] | None | Unset = UNSET,
    min_kw: float | None | Unset = UNSET,
    max_kw: float | None | Unset = UNSET,
    country: None | str | Unset = UNSET,
) -> NearbyPage | Problem | None:
    """Up to 25 locations within 50 km, nearest first

    Args:
        latitude (float):
        longitude (float):
        payment_method_id (None | str | Unset):
        is_available (bool | None | Unset):
        power_type (None | SearchLocationsNearbyPowerTypeType1 |
            SearchLocationsNearbyPowerTypeType2Type1 | SearchLocationsNearbyPowerTypeType3Type1 |
            Unset):
        connector_types (list[str] | None | Unset):
        min_kw (float | None | Unset):
        max_kw (float | None | Unset):
        country (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        NearbyPage | Problem
    """

    return sync_detailed(
        client=client,
        latitude=latitude,
        longitude=longitude,
        payment_method_id=payment_method_id,
        is_available=is_available,
        power_type=power_type,
        connector_types=connector_types,
        min_kw=min_kw,
        max_kw=max_kw,
        country=country,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    latitude: float,
    longitude: float,
    payment_method_id: None | str | Unset = UNSET,
    is_available: bool | None | Unset = UNSET,
    power_type: None
    | SearchLocationsNearbyPowerTypeType1
    | SearchLocationsNearbyPowerTypeType2Type1
    | SearchLocationsNearbyPowerTypeType3Type1
    | Unset = UNSET,
    connector_types: list[str] | None | Unset = UNSET,
    min_kw: float | None | Unset = UNSET,
    max_kw: float | None | Unset = UNSET,
    country: None | str | Unset = UNSET,
) -> Response[NearbyPage | Problem]:
    """Up to 25 locations within 50 km, nearest first

    Args:
        latitude (float):
        longitude (float):
        payment_method_id (None | str | Unset):
        is_available (bool | None | Unset):
        power_type (None | SearchLocationsNearbyPowerTypeType1 |
            SearchLocationsNearbyPowerTypeType2Type1 | SearchLocationsNearbyPowerTypeType3Type1 |
            Unset):
        connector_types (list[str] | None | Unset):
        min_kw (float | None | Unset):
        max_kw (float | None | Unset):
        country (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[NearbyPage | Problem]
    """

    kwargs = _get_kwargs(
        latitude=latitude,
        longitude=longitude,
        payment_method_id=payment_method_id,
        is_available=is_available,
        power_type=power_type,
        connector_types=connector_types,
        min_kw=min_kw,
        max_kw=max_kw,
        country=country,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    latitude: float,
    longitude: float,
    payment_method_id: None | str | Unset = UNSET,
    is_available: bool | None | Unset = UNSET,
    power_type: None
    | SearchLocationsNearbyPowerTypeType1
    | SearchLocationsNearbyPowerTypeType2Type1
    | SearchLocationsNearbyPowerTypeType3Type1
    | Unset = UNSET,
    connector_types: list[str] | None | Unset = UNSET,
    min_kw: float | None | Unset = UNSET,
    max_kw: float | None | Unset = UNSET,
    country: None | str | Unset = UNSET,
) -> NearbyPage | Problem | None:
    """Up to 25 locations within 50 km, nearest first

    Args:
        latitude (float):
        longitude (float):
        payment_method_id (None | str | Unset):
        is_available (bool | None | Unset):
        power_type (None | SearchLocationsNearbyPowerTypeType1 |
            SearchLocationsNearbyPowerTypeType2Type1 | SearchLocationsNearbyPowerTypeType3Type1 |
            Unset):
        connector_types (list[str] | None | Unset):
        min_kw (float | None | Unset):
        max_kw (float | None | Unset):
        country (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        NearbyPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            latitude=latitude,
            longitude=longitude,
            payment_method_id=payment_method_id,
            is_available=is_available,
            power_type=power_type,
            connector_types=connector_types,
            min_kw=min_kw,
            max_kw=max_kw,
            country=country,
        )
    ).parsed
