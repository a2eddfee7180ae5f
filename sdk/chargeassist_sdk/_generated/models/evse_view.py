from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.connector_view import ConnectorView


T = TypeVar("T", bound="EvseView")


@_attrs_define
class EvseView:
    """
    Attributes:
        capabilities (list[str]):
        connectors (list[ConnectorView]):
        evse_id (None | str):
        floor_level (None | str):
        physical_reference (None | str):
        status (str):
        uid (str):
    """

    capabilities: list[str]
    connectors: list[ConnectorView]
    evse_id: None | str
    floor_level: None | str
    physical_reference: None | str
    status: str
    uid: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        capabilities = self.capabilities

        connectors = []
        for connectors_item_data in self.connectors:
            connectors_item = connectors_item_data.to_dict()
            connectors.append(connectors_item)

        evse_id: None | str
        evse_id = self.evse_id

        floor_level: None | str
        floor_level = self.floor_level

        physical_reference: None | str
        physical_reference = self.physical_reference

        status = self.status

        uid = self.uid

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "capabilities": capabilities,
                "connectors": connectors,
                "evseId": evse_id,
                "floorLevel": floor_level,
                "physicalReference": physical_reference,
                "status": status,
                "uid": uid,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.connector_view import ConnectorView  # noqa: PLC0415

        d = dict(src_dict)
        capabilities = cast(list[str], d.pop("capabilities"))

        connectors = []
        _connectors = d.pop("connectors")
        for connectors_item_data in _connectors:
            connectors_item = ConnectorView.from_dict(connectors_item_data)

            connectors.append(connectors_item)

        def _parse_evse_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        evse_id = _parse_evse_id(d.pop("evseId"))

        def _parse_floor_level(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        floor_level = _parse_floor_level(d.pop("floorLevel"))

        def _parse_physical_reference(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        physical_reference = _parse_physical_reference(d.pop("physicalReference"))

        status = d.pop("status")

        uid = d.pop("uid")

        evse_view = cls(
            capabilities=capabilities,
            connectors=connectors,
            evse_id=evse_id,
            floor_level=floor_level,
            physical_reference=physical_reference,
            status=status,
            uid=uid,
        )

        evse_view.additional_properties = d
        return evse_view

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
