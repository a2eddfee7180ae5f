"""A small HTTP front placed before localstripe, adding the Stripe behaviour it lacks.

localstripe (a stateful fake Stripe server, run as a separate process) ignores ``Idempotency-Key``, has no
incremental authorisation, reports no ``amount_capturable`` / ``amount_received``, gives declines without a
decline code or their PaymentIntent, and knows only older parameter names. This front, run as a process of
its own (``python -m chargeassist.demo._stripe_front --port N --upstream URL``), makes up for exactly those:

- a POST repeating an ``Idempotency-Key`` gets the stored answer again (a different request under the same
  key: 400 ``idempotency_error``), as Stripe does; concurrent ones wait for the first;
- ``POST /v1/payment_intents/{id}/increment_authorization`` raises the ceiling of a ``requires_capture``
  PaymentIntent created with ``payment_method_options[card][request_incremental_authorization]=if_available``
  (stripped on the way in, remembered here); a capture up to the raised ceiling is taken as the whole
  original hold upstream and reported as the amount asked for;
- PaymentIntents carry ``amount_capturable`` and ``amount_received``; a capture above what is capturable is
  refused with 400 ``amount_too_large`` on ``amount_to_capture``;
- only a ``requires_capture`` PaymentIntent can be captured (localstripe would capture a canceled one);
- a card decline carries ``decline_code`` (``generic_decline`` when upstream gave none) and its PaymentIntent;
- ``allowed_payment_method_types`` is passed on as ``payment_method_types``.

Everything else is forwarded unchanged. Its state lives in its process only; that is all a test needs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx

__all__ = ["StripeFront", "main"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_INCREMENTAL = "payment_method_options[card][request_incremental_authorization]"
_PI_CREATE = re.compile(r"^/v1/payment_intents$")
_PI_CAPTURE = re.compile(r"^/v1/payment_intents/(pi_\w+)/capture$")
_PI_INCREMENT = re.compile(r"^/v1/payment_intents/(pi_\w+)/increment_authorization$")
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "content-encoding"}


@dataclass(slots=True)
class _Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


@dataclass(slots=True)
class _Stored:
    fingerprint: str
    done: asyncio.Event = field(default_factory=asyncio.Event)
    answer: _Answer | None = None


def _error(status: int, kind: str, message: str, **extra: str) -> _Answer:
    body = json.dumps({"error": {"type": kind, "message": message, **extra}}).encode()
    return _Answer(status, [("content-type", "application/json")], body)


class StripeFront:
    """The ASGI app of the front; ``upstream`` is localstripe's base URL."""

    def __init__(self, upstream: str) -> None:
        self._upstream = upstream.rstrip("/")
        self._client: httpx.AsyncClient | None = None
        self._idempotent: dict[tuple[str, str], _Stored] = {}
        self._incremental: set[str] = set()
        self._ceiling: dict[str, int] = {}
        self._received: dict[str, int] = {}

    # --- ASGI ---------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    self._client = httpx.AsyncClient(timeout=30.0)
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    if self._client is not None:
                        await self._client.aclose()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        query = scope.get("query_string", b"").decode("latin-1")
        answer = await self._handle(scope["method"], scope["path"], query, headers, body)
        await send(
            {
                "type": "http.response.start",
                "status": answer.status,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers],
            }
        )
        await send({"type": "http.response.body", "body": answer.body})

    # --- requests -----------------------------------------------------------------------------

    async def _handle(self, method: str, path: str, query: str, headers: list[tuple[str, str]], body: bytes) -> _Answer:
        key = next((v for k, v in headers if k.lower() == "idempotency-key"), None)
        if method != "POST" or not key:
            return await self._dispatch(method, path, query, headers, body)
        account = next((v for k, v in headers if k.lower() == "authorization"), "")
        fingerprint = f"{path}?{query}\n{body.decode('latin-1')}"
        stored = self._idempotent.get((account, key))
        if stored is not None:
            await stored.done.wait()
            if stored.fingerprint != fingerprint:
                return _error(
                    400,
                    "idempotency_error",
                    "Keys for idempotent requests can only be used with the same parameters they were first used with.",
                )
            assert stored.answer is not None
            return _Answer(
                stored.answer.status, [*stored.answer.headers, ("idempotent-replayed", "true")], stored.answer.body
            )
        stored = _Stored(fingerprint)
        self._idempotent[(account, key)] = stored
        try:
            stored.answer = await self._dispatch(method, path, query, headers, body)
        except BaseException:
            # Nothing reached an answer: let a retry with the same key run afresh.
            del self._idempotent[(account, key)]
            raise
        finally:
            stored.done.set()
        return stored.answer

    async def _dispatch(
        self, method: str, path: str, query: str, headers: list[tuple[str, str]], body: bytes
    ) -> _Answer:
        if method == "POST":
            if match := _PI_INCREMENT.match(path):
                return await self._increment(match[1], headers, body)
            if match := _PI_CAPTURE.match(path):
                return await self._capture(match[1], path, headers, body)
            if _PI_CREATE.match(path) or path == "/v1/setup_intents":
                return await self._create(path, headers, body)
        return await self._augmented(method, path, query, headers, body)

    async def _create(self, path: str, headers: list[tuple[str, str]], body: bytes) -> _Answer:
        pairs = parse_qsl(body.decode(), keep_blank_values=True)
        incremental = any(k == _INCREMENTAL and v == "if_available" for k, v in pairs)
        pairs = [
            (k.replace("allowed_payment_method_types", "payment_method_types", 1), v)
            for k, v in pairs
            if k != _INCREMENTAL
        ]
        answer = await self._augmented("POST", path, "", headers, urlencode(pairs).encode())
        if incremental and path == "/v1/payment_intents":
            reference = self._payment_intent_id(answer)
            if reference:
                self._incremental.add(reference)
        return answer

    async def _capture(self, reference: str, path: str, headers: list[tuple[str, str]], body: bytes) -> _Answer:
        current = await self._retrieve(reference, headers)
        if current is None:
            return await self._augmented("POST", path, "", headers, body)
        if current.get("status") != "requires_capture":
            # localstripe would capture even a canceled PaymentIntent; Stripe refuses anything not held.
            return _error(
                400,
                "invalid_request_error",
                f"This PaymentIntent could not be captured because it has a status of {current.get('status')}.",
                code="payment_intent_unexpected_state",
            )
        pairs = parse_qsl(body.decode(), keep_blank_values=True)
        try:
            asked_for = next((int(v) for k, v in pairs if k == "amount_to_capture"), None)
        except ValueError:
            return _error(400, "invalid_request_error", "Invalid integer: amount_to_capture", param="amount_to_capture")
        capturable = int(current.get("amount_capturable") or 0)
        asked = capturable if asked_for is None else asked_for
        if asked > capturable:
            return _error(
                400,
                "invalid_request_error",
                f"The amount to capture ({asked}) must be less than or equal to the amount capturable ({capturable}).",
                code="amount_too_large",
                param="amount_to_capture",
            )
        original = int(current["_original_amount"])
        # Above the original hold (raised by an increment) localstripe can take only the original.
        upstream_amount = min(asked, original)
        forwarded = [(k, v) for k, v in pairs if k != "amount_to_capture"]
        if asked_for is not None or upstream_amount != asked:
            forwarded.append(("amount_to_capture", str(upstream_amount)))
        answer = await self._forward("POST", path, "", headers, urlencode(forwarded).encode())
        if answer.status == 200 and upstream_amount != asked:
            # Only then does localstripe's own record (charge less refund) fall short of what was taken.
            self._received[reference] = asked
        return self._rewrite(answer)

    async def _increment(self, reference: str, headers: list[tuple[str, str]], body: bytes) -> _Answer:
        current = await self._retrieve(reference, headers)
        if current is None:
            return _error(
                404, "invalid_request_error", f"No such payment_intent: '{reference}'", code="resource_missing"
            )
        pairs = dict(parse_qsl(body.decode(), keep_blank_values=True))
        if reference not in self._incremental:
            return _error(
                400,
                "invalid_request_error",
                "This PaymentIntent was not created with request_incremental_authorization.",
                code="incremental_authorization_not_available",
            )
        if current.get("status") != "requires_capture":
            return _error(
                400,
                "invalid_request_error",
                f"This PaymentIntent's status is {current.get('status')}; only requires_capture can be incremented.",
                code="payment_intent_unexpected_state",
            )
        try:
            amount = int(pairs.get("amount", ""))
        except ValueError:
            return _error(400, "invalid_request_error", "Invalid integer: amount", param="amount")
        if amount <= int(current["amount"]):
            return _error(
                400,
                "invalid_request_error",
                "The new amount must be greater than the authorized amount.",
                param="amount",
            )
        self._ceiling[reference] = amount
        refreshed = await self._retrieve(reference, headers)
        return _Answer(200, [("content-type", "application/json")], json.dumps(refreshed).encode())

    # --- upstream -----------------------------------------------------------------------------

    async def _forward(
        self, method: str, path: str, query: str, headers: list[tuple[str, str]], body: bytes
    ) -> _Answer:
        assert self._client is not None
        url = self._upstream + path + (f"?{query}" if query else "")
        sent = [(k, v) for k, v in headers if k.lower() not in _HOP_BY_HOP and k.lower() != "idempotency-key"]
        response = await self._client.request(method, url, headers=sent, content=body)
        kept = [(k, v) for k, v in response.headers.items() if k.lower() not in _HOP_BY_HOP]
        return _Answer(response.status_code, kept, response.content)

    async def _augmented(
        self, method: str, path: str, query: str, headers: list[tuple[str, str]], body: bytes
    ) -> _Answer:
        answer = await self._forward(method, path, query, headers, body)
        if answer.status == 402:
            answer = await self._complete_decline(answer, headers)
        return self._rewrite(answer)

    async def _retrieve(self, reference: str, headers: list[tuple[str, str]]) -> dict[str, Any] | None:
        answer = await self._forward("GET", f"/v1/payment_intents/{reference}", "", headers, b"")
        if answer.status != 200:
            return None
        data: dict[str, Any] = json.loads(answer.body)
        original = int(data["amount"])
        self._augment(data)
        data["_original_amount"] = original
        return data

    async def _complete_decline(self, answer: _Answer, headers: list[tuple[str, str]]) -> _Answer:
        try:
            data = json.loads(answer.body)
            error = data["error"]
        except (ValueError, KeyError, TypeError):
            return answer
        if error.get("code") == "card_declined":
            error.setdefault("type", "card_error")
            if not error.get("decline_code"):
                error["decline_code"] = "generic_decline"
        charge = error.get("charge")
        if isinstance(charge, str) and "payment_intent" not in error:
            found = await self._forward("GET", f"/v1/charges/{charge}", "", headers, b"")
            if found.status == 200:
                reference = json.loads(found.body).get("payment_intent")
                if isinstance(reference, str):
                    intent = await self._retrieve(reference, headers)
                    if intent is not None:
                        intent.pop("_original_amount", None)
                        error["payment_intent"] = intent
        return _Answer(answer.status, answer.headers, json.dumps(data).encode())

    # --- PaymentIntent fields localstripe lacks ----------------------------------------------

    def _rewrite(self, answer: _Answer) -> _Answer:
        try:
            data = json.loads(answer.body)
        except ValueError:
            return answer
        if not isinstance(data, dict):
            return answer
        changed = self._augment(data)
        if isinstance(data.get("data"), list):
            for item in data["data"]:
                changed = self._augment(item) or changed
        if not changed:
            return answer
        return _Answer(answer.status, answer.headers, json.dumps(data).encode())

    def _augment(self, data: Any) -> bool:
        if not isinstance(data, dict) or data.get("object") != "payment_intent":
            return False
        reference = str(data["id"])
        ceiling = self._ceiling.get(reference, int(data["amount"]))
        charge = data.get("latest_charge")
        status = data.get("status")
        data["amount"] = ceiling
        data["amount_capturable"] = ceiling if status == "requires_capture" else 0
        if status == "succeeded" and isinstance(charge, dict):
            refunded = int(charge.get("amount_refunded") or 0)
            data["amount_received"] = self._received.get(reference, int(charge["amount"]) - refunded)
        else:
            data["amount_received"] = 0
        return True

    @staticmethod
    def _payment_intent_id(answer: _Answer) -> str | None:
        try:
            data = json.loads(answer.body)
        except ValueError:
            return None
        if isinstance(data, dict) and data.get("object") == "payment_intent":
            return str(data["id"])
        intent = data.get("error", {}).get("payment_intent") if isinstance(data, dict) else None
        return str(intent["id"]) if isinstance(intent, dict) and "id" in intent else None


def main(argv: list[str] | None = None) -> None:
    """Serve the front on 127.0.0.1:PORT before the localstripe at ``--upstream``."""
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m chargeassist.demo._stripe_front")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True, help="localstripe's base URL, e.g. http://127.0.0.1:8420")
    args = parser.parse_args(argv)
    uvicorn.run(StripeFront(args.upstream), host="127.0.0.1", port=args.port, log_level="warning", lifespan="on")


if __name__ == "__main__":
    main()
