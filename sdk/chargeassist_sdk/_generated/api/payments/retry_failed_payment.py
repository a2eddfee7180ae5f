from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.failed_payment_response import FailedPaymentResponse
from ...models.problem import Problem
from ...models.retry_payment_request import RetryPaymentRequest
from ...types import Response


def _get_kwargs(
    app_token: str,
    failed_payment_id: str,
    *,
    body: None | RetryPaymentRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/tokens/{app_token}/failed-payments/{failed_payment_id}/retry".format(
            app_token=quote(str(app_token), safe=""),
            failed_payment_id=quote(str(failed_payment_id), safe=""),
        ),
    }

    if isinstance(body, RetryPaymentRequest):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> FailedPaymentResponse | Problem | None:
    if response.status_code == 200:
        response_200 = FailedPaymentResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 402:
        response_402 = Problem.from_dict(response.json())

        return response_402

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

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[FailedPaymentResponse | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    app_token: str,
    failed_payment_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: None | RetryPaymentRequest,
) -> Response[FailedPaymentResponse | Problem]:
    """Pay a failed payment now, with its card or another Stripe card of the wallet

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space
        failed_payment_id (str):
        body (None | RetryPaymentRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FailedPaymentResponse | Problem]
    """

    kwargs = _get_kwargs(
        app_token=app_token,
        failed_payment_id=failed_payment_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    app_token: str,
    failed_payment_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: None | RetryPaymentRequest,
) -> FailedPaymentResponse | Problem | None:
    """Pay a failed payment now, with its card or another Stripe card of the wallet

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space
        failed_payment_id (str):
        body (None | RetryPaymentRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FailedPaymentResponse | Problem
    """

    return sync_detailed(
        app_token=app_token,
        failed_payment_id=failed_payment_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    app_token: str,
    failed_payment_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: None | RetryPaymentRequest,
) -> Response[FailedPaymentResponse | Problem]:
    """Pay a failed payment now, with its card or another Stripe card of the wallet

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space
        failed_payment_id (str):
        body (None | RetryPaymentRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FailedPaymentResponse | Problem]
    """

    kwargs = _get_kwargs(
        app_token=app_token,
        failed_payment_id=failed_payment_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    app_token: str,
    failed_payment_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: None | RetryPaymentRequest,
) -> FailedPaymentResponse | Problem | None:
    """Pay a failed payment now, with its card or another Stripe card of the wallet

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space
        failed_payment_id (str):
        body (None | RetryPaymentRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FailedPaymentResponse | Problem
    """

    return (
        await asyncio_detailed(
            app_token=app_token,
            failed_payment_id=failed_payment_id,
            client=client,
            body=body,
        )
    ).parsed
