from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.start_session_request import StartSessionRequest
from ...models.start_session_response import StartSessionResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    app_token: str,
    *,
    body: StartSessionRequest,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/tokens/{app_token}/sessions".format(
            app_token=quote(str(app_token), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | StartSessionResponse | None:
    if response.status_code == 201:
        response_201 = StartSessionResponse.from_dict(response.json())

        return response_201

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

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

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
) -> Response[Problem | StartSessionResponse]:
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
    body: StartSessionRequest,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Problem | StartSessionResponse]:
    """Start charging: answers at once, the charge point is asked in the background

     Refusals, each with its `code`: `payment_method_not_in_wallet` and `payment_method_not_valid`,
    `payment_method_not_supported` (422); `payment_declined` (402, with the card issuer's `declineCode`;
    no session is created), `failed_payment_outstanding` (402: a Stripe start while the token owes a
    failed payment); `location_not_found` (also for a closed-loop location of other partners),
    `evse_not_found`, `connector_not_found` (404); `evse_not_remote_startable`,
    `session_already_active`, `evse_not_available`, `idempotency_key_reused` (409);
    `charge_point_offline`, `payment_provider_unavailable`, `command_bus_unavailable` (503). With an
    `Idempotency-Key` the same key returns the same session.

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space
        idempotency_key (None | str | Unset): Makes retries safe: a repeated key returns the
            session it created.
        body (StartSessionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | StartSessionResponse]
    """

    kwargs = _get_kwargs(
        app_token=app_token,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    app_token: str,
    *,
    client: AuthenticatedClient | Client,
    body: StartSessionRequest,
    idempotency_key: None | str | Unset = UNSET,
) -> Problem | StartSessionResponse | None:
    """Start charging: answers at once, the charge point is asked in the background

     Refusals, each with its `code`: `payment_method_not_in_wallet` and `payment_method_not_valid`,
    `payment_method_not_supported` (422); `payment_declined` (402, with the card issuer's `declineCode`;
    no session is created), `failed_payment_outstanding` (402: a Stripe start while the token owes a
    failed payment); `location_not_found` (also for a closed-loop location of other partners),
    `evse_not_found`, `connector_not_found` (404); `evse_not_remote_startable`,
    `session_already_active`, `evse_not_available`, `idempotency_key_reused` (409);
    `charge_point_offline`, `payment_provider_unavailable`, `command_bus_unavailable` (503). With an
    `Idempotency-Key` the same key returns the same session.

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space
        idempotency_key (None | str | Unset): Makes retries safe: a repeated key returns the
            session it created.
        body (StartSessionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | StartSessionResponse
    """

    return sync_detailed(
        app_token=app_token,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    app_token: str,
    *,
    client: AuthenticatedClient | Client,
    body: StartSessionRequest,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Problem | StartSessionResponse]:
    """Start charging: answers at once, the charge point is asked in the background

     Refusals, each with its `code`: `payment_method_not_in_wallet` and `payment_method_not_valid`,
    `payment_method_not_supported` (422); `payment_declined` (402, with the card issuer's `declineCode`;
    no session is created), `failed_payment_outstanding` (402: a Stripe start while the token owes a
    failed payment); `location_not_found` (also for a closed-loop location of other partners),
    `evse_not_found`, `connector_not_found` (404); `evse_not_remote_startable`,
    `session_already_active`, `evse_not_available`, `idempotency_key_reused` (409);
    `charge_point_offline`, `payment_provider_unavailable`, `command_bus_unavailable` (503). With an
    `Idempotency-Key` the same key returns the same session.

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space
        idempotency_key (None | str | Unset): Makes retries safe: a repeated key returns the
            session it created.
        body (StartSessionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | StartSessionResponse]
    """

    kwargs = _get_kwargs(
        app_token=app_token,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    app_token: str,
    *,
    client: AuthenticatedClient | Client,
    body: StartSessionRequest,
    idempotency_key: None | str | Unset = UNSET,
) -> Problem | StartSessionResponse | None:
    """Start charging: answers at once, the charge point is asked in the background

     Refusals, each with its `code`: `payment_method_not_in_wallet` and `payment_method_not_valid`,
    `payment_method_not_supported` (422); `payment_declined` (402, with the card issuer's `declineCode`;
    no session is created), `failed_payment_outstanding` (402: a Stripe start while the token owes a
    failed payment); `location_not_found` (also for a closed-loop location of other partners),
    `evse_not_found`, `connector_not_found` (404); `evse_not_remote_startable`,
    `session_already_active`, `evse_not_available`, `idempotency_key_reused` (409);
    `charge_point_offline`, `payment_provider_unavailable`, `command_bus_unavailable` (503). With an
    `Idempotency-Key` the same key returns the same session.

    Args:
        app_token (str): The app token: any opaque string, without control characters and not only
            white space
        idempotency_key (None | str | Unset): Makes retries safe: a repeated key returns the
            session it created.
        body (StartSessionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | StartSessionResponse
    """

    return (
        await asyncio_detailed(
            app_token=app_token,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
