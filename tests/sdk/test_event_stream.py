"""Reading server-sent events line by line."""

from __future__ import annotations

from chargeassist_sdk import ServerSentEvent
from chargeassist_sdk._sse import EventDecoder


def decode(*lines: str) -> list[ServerSentEvent]:
    decoder = EventDecoder()
    return [event for line in lines if (event := decoder.feed(line)) is not None]


def test_a_blank_line_ends_an_event() -> None:
    assert decode("event: session", 'data: {"status": "CHARGING"}', "") == [
        ServerSentEvent(event="session", data='{"status": "CHARGING"}')
    ]


def test_data_lines_are_joined_by_newlines() -> None:
    assert decode("data: a", "data: b", "")[0].data == "a\nb"


def test_an_unnamed_event_is_a_message() -> None:
    assert decode("data: x", "")[0].event == "message"


def test_comments_are_keep_alives() -> None:
    assert decode(": ping", "") == []


def test_the_id_and_retry_are_kept() -> None:
    assert decode("id: 7", "retry: 1500", "data: x", "")[0] == ServerSentEvent("message", "x", id="7", retry=1500)


def test_the_event_name_does_not_carry_over() -> None:
    assert [event.event for event in decode("event: session", "data: x", "", "data: y", "")] == ["session", "message"]
