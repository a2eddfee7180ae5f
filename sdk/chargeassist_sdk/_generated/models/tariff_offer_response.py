from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.tariff_offer_response_validity import (
    TariffOfferResponseValidity,
    check_tariff_offer_response_validity,
)

if TYPE_CHECKING:
    from ..models.payment_method_response import PaymentMethodResponse
    from ..models.tariff_view import TariffView


T = TypeVar("T", bound="TariffOfferResponse")


@_attrs_define
class TariffOfferResponse:
    """
    Attributes:
        payment_method (PaymentMethodResponse):
        tariff (None | TariffView):
        validity (TariffOfferResponseValidity):
    """

    payment_method: PaymentMethodResponse
    tariff: None | TariffView
    validity: TariffOfferResponseValidity
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.tariff_view import TariffView  # noqa: PLC0415

        payment_method = self.payment_method.to_dict()

        tariff: dict[str, Any] | None
        if isinstance(self.tariff, TariffView):
            tariff = self.tariff.to_dict()
        else:
            tariff = self.tariff

        validity: str = self.validity

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "paymentMethod": payment_method,
                "tariff": tariff,
                "validity": validity,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.payment_method_response import PaymentMethodResponse  # noqa: PLC0415
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

        tariff_offer_response = cls(
            payment_method=payment_method,
            tariff=tariff,
            validity=validity,
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
