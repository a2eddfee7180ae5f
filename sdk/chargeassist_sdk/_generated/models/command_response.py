from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.command_response_result import CommandResponseResult


T = TypeVar("T", bound="CommandResponse")


@_attrs_define
class CommandResponse:
    """
    Attributes:
        charge_point_id (str):
        command (str):
        result (CommandResponseResult):
    """

    charge_point_id: str
    command: str
    result: CommandResponseResult
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        charge_point_id = self.charge_point_id

        command = self.command

        result = self.result.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "chargePointId": charge_point_id,
                "command": command,
                "result": result,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.command_response_result import CommandResponseResult  # noqa: PLC0415

        d = dict(src_dict)
        charge_point_id = d.pop("chargePointId")

        command = d.pop("command")

        result = CommandResponseResult.from_dict(d.pop("result"))

        command_response = cls(
            charge_point_id=charge_point_id,
            command=command,
            result=result,
        )

        command_response.additional_properties = d
        return command_response

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
