from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.webhook_endpoint_response_events_item import (
    WebhookEndpointResponseEventsItem,
    check_webhook_endpoint_response_events_item,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="WebhookEndpointResponse")


@_attrs_define
class WebhookEndpointResponse:
    """
    Attributes:
        created_date (datetime.datetime):
        events (list[WebhookEndpointResponseEventsItem]):
        id (str):
        updated_date (datetime.datetime):
        url (str):
        secret (None | str | Unset):
    """

    created_date: datetime.datetime
    events: list[WebhookEndpointResponseEventsItem]
    id: str
    updated_date: datetime.datetime
    url: str
    secret: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_date = self.created_date.isoformat()

        events = []
        for events_item_data in self.events:
            events_item: str = events_item_data
            events.append(events_item)

        id = self.id

        updated_date = self.updated_date.isoformat()

        url = self.url

        secret: None | str | Unset
        if isinstance(self.secret, Unset):
            secret = UNSET
        else:
            secret = self.secret

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "createdDate": created_date,
                "events": events,
                "id": id,
                "updatedDate": updated_date,
                "url": url,
            }
        )
        if secret is not UNSET:
            field_dict["secret"] = secret

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_date = datetime.datetime.fromisoformat(d.pop("createdDate"))

        events = []
        _events = d.pop("events")
        for events_item_data in _events:
            events_item = check_webhook_endpoint_response_events_item(events_item_data)

            events.append(events_item)

        id = d.pop("id")

        updated_date = datetime.datetime.fromisoformat(d.pop("updatedDate"))

        url = d.pop("url")

        def _parse_secret(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        secret = _parse_secret(d.pop("secret", UNSET))

        webhook_endpoint_response = cls(
            created_date=created_date,
            events=events,
            id=id,
            updated_date=updated_date,
            url=url,
            secret=secret,
        )

        webhook_endpoint_response.additional_properties = d
        return webhook_endpoint_response

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
