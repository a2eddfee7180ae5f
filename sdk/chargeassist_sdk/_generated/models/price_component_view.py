from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PriceComponentView")


@_attrs_define
class PriceComponentView:
    """
    Attributes:
        price (str):
        price_incl_vat (str):
        step_size (int):
        type_ (str):
        vat (None | str):
    """

    price: str
    price_incl_vat: str
    step_size: int
    type_: str
    vat: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        price = self.price

        price_incl_vat = self.price_incl_vat

        step_size = self.step_size

        type_ = self.type_

        vat: None | str
        vat = self.vat

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "price": price,
                "priceInclVat": price_incl_vat,
                "stepSize": step_size,
                "type": type_,
                "vat": vat,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        price = d.pop("price")

        price_incl_vat = d.pop("priceInclVat")

        step_size = d.pop("stepSize")

        type_ = d.pop("type")

        def _parse_vat(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        vat = _parse_vat(d.pop("vat"))

        price_component_view = cls(
            price=price,
            price_incl_vat=price_incl_vat,
            step_size=step_size,
            type_=type_,
            vat=vat,
        )

        price_component_view.additional_properties = d
        return price_component_view

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
