from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

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
        external_payment_method_id (None | str | Unset):
        is_vid_mapped (bool | None | Unset):
    """

    id: str
    type_: PaymentMethodResponseType
    verification_status: PaymentMethodResponseVerificationStatus
    card_hint: None | str | Unset = UNSET
    card_short_hint: None | str | Unset = UNSET
    created_date: datetime.datetime | None | Unset = UNSET
    display_name: None | str | Unset = UNSET
    external_payment_method_id: None | str | Unset = UNSET
    is_vid_mapped: bool | None | Unset = UNSET
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
        if external_payment_method_id is not UNSET:
            field_dict["externalPaymentMethodId"] = external_payment_method_id
        if is_vid_mapped is not UNSET:
            field_dict["isVidMapped"] = is_vid_mapped

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

        payment_method_response = cls(
            id=id,
            type_=type_,
            verification_status=verification_status,
            card_hint=card_hint,
            card_short_hint=card_short_hint,
            created_date=created_date,
            display_name=display_name,
            external_payment_method_id=external_payment_method_id,
            is_vid_mapped=is_vid_mapped,
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
