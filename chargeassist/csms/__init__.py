"""The OCPP 1.6J central system (CSMS): the WebSocket endpoint, one handler per connection, the registry
of connected charge points and the in-process command bus the services send commands through."""

from ._bus import InProcessCommandBus
from ._central import SUBPROTOCOL, CentralSystem
from ._connection import AsgiWebSocket, ConnectionClosedError
from ._handler import CentralChargePoint
from ._registry import ConnectionRegistry
from ._uvicorn import QuietRefusalWebSocketProtocol

__all__ = [
    "SUBPROTOCOL",
    "AsgiWebSocket",
    "CentralChargePoint",
    "CentralSystem",
    "ConnectionClosedError",
    "ConnectionRegistry",
    "InProcessCommandBus",
    "QuietRefusalWebSocketProtocol",
]
