from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.paid_with_method import PaidWithMethod, check_paid_with_method
from ..types import UNSET, Unset

T = TypeVar("T", bound="PaidWith")


@_attrs_define
class PaidWith:
    """
    Attributes:
        amount (str):
        method (PaidWithMethod):
        card_hint (None | str | Unset):
        psp (None | str | Unset):
        psp_transaction_id (None | str | Unset):
        reference (None | str | Unset):
    """

    amount: str
    method: PaidWithMethod
    card_hint: None | str | Unset = UNSET
    psp: None | str | Unset = UNSET
    psp_transaction_id: None | str | Unset = UNSET
    reference: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        method: str = self.method

        card_hint: None | str | Unset
        if isinstance(self.card_hint, Unset):
            card_hint = UNSET
        else:
            card_hint = self.card_hint

        psp: None | str | Unset
        if isinstance(self.psp, Unset):
            psp = UNSET
        else:
            psp = self.psp

        psp_transaction_id: None | str | Unset
        if isinstance(self.psp_transaction_id, Unset):
            psp_transaction_id = UNSET
        else:
            psp_transaction_id = self.psp_transaction_id

        reference: None | str | Unset
        if isinstance(self.reference, Unset):
            reference = UNSET
        else:
            reference = self.reference

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "method": method,
            }
        )
        if card_hint is not UNSET:
            field_dict["cardHint"] = card_hint
        if psp is not UNSET:
            field_dict["psp"] = psp
        if psp_transaction_id is not UNSET:
            field_dict["pspTransactionId"] = psp_transaction_id
        if reference is not UNSET:
            field_dict["reference"] = reference

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        method = check_paid_with_method(d.pop("method"))

        def _parse_card_hint(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        card_hint = _parse_card_hint(d.pop("cardHint", UNSET))

        def _parse_psp(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        psp = _parse_psp(d.pop("psp", UNSET))

        def _parse_psp_transaction_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        psp_transaction_id = _parse_psp_transaction_id(d.pop("pspTransactionId", UNSET))

        def _parse_reference(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reference = _parse_reference(d.pop("reference", UNSET))

        paid_with = cls(
            amount=amount,
            method=method,
            card_hint=card_hint,
            psp=psp,
            psp_transaction_id=psp_transaction_id,
            reference=reference,
        )

        paid_with.additional_properties = d
        return paid_with

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
