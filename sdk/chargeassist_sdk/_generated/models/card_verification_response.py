from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.card_verification_response_operator_verdict_type_1 import (
    CardVerificationResponseOperatorVerdictType1,
    check_card_verification_response_operator_verdict_type_1,
)
from ..models.card_verification_response_operator_verdict_type_2_type_1 import (
    CardVerificationResponseOperatorVerdictType2Type1,
    check_card_verification_response_operator_verdict_type_2_type_1,
)
from ..models.card_verification_response_operator_verdict_type_3_type_1 import (
    CardVerificationResponseOperatorVerdictType3Type1,
    check_card_verification_response_operator_verdict_type_3_type_1,
)
from ..models.card_verification_response_verification_status import (
    CardVerificationResponseVerificationStatus,
    check_card_verification_response_verification_status,
)

T = TypeVar("T", bound="CardVerificationResponse")


@_attrs_define
class CardVerificationResponse:
    """
    Attributes:
        card_hint (None | str):
        card_number (None | str):
        created_date (datetime.datetime):
        id (str):
        issued_token_uid (None | str):
        operator_verdict (CardVerificationResponseOperatorVerdictType1 |
            CardVerificationResponseOperatorVerdictType2Type1 | CardVerificationResponseOperatorVerdictType3Type1 | None):
        partner_id (str):
        verification_status (CardVerificationResponseVerificationStatus):
        verified_date (datetime.datetime | None):
    """

    card_hint: None | str
    card_number: None | str
    created_date: datetime.datetime
    id: str
    issued_token_uid: None | str
    operator_verdict: (
        CardVerificationResponseOperatorVerdictType1
        | CardVerificationResponseOperatorVerdictType2Type1
        | CardVerificationResponseOperatorVerdictType3Type1
        | None
    )
    partner_id: str
    verification_status: CardVerificationResponseVerificationStatus
    verified_date: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        card_hint: None | str
        card_hint = self.card_hint

        card_number: None | str
        card_number = self.card_number

        created_date = self.created_date.isoformat()

        id = self.id

        issued_token_uid: None | str
        issued_token_uid = self.issued_token_uid

        operator_verdict: None | str
        if isinstance(self.operator_verdict, str):
            operator_verdict = self.operator_verdict
        elif isinstance(self.operator_verdict, str):
            operator_verdict = self.operator_verdict
        elif isinstance(self.operator_verdict, str):
            operator_verdict = self.operator_verdict
        else:
            operator_verdict = self.operator_verdict

        partner_id = self.partner_id

        verification_status: str = self.verification_status

        verified_date: None | str
        if isinstance(self.verified_date, datetime.datetime):
            verified_date = self.verified_date.isoformat()
        else:
            verified_date = self.verified_date

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cardHint": card_hint,
                "cardNumber": card_number,
                "createdDate": created_date,
                "id": id,
                "issuedTokenUid": issued_token_uid,
                "operatorVerdict": operator_verdict,
                "partnerId": partner_id,
                "verificationStatus": verification_status,
                "verifiedDate": verified_date,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_card_hint(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        card_hint = _parse_card_hint(d.pop("cardHint"))

        def _parse_card_number(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        card_number = _parse_card_number(d.pop("cardNumber"))

        created_date = datetime.datetime.fromisoformat(d.pop("createdDate"))

        id = d.pop("id")

        def _parse_issued_token_uid(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        issued_token_uid = _parse_issued_token_uid(d.pop("issuedTokenUid"))

        def _parse_operator_verdict(
            data: object,
        ) -> (
            CardVerificationResponseOperatorVerdictType1
            | CardVerificationResponseOperatorVerdictType2Type1
            | CardVerificationResponseOperatorVerdictType3Type1
            | None
        ):
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                operator_verdict_type_1 = check_card_verification_response_operator_verdict_type_1(data)

                return operator_verdict_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                operator_verdict_type_2_type_1 = check_card_verification_response_operator_verdict_type_2_type_1(data)

                return operator_verdict_type_2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                operator_verdict_type_3_type_1 = check_card_verification_response_operator_verdict_type_3_type_1(data)

                return operator_verdict_type_3_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                CardVerificationResponseOperatorVerdictType1
                | CardVerificationResponseOperatorVerdictType2Type1
                | CardVerificationResponseOperatorVerdictType3Type1
                | None,
                data,
            )

        operator_verdict = _parse_operator_verdict(d.pop("operatorVerdict"))

        partner_id = d.pop("partnerId")

        verification_status = check_card_verification_response_verification_status(d.pop("verificationStatus"))

        def _parse_verified_date(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                verified_date_type_0 = datetime.datetime.fromisoformat(data)

                return verified_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        verified_date = _parse_verified_date(d.pop("verifiedDate"))

        card_verification_response = cls(
            card_hint=card_hint,
            card_number=card_number,
            created_date=created_date,
            id=id,
            issued_token_uid=issued_token_uid,
            operator_verdict=operator_verdict,
            partner_id=partner_id,
            verification_status=verification_status,
            verified_date=verified_date,
        )

        card_verification_response.additional_properties = d
        return card_verification_response

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
