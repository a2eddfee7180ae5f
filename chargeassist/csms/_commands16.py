"""The bus's commands as OCPP 1.6 CALLs: the action and its camelCase payload."""

from __future__ import annotations

from typing import Any

from chargeassist.bus import (
    ChangeAvailability,
    ChangeConfiguration,
    ChargePointCommand,
    GetConfiguration,
    Reset,
    StartCharging,
    StopCharging,
    TriggerMessage,
    UnlockConnector,
)

__all__ = ["ocpp16_call"]


def ocpp16_call(command: ChargePointCommand) -> tuple[str, dict[str, Any]]:
    """The OCPP 1.6 action and payload that carry ``command``."""
    match command:
        case StartCharging(connector_id=connector_id, id_tag=id_tag):
            return "RemoteStartTransaction", {"connectorId": connector_id, "idTag": id_tag}
        case StopCharging(transaction_id=transaction_id):
            return "RemoteStopTransaction", {"transactionId": transaction_id}
        case Reset(kind=kind):
            return "Reset", {"type": kind}
        case UnlockConnector(connector_id=connector_id):
            return "UnlockConnector", {"connectorId": connector_id}
        case ChangeAvailability(connector_id=connector_id, kind=kind):
            return "ChangeAvailability", {"connectorId": connector_id, "type": kind}
        case TriggerMessage(requested_message=requested_message, connector_id=connector_id):
            payload: dict[str, Any] = {"requestedMessage": requested_message}
            if connector_id is not None:
                payload["connectorId"] = connector_id
            return "TriggerMessage", payload
        case GetConfiguration(keys=keys):
            return "GetConfiguration", ({"key": list(keys)} if keys else {})
        case ChangeConfiguration(key=key, value=value):
            return "ChangeConfiguration", {"key": key, "value": value}
