from typing import Literal

TriggerMessageCommandRequestedMessage = Literal[
    "BootNotification",
    "DiagnosticsStatusNotification",
    "FirmwareStatusNotification",
    "Heartbeat",
    "MeterValues",
    "StatusNotification",
]

TRIGGER_MESSAGE_COMMAND_REQUESTED_MESSAGE_VALUES: set[TriggerMessageCommandRequestedMessage] = {
    "BootNotification",
    "DiagnosticsStatusNotification",
    "FirmwareStatusNotification",
    "Heartbeat",
    "MeterValues",
    "StatusNotification",
}


def check_trigger_message_command_requested_message(value: str) -> TriggerMessageCommandRequestedMessage:
    if value in TRIGGER_MESSAGE_COMMAND_REQUESTED_MESSAGE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TRIGGER_MESSAGE_COMMAND_REQUESTED_MESSAGE_VALUES!r}")
