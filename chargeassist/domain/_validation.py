"""What a msgspec validation error is about, as (JSON path, reason), for the OCPI parsers."""

from __future__ import annotations

import re

import msgspec

__all__ = ["path_and_reason"]

_MSGSPEC_ERROR = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_MISSING_FIELD = re.compile(r"^Object missing required field `(?P<name>[^`]+)`$")


def path_and_reason(exc: msgspec.ValidationError) -> tuple[str, str]:
    """Split msgspec's "Expected `str`, got `int` - at `$.evses[0].uid`" into ("evses[0].uid", "expected str,
    got int"). A missing field is named in msgspec's message rather than its path (at the object that lacks
    it), so it goes onto the path, which then names what to fix; ``$`` is the document itself."""
    match = _MSGSPEC_ERROR.match(str(exc))
    message = match.group("message") if match else str(exc)
    path = ((match.group("path") or "") if match else "").removeprefix(".")
    missing = _MISSING_FIELD.match(message)
    if missing is not None:
        name = missing.group("name")
        return (f"{path}.{name}" if path else name), "required field is missing"
    reason = message.replace("`", "")
    return path or "$", reason[:1].lower() + reason[1:]
