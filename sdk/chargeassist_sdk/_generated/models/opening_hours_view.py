from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.regular_hours_view import RegularHoursView


T = TypeVar("T", bound="OpeningHoursView")


@_attrs_define
class OpeningHoursView:
    """
    Attributes:
        twentyfourseven (bool):
        regular_hours (list[RegularHoursView] | Unset):
    """

    twentyfourseven: bool
    regular_hours: list[RegularHoursView] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        twentyfourseven = self.twentyfourseven

        regular_hours: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.regular_hours, Unset):
            regular_hours = []
            for regular_hours_item_data in self.regular_hours:
                regular_hours_item = regular_hours_item_data.to_dict()
                regular_hours.append(regular_hours_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "twentyfourseven": twentyfourseven,
            }
        )
        if regular_hours is not UNSET:
            field_dict["regularHours"] = regular_hours

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.regular_hours_view import RegularHoursView  # noqa: PLC0415

        d = dict(src_dict)
        twentyfourseven = d.pop("twentyfourseven")

        _regular_hours = d.pop("regularHours", UNSET)
        regular_hours: list[RegularHoursView] | Unset = UNSET
        if _regular_hours is not UNSET:
            regular_hours = []
            for regular_hours_item_data in _regular_hours:
                regular_hours_item = RegularHoursView.from_dict(regular_hours_item_data)

                regular_hours.append(regular_hours_item)

        opening_hours_view = cls(
            twentyfourseven=twentyfourseven,
            regular_hours=regular_hours,
        )

        opening_hours_view.additional_properties = d
        return opening_hours_view

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
