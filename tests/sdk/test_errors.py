"""Errors are one exception tree, read from the problem details of the live server."""

from __future__ import annotations

import pytest

from chargeassist_sdk import APIError, AuthenticationError, ChargeAssist, ChargeAssistError, NotFoundError
from tests.sdk.conftest import NO_RETRIES


def test_an_unknown_key_raises_authentication_error(live_url: str) -> None:
    with (
        ChargeAssist(api_key="not-a-key", base_url=live_url, retry=NO_RETRIES) as client,
        pytest.raises(AuthenticationError) as caught,
    ):
        client.ping()
    assert (caught.value.status, caught.value.code) == (401, "unauthorized")


def test_every_api_error_is_a_charge_assist_error() -> None:
    assert issubclass(NotFoundError, APIError)
    assert issubclass(APIError, ChargeAssistError)


def test_the_error_carries_the_problem_details(sdk: ChargeAssist) -> None:
    with pytest.raises(NotFoundError) as caught:
        sdk.locations.get("nl-gfx-nowhere")
    error = caught.value
    assert (error.status, error.title, error.type, error.instance) == (
        404,
        "Not Found",
        f"urn:chargeassist:problem:{error.code}",
        "/v1/locations/nl-gfx-nowhere",
    )


def test_the_error_carries_the_request_id(live_url: str) -> None:
    headers = {"X-Request-Id": "trace-4711"}
    with (
        ChargeAssist(api_key="x", base_url=live_url, retry=NO_RETRIES, headers=headers) as client,
        pytest.raises(AuthenticationError) as caught,
    ):
        client.ping()
    assert caught.value.request_id == "trace-4711"
    assert "trace-4711" in str(caught.value)


def test_ping_is_true_with_valid_credentials(sdk: ChargeAssist) -> None:
    assert sdk.ping() is True


def test_the_generated_layer_shares_the_error_handling(sdk: ChargeAssist) -> None:
    from chargeassist_sdk._generated.api.tokens import get_app_token

    with pytest.raises(NotFoundError):
        get_app_token.sync_detailed("never-registered", client=sdk.api)
