"""The OCPP 1.6J central system (CSMS): the WebSocket endpoint, one handler per connection and the registry
of the charge points connected to this process, which the command bus (``chargeassist.bus``) delivers to."""

from ._central import SUBPROTOCOL, CentralSystem, new_node_id
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
    "QuietRefusalWebSocketProtocol",
    "new_node_id",
]
