from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.list_sessions_status_type_0_item import (
    ListSessionsStatusType0Item,
)
from ...models.page_session_response import PageSessionResponse
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    app_token: str,
    *,
    status: list[ListSessionsStatusType0Item] | None | Unset = UNSET,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    payment_method_id: None | str | Unset = UNSET,
    page_size: int | Unset = 20,
    continuation_token: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_status: list[str] | None | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, list):
        json_status = []
        for status_type_0_item_data in status:
            status_type_0_item: str = status_type_0_item_data
            json_status.append(status_type_0_item)

    else:
        json_status = status
    params["status"] = json_status

    json_from_: None | str | Unset
    if isinstance(from_, Unset):
        json_from_ = UNSET
    else:
        json_from_ = from_
    params["from"] = json_from_

    json_to: None | str | Unset
    if isinstance(to, Unset):
        json_to = UNSET
    else:
        json_to = to
    params["to"] = json_to

    json_payment_method_id: None | str | Unset
    if isinstance(payment_method_id, Unset):
        json_payment_method_id = UNSET
    else:
        json_payment_method_id = payment_method_id
    params["paymentMethodId"] = json_payment_method_id

    params["pageSize"] = page_size

    json_continuation_token: None | str | Unset
    if isinstance(continuation_token, Unset):
        json_continuation_token = UNSET
    else:
        json_continuation_token = continuation_token
    params["continuationToken"] = json_continuation_token

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/tokens/{app_token}/sessions".format(
            app_token=quote(str(app_token), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageSessionResponse | Problem | None:
    if response.status_code == 200:
        response_200 = PageSessionResponse.from_dict(response.json())

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
) -> Response[PageSessionResponse | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    app_token: str,
    *,
    client: AuthenticatedClient | Client,
    status: list[ListSessionsStatusType0Item] | None | Unset = UNSET,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    payment_method_id: None | str | Unset = UNSET,
    page_size: int | Unset = 20,
    continuation_token: None | str | Unset = UNSET,
) -> Response[PageSessionResponse | Problem]:
    """Session history, newest first

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space
        status (list[ListSessionsStatusType0Item] | None | Unset):
        from_ (None | str | Unset): Sessions requested at or after this time
        to (None | str | Unset): Sessions requested before this time
        payment_method_id (None | str | Unset):
        page_size (int | Unset):  Default: 20.
        continuation_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageSessionResponse | Problem]
    """

    kwargs = _get_kwargs(
        app_token=app_token,
        status=status,
        from_=from_,
        to=to,
        payment_method_id=payment_method_id,
        page_size=page_size,
        continuation_token=continuation_token,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    app_token: str,
    *,
    client: AuthenticatedClient | Client,
    status: list[ListSessionsStatusType0Item] | None | Unset = UNSET,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    payment_method_id: None | str | Unset = UNSET,
    page_size: int | Unset = 20,
    continuation_token: None | str | Unset = UNSET,
) -> PageSessionResponse | Problem | None:
    """Session history, newest first

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space
        status (list[ListSessionsStatusType0Item] | None | Unset):
        from_ (None | str | Unset): Sessions requested at or after this time
        to (None | str | Unset): Sessions requested before this time
        payment_method_id (None | str | Unset):
        page_size (int | Unset):  Default: 20.
        continuation_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageSessionResponse | Problem
    """

    return sync_detailed(
        app_token=app_token,
        client=client,
        status=status,
        from_=from_,
        to=to,
        payment_method_id=payment_method_id,
        page_size=page_size,
        continuation_token=continuation_token,
    ).parsed


async def asyncio_detailed(
    app_token: str,
    *,
    client: AuthenticatedClient | Client,
    status: list[ListSessionsStatusType0Item] | None | Unset = UNSET,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    payment_method_id: None | str | Unset = UNSET,
    page_size: int | Unset = 20,
    continuation_token: None | str | Unset = UNSET,
) -> Response[PageSessionResponse | Problem]:
    """Session history, newest first

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space
        status (list[ListSessionsStatusType0Item] | None | Unset):
        from_ (None | str | Unset): Sessions requested at or after this time
        to (None | str | Unset): Sessions requested before this time
        payment_method_id (None | str | Unset):
        page_size (int | Unset):  Default: 20.
        continuation_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageSessionResponse | Problem]
    """

    kwargs = _get_kwargs(
        app_token=app_token,
        status=status,
        from_=from_,
        to=to,
        payment_method_id=payment_method_id,
        page_size=page_size,
        continuation_token=continuation_token,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    app_token: str,
    *,
    client: AuthenticatedClient | Client,
    status: list[ListSessionsStatusType0Item] | None | Unset = UNSET,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    payment_method_id: None | str | Unset = UNSET,
    page_size: int | Unset = 20,
    continuation_token: None | str | Unset = UNSET,
) -> PageSessionResponse | Problem | None:
    """Session history, newest first

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space
        status (list[ListSessionsStatusType0Item] | None | Unset):
        from_ (None | str | Unset): Sessions requested at or after this time
        to (None | str | Unset): Sessions requested before this time
        payment_method_id (None | str | Unset):
        page_size (int | Unset):  Default: 20.
        continuation_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageSessionResponse | Problem
    """

    return (
        await asyncio_detailed(
            app_token=app_token,
            client=client,
            status=status,
            from_=from_,
            to=to,
            payment_method_id=payment_method_id,
            page_size=page_size,
            continuation_token=continuation_token,
        )
    ).parsed
