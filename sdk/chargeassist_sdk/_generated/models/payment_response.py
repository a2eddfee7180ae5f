from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.payment_response_provider import (
    PaymentResponseProvider,
    check_payment_response_provider,
)
from ..models.payment_response_status import (
    PaymentResponseStatus,
    check_payment_response_status,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="PaymentResponse")


@_attrs_define
class PaymentResponse:
    """
    Attributes:
        provider (PaymentResponseProvider):
        status (PaymentResponseStatus):
        authorized_amount (None | str | Unset):
        captured_amount (None | str | Unset):
        client_secret (None | str | Unset):
        failure_code (None | str | Unset):
        psp_transaction_id (None | str | Unset):
        running_cost (None | str | Unset):
    """

    provider: PaymentResponseProvider
    status: PaymentResponseStatus
    authorized_amount: None | str | Unset = UNSET
    captured_amount: None | str | Unset = UNSET
    client_secret: None | str | Unset = UNSET
    failure_code: None | str | Unset = UNSET
    psp_transaction_id: None | str | Unset = UNSET
    running_cost: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        provider: str = self.provider

        status: str = self.status

        authorized_amount: None | str | Unset
        if isinstance(self.authorized_amount, Unset):
            authorized_amount = UNSET
        else:
            authorized_amount = self.authorized_amount

        captured_amount: None | str | Unset
        if isinstance(self.captured_amount, Unset):
            captured_amount = UNSET
        else:
            captured_amount = self.captured_amount

        client_secret: None | str | Unset
        if isinstance(self.client_secret, Unset):
            client_secret = UNSET
        else:
            client_secret = self.client_secret

        failure_code: None | str | Unset
        if isinstance(self.failure_code, Unset):
            failure_code = UNSET
        else:
            failure_code = self.failure_code

        psp_transaction_id: None | str | Unset
        if isinstance(self.psp_transaction_id, Unset):
            psp_transaction_id = UNSET
        else:
            psp_transaction_id = self.psp_transaction_id

        running_cost: None | str | Unset
        if isinstance(self.running_cost, Unset):
            running_cost = UNSET
        else:
            running_cost = self.running_cost

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "provider": provider,
                "status": status,
            }
        )
        if authorized_amount is not UNSET:
            field_dict["authorizedAmount"] = authorized_amount
        if captured_amount is not UNSET:
            field_dict["capturedAmount"] = captured_amount
        if client_secret is not UNSET:
            field_dict["clientSecret"] = client_secret
        if failure_code is not UNSET:
            field_dict["failureCode"] = failure_code
        if psp_transaction_id is not UNSET:
            field_dict["pspTransactionId"] = psp_transaction_id
        if running_cost is not UNSET:
            field_dict["runningCost"] = running_cost

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        provider = check_payment_response_provider(d.pop("provider"))

        status = check_payment_response_status(d.pop("status"))

        def _parse_authorized_amount(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        authorized_amount = _parse_authorized_amount(d.pop("authorizedAmount", UNSET))

        def _parse_captured_amount(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        captured_amount = _parse_captured_amount(d.pop("capturedAmount", UNSET))

        def _parse_client_secret(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        client_secret = _parse_client_secret(d.pop("clientSecret", UNSET))

        def _parse_failure_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        failure_code = _parse_failure_code(d.pop("failureCode", UNSET))

        def _parse_psp_transaction_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        psp_transaction_id = _parse_psp_transaction_id(d.pop("pspTransactionId", UNSET))

        def _parse_running_cost(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        running_cost = _parse_running_cost(d.pop("runningCost", UNSET))

        payment_response = cls(
            provider=provider,
            status=status,
            authorized_amount=authorized_amount,
            captured_amount=captured_amount,
            client_secret=client_secret,
            failure_code=failure_code,
            psp_transaction_id=psp_transaction_id,
            running_cost=running_cost,
        )

        payment_response.additional_properties = d
        return payment_response

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
