from __future__ import annotations

from collections.abc import Mapping
from typing import (
    Any,
    Literal,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AccessTokenResponse")


@_attrs_define
class AccessTokenResponse:
    """
    Attributes:
        access_token (str):
        expires_in (int):
        token_type (Literal['Bearer']):
    """

    access_token: str
    expires_in: int
    token_type: Literal["Bearer"]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        access_token = self.access_token

        expires_in = self.expires_in

        token_type = self.token_type

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accessToken": access_token,
                "expiresIn": expires_in,
                "tokenType": token_type,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        access_token = d.pop("accessToken")

        expires_in = d.pop("expiresIn")

        token_type = cast(Literal["Bearer"], d.pop("tokenType"))
        if token_type != "Bearer":
            raise ValueError(f"tokenType must match const 'Bearer', got '{token_type}'")

        access_token_response = cls(
            access_token=access_token,
            expires_in=expires_in,
            token_type=token_type,
        )

        access_token_response.additional_properties = d
        return access_token_response

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
