from typing import Literal

WebhookDeliveryResponseStatus = Literal["DELIVERED", "FAILED", "PENDING"]

WEBHOOK_DELIVERY_RESPONSE_STATUS_VALUES: set[WebhookDeliveryResponseStatus] = {
    "DELIVERED",
    "FAILED",
    "PENDING",
}


def check_webhook_delivery_response_status(value: str) -> WebhookDeliveryResponseStatus:
    if value in WEBHOOK_DELIVERY_RESPONSE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {WEBHOOK_DELIVERY_RESPONSE_STATUS_VALUES!r}")
