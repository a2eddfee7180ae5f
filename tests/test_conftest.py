"""The suite's own rule: a test that needs a missing service or package skips locally and fails under CI=true."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import require_module, require_service

_MISSING_MODULE = "chargeassist_no_such_module"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port  # closed again when the block ends, and nothing listens on it


def test_a_missing_service_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        require_service("Nothing", "127.0.0.1", _closed_port())


def test_a_missing_service_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI needs it"):
        require_service("Nothing", "127.0.0.1", _closed_port())


def test_a_missing_package_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        require_module(_MISSING_MODULE)


def test_a_missing_package_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI needs it"):
        require_module(_MISSING_MODULE)


def test_an_installed_package_is_imported() -> None:
    assert require_module("json").dumps([]) == "[]"
