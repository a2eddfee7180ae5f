"""The command bus across processes, on Redis.

Which process holds a charge point is a Redis key (``{prefix}:cp:{id}`` -> node id) with a TTL, refreshed while
the WebSocket is open, so a process that dies stops owning its charge points within the TTL. Each process
listens on a pub/sub channel of its own (``{prefix}:bus:{node id}``); a command for a charge point held
elsewhere is published to its holder's channel and the answer comes back on the sender's. A command for a charge
point held by this process never touches Redis.

Pub/sub rather than a stream: a command is only worth anything while its sender waits (seconds), so one that
finds no listener is better answered ``offline`` at once (PUBLISH says how many received it) than queued for a
process that may never come back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from typing import TYPE_CHECKING, Any

import msgspec
from redis.asyncio import Redis

from ._redis import REDIS_ERRORS, open_redis
from .base import CommandBusUnavailable, HeldConnections
from .commands import ChargePointCommand, CommandOutcome, command_name

if TYPE_CHECKING:
    from chargeassist.settings import BusSettings

__all__ = ["RedisCommandBus"]

_log = logging.getLogger("chargeassist.bus")

# Take the key whoever held it, and say who that was (so the old holder can be told to let go).
_CLAIM = """
local previous = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return previous
"""
# Let go only of our own claim: a newer connection on another process has already replaced it otherwise.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""
# Renew our claims; set the ones Redis lost (it restarted); report, by position, the ones another process took.
_REFRESH = """
local taken = {}
for i, key in ipairs(KEYS) do
  local holder = redis.call('GET', key)
  if holder == false or holder == ARGV[1] then
    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
  else
    taken[#taken + 1] = i
  end
end
return taken
"""
_REFRESH_CHUNK = 500
# A reply can come this much after the holder's own timeout ran out (its CALLERROR or timeout travels back).
_REPLY_MARGIN_S = 1.0


class _Request(msgspec.Struct, frozen=True, kw_only=True, tag="request"):
    request_id: str
    reply_to: str
    charge_point_id: str
    command: ChargePointCommand
    timeout_s: float


class _Reply(msgspec.Struct, frozen=True, kw_only=True, tag="reply"):
    request_id: str
    outcome: CommandOutcome


class _Replaced(msgspec.Struct, frozen=True, kw_only=True, tag="replaced"):
    """The charge point connected to another process: close the connection held here (it is stale)."""

    charge_point_id: str
    by_node: str


_Message = _Request | _Reply | _Replaced
_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(_Message)


class RedisCommandBus:
    """Routes commands to whichever process holds the charge point, through Redis."""

    def __init__(
        self, registry: HeldConnections, bus: BusSettings, *, node_id: str, redis: Redis | None = None
    ) -> None:
        self.registry = registry
        self.node_id = node_id
        self._redis = redis or open_redis(bus)
        self._prefix = bus.key_prefix
        self._ttl_ms = int(bus.presence_ttl_s * 1000)
        self._refresh_s = bus.presence_ttl_s / 3
        self._channel = self._node_channel(node_id)
        self._claim = self._redis.register_script(_CLAIM)
        self._release = self._redis.register_script(_RELEASE)
        self._refresh = self._redis.register_script(_REFRESH)
        self._held: set[str] = set()
        self._pending: dict[str, asyncio.Future[CommandOutcome]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._listener: asyncio.Task[None] | None = None
        self._refresher: asyncio.Task[None] | None = None
        self.listening = asyncio.Event()
        """Set while this process's channel is subscribed (commands from other processes reach it)."""

    def _node_channel(self, node_id: str) -> str:
        return f"{self._prefix}:bus:{node_id}"

    def _presence_key(self, charge_point_id: str) -> str:
        return f"{self._prefix}:cp:{charge_point_id}"

    # --- the services' side ------------------------------------------------------------------------------

    async def send(self, charge_point_id: str, command: ChargePointCommand, *, timeout_s: float) -> CommandOutcome:
        """Send the command to the charge point's holder and wait for the answer (up to ``timeout_s`` and the
        time the answer takes to come back)."""
        connection = self.registry.get(charge_point_id)
        if connection is not None:
            _log.info("%s: sending %s", charge_point_id, command_name(command))
            return await connection.send_command(command, timeout_s)
        holder = await self._holder(charge_point_id)
        if holder is None or holder == self.node_id:
            # Ours but not in the registry: its connection just ended and the release is on its way.
            return CommandOutcome(status="offline")
        request_id = secrets.token_hex(8)
        answer: asyncio.Future[CommandOutcome] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = answer
        try:
            request = _Request(
                request_id=request_id,
                reply_to=self.node_id,
                charge_point_id=charge_point_id,
                command=command,
                timeout_s=timeout_s,
            )
            try:
                receivers = await self._redis.publish(self._node_channel(holder), _encoder.encode(request))
            except REDIS_ERRORS as exc:
                raise CommandBusUnavailable(f"the command bus (Redis) is unavailable: {exc}") from None
            if not receivers:
                # The holder is gone without letting go (killed): its claim is stale, drop it so nobody waits on it.
                _log.info("%s: its holder %s is gone; the charge point is offline", charge_point_id, holder)
                with contextlib.suppress(*REDIS_ERRORS):
                    await self._release(keys=[self._presence_key(charge_point_id)], args=[holder])
                return CommandOutcome(status="offline")
            _log.info("%s: sending %s through %s", charge_point_id, command_name(command), holder)
            try:
                async with asyncio.timeout(timeout_s + _REPLY_MARGIN_S):
                    return await answer
            except TimeoutError:
                return CommandOutcome(status="timeout")
        finally:
            self._pending.pop(request_id, None)

    async def is_connected(self, charge_point_id: str) -> bool:
        """Whether this or another process holds the charge point's WebSocket now."""
        if self.registry.get(charge_point_id) is not None:
            return True
        holder = await self._holder(charge_point_id)
        return holder is not None and holder != self.node_id

    async def _holder(self, charge_point_id: str) -> str | None:
        try:
            raw: bytes | None = await self._redis.get(self._presence_key(charge_point_id))
        except REDIS_ERRORS as exc:
            raise CommandBusUnavailable(f"the command bus (Redis) is unavailable: {exc}") from None
        return raw.decode() if raw is not None else None

    # --- the central system's side -----------------------------------------------------------------------

    async def held(self, charge_point_id: str) -> None:
        """Record that this process holds the charge point; a previous holder elsewhere is told to let go."""
        self._held.add(charge_point_id)
        try:
            previous = await self._claim(keys=[self._presence_key(charge_point_id)], args=[self.node_id, self._ttl_ms])
            if previous is not None and previous.decode() != self.node_id:
                replaced = _Replaced(charge_point_id=charge_point_id, by_node=self.node_id)
                await self._redis.publish(self._node_channel(previous.decode()), _encoder.encode(replaced))
        except REDIS_ERRORS as exc:
            # The connection stands; the refresher records it once Redis answers again.
            _log.warning("%s: could not record its connection on the command bus: %s", charge_point_id, exc)

    async def released(self, charge_point_id: str) -> None:
        """Forget the charge point, unless a newer connection elsewhere holds it already."""
        self._held.discard(charge_point_id)
        try:
            await self._release(keys=[self._presence_key(charge_point_id)], args=[self.node_id])
        except REDIS_ERRORS as exc:
            _log.warning("%s: could not clear its connection on the command bus (it expires): %s", charge_point_id, exc)

    # --- lifecycle ---------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on this process's channel and keep the claims fresh. Redis need not be up yet: both loops wait
        for it, so a process starts during an outage and joins the bus when it ends."""
        self._listener = asyncio.create_task(self._listen(), name="command-bus-listener")
        self._refresher = asyncio.create_task(self._keep_claims(), name="command-bus-presence")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(2.0):
                await self.listening.wait()

    async def stop(self) -> None:
        """Stop listening, let go of every claim still held, close the client."""
        for task in (self._listener, self._refresher, *self._tasks):
            if task is not None:
                task.cancel()
        for task in (self._listener, self._refresher, *self._tasks):
            if task is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._listener = self._refresher = None
        for charge_point_id in list(self._held):
            await self.released(charge_point_id)
        for answer in self._pending.values():
            if not answer.done():
                answer.set_result(CommandOutcome(status="offline"))
        await self._redis.aclose()

    async def _listen(self) -> None:
        backoff_s = 0.1
        outage = False
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self._channel)
                self.listening.set()
                if outage:
                    _log.warning("command bus: Redis answers again; this process listens for commands once more")
                    outage = False
                    await self._refresh_claims()
                backoff_s = 0.1
                while True:
                    message = await pubsub.get_message(timeout=1.0)
                    if message is not None and message.get("type") == "message":
                        self._dispatch(message["data"])
            except REDIS_ERRORS as exc:
                self.listening.clear()
                if not outage:
                    _log.warning("command bus: lost Redis (%s); commands from other processes wait for it", exc)
                    outage = True
                self._fail_pending()
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
            await asyncio.sleep(backoff_s)
            backoff_s = min(backoff_s * 2, 2.0)

    def _fail_pending(self) -> None:
        # The answers to commands sent elsewhere would have come on the channel just lost.
        for answer in self._pending.values():
            if not answer.done():
                answer.set_exception(CommandBusUnavailable("the command bus (Redis) went away before the answer"))

    def _dispatch(self, data: Any) -> None:
        try:
            message = _decoder.decode(data)
        except msgspec.DecodeError:
            _log.warning("command bus: dropped a message that is not one of ours")
            return
        if isinstance(message, _Reply):
            answer = self._pending.get(message.request_id)
            if answer is not None and not answer.done():
                answer.set_result(message.outcome)
            return
        task = asyncio.create_task(self._serve(message), name="command-bus-serve")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _serve(self, message: _Request | _Replaced) -> None:
        connection = self.registry.get(message.charge_point_id)
        if isinstance(message, _Replaced):
            if connection is not None:
                _log.info("%s: connected to %s; closing the connection here", message.charge_point_id, message.by_node)
                self._held.discard(message.charge_point_id)
                await connection.close("replaced by a newer connection of the same charge point")
            return
        if connection is None:
            outcome = CommandOutcome(status="offline")
        else:
            _log.info("%s: sending %s for %s", message.charge_point_id, command_name(message.command), message.reply_to)
            try:
                outcome = await connection.send_command(message.command, message.timeout_s)
            except Exception as exc:
                # The sender waits for an answer: a command the connection refuses (invalid) is one too.
                _log.exception("%s: %s failed", message.charge_point_id, command_name(message.command))
                outcome = CommandOutcome(status="call_error", error_code="InternalError", error_description=str(exc))
        reply = _Reply(request_id=message.request_id, outcome=outcome)
        try:
            await self._redis.publish(self._node_channel(message.reply_to), _encoder.encode(reply))
        except REDIS_ERRORS as exc:
            _log.warning("%s: the answer could not be sent back: %s", message.charge_point_id, exc)

    async def _keep_claims(self) -> None:
        failing = False
        while True:
            await asyncio.sleep(self._refresh_s)
            try:
                await self._refresh_claims()
                failing = False
            except REDIS_ERRORS as exc:
                if not failing:
                    _log.warning("command bus: could not refresh this process's charge points: %s", exc)
                    failing = True

    async def _refresh_claims(self) -> None:
        held = list(self._held)
        for start in range(0, len(held), _REFRESH_CHUNK):
            chunk = held[start : start + _REFRESH_CHUNK]
            taken = await self._refresh(keys=[self._presence_key(c) for c in chunk], args=[self.node_id, self._ttl_ms])
            for position in taken or ():
                charge_point_id = chunk[int(position) - 1]
                connection = self.registry.get(charge_point_id)
                self._held.discard(charge_point_id)
                if connection is not None:
                    _log.info("%s: held by another process now; closing the connection here", charge_point_id)
                    await connection.close("replaced by a newer connection of the same charge point")
