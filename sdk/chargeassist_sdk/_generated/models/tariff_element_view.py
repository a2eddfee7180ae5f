from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.price_component_view import PriceComponentView
    from ..models.tariff_restrictions_view import TariffRestrictionsView


T = TypeVar("T", bound="TariffElementView")


@_attrs_define
class TariffElementView:
    """
    Attributes:
        price_components (list[PriceComponentView]):
        restrictions (None | TariffRestrictionsView | Unset):
    """

    price_components: list[PriceComponentView]
    restrictions: None | TariffRestrictionsView | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.tariff_restrictions_view import TariffRestrictionsView  # noqa: PLC0415

        price_components = []
        for price_components_item_data in self.price_components:
            price_components_item = price_components_item_data.to_dict()
            price_components.append(price_components_item)

        restrictions: dict[str, Any] | None | Unset
        if isinstance(self.restrictions, Unset):
            restrictions = UNSET
        elif isinstance(self.restrictions, TariffRestrictionsView):
            restrictions = self.restrictions.to_dict()
        else:
            restrictions = self.restrictions

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "priceComponents": price_components,
            }
        )
        if restrictions is not UNSET:
            field_dict["restrictions"] = restrictions

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.price_component_view import PriceComponentView  # noqa: PLC0415
        from ..models.tariff_restrictions_view import TariffRestrictionsView  # noqa: PLC0415

        d = dict(src_dict)
        price_components = []
        _price_components = d.pop("priceComponents")
        for price_components_item_data in _price_components:
            price_components_item = PriceComponentView.from_dict(price_components_item_data)

            price_components.append(price_components_item)

        def _parse_restrictions(data: object) -> None | TariffRestrictionsView | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                restrictions_type_0 = TariffRestrictionsView.from_dict(data)

                return restrictions_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TariffRestrictionsView | Unset, data)

        restrictions = _parse_restrictions(d.pop("restrictions", UNSET))

        tariff_element_view = cls(
            price_components=price_components,
            restrictions=restrictions,
        )

        tariff_element_view.additional_properties = d
        return tariff_element_view

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
