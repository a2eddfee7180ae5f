"""Reading a ``text/event-stream`` (server-sent events) line by line."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EventDecoder", "ServerSentEvent"]


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    """One event: its type (``message`` unless named), data lines joined by newlines, and id."""

    event: str
    data: str
    id: str | None = None
    retry: int | None = None


class EventDecoder:
    """Feeds lines (without their line ending) and hands back each complete event, as the HTML standard reads them."""

    def __init__(self) -> None:
        self._event = ""
        self._data: list[str] = []
        self._id: str | None = None
        self._retry: int | None = None

    def feed(self, line: str) -> ServerSentEvent | None:
        """The event that ``line`` completes, if it is the blank line ending one with data."""
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None  # a comment: keep-alive
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        elif name == "id" and "\0" not in value:
            self._id = value
        elif name == "retry" and value.isdigit():
            self._retry = int(value)
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        if not self._data:
            self._event = ""
            return None
        event = ServerSentEvent(
            event=self._event or "message", data="\n".join(self._data), id=self._id, retry=self._retry
        )
        self._event, self._data = "", []
        return event
