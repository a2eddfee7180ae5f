from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.tariff_element_view import TariffElementView


T = TypeVar("T", bound="TariffView")


@_attrs_define
class TariffView:
    """
    Attributes:
        currency (str):
        elements (list[TariffElementView]):
        id (str):
        is_vat_included (bool):
        vat_percentage (None | str):
        max_price (None | str | Unset):
        min_price (None | str | Unset):
        tariff_alt_text (None | str | Unset):
        tariff_alt_url (None | str | Unset):
        type_ (None | str | Unset):
    """

    currency: str
    elements: list[TariffElementView]
    id: str
    is_vat_included: bool
    vat_percentage: None | str
    max_price: None | str | Unset = UNSET
    min_price: None | str | Unset = UNSET
    tariff_alt_text: None | str | Unset = UNSET
    tariff_alt_url: None | str | Unset = UNSET
    type_: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency = self.currency

        elements = []
        for elements_item_data in self.elements:
            elements_item = elements_item_data.to_dict()
            elements.append(elements_item)

        id = self.id

        is_vat_included = self.is_vat_included

        vat_percentage: None | str
        vat_percentage = self.vat_percentage

        max_price: None | str | Unset
        if isinstance(self.max_price, Unset):
            max_price = UNSET
        else:
            max_price = self.max_price

        min_price: None | str | Unset
        if isinstance(self.min_price, Unset):
            min_price = UNSET
        else:
            min_price = self.min_price

        tariff_alt_text: None | str | Unset
        if isinstance(self.tariff_alt_text, Unset):
            tariff_alt_text = UNSET
        else:
            tariff_alt_text = self.tariff_alt_text

        tariff_alt_url: None | str | Unset
        if isinstance(self.tariff_alt_url, Unset):
            tariff_alt_url = UNSET
        else:
            tariff_alt_url = self.tariff_alt_url

        type_: None | str | Unset
        if isinstance(self.type_, Unset):
            type_ = UNSET
        else:
            type_ = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "currency": currency,
                "elements": elements,
                "id": id,
                "isVatIncluded": is_vat_included,
                "vatPercentage": vat_percentage,
            }
        )
        if max_price is not UNSET:
            field_dict["maxPrice"] = max_price
        if min_price is not UNSET:
            field_dict["minPrice"] = min_price
        if tariff_alt_text is not UNSET:
            field_dict["tariffAltText"] = tariff_alt_text
        if tariff_alt_url is not UNSET:
            field_dict["tariffAltUrl"] = tariff_alt_url
        if type_ is not UNSET:
            field_dict["type"] = type_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tariff_element_view import TariffElementView  # noqa: PLC0415

        d = dict(src_dict)
        currency = d.pop("currency")

        elements = []
        _elements = d.pop("elements")
        for elements_item_data in _elements:
            elements_item = TariffElementView.from_dict(elements_item_data)

            elements.append(elements_item)

        id = d.pop("id")

        is_vat_included = d.pop("isVatIncluded")

        def _parse_vat_percentage(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        vat_percentage = _parse_vat_percentage(d.pop("vatPercentage"))

        def _parse_max_price(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        max_price = _parse_max_price(d.pop("maxPrice", UNSET))

        def _parse_min_price(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        min_price = _parse_min_price(d.pop("minPrice", UNSET))

        def _parse_tariff_alt_text(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tariff_alt_text = _parse_tariff_alt_text(d.pop("tariffAltText", UNSET))

        def _parse_tariff_alt_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tariff_alt_url = _parse_tariff_alt_url(d.pop("tariffAltUrl", UNSET))

        def _parse_type_(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        type_ = _parse_type_(d.pop("type", UNSET))

        tariff_view = cls(
            currency=currency,
            elements=elements,
            id=id,
            is_vat_included=is_vat_included,
            vat_percentage=vat_percentage,
            max_price=max_price,
            min_price=min_price,
            tariff_alt_text=tariff_alt_text,
            tariff_alt_url=tariff_alt_url,
            type_=type_,
        )

        tariff_view.additional_properties = d
        return tariff_view

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
