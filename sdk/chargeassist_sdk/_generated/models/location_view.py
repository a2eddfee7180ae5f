from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.business_details_view import BusinessDetailsView
    from ..models.evse_view import EvseView
    from ..models.opening_hours_view import OpeningHoursView
    from ..models.pre_auth_amount_view import PreAuthAmountView


T = TypeVar("T", bound="LocationView")


@_attrs_define
class LocationView:
    """
    Attributes:
        address (str):
        charging_when_closed (bool | None):
        city (str):
        con_avail (int):
        con_tot (int):
        country (str):
        evses (list[EvseView]):
        facilities (list[str]):
        id (str):
        last_updated (None | str):
        lat (float):
        lng (float):
        name (None | str):
        opening_hours (None | OpeningHoursView):
        operator (BusinessDetailsView | None):
        owner (BusinessDetailsView | None):
        pms (list[str]):
        postal_code (None | str):
        pre_auth_amount (None | PreAuthAmountView):
        restricted_access (bool):
        time_zone (str):
        type_ (str):
    """

    address: str
    charging_when_closed: bool | None
    city: str
    con_avail: int
    con_tot: int
    country: str
    evses: list[EvseView]
    facilities: list[str]
    id: str
    last_updated: None | str
    lat: float
    lng: float
    name: None | str
    opening_hours: None | OpeningHoursView
    operator: BusinessDetailsView | None
    owner: BusinessDetailsView | None
    pms: list[str]
    postal_code: None | str
    pre_auth_amount: None | PreAuthAmountView
    restricted_access: bool
    time_zone: str
    type_: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.business_details_view import BusinessDetailsView  # noqa: PLC0415
        from ..models.opening_hours_view import OpeningHoursView  # noqa: PLC0415
        from ..models.pre_auth_amount_view import PreAuthAmountView  # noqa: PLC0415

        address = self.address

        charging_when_closed: bool | None
        charging_when_closed = self.charging_when_closed

        city = self.city

        con_avail = self.con_avail

        con_tot = self.con_tot

        country = self.country

        evses = []
        for evses_item_data in self.evses:
            evses_item = evses_item_data.to_dict()
            evses.append(evses_item)

        facilities = self.facilities

        id = self.id

        last_updated: None | str
        last_updated = self.last_updated

        lat = self.lat

        lng = self.lng

        name: None | str
        name = self.name

        opening_hours: dict[str, Any] | None
        if isinstance(self.opening_hours, OpeningHoursView):
            opening_hours = self.opening_hours.to_dict()
        else:
            opening_hours = self.opening_hours

        operator: dict[str, Any] | None
        if isinstance(self.operator, BusinessDetailsView):
            operator = self.operator.to_dict()
        else:
            operator = self.operator

        owner: dict[str, Any] | None
        if isinstance(self.owner, BusinessDetailsView):
            owner = self.owner.to_dict()
        else:
            owner = self.owner

        pms = self.pms

        postal_code: None | str
        postal_code = self.postal_code

        pre_auth_amount: dict[str, Any] | None
        if isinstance(self.pre_auth_amount, PreAuthAmountView):
            pre_auth_amount = self.pre_auth_amount.to_dict()
        else:
            pre_auth_amount = self.pre_auth_amount

        restricted_access = self.restricted_access

        time_zone = self.time_zone

        type_ = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "address": address,
                "chargingWhenClosed": charging_when_closed,
                "city": city,
                "conAvail": con_avail,
                "conTot": con_tot,
                "country": country,
                "evses": evses,
                "facilities": facilities,
                "id": id,
                "lastUpdated": last_updated,
                "lat": lat,
                "lng": lng,
                "name": name,
                "openingHours": opening_hours,
                "operator": operator,
                "owner": owner,
                "pms": pms,
                "postalCode": postal_code,
                "preAuthAmount": pre_auth_amount,
                "restrictedAccess": restricted_access,
                "timeZone": time_zone,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.business_details_view import BusinessDetailsView  # noqa: PLC0415
        from ..models.evse_view import EvseView  # noqa: PLC0415
        from ..models.opening_hours_view import OpeningHoursView  # noqa: PLC0415
        from ..models.pre_auth_amount_view import PreAuthAmountView  # noqa: PLC0415

        d = dict(src_dict)
        address = d.pop("address")

        def _parse_charging_when_closed(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        charging_when_closed = _parse_charging_when_closed(d.pop("chargingWhenClosed"))

        city = d.pop("city")

        con_avail = d.pop("conAvail")

        con_tot = d.pop("conTot")

        country = d.pop("country")

        evses = []
        _evses = d.pop("evses")
        for evses_item_data in _evses:
            evses_item = EvseView.from_dict(evses_item_data)

            evses.append(evses_item)

        facilities = cast(list[str], d.pop("facilities"))

        id = d.pop("id")

        def _parse_last_updated(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_updated = _parse_last_updated(d.pop("lastUpdated"))

        lat = d.pop("lat")

        lng = d.pop("lng")

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))

        def _parse_opening_hours(data: object) -> None | OpeningHoursView:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                opening_hours_type_0 = OpeningHoursView.from_dict(data)

                return opening_hours_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OpeningHoursView, data)

        opening_hours = _parse_opening_hours(d.pop("openingHours"))

        def _parse_operator(data: object) -> BusinessDetailsView | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                operator_type_0 = BusinessDetailsView.from_dict(data)

                return operator_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BusinessDetailsView | None, data)

        operator = _parse_operator(d.pop("operator"))

        def _parse_owner(data: object) -> BusinessDetailsView | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                owner_type_0 = BusinessDetailsView.from_dict(data)

                return owner_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BusinessDetailsView | None, data)

        owner = _parse_owner(d.pop("owner"))

        pms = cast(list[str], d.pop("pms"))

        def _parse_postal_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        postal_code = _parse_postal_code(d.pop("postalCode"))

        def _parse_pre_auth_amount(data: object) -> None | PreAuthAmountView:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                pre_auth_amount_type_0 = PreAuthAmountView.from_dict(data)

                return pre_auth_amount_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PreAuthAmountView, data)

        pre_auth_amount = _parse_pre_auth_amount(d.pop("preAuthAmount"))

        restricted_access = d.pop("restrictedAccess")

        time_zone = d.pop("timeZone")

        type_ = d.pop("type")

        location_view = cls(
            address=address,
            charging_when_closed=charging_when_closed,
            city=city,
            con_avail=con_avail,
            con_tot=con_tot,
            country=country,
            evses=evses,
            facilities=facilities,
            id=id,
            last_updated=last_updated,
            lat=lat,
            lng=lng,
            name=name,
            opening_hours=opening_hours,
            operator=operator,
            owner=owner,
            pms=pms,
            postal_code=postal_code,
            pre_auth_amount=pre_auth_amount,
            restricted_access=restricted_access,
            time_zone=time_zone,
            type_=type_,
        )

        location_view.additional_properties = d
        return location_view

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
