from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="QrCodeResponse")


@_attrs_define
class QrCodeResponse:
    """
    Attributes:
        connector_id (None | str):
        created_date (datetime.datetime):
        evse_uid (str):
        id (str):
        location_id (str):
        url (str):
    """

    connector_id: None | str
    created_date: datetime.datetime
    evse_uid: str
    id: str
    location_id: str
    url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        connector_id: None | str
        connector_id = self.connector_id

        created_date = self.created_date.isoformat()

        evse_uid = self.evse_uid

        id = self.id

        location_id = self.location_id

        url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "connectorId": connector_id,
                "createdDate": created_date,
                "evseUid": evse_uid,
                "id": id,
                "locationId": location_id,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_connector_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        connector_id = _parse_connector_id(d.pop("connectorId"))

        created_date = datetime.datetime.fromisoformat(d.pop("createdDate"))

        evse_uid = d.pop("evseUid")

        id = d.pop("id")

        location_id = d.pop("locationId")

        url = d.pop("url")

        qr_code_response = cls(
            connector_id=connector_id,
            created_date=created_date,
            evse_uid=evse_uid,
            id=id,
            location_id=location_id,
            url=url,
        )

        qr_code_response.additional_properties = d
        return qr_code_response

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
