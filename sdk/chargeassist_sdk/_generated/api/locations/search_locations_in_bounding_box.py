from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.bounding_box_page import BoundingBoxPage
from ...models.problem import Problem
from ...models.search_locations_in_bounding_box_power_type_type_1 import (
    SearchLocationsInBoundingBoxPowerTypeType1,
)
from ...models.search_locations_in_bounding_box_power_type_type_2_type_1 import (
    SearchLocationsInBoundingBoxPowerTypeType2Type1,
)
from ...models.search_locations_in_bounding_box_power_type_type_3_type_1 import (
    SearchLocationsInBoundingBoxPowerTypeType3Type1,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    bottom_left_lat: float,
    bottom_left_lng: float,
    top_right_lat: float,
    top_right_lng: float,
    page_size: int | Unset = 50,
    continuation_token: None | str | Unset = UNSET,
    is_available: bool | None | Unset = UNSET,
    power_type: None
    | SearchLocationsInBoundingBoxPowerTypeType1
    | SearchLocationsInBoundingBoxPowerTypeType2Type1
    | SearchLocationsInBoundingBoxPowerTypeType3Type1
    | Unset = UNSET,
    connector_types: list[str] | None | Unset = UNSET,
    min_kw: float | None | Unset = UNSET,
    max_kw: float | None | Unset = UNSET,
    country: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["bottomLeftLat"] = bottom_left_lat

    params["bottomLeftLng"] = bottom_left_lng

    params["topRightLat"] = top_right_lat

    params["topRightLng"] = top_right_lng

    params["pageSize"] = page_size

    json_continuation_token: None | str | Unset
    if isinstance(continuation_token, Unset):
        json_continuation_token = UNSET
    else:
        json_continuation_token = continuation_token
    params["continuationToken"] = json_continuation_token

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
        "url": "/v1/locations/boundingbox",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BoundingBoxPage | Problem | None:
    if response.status_code == 200:
        response_200 = BoundingBoxPage.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

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
) -> Response[BoundingBoxPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    bottom_left_lat: float,
    bottom_left_lng: float,
    top_right_lat: float,
    top_right_lng: float,
    page_size: int | Unset = 50,
    continuation_token: None | str | Unset = UNSET,
    is_available: bool | None | Unset = UNSET,
    power_type: None
    | SearchLocationsInBoundingBoxPowerTypeType1
    | SearchLocationsInBoundingBoxPowerTypeType2Type1
    | SearchLocationsInBoundingBoxPowerTypeType3Type1
    | Unset = UNSET,
    connector_types: list[str] | None | Unset = UNSET,
    min_kw: float | None | Unset = UNSET,
    max_kw: float | None | Unset = UNSET,
    country: None | str | Unset = UNSET,
) -> Response[BoundingBoxPage | Problem]:
    """Locations inside a box, paged with a continuation token

    Args:
        bottom_left_lat (float):
        bottom_left_lng (float):
        top_right_lat (float):
        top_right_lng (float):
        page_size (int | Unset):  Default: 50.
        continuation_token (None | str | Unset):
        is_available (bool | None | Unset):
        power_type (None | SearchLocationsInBoundingBoxPowerTypeType1 |
            SearchLocationsInBoundingBoxPowerTypeType2Type1 |
            SearchLocationsInBoundingBoxPowerTypeType3Type1 | Unset):
        connector_types (list[str] | None | Unset):
        min_kw (float | None | Unset):
        max_kw (float | None | Unset):
        country (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BoundingBoxPage | Problem]
    """

    kwargs = _get_kwargs(
        bottom_left_lat=bottom_left_lat,
        bottom_left_lng=bottom_left_lng,
        top_right_lat=top_right_lat,
        top_right_lng=top_right_lng,
        page_size=page_size,
        continuation_token=continuation_token,
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
    bottom_left_lat: float,
    bottom_left_lng: float,
    top_right_lat: float,
    top_right_lng: float,
    page_size: int | Unset = 50,
    continuation_token: None | str | Unset = UNSET,
    is_available: bool | None | Unset = UNSET,
    power_type: None
    | SearchLocationsInBoundingBoxPowerTypeType1
    | SearchLocationsInBoundingBoxPowerTypeType2Type1
    | SearchLocationsInBoundingBoxPowerTypeType3Type1
    | Unset = UNSET,
    connector_types: list[str] | None | Unset = UNSET,
    min_kw: float | None | Unset = UNSET,
    max_kw: float | None | Unset = UNSET,
    country: None | str | Unset = UNSET,
) -> BoundingBoxPage | Problem | None:
    """Locations inside a box, paged with a continuation token

    Args:
        bottom_left_lat (float):
        bottom_left_lng (float):
        top_right_lat (float):
        top_right_lng (float):
        page_size (int | Unset):  Default: 50.
        continuation_token (None | str | Unset):
        is_available (bool | None | Unset):
        power_type (None | SearchLocationsInBoundingBoxPowerTypeType1 |
            SearchLocationsInBoundingBoxPowerTypeType2Type1 |
            SearchLocationsInBoundingBoxPowerTypeType3Type1 | Unset):
        connector_types (list[str] | None | Unset):
        min_kw (float | None | Unset):
        max_kw (float | None | Unset):
        country (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BoundingBoxPage | Problem
    """

    return sync_detailed(
        client=client,
        bottom_left_lat=bottom_left_lat,
        bottom_left_lng=bottom_left_lng,
        top_right_lat=top_right_lat,
        top_right_lng=top_right_lng,
        page_size=page_size,
        continuation_token=continuation_token,
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
    bottom_left_lat: float,
    bottom_left_lng: float,
    top_right_lat: float,
    top_right_lng: float,
    page_size: int | Unset = 50,
    continuation_token: None | str | Unset = UNSET,
    is_available: bool | None | Unset = UNSET,
    power_type: None
    | SearchLocationsInBoundingBoxPowerTypeType1
    | SearchLocationsInBoundingBoxPowerTypeType2Type1
    | SearchLocationsInBoundingBoxPowerTypeType3Type1
    | Unset = UNSET,
    connector_types: list[str] | None | Unset = UNSET,
    min_kw: float | None | Unset = UNSET,
    max_kw: float | None | Unset = UNSET,
    country: None | str | Unset = UNSET,
) -> Response[BoundingBoxPage | Problem]:
    """Locations inside a box, paged with a continuation token

    Args:
        bottom_left_lat (float):
        bottom_left_lng (float):
        top_right_lat (float):
        top_right_lng (float):
        page_size (int | Unset):  Default: 50.
        continuation_token (None | str | Unset):
        is_available (bool | None | Unset):
        power_type (None | SearchLocationsInBoundingBoxPowerTypeType1 |
            SearchLocationsInBoundingBoxPowerTypeType2Type1 |
            SearchLocationsInBoundingBoxPowerTypeType3Type1 | Unset):
        connector_types (list[str] | None | Unset):
        min_kw (float | None | Unset):
        max_kw (float | None | Unset):
        country (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BoundingBoxPage | Problem]
    """

    kwargs = _get_kwargs(
        bottom_left_lat=bottom_left_lat,
        bottom_left_lng=bottom_left_lng,
        top_right_lat=top_right_lat,
        top_right_lng=top_right_lng,
        page_size=page_size,
        continuation_token=continuation_token,
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
    bottom_left_lat: float,
    bottom_left_lng: float,
    top_right_lat: float,
    top_right_lng: float,
    page_size: int | Unset = 50,
    continuation_token: None | str | Unset = UNSET,
    is_available: bool | None | Unset = UNSET,
    power_type: None
    | SearchLocationsInBoundingBoxPowerTypeType1
    | SearchLocationsInBoundingBoxPowerTypeType2Type1
    | SearchLocationsInBoundingBoxPowerTypeType3Type1
    | Unset = UNSET,
    connector_types: list[str] | None | Unset = UNSET,
    min_kw: float | None | Unset = UNSET,
    max_kw: float | None | Unset = UNSET,
    country: None | str | Unset = UNSET,
) -> BoundingBoxPage | Problem | None:
    """Locations inside a box, paged with a continuation token

    Args:
        bottom_left_lat (float):
        bottom_left_lng (float):
        top_right_lat (float):
        top_right_lng (float):
        page_size (int | Unset):  Default: 50.
        continuation_token (None | str | Unset):
        is_available (bool | None | Unset):
        power_type (None | SearchLocationsInBoundingBoxPowerTypeType1 |
            SearchLocationsInBoundingBoxPowerTypeType2Type1 |
            SearchLocationsInBoundingBoxPowerTypeType3Type1 | Unset):
        connector_types (list[str] | None | Unset):
        min_kw (float | None | Unset):
        max_kw (float | None | Unset):
        country (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BoundingBoxPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            bottom_left_lat=bottom_left_lat,
            bottom_left_lng=bottom_left_lng,
            top_right_lat=top_right_lat,
            top_right_lng=top_right_lng,
            page_size=page_size,
            continuation_token=continuation_token,
            is_available=is_available,
            power_type=power_type,
            connector_types=connector_types,
            min_kw=min_kw,
            max_kw=max_kw,
            country=country,
        )
    ).parsed
