from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.payment_method_response_psp_type_1 import (
    PaymentMethodResponsePspType1,
    check_payment_method_response_psp_type_1,
)
from ..models.payment_method_response_psp_type_2_type_1 import (
    PaymentMethodResponsePspType2Type1,
    check_payment_method_response_psp_type_2_type_1,
)
from ..models.payment_method_response_psp_type_3_type_1 import (
    PaymentMethodResponsePspType3Type1,
    check_payment_method_response_psp_type_3_type_1,
)
from ..models.payment_method_response_type import (
    PaymentMethodResponseType,
    check_payment_method_response_type,
)
from ..models.payment_method_response_verification_status import (
    PaymentMethodResponseVerificationStatus,
    check_payment_method_response_verification_status,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="PaymentMethodResponse")


@_attrs_define
class PaymentMethodResponse:
    """
    Attributes:
        id (str):
        type_ (PaymentMethodResponseType):
        verification_status (PaymentMethodResponseVerificationStatus):
        card_hint (None | str | Unset):
        card_short_hint (None | str | Unset):
        created_date (datetime.datetime | None | Unset):
        display_name (None | str | Unset):
        expiry_month (int | None | Unset):
        expiry_year (int | None | Unset):
        external_payment_method_id (None | str | Unset):
        is_vid_mapped (bool | None | Unset):
        psp (None | PaymentMethodResponsePspType1 | PaymentMethodResponsePspType2Type1 |
            PaymentMethodResponsePspType3Type1 | Unset):
        psp_payment_method_id (None | str | Unset):
    """

    id: str
    type_: PaymentMethodResponseType
    verification_status: PaymentMethodResponseVerificationStatus
    card_hint: None | str | Unset = UNSET
    card_short_hint: None | str | Unset = UNSET
    created_date: datetime.datetime | None | Unset = UNSET
    display_name: None | str | Unset = UNSET
    expiry_month: int | None | Unset = UNSET
    expiry_year: int | None | Unset = UNSET
    external_payment_method_id: None | str | Unset = UNSET
    is_vid_mapped: bool | None | Unset = UNSET
    psp: (
        None
        | PaymentMethodResponsePspType1
        | PaymentMethodResponsePspType2Type1
        | PaymentMethodResponsePspType3Type1
        | Unset
    ) = UNSET
    psp_payment_method_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        type_: str = self.type_

        verification_status: str = self.verification_status

        card_hint: None | str | Unset
        if isinstance(self.card_hint, Unset):
            card_hint = UNSET
        else:
            card_hint = self.card_hint

        card_short_hint: None | str | Unset
        if isinstance(self.card_short_hint, Unset):
            card_short_hint = UNSET
        else:
            card_short_hint = self.card_short_hint

        created_date: None | str | Unset
        if isinstance(self.created_date, Unset):
            created_date = UNSET
        elif isinstance(self.created_date, datetime.datetime):
            created_date = self.created_date.isoformat()
        else:
            created_date = self.created_date

        display_name: None | str | Unset
        if isinstance(self.display_name, Unset):
            display_name = UNSET
        else:
            display_name = self.display_name

        expiry_month: int | None | Unset
        if isinstance(self.expiry_month, Unset):
            expiry_month = UNSET
        else:
            expiry_month = self.expiry_month

        expiry_year: int | None | Unset
        if isinstance(self.expiry_year, Unset):
            expiry_year = UNSET
        else:
            expiry_year = self.expiry_year

        external_payment_method_id: None | str | Unset
        if isinstance(self.external_payment_method_id, Unset):
            external_payment_method_id = UNSET
        else:
            external_payment_method_id = self.external_payment_method_id

        is_vid_mapped: bool | None | Unset
        if isinstance(self.is_vid_mapped, Unset):
            is_vid_mapped = UNSET
        else:
            is_vid_mapped = self.is_vid_mapped

        psp: None | str | Unset
        if isinstance(self.psp, Unset):
            psp = UNSET
        elif isinstance(self.psp, str):
            psp = self.psp
        elif isinstance(self.psp, str):
            psp = self.psp
        elif isinstance(self.psp, str):
            psp = self.psp
        else:
            psp = self.psp

        psp_payment_method_id: None | str | Unset
        if isinstance(self.psp_payment_method_id, Unset):
            psp_payment_method_id = UNSET
        else:
            psp_payment_method_id = self.psp_payment_method_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "type": type_,
                "verificationStatus": verification_status,
            }
        )
        if card_hint is not UNSET:
            field_dict["cardHint"] = card_hint
        if card_short_hint is not UNSET:
            field_dict["cardShortHint"] = card_short_hint
        if created_date is not UNSET:
            field_dict["createdDate"] = created_date
        if display_name is not UNSET:
            field_dict["displayName"] = display_name
        if expiry_month is not UNSET:
            field_dict["expiryMonth"] = expiry_month
        if expiry_year is not UNSET:
            field_dict["expiryYear"] = expiry_year
        if external_payment_method_id is not UNSET:
            field_dict["externalPaymentMethodId"] = external_payment_method_id
        if is_vid_mapped is not UNSET:
            field_dict["isVidMapped"] = is_vid_mapped
        if psp is not UNSET:
            field_dict["psp"] = psp
        if psp_payment_method_id is not UNSET:
            field_dict["pspPaymentMethodId"] = psp_payment_method_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        type_ = check_payment_method_response_type(d.pop("type"))

        verification_status = check_payment_method_response_verification_status(d.pop("verificationStatus"))

        def _parse_card_hint(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        card_hint = _parse_card_hint(d.pop("cardHint", UNSET))

        def _parse_card_short_hint(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        card_short_hint = _parse_card_short_hint(d.pop("cardShortHint", UNSET))

        def _parse_created_date(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_date_type_0 = datetime.datetime.fromisoformat(data)

                return created_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        created_date = _parse_created_date(d.pop("createdDate", UNSET))

        def _parse_display_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        display_name = _parse_display_name(d.pop("displayName", UNSET))

        def _parse_expiry_month(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        expiry_month = _parse_expiry_month(d.pop("expiryMonth", UNSET))

        def _parse_expiry_year(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        expiry_year = _parse_expiry_year(d.pop("expiryYear", UNSET))

        def _parse_external_payment_method_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_payment_method_id = _parse_external_payment_method_id(d.pop("externalPaymentMethodId", UNSET))

        def _parse_is_vid_mapped(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        is_vid_mapped = _parse_is_vid_mapped(d.pop("isVidMapped", UNSET))

        def _parse_psp(
            data: object,
        ) -> (
            None
            | PaymentMethodResponsePspType1
            | PaymentMethodResponsePspType2Type1
            | PaymentMethodResponsePspType3Type1
            | Unset
        ):
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                psp_type_1 = check_payment_method_response_psp_type_1(data)

                return psp_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                psp_type_2_type_1 = check_payment_method_response_psp_type_2_type_1(data)

                return psp_type_2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                psp_type_3_type_1 = check_payment_method_response_psp_type_3_type_1(data)

                return psp_type_3_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                None
                | PaymentMethodResponsePspType1
                | PaymentMethodResponsePspType2Type1
                | PaymentMethodResponsePspType3Type1
                | Unset,
                data,
            )

        psp = _parse_psp(d.pop("psp", UNSET))

        def _parse_psp_payment_method_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        psp_payment_method_id = _parse_psp_payment_method_id(d.pop("pspPaymentMethodId", UNSET))

        payment_method_response = cls(
            id=id,
            type_=type_,
            verification_status=verification_status,
            card_hint=card_hint,
            card_short_hint=card_short_hint,
            created_date=created_date,
            display_name=display_name,
            expiry_month=expiry_month,
            expiry_year=expiry_year,
            external_payment_method_id=external_payment_method_id,
            is_vid_mapped=is_vid_mapped,
            psp=psp,
            psp_payment_method_id=psp_payment_method_id,
        )

        payment_method_response.additional_properties = d
        return payment_method_response

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
