"""How a client is configured: credentials and base URL from arguments or the environment."""

from __future__ import annotations

import pytest

from chargeassist_sdk import DEFAULT_BASE_URL, ChargeAssist


def test_a_key_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHARGEASSIST_API_KEY", raising=False)
    with pytest.raises(ValueError, match="api_key"):
        ChargeAssist()


def test_the_key_and_base_url_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHARGEASSIST_API_KEY", "from-env")
    monkeypatch.setenv("CHARGEASSIST_BASE_URL", "https://charge.example.test/")
    with ChargeAssist() as client:
        assert client.base_url == "https://charge.example.test"


def test_the_base_url_defaults_to_a_local_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHARGEASSIST_BASE_URL", raising=False)
    with ChargeAssist(api_key="key") as client:
        assert client.base_url == DEFAULT_BASE_URL


def test_the_key_travels_as_a_bearer_token() -> None:
    with ChargeAssist(api_key="secret-key") as client:
        assert client.api.get_httpx_client().headers["authorization"] == "Bearer secret-key"


def test_timeouts_are_on_by_default() -> None:
    with ChargeAssist(api_key="key") as client:
        assert client.api.get_httpx_client().timeout.read == 30.0
