from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ReceiptLineDocument")


@_attrs_define
class ReceiptLineDocument:
    """
    Attributes:
        dimension (str):
        gross (str):
        net (str):
        quantity (str):
        unit (str):
        unit_price (str):
        vat (str):
        vat_rate (None | str):
    """

    dimension: str
    gross: str
    net: str
    quantity: str
    unit: str
    unit_price: str
    vat: str
    vat_rate: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        dimension = self.dimension

        gross = self.gross

        net = self.net

        quantity = self.quantity

        unit = self.unit

        unit_price = self.unit_price

        vat = self.vat

        vat_rate: None | str
        vat_rate = self.vat_rate

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "dimension": dimension,
                "gross": gross,
                "net": net,
                "quantity": quantity,
                "unit": unit,
                "unitPrice": unit_price,
                "vat": vat,
                "vatRate": vat_rate,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        dimension = d.pop("dimension")

        gross = d.pop("gross")

        net = d.pop("net")

        quantity = d.pop("quantity")

        unit = d.pop("unit")

        unit_price = d.pop("unitPrice")

        vat = d.pop("vat")

        def _parse_vat_rate(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        vat_rate = _parse_vat_rate(d.pop("vatRate"))

        receipt_line_document = cls(
            dimension=dimension,
            gross=gross,
            net=net,
            quantity=quantity,
            unit=unit,
            unit_price=unit_price,
            vat=vat,
            vat_rate=vat_rate,
        )

        receipt_line_document.additional_properties = d
        return receipt_line_document

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
