from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.location_summary_power_types_item import (
    LocationSummaryPowerTypesItem,
    check_location_summary_power_types_item,
)

T = TypeVar("T", bound="LocationSummary")


@_attrs_define
class LocationSummary:
    """
    Attributes:
        address (str):
        city (str):
        con_avail (int):
        con_tot (int):
        country (str):
        dp (bool):
        id (str):
        lat (float):
        lng (float):
        max_kw (float):
        name (None | str):
        operator_name (None | str):
        postal_code (None | str):
        power_types (list[LocationSummaryPowerTypesItem]):
        restricted_access (bool):
        rfid (bool):
        type_ (str):
    """

    address: str
    city: str
    con_avail: int
    con_tot: int
    country: str
    dp: bool
    id: str
    lat: float
    lng: float
    max_kw: float
    name: None | str
    operator_name: None | str
    postal_code: None | str
    power_types: list[LocationSummaryPowerTypesItem]
    restricted_access: bool
    rfid: bool
    type_: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        address = self.address

        city = self.city

        con_avail = self.con_avail

        con_tot = self.con_tot

        country = self.country

        dp = self.dp

        id = self.id

        lat = self.lat

        lng = self.lng

        max_kw = self.max_kw

        name: None | str
        name = self.name

        operator_name: None | str
        operator_name = self.operator_name

        postal_code: None | str
        postal_code = self.postal_code

        power_types = []
        for power_types_item_data in self.power_types:
            power_types_item: str = power_types_item_data
            power_types.append(power_types_item)

        restricted_access = self.restricted_access

        rfid = self.rfid

        type_ = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "address": address,
                "city": city,
                "conAvail": con_avail,
                "conTot": con_tot,
                "country": country,
                "dp": dp,
                "id": id,
                "lat": lat,
                "lng": lng,
                "maxKw": max_kw,
                "name": name,
                "operatorName": operator_name,
                "postalCode": postal_code,
                "powerTypes": power_types,
                "restrictedAccess": restricted_access,
                "rfid": rfid,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        address = d.pop("address")

        city = d.pop("city")

        con_avail = d.pop("conAvail")

        con_tot = d.pop("conTot")

        country = d.pop("country")

        dp = d.pop("dp")

        id = d.pop("id")

        lat = d.pop("lat")

        lng = d.pop("lng")

        max_kw = d.pop("maxKw")

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))

        def _parse_operator_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        operator_name = _parse_operator_name(d.pop("operatorName"))

        def _parse_postal_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        postal_code = _parse_postal_code(d.pop("postalCode"))

        power_types = []
        _power_types = d.pop("powerTypes")
        for power_types_item_data in _power_types:
            power_types_item = check_location_summary_power_types_item(power_types_item_data)

            power_types.append(power_types_item)

        restricted_access = d.pop("restrictedAccess")

        rfid = d.pop("rfid")

        type_ = d.pop("type")

        location_summary = cls(
            address=address,
            city=city,
            con_avail=con_avail,
            con_tot=con_tot,
            country=country,
            dp=dp,
            id=id,
            lat=lat,
            lng=lng,
            max_kw=max_kw,
            name=name,
            operator_name=operator_name,
            postal_code=postal_code,
            power_types=power_types,
            restricted_access=restricted_access,
            rfid=rfid,
            type_=type_,
        )

        location_summary.additional_properties = d
        return location_summary

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
