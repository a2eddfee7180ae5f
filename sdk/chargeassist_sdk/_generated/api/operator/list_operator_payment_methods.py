from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.list_operator_payment_methods_verification_status_type_1 import (
    ListOperatorPaymentMethodsVerificationStatusType1,
)
from ...models.list_operator_payment_methods_verification_status_type_2_type_1 import (
    ListOperatorPaymentMethodsVerificationStatusType2Type1,
)
from ...models.list_operator_payment_methods_verification_status_type_3_type_1 import (
    ListOperatorPaymentMethodsVerificationStatusType3Type1,
)
from ...models.page_card_verification_response import PageCardVerificationResponse
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    verification_status: ListOperatorPaymentMethodsVerificationStatusType1
    | ListOperatorPaymentMethodsVerificationStatusType2Type1
    | ListOperatorPaymentMethodsVerificationStatusType3Type1
    | None
    | Unset = UNSET,
    page_size: int | Unset = 100,
    continuation_token: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_verification_status: None | str | Unset
    if isinstance(verification_status, Unset):
        json_verification_status = UNSET
    elif isinstance(verification_status, str):
        json_verification_status = verification_status
    elif isinstance(verification_status, str):
        json_verification_status = verification_status
    elif isinstance(verification_status, str):
        json_verification_status = verification_status
    else:
        json_verification_status = verification_status
    params["verificationStatus"] = json_verification_status

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
        "url": "/v1/operator/payment-methods",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageCardVerificationResponse | Problem | None:
    if response.status_code == 200:
        response_200 = PageCardVerificationResponse.from_dict(response.json())

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
) -> Response[PageCardVerificationResponse | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    verification_status: ListOperatorPaymentMethodsVerificationStatusType1
    | ListOperatorPaymentMethodsVerificationStatusType2Type1
    | ListOperatorPaymentMethodsVerificationStatusType3Type1
    | None
    | Unset = UNSET,
    page_size: int | Unset = 100,
    continuation_token: None | str | Unset = UNSET,
) -> Response[PageCardVerificationResponse | Problem]:
    """Charge cards in wallets, oldest first (`verificationStatus=PENDING`: those waiting for approval)

    Args:
        verification_status (ListOperatorPaymentMethodsVerificationStatusType1 |
            ListOperatorPaymentMethodsVerificationStatusType2Type1 |
            ListOperatorPaymentMethodsVerificationStatusType3Type1 | None | Unset):
        page_size (int | Unset):  Default: 100.
        continuation_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageCardVerificationResponse | Problem]
    """

    kwargs = _get_kwargs(
        verification_status=verification_status,
        page_size=page_size,
        continuation_token=continuation_token,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    verification_status: ListOperatorPaymentMethodsVerificationStatusType1
    | ListOperatorPaymentMethodsVerificationStatusType2Type1
    | ListOperatorPaymentMethodsVerificationStatusType3Type1
    | None
    | Unset = UNSET,
    page_size: int | Unset = 100,
    continuation_token: None | str | Unset = UNSET,
) -> PageCardVerificationResponse | Problem | None:
    """Charge cards in wallets, oldest first (`verificationStatus=PENDING`: those waiting for approval)

    Args:
        verification_status (ListOperatorPaymentMethodsVerificationStatusType1 |
            ListOperatorPaymentMethodsVerificationStatusType2Type1 |
            ListOperatorPaymentMethodsVerificationStatusType3Type1 | None | Unset):
        page_size (int | Unset):  Default: 100.
        continuation_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageCardVerificationResponse | Problem
    """

    return sync_detailed(
        client=client,
        verification_status=verification_status,
        page_size=page_size,
        continuation_token=continuation_token,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    verification_status: ListOperatorPaymentMethodsVerificationStatusType1
    | ListOperatorPaymentMethodsVerificationStatusType2Type1
    | ListOperatorPaymentMethodsVerificationStatusType3Type1
    | None
    | Unset = UNSET,
    page_size: int | Unset = 100,
    continuation_token: None | str | Unset = UNSET,
) -> Response[PageCardVerificationResponse | Problem]:
    """Charge cards in wallets, oldest first (`verificationStatus=PENDING`: those waiting for approval)

    Args:
        verification_status (ListOperatorPaymentMethodsVerificationStatusType1 |
            ListOperatorPaymentMethodsVerificationStatusType2Type1 |
            ListOperatorPaymentMethodsVerificationStatusType3Type1 | None | Unset):
        page_size (int | Unset):  Default: 100.
        continuation_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageCardVerificationResponse | Problem]
    """

    kwargs = _get_kwargs(
        verification_status=verification_status,
        page_size=page_size,
        continuation_token=continuation_token,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    verification_status: ListOperatorPaymentMethodsVerificationStatusType1
    | ListOperatorPaymentMethodsVerificationStatusType2Type1
    | ListOperatorPaymentMethodsVerificationStatusType3Type1
    | None
    | Unset = UNSET,
    page_size: int | Unset = 100,
    continuation_token: None | str | Unset = UNSET,
) -> PageCardVerificationResponse | Problem | None:
    """Charge cards in wallets, oldest first (`verificationStatus=PENDING`: those waiting for approval)

    Args:
        verification_status (ListOperatorPaymentMethodsVerificationStatusType1 |
            ListOperatorPaymentMethodsVerificationStatusType2Type1 |
            ListOperatorPaymentMethodsVerificationStatusType3Type1 | None | Unset):
        page_size (int | Unset):  Default: 100.
        continuation_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageCardVerificationResponse | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            verification_status=verification_status,
            page_size=page_size,
            continuation_token=continuation_token,
        )
    ).parsed
