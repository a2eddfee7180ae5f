from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="StripeCardRequest")


@_attrs_define
class StripeCardRequest:
    """
    Attributes:
        psp_payment_method_id (str):
        psp_customer_id (None | str | Unset):
    """

    psp_payment_method_id: str
    psp_customer_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        psp_payment_method_id = self.psp_payment_method_id

        psp_customer_id: None | str | Unset
        if isinstance(self.psp_customer_id, Unset):
            psp_customer_id = UNSET
        else:
            psp_customer_id = self.psp_customer_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "pspPaymentMethodId": psp_payment_method_id,
            }
        )
        if psp_customer_id is not UNSET:
            field_dict["pspCustomerId"] = psp_customer_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        psp_payment_method_id = d.pop("pspPaymentMethodId")

        def _parse_psp_customer_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        psp_customer_id = _parse_psp_customer_id(d.pop("pspCustomerId", UNSET))

        stripe_card_request = cls(
            psp_payment_method_id=psp_payment_method_id,
            psp_customer_id=psp_customer_id,
        )

        stripe_card_request.additional_properties = d
        return stripe_card_request

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
