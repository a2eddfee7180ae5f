from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.session_response_start_method import (
    SessionResponseStartMethod,
    check_session_response_start_method,
)
from ..models.session_response_status import (
    SessionResponseStatus,
    check_session_response_status,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.cost_breakdown_line import CostBreakdownLine
    from ..models.payment_response import PaymentResponse
    from ..models.usage_summary import UsageSummary


T = TypeVar("T", bound="SessionResponse")


@_attrs_define
class SessionResponse:
    """
    Attributes:
        charge_session_id (str):
        connector_id (str):
        cost_breakdown (list[CostBreakdownLine] | None):
        currency (None | str):
        current_power_in_kw (None | str):
        end_time (datetime.datetime | None):
        energy_in_kwh (str):
        evse_uid (str):
        location_id (str):
        next_status_call (datetime.datetime | None):
        payment_method_id (None | str):
        requested_time (datetime.datetime):
        start_method (SessionResponseStartMethod):
        start_time (datetime.datetime | None):
        state_of_charge (None | str):
        status (SessionResponseStatus):
        status_reason (None | str):
        total_costs (None | str):
        total_vat (None | str):
        vat_percentage (None | str):
        payment (None | PaymentResponse | Unset):
        receipt_number (None | str | Unset):
        usage_summary (None | Unset | UsageSummary):
    """

    charge_session_id: str
    connector_id: str
    cost_breakdown: list[CostBreakdownLine] | None
    currency: None | str
    current_power_in_kw: None | str
    end_time: datetime.datetime | None
    energy_in_kwh: str
    evse_uid: str
    location_id: str
    next_status_call: datetime.datetime | None
    payment_method_id: None | str
    requested_time: datetime.datetime
    start_method: SessionResponseStartMethod
    start_time: datetime.datetime | None
    state_of_charge: None | str
    status: SessionResponseStatus
    status_reason: None | str
    total_costs: None | str
    total_vat: None | str
    vat_percentage: None | str
    payment: None | PaymentResponse | Unset = UNSET
    receipt_number: None | str | Unset = UNSET
    usage_summary: None | Unset | UsageSummary = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.payment_response import PaymentResponse  # noqa: PLC0415
        from ..models.usage_summary import UsageSummary  # noqa: PLC0415

        charge_session_id = self.charge_session_id

        connector_id = self.connector_id

        cost_breakdown: list[dict[str, Any]] | None
        if isinstance(self.cost_breakdown, list):
            cost_breakdown = []
            for cost_breakdown_type_0_item_data in self.cost_breakdown:
                cost_breakdown_type_0_item = cost_breakdown_type_0_item_data.to_dict()
                cost_breakdown.append(cost_breakdown_type_0_item)

        else:
            cost_breakdown = self.cost_breakdown

        currency: None | str
        currency = self.currency

        current_power_in_kw: None | str
        current_power_in_kw = self.current_power_in_kw

        end_time: None | str
        if isinstance(self.end_time, datetime.datetime):
            end_time = self.end_time.isoformat()
        else:
            end_time = self.end_time

        energy_in_kwh = self.energy_in_kwh

        evse_uid = self.evse_uid

        location_id = self.location_id

        next_status_call: None | str
        if isinstance(self.next_status_call, datetime.datetime):
            next_status_call = self.next_status_call.isoformat()
        else:
            next_status_call = self.next_status_call

        payment_method_id: None | str
        payment_method_id = self.payment_method_id

        requested_time = self.requested_time.isoformat()

        start_method: str = self.start_method

        start_time: None | str
        if isinstance(self.start_time, datetime.datetime):
            start_time = self.start_time.isoformat()
        else:
            start_time = self.start_time

        state_of_charge: None | str
        state_of_charge = self.state_of_charge

        status: str = self.status

        status_reason: None | str
        status_reason = self.status_reason

        total_costs: None | str
        total_costs = self.total_costs

        total_vat: None | str
        total_vat = self.total_vat

        vat_percentage: None | str
        vat_percentage = self.vat_percentage

        payment: dict[str, Any] | None | Unset
        if isinstance(self.payment, Unset):
            payment = UNSET
        elif isinstance(self.payment, PaymentResponse):
            payment = self.payment.to_dict()
        else:
            payment = self.payment

        receipt_number: None | str | Unset
        if isinstance(self.receipt_number, Unset):
            receipt_number = UNSET
        else:
            receipt_number = self.receipt_number

        usage_summary: dict[str, Any] | None | Unset
        if isinstance(self.usage_summary, Unset):
            usage_summary = UNSET
        elif isinstance(self.usage_summary, UsageSummary):
            usage_summary = self.usage_summary.to_dict()
        else:
            usage_summary = self.usage_summary

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "chargeSessionId": charge_session_id,
                "connectorId": connector_id,
                "costBreakdown": cost_breakdown,
                "currency": currency,
                "currentPowerInKw": current_power_in_kw,
                "endTime": end_time,
                "energyInKwh": energy_in_kwh,
                "evseUid": evse_uid,
                "locationId": location_id,
                "nextStatusCall": next_status_call,
                "paymentMethodId": payment_method_id,
                "requestedTime": requested_time,
                "startMethod": start_method,
                "startTime": start_time,
                "stateOfCharge": state_of_charge,
                "status": status,
                "statusReason": status_reason,
                "totalCosts": total_costs,
                "totalVat": total_vat,
                "vatPercentage": vat_percentage,
            }
        )
        if payment is not UNSET:
            field_dict["payment"] = payment
        if receipt_number is not UNSET:
            field_dict["receiptNumber"] = receipt_number
        if usage_summary is not UNSET:
            field_dict["usageSummary"] = usage_summary

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.cost_breakdown_line import CostBreakdownLine  # noqa: PLC0415
        from ..models.payment_response import PaymentResponse  # noqa: PLC0415
        from ..models.usage_summary import UsageSummary  # noqa: PLC0415

        d = dict(src_dict)
        charge_session_id = d.pop("chargeSessionId")

        connector_id = d.pop("connectorId")

        def _parse_cost_breakdown(data: object) -> list[CostBreakdownLine] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                cost_breakdown_type_0 = []
                _cost_breakdown_type_0 = data
                for cost_breakdown_type_0_item_data in _cost_breakdown_type_0:
                    cost_breakdown_type_0_item = CostBreakdownLine.from_dict(cost_breakdown_type_0_item_data)

                    cost_breakdown_type_0.append(cost_breakdown_type_0_item)

                return cost_breakdown_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[CostBreakdownLine] | None, data)

        cost_breakdown = _parse_cost_breakdown(d.pop("costBreakdown"))

        def _parse_currency(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        currency = _parse_currency(d.pop("currency"))

        def _parse_current_power_in_kw(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        current_power_in_kw = _parse_current_power_in_kw(d.pop("currentPowerInKw"))

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

        energy_in_kwh = d.pop("energyInKwh")

        evse_uid = d.pop("evseUid")

        location_id = d.pop("locationId")

        def _parse_next_status_call(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_status_call_type_0 = datetime.datetime.fromisoformat(data)

                return next_status_call_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_status_call = _parse_next_status_call(d.pop("nextStatusCall"))

        def _parse_payment_method_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        payment_method_id = _parse_payment_method_id(d.pop("paymentMethodId"))

        requested_time = datetime.datetime.fromisoformat(d.pop("requestedTime"))

        start_method = check_session_response_start_method(d.pop("startMethod"))

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

        def _parse_state_of_charge(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        state_of_charge = _parse_state_of_charge(d.pop("stateOfCharge"))

        status = check_session_response_status(d.pop("status"))

        def _parse_status_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        status_reason = _parse_status_reason(d.pop("statusReason"))

        def _parse_total_costs(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        total_costs = _parse_total_costs(d.pop("totalCosts"))

        def _parse_total_vat(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        total_vat = _parse_total_vat(d.pop("totalVat"))

        def _parse_vat_percentage(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        vat_percentage = _parse_vat_percentage(d.pop("vatPercentage"))

        def _parse_payment(data: object) -> None | PaymentResponse | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                payment_type_0 = PaymentResponse.from_dict(data)

                return payment_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PaymentResponse | Unset, data)

        payment = _parse_payment(d.pop("payment", UNSET))

        def _parse_receipt_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        receipt_number = _parse_receipt_number(d.pop("receiptNumber", UNSET))

        def _parse_usage_summary(data: object) -> None | Unset | UsageSummary:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                usage_summary_type_0 = UsageSummary.from_dict(data)

                return usage_summary_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UsageSummary, data)

        usage_summary = _parse_usage_summary(d.pop("usageSummary", UNSET))

        session_response = cls(
            charge_session_id=charge_session_id,
            connector_id=connector_id,
            cost_breakdown=cost_breakdown,
            currency=currency,
            current_power_in_kw=current_power_in_kw,
            end_time=end_time,
            energy_in_kwh=energy_in_kwh,
            evse_uid=evse_uid,
            location_id=location_id,
            next_status_call=next_status_call,
            payment_method_id=payment_method_id,
            requested_time=requested_time,
            start_method=start_method,
            start_time=start_time,
            state_of_charge=state_of_charge,
            status=status,
            status_reason=status_reason,
            total_costs=total_costs,
            total_vat=total_vat,
            vat_percentage=vat_percentage,
            payment=payment,
            receipt_number=receipt_number,
            usage_summary=usage_summary,
        )

        session_response.additional_properties = d
        return session_response

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
