from typing import Literal

WebhookEndpointResponseEventsItem = Literal[
    "payment.failed", "payment.succeeded", "session.cdr_available", "session.status_changed"
]

WEBHOOK_ENDPOINT_RESPONSE_EVENTS_ITEM_VALUES: set[WebhookEndpointResponseEventsItem] = {
    "payment.failed",
    "payment.succeeded",
    "session.cdr_available",
    "session.status_changed",
}


def check_webhook_endpoint_response_events_item(value: str) -> WebhookEndpointResponseEventsItem:
    if value in WEBHOOK_ENDPOINT_RESPONSE_EVENTS_ITEM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {WEBHOOK_ENDPOINT_RESPONSE_EVENTS_ITEM_VALUES!r}")
