"""Session history refuses times it cannot compare: naive, malformed, or with no UTC form."""

from __future__ import annotations

import pytest

from tests.api._helpers import Client, assert_problem, error_fields, register_token
from tests.conftest import bearer


@pytest.mark.parametrize(
    ("name", "value"),
    [("from", "0001-01-01T00:00:00+14:00"), ("to", "9999-12-31T23:59:59-14:00")],
    ids=["from-before-year-1", "to-after-year-9999"],
)
async def test_a_time_without_a_utc_form_is_400(client: Client, partner_key: str, name: str, value: str) -> None:
    await register_token(client, partner_key, "driver-1")
    response = await client.get("/v1/tokens/driver-1/sessions", params={name: value}, headers=bearer(partner_key))
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == [name]


async def test_the_earliest_utc_time_is_read(client: Client, partner_key: str) -> None:
    await register_token(client, partner_key, "driver-1")
    response = await client.get(
        "/v1/tokens/driver-1/sessions", params={"from": "0001-01-01T00:00:00Z"}, headers=bearer(partner_key)
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"] == []
