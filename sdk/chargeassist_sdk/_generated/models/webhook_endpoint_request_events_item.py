from typing import Literal

WebhookEndpointRequestEventsItem = Literal[
    "payment.failed", "payment.succeeded", "session.cdr_available", "session.status_changed"
]

WEBHOOK_ENDPOINT_REQUEST_EVENTS_ITEM_VALUES: set[WebhookEndpointRequestEventsItem] = {
    "payment.failed",
    "payment.succeeded",
    "session.cdr_available",
    "session.status_changed",
}


def check_webhook_endpoint_request_events_item(value: str) -> WebhookEndpointRequestEventsItem:
    if value in WEBHOOK_ENDPOINT_REQUEST_EVENTS_ITEM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {WEBHOOK_ENDPOINT_REQUEST_EVENTS_ITEM_VALUES!r}")
