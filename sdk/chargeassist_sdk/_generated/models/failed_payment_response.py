from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.failed_payment_response_status import (
    FailedPaymentResponseStatus,
    check_failed_payment_response_status,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="FailedPaymentResponse")


@_attrs_define
class FailedPaymentResponse:
    """
    Attributes:
        amount_due (str):
        amount_outstanding (str):
        amount_paid (str):
        charge_session_id (str):
        currency (str):
        id (str):
        status (FailedPaymentResponseStatus):
        failure_code (None | str | Unset):
        failure_message (None | str | Unset):
        next_retry_at (datetime.datetime | None | Unset):
        payment_method_id (None | str | Unset):
        retries (int | Unset):  Default: 0.
    """

    amount_due: str
    amount_outstanding: str
    amount_paid: str
    charge_session_id: str
    currency: str
    id: str
    status: FailedPaymentResponseStatus
    failure_code: None | str | Unset = UNSET
    failure_message: None | str | Unset = UNSET
    next_retry_at: datetime.datetime | None | Unset = UNSET
    payment_method_id: None | str | Unset = UNSET
    retries: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount_due = self.amount_due

        amount_outstanding = self.amount_outstanding

        amount_paid = self.amount_paid

        charge_session_id = self.charge_session_id

        currency = self.currency

        id = self.id

        status: str = self.status

        failure_code: None | str | Unset
        if isinstance(self.failure_code, Unset):
            failure_code = UNSET
        else:
            failure_code = self.failure_code

        failure_message: None | str | Unset
        if isinstance(self.failure_message, Unset):
            failure_message = UNSET
        else:
            failure_message = self.failure_message

        next_retry_at: None | str | Unset
        if isinstance(self.next_retry_at, Unset):
            next_retry_at = UNSET
        elif isinstance(self.next_retry_at, datetime.datetime):
            next_retry_at = self.next_retry_at.isoformat()
        else:
            next_retry_at = self.next_retry_at

        payment_method_id: None | str | Unset
        if isinstance(self.payment_method_id, Unset):
            payment_method_id = UNSET
        else:
            payment_method_id = self.payment_method_id

        retries = self.retries

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amountDue": amount_due,
                "amountOutstanding": amount_outstanding,
                "amountPaid": amount_paid,
                "chargeSessionId": charge_session_id,
                "currency": currency,
                "id": id,
                "status": status,
            }
        )
        if failure_code is not UNSET:
            field_dict["failureCode"] = failure_code
        if failure_message is not UNSET:
            field_dict["failureMessage"] = failure_message
        if next_retry_at is not UNSET:
            field_dict["nextRetryAt"] = next_retry_at
        if payment_method_id is not UNSET:
            field_dict["paymentMethodId"] = payment_method_id
        if retries is not UNSET:
            field_dict["retries"] = retries

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount_due = d.pop("amountDue")

        amount_outstanding = d.pop("amountOutstanding")

        amount_paid = d.pop("amountPaid")

        charge_session_id = d.pop("chargeSessionId")

        currency = d.pop("currency")

        id = d.pop("id")

        status = check_failed_payment_response_status(d.pop("status"))

        def _parse_failure_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        failure_code = _parse_failure_code(d.pop("failureCode", UNSET))

        def _parse_failure_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        failure_message = _parse_failure_message(d.pop("failureMessage", UNSET))

        def _parse_next_retry_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_retry_at_type_0 = datetime.datetime.fromisoformat(data)

                return next_retry_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        next_retry_at = _parse_next_retry_at(d.pop("nextRetryAt", UNSET))

        def _parse_payment_method_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        payment_method_id = _parse_payment_method_id(d.pop("paymentMethodId", UNSET))

        retries = d.pop("retries", UNSET)

        failed_payment_response = cls(
            amount_due=amount_due,
            amount_outstanding=amount_outstanding,
            amount_paid=amount_paid,
            charge_session_id=charge_session_id,
            currency=currency,
            id=id,
            status=status,
            failure_code=failure_code,
            failure_message=failure_message,
            next_retry_at=next_retry_at,
            payment_method_id=payment_method_id,
            retries=retries,
        )

        failed_payment_response.additional_properties = d
        return failed_payment_response

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
