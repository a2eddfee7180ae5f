"""Retries, Retry-After, idempotency keys and timeouts, against a stand-in server that fails on purpose."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from chargeassist_sdk import (
    APIConnectionError,
    APITimeoutError,
    AsyncChargeAssist,
    AuthenticationError,
    ChargeAssist,
    RateLimitError,
    RetryPolicy,
    ServerError,
)
from tests.sdk._standin import Reply, StandIn, problem, stand_in

FAST = RetryPolicy(max_retries=2, backoff_base=0.02, backoff_max=0.05)
PING = "/v1/ping"
PONG = Reply(200, {"pong": True})
QR = "/v1/qr"
QR_ANSWER = Reply(200, {"valid": False, "url": "x"})


@pytest.fixture
def server() -> Iterator[StandIn]:
    with stand_in() as running:
        yield running


def client_of(server: StandIn, retry: RetryPolicy = FAST, timeout: float = 10.0) -> ChargeAssist:
    return ChargeAssist(api_key="key", base_url=server.url, retry=retry, timeout=timeout)


def test_a_server_error_is_retried(server: StandIn) -> None:
    server.script("GET", PING, problem(503, "unavailable"), PONG)
    with client_of(server) as client:
        assert client.ping() is True
    assert len(server.requests_to(PING)) == 2


def test_the_last_server_error_is_raised_when_retries_run_out(server: StandIn) -> None:
    server.script("GET", PING, problem(500, "internal_error"))
    with client_of(server) as client, pytest.raises(ServerError) as caught:
        client.ping()
    assert (caught.value.status, len(server.requests_to(PING))) == (500, 3)


def test_not_implemented_is_not_retried(server: StandIn) -> None:
    server.script("GET", PING, problem(501, "not_implemented"))
    with client_of(server) as client, pytest.raises(ServerError):
        client.ping()
    assert len(server.requests_to(PING)) == 1


def test_a_client_error_is_not_retried(server: StandIn) -> None:
    server.script("GET", PING, problem(401, "unauthorized"))
    with client_of(server) as client, pytest.raises(AuthenticationError):
        client.ping()
    assert len(server.requests_to(PING)) == 1


def test_retry_after_is_honoured(server: StandIn) -> None:
    server.script("GET", PING, problem(429, "rate_limited", **{"Retry-After": "1"}), PONG)
    with client_of(server) as client:
        client.ping()
    first, second = server.requests_to(PING)
    assert second.at - first.at >= 1.0


def test_a_retry_after_beyond_the_limit_raises_at_once(server: StandIn) -> None:
    server.script("GET", PING, problem(429, "rate_limited", **{"Retry-After": "3600"}), PONG)
    with client_of(server) as client, pytest.raises(RateLimitError) as caught:
        client.ping()
    assert (caught.value.retry_after, len(server.requests_to(PING))) == (3600.0, 1)


def test_retries_wait_longer_each_time(server: StandIn) -> None:
    policy = RetryPolicy(max_retries=2, backoff_base=0.2, backoff_max=1.0)
    server.script("GET", PING, problem(502, "bad_gateway"), problem(502, "bad_gateway"), PONG)
    with client_of(server, policy) as client:
        client.ping()
    first, second, third = (seen.at for seen in server.requests_to(PING))
    assert 0.1 <= second - first < third - second


def test_no_retries_when_switched_off(server: StandIn) -> None:
    server.script("GET", PING, problem(503, "unavailable"), PONG)
    with client_of(server, RetryPolicy(max_retries=0)) as client, pytest.raises(ServerError):
        client.ping()


def test_a_dropped_connection_is_retried(server: StandIn) -> None:
    server.script("GET", PING, Reply(drop=True), PONG)
    with client_of(server) as client:
        assert client.ping() is True


def test_an_unreachable_server_raises_connection_error() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with (
        ChargeAssist(api_key="key", base_url=f"http://127.0.0.1:{port}", retry=FAST) as client,
        pytest.raises(APIConnectionError, match="3 tries"),
    ):
        client.ping()


def test_a_slow_answer_raises_timeout_error(server: StandIn) -> None:
    server.script("GET", PING, Reply(200, {"pong": True}, delay_s=0.5))
    with client_of(server, RetryPolicy(max_retries=0), timeout=0.1) as client, pytest.raises(APITimeoutError):
        client.ping()


def test_a_post_carries_an_idempotency_key(server: StandIn) -> None:
    server.script("POST", QR, QR_ANSWER)
    with client_of(server) as client:
        client.qr.parse("x")
    (seen,) = server.requests_to(QR)
    assert len(seen.headers["idempotency-key"]) >= 32


def test_a_retried_post_keeps_its_idempotency_key(server: StandIn) -> None:
    server.script("POST", QR, problem(503, "unavailable"), Reply(drop=True), QR_ANSWER)
    with client_of(server) as client:
        client.qr.parse("x")
    keys = {seen.headers["idempotency-key"] for seen in server.requests_to(QR)}
    assert len(server.requests_to(QR)) == 3
    assert len(keys) == 1


def test_each_post_has_its_own_idempotency_key(server: StandIn) -> None:
    server.script("POST", QR, QR_ANSWER)
    with client_of(server) as client:
        client.qr.parse("x")
        client.qr.parse("x")
    first, second = (seen.headers["idempotency-key"] for seen in server.requests_to(QR))
    assert first != second


def test_a_get_carries_no_idempotency_key(server: StandIn) -> None:
    server.script("GET", PING, PONG)
    with client_of(server) as client:
        client.ping()
    assert "idempotency-key" not in server.requests_to(PING)[0].headers


async def test_the_async_client_retries_too(server: StandIn) -> None:
    server.script("GET", PING, problem(503, "unavailable"), Reply(drop=True), PONG)
    async with AsyncChargeAssist(api_key="key", base_url=server.url, retry=FAST) as client:
        assert await client.ping() is True
    assert len(server.requests_to(PING)) == 3


async def test_the_async_client_honours_retry_after(server: StandIn) -> None:
    server.script("GET", PING, problem(429, "rate_limited", **{"Retry-After": "1"}), PONG)
    async with AsyncChargeAssist(api_key="key", base_url=server.url, retry=FAST) as client:
        await client.ping()
    first, second = server.requests_to(PING)
    assert second.at - first.at >= 1.0


async def test_the_async_client_raises_rate_limit_when_retries_run_out(server: StandIn) -> None:
    server.script("GET", PING, problem(429, "rate_limited", **{"Retry-After": "0"}))
    async with AsyncChargeAssist(api_key="key", base_url=server.url, retry=FAST) as client:
        with pytest.raises(RateLimitError):
            await client.ping()
    assert len(server.requests_to(PING)) == 3
