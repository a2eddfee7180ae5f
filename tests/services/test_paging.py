"""Continuation tokens are opaque, signed and bound to their query."""

from __future__ import annotations

import pytest

from chargeassist.services import ContinuationCodec, InvalidContinuationToken


def test_token_round_trips() -> None:
    codec = ContinuationCodec("secret")
    assert codec.decode(codec.encode((7, 42), "query-a"), "query-a") == (7, 42)


def test_token_for_another_query_is_refused() -> None:
    codec = ContinuationCodec("secret")
    with pytest.raises(InvalidContinuationToken):
        codec.decode(codec.encode((7, 42), "query-a"), "query-b")


def test_token_signed_with_another_secret_is_refused() -> None:
    token = ContinuationCodec("other").encode((7, 42), "query-a")
    with pytest.raises(InvalidContinuationToken):
        ContinuationCodec("secret").decode(token, "query-a")


def test_tampered_token_is_refused() -> None:
    codec = ContinuationCodec("secret")
    _body, mac = codec.encode((7, 42), "query-a").split(".")
    forged = codec.encode((7, 99), "query-a").split(".")[0] + "." + mac
    with pytest.raises(InvalidContinuationToken):
        codec.decode(forged, "query-a")


@pytest.mark.parametrize("garbage", ["", ".", "abc", "a.b.c", "%%%.%%%", "x" * 300])
def test_garbage_is_refused(garbage: str) -> None:
    with pytest.raises(InvalidContinuationToken):
        ContinuationCodec("secret").decode(garbage, "query-a")
