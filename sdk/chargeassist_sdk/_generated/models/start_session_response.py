from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.start_session_response_status import (
    StartSessionResponseStatus,
    check_start_session_response_status,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.payment_response import PaymentResponse


T = TypeVar("T", bound="StartSessionResponse")


@_attrs_define
class StartSessionResponse:
    """
    Attributes:
        charge_session_id (str):
        next_status_call (datetime.datetime | None):
        status (StartSessionResponseStatus):
        payment (None | PaymentResponse | Unset):
    """

    charge_session_id: str
    next_status_call: datetime.datetime | None
    status: StartSessionResponseStatus
    payment: None | PaymentResponse | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.payment_response import PaymentResponse  # noqa: PLC0415

        charge_session_id = self.charge_session_id

        next_status_call: None | str
        if isinstance(self.next_status_call, datetime.datetime):
            next_status_call = self.next_status_call.isoformat()
        else:
            next_status_call = self.next_status_call

        status: str = self.status

        payment: dict[str, Any] | None | Unset
        if isinstance(self.payment, Unset):
            payment = UNSET
        elif isinstance(self.payment, PaymentResponse):
            payment = self.payment.to_dict()
        else:
            payment = self.payment

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "chargeSessionId": charge_session_id,
                "nextStatusCall": next_status_call,
                "status": status,
            }
        )
        if payment is not UNSET:
            field_dict["payment"] = payment

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.payment_response import PaymentResponse  # noqa: PLC0415

        d = dict(src_dict)
        charge_session_id = d.pop("chargeSessionId")

        def _parse_next_status_call(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_status_call_type_0 = datetime.datetime.fromisoformat(data)

                return next_status_call_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_status_call = _parse_next_status_call(d.pop("nextStatusCall"))

        status = check_start_session_response_status(d.pop("status"))

        def _parse_payment(data: object) -> None | PaymentResponse | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                payment_type_0 = PaymentResponse.from_dict(data)

                return payment_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PaymentResponse | Unset, data)

        payment = _parse_payment(d.pop("payment", UNSET))

        start_session_response = cls(
            charge_session_id=charge_session_id,
            next_status_call=next_status_call,
            status=status,
            payment=payment,
        )

        start_session_response.additional_properties = d
        return start_session_response

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
