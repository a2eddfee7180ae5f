"""Helpers for tests that run the service as a process of its own: a free port, and the command line."""

from __future__ import annotations

import socket
import subprocess
import sys

__all__ = ["free_port", "run_cli"]


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def run_cli(*args: str, env: dict[str, str]) -> str:
    """Run ``chargeassist ARGS...`` with ``env`` and return what it printed (failing the test if it fails)."""
    done = subprocess.run(
        [sys.executable, "-m", "chargeassist.cli", *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout
