from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RegularHoursView")


@_attrs_define
class RegularHoursView:
    """
    Attributes:
        period_begin (str):
        period_end (str):
        weekday (int):
    """

    period_begin: str
    period_end: str
    weekday: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        period_begin = self.period_begin

        period_end = self.period_end

        weekday = self.weekday

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "periodBegin": period_begin,
                "periodEnd": period_end,
                "weekday": weekday,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        period_begin = d.pop("periodBegin")

        period_end = d.pop("periodEnd")

        weekday = d.pop("weekday")

        regular_hours_view = cls(
            period_begin=period_begin,
            period_end=period_end,
            weekday=weekday,
        )

        regular_hours_view.additional_properties = d
        return regular_hours_view

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
