"""The app served over real sockets on a free loopback port, for clients that must talk HTTP to it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from chargeassist.app import create_app
from chargeassist.csms import QuietRefusalWebSocketProtocol
from chargeassist.store import upgrade
from tests.conftest import make_settings

DEMO_PARTNER_KEY = "demo-partner-key"
DEMO_HOTEL_KEY = "demo-hotel-key"
DEMO_OPERATOR_KEY = "demo-operator-key"
HOTEL_LOCATION = "nl-gfx-hotel-amstel"


@contextmanager
def live_server(database_url: str, *, start_timeout_s: float = 60.0, **overrides: Any) -> Iterator[str]:
    """Serve the app (store migrated first; demo data and demo charge points unless ``demo=False``) and yield its
    base URL."""
    upgrade(database_url)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    # In demo mode the demo charge points connect to this server itself.
    settings = {"demo": True, "demo_ocpp_url": f"ws://127.0.0.1:{port}/ocpp"} | overrides
    app = create_app(make_settings(database_url, **settings))
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="on", loop="asyncio", ws=QuietRefusalWebSocketProtocol
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            listener.close()
            raise RuntimeError("the live server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listener.close()
