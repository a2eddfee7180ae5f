from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ReceiptVatRate")


@_attrs_define
class ReceiptVatRate:
    """
    Attributes:
        gross (str):
        net (str):
        rate (None | str):
        vat (str):
    """

    gross: str
    net: str
    rate: None | str
    vat: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        gross = self.gross

        net = self.net

        rate: None | str
        rate = self.rate

        vat = self.vat

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "gross": gross,
                "net": net,
                "rate": rate,
                "vat": vat,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        gross = d.pop("gross")

        net = d.pop("net")

        def _parse_rate(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        rate = _parse_rate(d.pop("rate"))

        vat = d.pop("vat")

        receipt_vat_rate = cls(
            gross=gross,
            net=net,
            rate=rate,
            vat=vat,
        )

        receipt_vat_rate.additional_properties = d
        return receipt_vat_rate

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
