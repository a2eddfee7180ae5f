from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AppTokenResponse")


@_attrs_define
class AppTokenResponse:
    """
    Attributes:
        app_token (str):
        created_date (datetime.datetime):
    """

    app_token: str
    created_date: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        app_token = self.app_token

        created_date = self.created_date.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "appToken": app_token,
                "createdDate": created_date,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        app_token = d.pop("appToken")

        created_date = datetime.datetime.fromisoformat(d.pop("createdDate"))

        app_token_response = cls(
            app_token=app_token,
            created_date=created_date,
        )

        app_token_response.additional_properties = d
        return app_token_response

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
