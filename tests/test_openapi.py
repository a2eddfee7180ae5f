"""The committed OpenAPI document is what the app produces, and it declares problem details everywhere."""

from __future__ import annotations

import json
from pathlib import Path

from chargeassist.openapi import export_openapi

COMMITTED = Path(__file__).resolve().parents[1] / "openapi" / "openapi.json"


def test_committed_document_matches_the_app() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == export_openapi(), (
        "openapi/openapi.json is stale: run `chargeassist openapi --output openapi/openapi.json`"
    )


def test_every_operation_has_an_operation_id() -> None:
    document = json.loads(export_openapi())
    missing = [
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if not operation.get("operationId")
    ]
    assert missing == []


def test_every_error_response_is_problem_json() -> None:
    document = json.loads(export_openapi())
    wrong = [
        f"{method.upper()} {path} {status}"
        for path, item in document["paths"].items()
        for method, operation in item.items()
        for status, response in operation["responses"].items()
        if int(status) >= 400 and list(response.get("content", {})) != ["application/problem+json"]
    ]
    assert wrong == []


def test_every_operation_declares_its_server_error() -> None:
    document = json.loads(export_openapi())
    missing = [
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if "500" not in operation["responses"]
    ]
    assert missing == []
