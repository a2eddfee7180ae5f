from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.tariff_offer_response_validity import (
    TariffOfferResponseValidity,
    check_tariff_offer_response_validity,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.payment_method_response import PaymentMethodResponse
    from ..models.pre_auth_amount_view import PreAuthAmountView
    from ..models.tariff_view import TariffView


T = TypeVar("T", bound="TariffOfferResponse")


@_attrs_define
class TariffOfferResponse:
    """
    Attributes:
        payment_method (PaymentMethodResponse):
        tariff (None | TariffView):
        validity (TariffOfferResponseValidity):
        pre_auth_amount (None | PreAuthAmountView | Unset):
    """

    payment_method: PaymentMethodResponse
    tariff: None | TariffView
    validity: TariffOfferResponseValidity
    pre_auth_amount: None | PreAuthAmountView | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.pre_auth_amount_view import PreAuthAmountView  # noqa: PLC0415
        from ..models.tariff_view import TariffView  # noqa: PLC0415

        payment_method = self.payment_method.to_dict()

        tariff: dict[str, Any] | None
        if isinstance(self.tariff, TariffView):
            tariff = self.tariff.to_dict()
        else:
            tariff = self.tariff

        validity: str = self.validity

        pre_auth_amount: dict[str, Any] | None | Unset
        if isinstance(self.pre_auth_amount, Unset):
            pre_auth_amount = UNSET
        elif isinstance(self.pre_auth_amount, PreAuthAmountView):
            pre_auth_amount = self.pre_auth_amount.to_dict()
        else:
            pre_auth_amount = self.pre_auth_amount

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "paymentMethod": payment_method,
                "tariff": tariff,
                "validity": validity,
            }
        )
        if pre_auth_amount is not UNSET:
            field_dict["preAuthAmount"] = pre_auth_amount

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.payment_method_response import PaymentMethodResponse  # noqa: PLC0415
        from ..models.pre_auth_amount_view import PreAuthAmountView  # noqa: PLC0415
        from ..models.tariff_view import TariffView  # noqa: PLC0415

        d = dict(src_dict)
        payment_method = PaymentMethodResponse.from_dict(d.pop("paymentMethod"))

        def _parse_tariff(data: object) -> None | TariffView:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                tariff_type_0 = TariffView.from_dict(data)

                return tariff_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TariffView, data)

        tariff = _parse_tariff(d.pop("tariff"))

        validity = check_tariff_offer_response_validity(d.pop("validity"))

        def _parse_pre_auth_amount(data: object) -> None | PreAuthAmountView | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                pre_auth_amount_type_0 = PreAuthAmountView.from_dict(data)

                return pre_auth_amount_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PreAuthAmountView | Unset, data)

        pre_auth_amount = _parse_pre_auth_amount(d.pop("preAuthAmount", UNSET))

        tariff_offer_response = cls(
            payment_method=payment_method,
            tariff=tariff,
            validity=validity,
            pre_auth_amount=pre_auth_amount,
        )

        tariff_offer_response.additional_properties = d
        return tariff_offer_response

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
