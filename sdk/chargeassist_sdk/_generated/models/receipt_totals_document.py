from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.receipt_vat_rate import ReceiptVatRate


T = TypeVar("T", bound="ReceiptTotalsDocument")


@_attrs_define
class ReceiptTotalsDocument:
    """
    Attributes:
        currency (str):
        gross (str):
        net (str):
        vat (str):
        vat_by_rate (list[ReceiptVatRate]):
    """

    currency: str
    gross: str
    net: str
    vat: str
    vat_by_rate: list[ReceiptVatRate]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency = self.currency

        gross = self.gross

        net = self.net

        vat = self.vat

        vat_by_rate = []
        for vat_by_rate_item_data in self.vat_by_rate:
            vat_by_rate_item = vat_by_rate_item_data.to_dict()
            vat_by_rate.append(vat_by_rate_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "currency": currency,
                "gross": gross,
                "net": net,
                "vat": vat,
                "vatByRate": vat_by_rate,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.receipt_vat_rate import ReceiptVatRate  # noqa: PLC0415

        d = dict(src_dict)
        currency = d.pop("currency")

        gross = d.pop("gross")

        net = d.pop("net")

        vat = d.pop("vat")

        vat_by_rate = []
        _vat_by_rate = d.pop("vatByRate")
        for vat_by_rate_item_data in _vat_by_rate:
            vat_by_rate_item = ReceiptVatRate.from_dict(vat_by_rate_item_data)

            vat_by_rate.append(vat_by_rate_item)

        receipt_totals_document = cls(
            currency=currency,
            gross=gross,
            net=net,
            vat=vat,
            vat_by_rate=vat_by_rate,
        )

        receipt_totals_document.additional_properties = d
        return receipt_totals_document

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
