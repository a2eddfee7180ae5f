from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ConnectorStateResponse")


@_attrs_define
class ConnectorStateResponse:
    """
    Attributes:
        connector_id (int):
        error_code (str):
        evse_uid (None | str):
        info (None | str):
        status (str):
        status_time (datetime.datetime | None):
        updated_time (datetime.datetime):
        vendor_error_code (None | str):
    """

    connector_id: int
    error_code: str
    evse_uid: None | str
    info: None | str
    status: str
    status_time: datetime.datetime | None
    updated_time: datetime.datetime
    vendor_error_code: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        connector_id = self.connector_id

        error_code = self.error_code

        evse_uid: None | str
        evse_uid = self.evse_uid

        info: None | str
        info = self.info

        status = self.status

        status_time: None | str
        if isinstance(self.status_time, datetime.datetime):
            status_time = self.status_time.isoformat()
        else:
            status_time = self.status_time

        updated_time = self.updated_time.isoformat()

        vendor_error_code: None | str
        vendor_error_code = self.vendor_error_code

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "connectorId": connector_id,
                "errorCode": error_code,
                "evseUid": evse_uid,
                "info": info,
                "status": status,
                "statusTime": status_time,
                "updatedTime": updated_time,
                "vendorErrorCode": vendor_error_code,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        connector_id = d.pop("connectorId")

        error_code = d.pop("errorCode")

        def _parse_evse_uid(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        evse_uid = _parse_evse_uid(d.pop("evseUid"))

        def _parse_info(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        info = _parse_info(d.pop("info"))

        status = d.pop("status")

        def _parse_status_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_time_type_0 = datetime.datetime.fromisoformat(data)

                return status_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        status_time = _parse_status_time(d.pop("statusTime"))

        updated_time = datetime.datetime.fromisoformat(d.pop("updatedTime"))

        def _parse_vendor_error_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        vendor_error_code = _parse_vendor_error_code(d.pop("vendorErrorCode"))

        connector_state_response = cls(
            connector_id=connector_id,
            error_code=error_code,
            evse_uid=evse_uid,
            info=info,
            status=status,
            status_time=status_time,
            updated_time=updated_time,
            vendor_error_code=vendor_error_code,
        )

        connector_state_response.additional_properties = d
        return connector_state_response

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
