from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="StartSessionRequest")


@_attrs_define
class StartSessionRequest:
    """
    Attributes:
        evse_uid (str):
        location_id (str):
        payment_method_id (str):
        connector_id (None | str | Unset):
    """

    evse_uid: str
    location_id: str
    payment_method_id: str
    connector_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        evse_uid = self.evse_uid

        location_id = self.location_id

        payment_method_id = self.payment_method_id

        connector_id: None | str | Unset
        if isinstance(self.connector_id, Unset):
            connector_id = UNSET
        else:
            connector_id = self.connector_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "evseUid": evse_uid,
                "locationId": location_id,
                "paymentMethodId": payment_method_id,
            }
        )
        if connector_id is not UNSET:
            field_dict["connectorId"] = connector_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        evse_uid = d.pop("evseUid")

        location_id = d.pop("locationId")

        payment_method_id = d.pop("paymentMethodId")

        def _parse_connector_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        connector_id = _parse_connector_id(d.pop("connectorId", UNSET))

        start_session_request = cls(
            evse_uid=evse_uid,
            location_id=location_id,
            payment_method_id=payment_method_id,
            connector_id=connector_id,
        )

        start_session_request.additional_properties = d
        return start_session_request

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
