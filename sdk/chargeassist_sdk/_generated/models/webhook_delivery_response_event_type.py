from typing import Literal

WebhookDeliveryResponseEventType = Literal[
    "payment.failed", "payment.succeeded", "session.cdr_available", "session.status_changed"
]

WEBHOOK_DELIVERY_RESPONSE_EVENT_TYPE_VALUES: set[WebhookDeliveryResponseEventType] = {
    "payment.failed",
    "payment.succeeded",
    "session.cdr_available",
    "session.status_changed",
}


def check_webhook_delivery_response_event_type(value: str) -> WebhookDeliveryResponseEventType:
    if value in WEBHOOK_DELIVERY_RESPONSE_EVENT_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {WEBHOOK_DELIVERY_RESPONSE_EVENT_TYPE_VALUES!r}")
