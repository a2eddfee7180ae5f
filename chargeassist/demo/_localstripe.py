"""A local stand-in for Stripe, for the tests and the demo: localstripe behind our own small front.

localstripe (GPL-3.0) is only ever run as a separate server process, ``python -m localstripe``; nothing in
Charge Assist imports it. :mod:`chargeassist.demo._stripe_front` runs in a second process before it and adds
what it lacks (idempotency keys, incremental authorisation). Both outlive any app process a test kills,
so Stripe's records survive a crash of ours, as they would at Stripe.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

__all__ = ["LocalStripe", "LocalStripeError", "localstripe_available", "running_localstripe"]

TEST_SECRET_KEY = "sk_test_chargeassist_local"  # noqa: S105 - localstripe accepts any sk_ key; not a secret
TEST_PUBLISHABLE_KEY = "pk_test_chargeassist_local"


class LocalStripeError(RuntimeError):
    """localstripe or the front did not come up (not installed, port taken, crashed at start)."""


def localstripe_available() -> bool:
    """Whether localstripe is installed (the ``demo`` and ``dev`` extras bring it)."""
    return importlib.util.find_spec("localstripe") is not None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class LocalStripe:
    """localstripe plus the front, as two processes; ``api_base`` is where a Stripe client should point."""

    def __init__(self, *, log_dir: Path | None = None, start_timeout_s: float = 20.0) -> None:
        self._log_dir = log_dir
        self._start_timeout_s = start_timeout_s
        self._processes: list[subprocess.Popen[bytes]] = []
        self.upstream_port = 0
        self.port = 0

    @property
    def api_base(self) -> str:
        """The front's base URL (Stripe's ``api_base``)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def upstream_base(self) -> str:
        """localstripe's own base URL, without the front."""
        return f"http://127.0.0.1:{self.upstream_port}"

    def start(self) -> LocalStripe:
        """Start both processes and wait until the front answers through localstripe."""
        if not localstripe_available():
            raise LocalStripeError("localstripe is not installed: pip install -e '.[demo]'")
        self.upstream_port, self.port = _free_port(), _free_port()
        self._spawn(
            "localstripe", [sys.executable, "-m", "localstripe", "--port", str(self.upstream_port), "--from-scratch"]
        )
        self._wait(self.upstream_base, self._processes[-1])
        self._spawn(
            "stripe-front",
            [
                sys.executable,
                "-m",
                "chargeassist.demo._stripe_front",
                "--port",
                str(self.port),
                "--upstream",
                self.upstream_base,
            ],
        )
        self._wait(self.api_base, self._processes[-1])
        return self

    def stop(self) -> None:
        """Stop both processes (front first), waiting for them to end."""
        for process in reversed(self._processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self._processes.clear()

    def __enter__(self) -> LocalStripe:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _spawn(self, name: str, command: list[str]) -> None:
        output = subprocess.DEVNULL if self._log_dir is None else (self._log_dir / f"{name}.log").open("wb")
        try:
            self._processes.append(subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT))  # noqa: S603
        finally:
            if output is not subprocess.DEVNULL:
                output.close()  # type: ignore[union-attr]

    def _wait(self, base: str, process: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + self._start_timeout_s
        while time.monotonic() < deadline:
            if process.poll() is not None:
                self.stop()
                raise LocalStripeError(f"{process.args!r} ended at start with status {process.returncode}")
            try:
                answer = httpx.get(
                    f"{base}/v1/customers", params={"limit": 1}, headers={"Authorization": f"Bearer {TEST_SECRET_KEY}"}
                )
                if answer.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.stop()
        raise LocalStripeError(f"{base} did not answer within {self._start_timeout_s} s")


@contextmanager
def running_localstripe(*, log_dir: Path | None = None) -> Iterator[LocalStripe]:
    """localstripe and its front for the duration of the block."""
    stand_in = LocalStripe(log_dir=log_dir)
    with stand_in:
        yield stand_in
