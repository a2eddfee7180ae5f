from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.paid_with import PaidWith
    from ..models.receipt_evse import ReceiptEvse
    from ..models.receipt_line_document import ReceiptLineDocument
    from ..models.receipt_location import ReceiptLocation
    from ..models.receipt_seller import ReceiptSeller
    from ..models.receipt_totals_document import ReceiptTotalsDocument


T = TypeVar("T", bound="SessionReceipt")


@_attrs_define
class SessionReceipt:
    """
    Attributes:
        charge_session_id (str):
        connector_id (str):
        end_time (datetime.datetime | None):
        energy_kwh (str):
        evse (ReceiptEvse):
        issued_at (datetime.datetime):
        lines (list[ReceiptLineDocument]):
        location (ReceiptLocation):
        paid (None | PaidWith):
        receipt_number (str):
        seller (ReceiptSeller):
        start_time (datetime.datetime | None):
        totals (ReceiptTotalsDocument):
    """

    charge_session_id: str
    connector_id: str
    end_time: datetime.datetime | None
    energy_kwh: str
    evse: ReceiptEvse
    issued_at: datetime.datetime
    lines: list[ReceiptLineDocument]
    location: ReceiptLocation
    paid: None | PaidWith
    receipt_number: str
    seller: ReceiptSeller
    start_time: datetime.datetime | None
    totals: ReceiptTotalsDocument
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.paid_with import PaidWith  # noqa: PLC0415

        charge_session_id = self.charge_session_id

        connector_id = self.connector_id

        end_time: None | str
        if isinstance(self.end_time, datetime.datetime):
            end_time = self.end_time.isoformat()
        else:
            end_time = self.end_time

        energy_kwh = self.energy_kwh

        evse = self.evse.to_dict()

        issued_at = self.issued_at.isoformat()

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        location = self.location.to_dict()

        paid: dict[str, Any] | None
        if isinstance(self.paid, PaidWith):
            paid = self.paid.to_dict()
        else:
            paid = self.paid

        receipt_number = self.receipt_number

        seller = self.seller.to_dict()

        start_time: None | str
        if isinstance(self.start_time, datetime.datetime):
            start_time = self.start_time.isoformat()
        else:
            start_time = self.start_time

        totals = self.totals.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "chargeSessionId": charge_session_id,
                "connectorId": connector_id,
                "endTime": end_time,
                "energyKwh": energy_kwh,
                "evse": evse,
                "issuedAt": issued_at,
                "lines": lines,
                "location": location,
                "paid": paid,
                "receiptNumber": receipt_number,
                "seller": seller,
                "startTime": start_time,
                "totals": totals,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.paid_with import PaidWith  # noqa: PLC0415
        from ..models.receipt_evse import ReceiptEvse  # noqa: PLC0415
        from ..models.receipt_line_document import ReceiptLineDocument  # noqa: PLC0415
        from ..models.receipt_location import ReceiptLocation  # noqa: PLC0415
        from ..models.receipt_seller import ReceiptSeller  # noqa: PLC0415
        from ..models.receipt_totals_document import ReceiptTotalsDocument  # noqa: PLC0415

        d = dict(src_dict)
        charge_session_id = d.pop("chargeSessionId")

        connector_id = d.pop("connectorId")

        def _parse_end_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                end_time_type_0 = datetime.datetime.fromisoformat(data)

                return end_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        end_time = _parse_end_time(d.pop("endTime"))

        energy_kwh = d.pop("energyKwh")

        evse = ReceiptEvse.from_dict(d.pop("evse"))

        issued_at = datetime.datetime.fromisoformat(d.pop("issuedAt"))

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = ReceiptLineDocument.from_dict(lines_item_data)

            lines.append(lines_item)

        location = ReceiptLocation.from_dict(d.pop("location"))

        def _parse_paid(data: object) -> None | PaidWith:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                paid_type_0 = PaidWith.from_dict(data)

                return paid_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PaidWith, data)

        paid = _parse_paid(d.pop("paid"))

        receipt_number = d.pop("receiptNumber")

        seller = ReceiptSeller.from_dict(d.pop("seller"))

        def _parse_start_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                start_time_type_0 = datetime.datetime.fromisoformat(data)

                return start_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        start_time = _parse_start_time(d.pop("startTime"))

        totals = ReceiptTotalsDocument.from_dict(d.pop("totals"))

        session_receipt = cls(
            charge_session_id=charge_session_id,
            connector_id=connector_id,
            end_time=end_time,
            energy_kwh=energy_kwh,
            evse=evse,
            issued_at=issued_at,
            lines=lines,
            location=location,
            paid=paid,
            receipt_number=receipt_number,
            seller=seller,
            start_time=start_time,
            totals=totals,
        )

        session_receipt.additional_properties = d
        return session_receipt

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
