from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ReceiptEvse")


@_attrs_define
class ReceiptEvse:
    """
    Attributes:
        evse_id (None | str):
        uid (str):
    """

    evse_id: None | str
    uid: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        evse_id: None | str
        evse_id = self.evse_id

        uid = self.uid

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "evseId": evse_id,
                "uid": uid,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_evse_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        evse_id = _parse_evse_id(d.pop("evseId"))

        uid = d.pop("uid")

        receipt_evse = cls(
            evse_id=evse_id,
            uid=uid,
        )

        receipt_evse.additional_properties = d
        return receipt_evse

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
