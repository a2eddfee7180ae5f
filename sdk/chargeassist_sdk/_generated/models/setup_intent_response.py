from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SetupIntentResponse")


@_attrs_define
class SetupIntentResponse:
    """
    Attributes:
        client_secret (str):
        customer_id (str):
        publishable_key (str):
    """

    client_secret: str
    customer_id: str
    publishable_key: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        client_secret = self.client_secret

        customer_id = self.customer_id

        publishable_key = self.publishable_key

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "clientSecret": client_secret,
                "customerId": customer_id,
                "publishableKey": publishable_key,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        client_secret = d.pop("clientSecret")

        customer_id = d.pop("customerId")

        publishable_key = d.pop("publishableKey")

        setup_intent_response = cls(
            client_secret=client_secret,
            customer_id=customer_id,
            publishable_key=publishable_key,
        )

        setup_intent_response.additional_properties = d
        return setup_intent_response

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
