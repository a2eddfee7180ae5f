from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.trigger_message_command_requested_message import (
    TriggerMessageCommandRequestedMessage,
    check_trigger_message_command_requested_message,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="TriggerMessageCommand")


@_attrs_define
class TriggerMessageCommand:
    """
    Attributes:
        requested_message (TriggerMessageCommandRequestedMessage):
        connector_id (int | None | Unset):
    """

    requested_message: TriggerMessageCommandRequestedMessage
    connector_id: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        requested_message: str = self.requested_message

        connector_id: int | None | Unset
        if isinstance(self.connector_id, Unset):
            connector_id = UNSET
        else:
            connector_id = self.connector_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "requestedMessage": requested_message,
            }
        )
        if connector_id is not UNSET:
            field_dict["connectorId"] = connector_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        requested_message = check_trigger_message_command_requested_message(d.pop("requestedMessage"))

        def _parse_connector_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        connector_id = _parse_connector_id(d.pop("connectorId", UNSET))

        trigger_message_command = cls(
            requested_message=requested_message,
            connector_id=connector_id,
        )

        trigger_message_command.additional_properties = d
        return trigger_message_command

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
