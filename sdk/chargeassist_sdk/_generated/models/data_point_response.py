from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DataPointResponse")


@_attrs_define
class DataPointResponse:
    """
    Attributes:
        energy_in_kwh (None | str):
        power_in_kw (None | str):
        state_of_charge (None | str):
        timestamp (datetime.datetime):
    """

    energy_in_kwh: None | str
    power_in_kw: None | str
    state_of_charge: None | str
    timestamp: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        energy_in_kwh: None | str
        energy_in_kwh = self.energy_in_kwh

        power_in_kw: None | str
        power_in_kw = self.power_in_kw

        state_of_charge: None | str
        state_of_charge = self.state_of_charge

        timestamp = self.timestamp.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "energyInKwh": energy_in_kwh,
                "powerInKw": power_in_kw,
                "stateOfCharge": state_of_charge,
                "timestamp": timestamp,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_energy_in_kwh(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        energy_in_kwh = _parse_energy_in_kwh(d.pop("energyInKwh"))

        def _parse_power_in_kw(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        power_in_kw = _parse_power_in_kw(d.pop("powerInKw"))

        def _parse_state_of_charge(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        state_of_charge = _parse_state_of_charge(d.pop("stateOfCharge"))

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        data_point_response = cls(
            energy_in_kwh=energy_in_kwh,
            power_in_kw=power_in_kw,
            state_of_charge=state_of_charge,
            timestamp=timestamp,
        )

        data_point_response.additional_properties = d
        return data_point_response

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
