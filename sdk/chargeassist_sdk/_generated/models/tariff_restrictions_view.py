from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TariffRestrictionsView")


@_attrs_define
class TariffRestrictionsView:
    """
    Attributes:
        day_of_week (list[str] | None | Unset):
        end_date (None | str | Unset):
        end_time (None | str | Unset):
        max_current (None | str | Unset):
        max_duration (int | None | Unset):
        max_kwh (None | str | Unset):
        max_power (None | str | Unset):
        min_current (None | str | Unset):
        min_duration (int | None | Unset):
        min_kwh (None | str | Unset):
        min_power (None | str | Unset):
        reservation (None | str | Unset):
        start_date (None | str | Unset):
        start_time (None | str | Unset):
    """

    day_of_week: list[str] | None | Unset = UNSET
    end_date: None | str | Unset = UNSET
    end_time: None | str | Unset = UNSET
    max_current: None | str | Unset = UNSET
    max_duration: int | None | Unset = UNSET
    max_kwh: None | str | Unset = UNSET
    max_power: None | str | Unset = UNSET
    min_current: None | str | Unset = UNSET
    min_duration: int | None | Unset = UNSET
    min_kwh: None | str | Unset = UNSET
    min_power: None | str | Unset = UNSET
    reservation: None | str | Unset = UNSET
    start_date: None | str | Unset = UNSET
    start_time: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        day_of_week: list[str] | None | Unset
        if isinstance(self.day_of_week, Unset):
            day_of_week = UNSET
        elif isinstance(self.day_of_week, list):
            day_of_week = self.day_of_week

        else:
            day_of_week = self.day_of_week

        end_date: None | str | Unset
        if isinstance(self.end_date, Unset):
            end_date = UNSET
        else:
            end_date = self.end_date

        end_time: None | str | Unset
        if isinstance(self.end_time, Unset):
            end_time = UNSET
        else:
            end_time = self.end_time

        max_current: None | str | Unset
        if isinstance(self.max_current, Unset):
            max_current = UNSET
        else:
            max_current = self.max_current

        max_duration: int | None | Unset
        if isinstance(self.max_duration, Unset):
            max_duration = UNSET
        else:
            max_duration = self.max_duration

        max_kwh: None | str | Unset
        if isinstance(self.max_kwh, Unset):
            max_kwh = UNSET
        else:
            max_kwh = self.max_kwh

        max_power: None | str | Unset
        if isinstance(self.max_power, Unset):
            max_power = UNSET
        else:
            max_power = self.max_power

        min_current: None | str | Unset
        if isinstance(self.min_current, Unset):
            min_current = UNSET
        else:
            min_current = self.min_current

        min_duration: int | None | Unset
        if isinstance(self.min_duration, Unset):
            min_duration = UNSET
        else:
            min_duration = self.min_duration

        min_kwh: None | str | Unset
        if isinstance(self.min_kwh, Unset):
            min_kwh = UNSET
        else:
            min_kwh = self.min_kwh

        min_power: None | str | Unset
        if isinstance(self.min_power, Unset):
            min_power = UNSET
        else:
            min_power = self.min_power

        reservation: None | str | Unset
        if isinstance(self.reservation, Unset):
            reservation = UNSET
        else:
            reservation = self.reservation

        start_date: None | str | Unset
        if isinstance(self.start_date, Unset):
            start_date = UNSET
        else:
            start_date = self.start_date

        start_time: None | str | Unset
        if isinstance(self.start_time, Unset):
            start_time = UNSET
        else:
            start_time = self.start_time

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if day_of_week is not UNSET:
            field_dict["dayOfWeek"] = day_of_week
        if end_date is not UNSET:
            field_dict["endDate"] = end_date
        if end_time is not UNSET:
            field_dict["endTime"] = end_time
        if max_current is not UNSET:
            field_dict["maxCurrent"] = max_current
        if max_duration is not UNSET:
            field_dict["maxDuration"] = max_duration
        if max_kwh is not UNSET:
            field_dict["maxKwh"] = max_kwh
        if max_power is not UNSET:
            field_dict["maxPower"] = max_power
        if min_current is not UNSET:
            field_dict["minCurrent"] = min_current
        if min_duration is not UNSET:
            field_dict["minDuration"] = min_duration
        if min_kwh is not UNSET:
            field_dict["minKwh"] = min_kwh
        if min_power is not UNSET:
            field_dict["minPower"] = min_power
        if reservation is not UNSET:
            field_dict["reservation"] = reservation
        if start_date is not UNSET:
            field_dict["startDate"] = start_date
        if start_time is not UNSET:
            field_dict["startTime"] = start_time

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_day_of_week(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                day_of_week_type_0 = cast(list[str], data)

                return day_of_week_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        day_of_week = _parse_day_of_week(d.pop("dayOfWeek", UNSET))

        def _parse_end_date(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        end_date = _parse_end_date(d.pop("endDate", UNSET))

        def _parse_end_time(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        end_time = _parse_end_time(d.pop("endTime", UNSET))

        def _parse_max_current(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        max_current = _parse_max_current(d.pop("maxCurrent", UNSET))

        def _parse_max_duration(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_duration = _parse_max_duration(d.pop("maxDuration", UNSET))

        def _parse_max_kwh(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        max_kwh = _parse_max_kwh(d.pop("maxKwh", UNSET))

        def _parse_max_power(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        max_power = _parse_max_power(d.pop("maxPower", UNSET))

        def _parse_min_current(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        min_current = _parse_min_current(d.pop("minCurrent", UNSET))

        def _parse_min_duration(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        min_duration = _parse_min_duration(d.pop("minDuration", UNSET))

        def _parse_min_kwh(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        min_kwh = _parse_min_kwh(d.pop("minKwh", UNSET))

        def _parse_min_power(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        min_power = _parse_min_power(d.pop("minPower", UNSET))

        def _parse_reservation(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reservation = _parse_reservation(d.pop("reservation", UNSET))

        def _parse_start_date(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        start_date = _parse_start_date(d.pop("startDate", UNSET))

        def _parse_start_time(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        start_time = _parse_start_time(d.pop("startTime", UNSET))

        tariff_restrictions_view = cls(
            day_of_week=day_of_week,
            end_date=end_date,
            end_time=end_time,
            max_current=max_current,
            max_duration=max_duration,
            max_kwh=max_kwh,
            max_power=max_power,
            min_current=min_current,
            min_duration=min_duration,
            min_kwh=min_kwh,
            min_power=min_power,
            reservation=reservation,
            start_date=start_date,
            start_time=start_time,
        )

        tariff_restrictions_view.additional_properties = d
        return tariff_restrictions_view

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
