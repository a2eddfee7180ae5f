from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.connector_state_response import ConnectorStateResponse


T = TypeVar("T", bound="ChargePointStateResponse")


@_attrs_define
class ChargePointStateResponse:
    """
    Attributes:
        boot_time (datetime.datetime | None):
        connected (bool):
        connected_time (datetime.datetime | None):
        connectors (list[ConnectorStateResponse]):
        diagnostics_status (None | str):
        disconnected_time (datetime.datetime | None):
        evses (list[str]):
        firmware_status (None | str):
        firmware_version (None | str):
        id (str):
        last_seen_time (datetime.datetime | None):
        model (None | str):
        serial_number (None | str):
        vendor (None | str):
        never_booted (bool | Unset):  Default: False.
    """

    boot_time: datetime.datetime | None
    connected: bool
    connected_time: datetime.datetime | None
    connectors: list[ConnectorStateResponse]
    diagnostics_status: None | str
    disconnected_time: datetime.datetime | None
    evses: list[str]
    firmware_status: None | str
    firmware_version: None | str
    id: str
    last_seen_time: datetime.datetime | None
    model: None | str
    serial_number: None | str
    vendor: None | str
    never_booted: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        boot_time: None | str
        if isinstance(self.boot_time, datetime.datetime):
            boot_time = self.boot_time.isoformat()
        else:
            boot_time = self.boot_time

        connected = self.connected

        connected_time: None | str
        if isinstance(self.connected_time, datetime.datetime):
            connected_time = self.connected_time.isoformat()
        else:
            connected_time = self.connected_time

        connectors = []
        for connectors_item_data in self.connectors:
            connectors_item = connectors_item_data.to_dict()
            connectors.append(connectors_item)

        diagnostics_status: None | str
        diagnostics_status = self.diagnostics_status

        disconnected_time: None | str
        if isinstance(self.disconnected_time, datetime.datetime):
            disconnected_time = self.disconnected_time.isoformat()
        else:
            disconnected_time = self.disconnected_time

        evses = self.evses

        firmware_status: None | str
        firmware_status = self.firmware_status

        firmware_version: None | str
        firmware_version = self.firmware_version

        id = self.id

        last_seen_time: None | str
        if isinstance(self.last_seen_time, datetime.datetime):
            last_seen_time = self.last_seen_time.isoformat()
        else:
            last_seen_time = self.last_seen_time

        model: None | str
        model = self.model

        serial_number: None | str
        serial_number = self.serial_number

        vendor: None | str
        vendor = self.vendor

        never_booted = self.never_booted

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "bootTime": boot_time,
                "connected": connected,
                "connectedTime": connected_time,
                "connectors": connectors,
                "diagnosticsStatus": diagnostics_status,
                "disconnectedTime": disconnected_time,
                "evses": evses,
                "firmwareStatus": firmware_status,
                "firmwareVersion": firmware_version,
                "id": id,
                "lastSeenTime": last_seen_time,
                "model": model,
                "serialNumber": serial_number,
                "vendor": vendor,
            }
        )
        if never_booted is not UNSET:
            field_dict["neverBooted"] = never_booted

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.connector_state_response import ConnectorStateResponse  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_boot_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                boot_time_type_0 = datetime.datetime.fromisoformat(data)

                return boot_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        boot_time = _parse_boot_time(d.pop("bootTime"))

        connected = d.pop("connected")

        def _parse_connected_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                connected_time_type_0 = datetime.datetime.fromisoformat(data)

                return connected_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        connected_time = _parse_connected_time(d.pop("connectedTime"))

        connectors = []
        _connectors = d.pop("connectors")
        for connectors_item_data in _connectors:
            connectors_item = ConnectorStateResponse.from_dict(connectors_item_data)

            connectors.append(connectors_item)

        def _parse_diagnostics_status(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        diagnostics_status = _parse_diagnostics_status(d.pop("diagnosticsStatus"))

        def _parse_disconnected_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                disconnected_time_type_0 = datetime.datetime.fromisoformat(data)

                return disconnected_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        disconnected_time = _parse_disconnected_time(d.pop("disconnectedTime"))

        evses = cast(list[str], d.pop("evses"))

        def _parse_firmware_status(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        firmware_status = _parse_firmware_status(d.pop("firmwareStatus"))

        def _parse_firmware_version(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        firmware_version = _parse_firmware_version(d.pop("firmwareVersion"))

        id = d.pop("id")

        def _parse_last_seen_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_seen_time_type_0 = datetime.datetime.fromisoformat(data)

                return last_seen_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_seen_time = _parse_last_seen_time(d.pop("lastSeenTime"))

        def _parse_model(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        model = _parse_model(d.pop("model"))

        def _parse_serial_number(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        serial_number = _parse_serial_number(d.pop("serialNumber"))

        def _parse_vendor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        vendor = _parse_vendor(d.pop("vendor"))

        never_booted = d.pop("neverBooted", UNSET)

        charge_point_state_response = cls(
            boot_time=boot_time,
            connected=connected,
            connected_time=connected_time,
            connectors=connectors,
            diagnostics_status=diagnostics_status,
            disconnected_time=disconnected_time,
            evses=evses,
            firmware_status=firmware_status,
            firmware_version=firmware_version,
            id=id,
            last_seen_time=last_seen_time,
            model=model,
            serial_number=serial_number,
            vendor=vendor,
            never_booted=never_booted,
        )

        charge_point_state_response.additional_properties = d
        return charge_point_state_response

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
