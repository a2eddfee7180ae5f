from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.health_response_database import (
    HealthResponseDatabase,
    check_health_response_database,
)
from ..models.health_response_status import (
    HealthResponseStatus,
    check_health_response_status,
)

T = TypeVar("T", bound="HealthResponse")


@_attrs_define
class HealthResponse:
    """
    Attributes:
        database (HealthResponseDatabase):
        indexed_locations (int):
        status (HealthResponseStatus):
    """

    database: HealthResponseDatabase
    indexed_locations: int
    status: HealthResponseStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        database: str = self.database

        indexed_locations = self.indexed_locations

        status: str = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "database": database,
                "indexedLocations": indexed_locations,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        database = check_health_response_database(d.pop("database"))

        indexed_locations = d.pop("indexedLocations")

        status = check_health_response_status(d.pop("status"))

        health_response = cls(
            database=database,
            indexed_locations=indexed_locations,
            status=status,
        )

        health_response.additional_properties = d
        return health_response

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
