from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="BoundingBox")


@_attrs_define
class BoundingBox:
    """
    Attributes:
        bottom_left_lat (float):
        bottom_left_lng (float):
        top_right_lat (float):
        top_right_lng (float):
    """

    bottom_left_lat: float
    bottom_left_lng: float
    top_right_lat: float
    top_right_lng: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        bottom_left_lat = self.bottom_left_lat

        bottom_left_lng = self.bottom_left_lng

        top_right_lat = self.top_right_lat

        top_right_lng = self.top_right_lng

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "bottomLeftLat": bottom_left_lat,
                "bottomLeftLng": bottom_left_lng,
                "topRightLat": top_right_lat,
                "topRightLng": top_right_lng,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        bottom_left_lat = d.pop("bottomLeftLat")

        bottom_left_lng = d.pop("bottomLeftLng")

        top_right_lat = d.pop("topRightLat")

        top_right_lng = d.pop("topRightLng")

        bounding_box = cls(
            bottom_left_lat=bottom_left_lat,
            bottom_left_lng=bottom_left_lng,
            top_right_lat=top_right_lat,
            top_right_lng=top_right_lng,
        )

        bounding_box.additional_properties = d
        return bounding_box

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
