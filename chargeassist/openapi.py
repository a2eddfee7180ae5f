"""The OpenAPI document, exported the same way for the committed file, the CLI and the drift check."""

from __future__ import annotations

import json

from chargeassist.settings import Settings

__all__ = ["export_openapi"]


def export_openapi() -> str:
    """The app's OpenAPI 3.1 document as stable, pretty JSON (sorted keys, trailing newline)."""
    from chargeassist.app import create_app

    app = create_app(Settings())
    schema = app.openapi_schema.to_schema()
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
