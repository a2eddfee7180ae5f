from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CostBreakdownLine")


@_attrs_define
class CostBreakdownLine:
    """
    Attributes:
        cost_excl_vat (str):
        cost_incl_vat (str):
        dimension (str):
        quantity (str):
        start_date_time (datetime.datetime | None):
        unit_price (str):
        vat (None | str):
    """

    cost_excl_vat: str
    cost_incl_vat: str
    dimension: str
    quantity: str
    start_date_time: datetime.datetime | None
    unit_price: str
    vat: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cost_excl_vat = self.cost_excl_vat

        cost_incl_vat = self.cost_incl_vat

        dimension = self.dimension

        quantity = self.quantity

        start_date_time: None | str
        if isinstance(self.start_date_time, datetime.datetime):
            start_date_time = self.start_date_time.isoformat()
        else:
            start_date_time = self.start_date_time

        unit_price = self.unit_price

        vat: None | str
        vat = self.vat

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "costExclVat": cost_excl_vat,
                "costInclVat": cost_incl_vat,
                "dimension": dimension,
                "quantity": quantity,
                "startDateTime": start_date_time,
                "unitPrice": unit_price,
                "vat": vat,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cost_excl_vat = d.pop("costExclVat")

        cost_incl_vat = d.pop("costInclVat")

        dimension = d.pop("dimension")

        quantity = d.pop("quantity")

        def _parse_start_date_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                start_date_time_type_0 = datetime.datetime.fromisoformat(data)

                return start_date_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        start_date_time = _parse_start_date_time(d.pop("startDateTime"))

        unit_price = d.pop("unitPrice")

        def _parse_vat(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        vat = _parse_vat(d.pop("vat"))

        cost_breakdown_line = cls(
            cost_excl_vat=cost_excl_vat,
            cost_incl_vat=cost_incl_vat,
            dimension=dimension,
            quantity=quantity,
            start_date_time=start_date_time,
            unit_price=unit_price,
            vat=vat,
        )

        cost_breakdown_line.additional_properties = d
        return cost_breakdown_line

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
