from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.connector_view_power_type import (
    ConnectorViewPowerType,
    check_connector_view_power_type,
)

T = TypeVar("T", bound="ConnectorView")


@_attrs_define
class ConnectorView:
    """
    Attributes:
        amperage (int):
        format_ (str):
        id (str):
        kw (float):
        ocpi_power_type (str):
        power_type (ConnectorViewPowerType):
        standard (str):
        tariff_id (None | str):
        voltage (int):
    """

    amperage: int
    format_: str
    id: str
    kw: float
    ocpi_power_type: str
    power_type: ConnectorViewPowerType
    standard: str
    tariff_id: None | str
    voltage: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amperage = self.amperage

        format_ = self.format_

        id = self.id

        kw = self.kw

        ocpi_power_type = self.ocpi_power_type

        power_type: str = self.power_type

        standard = self.standard

        tariff_id: None | str
        tariff_id = self.tariff_id

        voltage = self.voltage

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amperage": amperage,
                "format": format_,
                "id": id,
                "kw": kw,
                "ocpiPowerType": ocpi_power_type,
                "powerType": power_type,
                "standard": standard,
                "tariffId": tariff_id,
                "voltage": voltage,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amperage = d.pop("amperage")

        format_ = d.pop("format")

        id = d.pop("id")

        kw = d.pop("kw")

        ocpi_power_type = d.pop("ocpiPowerType")

        power_type = check_connector_view_power_type(d.pop("powerType"))

        standard = d.pop("standard")

        def _parse_tariff_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        tariff_id = _parse_tariff_id(d.pop("tariffId"))

        voltage = d.pop("voltage")

        connector_view = cls(
            amperage=amperage,
            format_=format_,
            id=id,
            kw=kw,
            ocpi_power_type=ocpi_power_type,
            power_type=power_type,
            standard=standard,
            tariff_id=tariff_id,
            voltage=voltage,
        )

        connector_view.additional_properties = d
        return connector_view

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
