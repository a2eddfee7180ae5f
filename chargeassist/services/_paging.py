"""Continuation tokens: opaque, signed, and bound to the query they continue."""

from __future__ import annotations

import base64
import hashlib
import hmac

import msgspec

__all__ = ["ContinuationCodec", "InvalidContinuationToken", "position_after"]


class InvalidContinuationToken(ValueError):
    """A token that was forged, damaged, or made for another query."""


class _Payload(msgspec.Struct, array_like=True):
    version: int
    after: tuple[int, ...]
    query: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class ContinuationCodec:
    """Encodes the keyset position (of the last item returned) with an HMAC over it and the query fingerprint."""

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(b"continuation:" + secret.encode()).digest()

    @staticmethod
    def fingerprint(*parts: object) -> str:
        """A short digest of everything that defines a query (including who asks)."""
        return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]

    def encode(self, after: tuple[int, ...], query_fingerprint: str) -> str:
        """A token to continue the query after position ``after``."""
        body = msgspec.msgpack.encode(_Payload(2, after, query_fingerprint))
        mac = hmac.new(self._key, body, hashlib.sha256).digest()[:16]
        return _b64(body) + "." + _b64(mac)

    def decode(self, token: str, query_fingerprint: str) -> tuple[int, ...]:
        """The position in ``token``; InvalidContinuationToken unless it is genuine and for this query."""
        try:
            body_text, mac_text = token.split(".", 1)
            body, mac = _unb64(body_text), _unb64(mac_text)
        except (ValueError, TypeError) as exc:
            raise InvalidContinuationToken("malformed") from exc
        expected = hmac.new(self._key, body, hashlib.sha256).digest()[:16]
        if not hmac.compare_digest(mac, expected):
            raise InvalidContinuationToken("signature does not match")
        try:
            payload = msgspec.msgpack.decode(body, type=_Payload)
        except msgspec.DecodeError as exc:
            raise InvalidContinuationToken("malformed") from exc
        if payload.version != 2 or payload.query != query_fingerprint:
            raise InvalidContinuationToken("made for another query")
        return payload.after


def position_after(codec: ContinuationCodec, token: str, query_fingerprint: str) -> int:
    """The one keyset position a page continues after, or the service's 400 ``invalid_continuation_token``."""
    from ._errors import ServiceError

    try:
        (after,) = codec.decode(token, query_fingerprint)
    except (InvalidContinuationToken, ValueError) as exc:
        raise ServiceError(
            400, "invalid_continuation_token", "continuationToken: not valid for this query", field="continuationToken"
        ) from exc
    return after
