"""Wire structs of webhook endpoints and deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from chargeassist.services._webhooks import DeliveryView, EndpointView

__all__ = [
    "WebhookDeliveryResponse",
    "WebhookEndpointRequest",
    "WebhookEndpointResponse",
    "delivery_response",
    "endpoint_response",
]

WebhookEventType = Literal["session.status_changed", "session.cdr_available", "payment.succeeded", "payment.failed"]


class WebhookEndpointRequest(msgspec.Struct, kw_only=True, rename="camel"):
    """Where to send which events."""

    url: Annotated[str, msgspec.Meta(min_length=1, max_length=2048)]
    """An http(s) URL on a public address; it is POSTed each event, signed, and must answer 2xx."""
    events: Annotated[list[WebhookEventType], msgspec.Meta(min_length=1, max_length=4)]
    """The event types to receive."""


class WebhookEndpointResponse(msgspec.Struct, kw_only=True, rename="camel", omit_defaults=True):
    """A webhook endpoint. ``secret`` only in the answer that created it (or rotated it): keep it then."""

    id: str
    url: str
    events: list[WebhookEventType]
    created_date: datetime
    updated_date: datetime
    secret: str | None = None
    """The signing secret of ``Charge-Assist-Signature``; shown once."""


class WebhookDeliveryResponse(msgspec.Struct, kw_only=True, rename="camel"):
    """One event sent (or to be sent) to one endpoint."""

    id: str
    endpoint_id: str
    event_id: str
    event_type: WebhookEventType
    status: Literal["PENDING", "DELIVERED", "FAILED"]
    """PENDING until answered 2xx (DELIVERED) or until retries end after 3 days (FAILED)."""
    attempts: int
    created_date: datetime
    next_attempt_at: datetime | None = None
    last_attempt_at: datetime | None = None
    last_status_code: int | None = None
    """The HTTP status of the last answer; null when there was none (no connection, timeout)."""
    last_error: str | None = None
    delivered_at: datetime | None = None


def endpoint_response(view: EndpointView) -> WebhookEndpointResponse:
    """The wire form of an endpoint."""
    return WebhookEndpointResponse(
        id=view.endpoint_id,
        url=view.url,
        events=list(view.events),  # type: ignore[arg-type]  # stored types are the known ones
        created_date=view.created_at,
        updated_date=view.updated_at,
        secret=view.secret,
    )


def delivery_response(view: DeliveryView) -> WebhookDeliveryResponse:
    """The wire form of a delivery."""
    return WebhookDeliveryResponse(
        id=view.id,
        endpoint_id=view.endpoint_id,
        event_id=view.event_id,
        event_type=view.event_type,  # type: ignore[arg-type]  # stored types are the known ones
        status=view.status,  # type: ignore[arg-type]  # stored statuses are the known ones
        attempts=view.attempts,
        created_date=view.created_at,
        next_attempt_at=view.next_attempt_at,
        last_attempt_at=view.last_attempt_at,
        last_status_code=view.last_status_code,
        last_error=view.last_error,
        delivered_at=view.delivered_at,
    )
