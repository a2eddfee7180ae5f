"""Deterministic demo and benchmark data as OCPI 2.2.1 JSON objects (snake_case, plain dicts)."""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final, NamedTuple

__all__ = [
    "DEMO_PARTY_ID",
    "HOTEL_LOCATION_ID",
    "HOTEL_TARIFF_ID",
    "demo_locations",
    "demo_tariffs",
    "synthetic_locations",
]

JsonDict = dict[str, Any]

DEMO_PARTY_ID: Final = "GFX"
HOTEL_LOCATION_ID: Final = "nl-gfx-hotel-amstel"
HOTEL_TARIFF_ID: Final = "nl-gfx-hotel-guest"

_VAT: Final = {"NL": 21.0, "BE": 21.0}
_EPOCH: Final = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
_OPERATOR: Final = {"name": "GFX Demo Charging", "website": "https://demo.chargeassist.example"}
_TIME_ZONES: Final = {"NL": "Europe/Amsterdam", "BE": "Europe/Brussels"}
_ALPHA3: Final = {"NL": "NLD", "BE": "BEL"}

# OCPI wants the line-to-neutral voltage for AC_3_PHASE: 230 V x 16 A x 3 phases = 11 kW.
_AC_VOLTAGE: Final = 230


def _timestamp(seconds: int) -> str:
    return (_EPOCH + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- tariffs ---------------------------------------------------------------------------------


def _price(kind: str, price: float, vat: float, step_size: int) -> JsonDict:
    return {"type": kind, "price": price, "vat": vat, "step_size": step_size}


def _money(excl_vat: float, vat: float) -> JsonDict:
    return {"excl_vat": excl_vat, "incl_vat": round(excl_vat * (1 + vat / 100), 2)}


def _tariff(country: str, tariff_id: str, texts: dict[str, str], elements: list[JsonDict], **extra: Any) -> JsonDict:
    return {
        "country_code": country,
        "party_id": DEMO_PARTY_ID,
        "id": tariff_id,
        "currency": "EUR",
        "type": "REGULAR",
        "tariff_alt_text": [{"language": language, "text": text} for language, text in texts.items()],
        "elements": elements,
        **extra,
        "last_updated": _timestamp(0),
    }


def _eur(amount_excl_vat: float, vat: float, language: str) -> str:
    text = f"EUR {amount_excl_vat * (1 + vat / 100):.2f}"
    return text if language == "en" else text.replace(".", ",")


def _country_tariffs(country: str, energy_ac: float, energy_night: float, energy_dc: float) -> list[JsonDict]:
    vat = _VAT[country]
    prefix = f"{country.lower()}-gfx"
    energy_day = round(energy_ac + 0.04, 2)
    energy_power = round(energy_dc - 0.10, 2)

    # Drivers read these, so they quote prices with VAT, unlike the price components.
    def texts(en: str, nl: str, fr: str) -> dict[str, str]:
        vat_note = {"en": " (incl. VAT)", "nl": " (incl. btw)", "fr": " (TVAC)"}
        all_texts = {"en": en, "nl": nl, "fr": fr} if country == "BE" else {"en": en, "nl": nl}
        return {language: text + vat_note[language] for language, text in all_texts.items()}

    def en(amount: float) -> str:
        return _eur(amount, vat, "en")

    def nl(amount: float) -> str:
        return _eur(amount, vat, "nl")

    def fr(amount: float) -> str:
        return _eur(amount, vat, "fr")

    return [
        _tariff(
            country,
            f"{prefix}-ac-standard",
            texts(
                f"{en(energy_ac)} per kWh; after 2 hours also {en(2.40)} per hour parked",
                f"{nl(energy_ac)} per kWh; na 2 uur ook {nl(2.40)} per uur parkeren",
                f"{fr(energy_ac)} par kWh ; après 2 heures aussi {fr(2.40)} par heure de stationnement",
            ),
            [
                {"price_components": [_price("ENERGY", energy_ac, vat, 1)]},
                # An idle fee: parking time is charged only once the session has lasted two hours.
                {"price_components": [_price("PARKING_TIME", 2.40, vat, 60)], "restrictions": {"min_duration": 7200}},
            ],
        ),
        _tariff(
            country,
            f"{prefix}-ac-night",
            texts(
                f"{en(energy_night)} per kWh from 23:00 to 07:00, {en(energy_day)} otherwise",
                f"{nl(energy_night)} per kWh van 23:00 tot 07:00, anders {nl(energy_day)}",
                f"{fr(energy_night)} par kWh de 23h00 à 07h00, sinon {fr(energy_day)}",
            ),
            [
                # start_time after end_time: the restriction wraps past midnight.
                {
                    "price_components": [_price("ENERGY", energy_night, vat, 1)],
                    "restrictions": {"start_time": "23:00", "end_time": "07:00"},
                },
                {"price_components": [_price("ENERGY", energy_day, vat, 1)]},
            ],
        ),
        _tariff(
            country,
            f"{prefix}-dc-fast",
            texts(
                f"{en(1.00)} per session plus {en(energy_dc)} per kWh",
                f"{nl(1.00)} per sessie plus {nl(energy_dc)} per kWh",
                f"{fr(1.00)} par session plus {fr(energy_dc)} par kWh",
            ),
            [{"price_components": [_price("FLAT", 1.00, vat, 1), _price("ENERGY", energy_dc, vat, 1)]}],
            min_price=_money(1.00, vat),
        ),
        _tariff(
            country,
            f"{prefix}-dc-power",
            texts(
                f"{en(energy_power)} per kWh; above 50 kW also {en(6.00)} per hour",
                f"{nl(energy_power)} per kWh; boven 50 kW ook {nl(6.00)} per uur",
                f"{fr(energy_power)} par kWh ; au-delà de 50 kW aussi {fr(6.00)} par heure",
            ),
            [
                {"price_components": [_price("ENERGY", energy_power, vat, 1)]},
                {"price_components": [_price("TIME", 6.00, vat, 60)], "restrictions": {"min_power": 50.0}},
            ],
        ),
    ]


def demo_tariffs() -> list[JsonDict]:
    """The demo operator's OCPI 2.2.1 Tariff objects, in EUR with 21 % VAT.

    For each of NL and BE: ``{cc}-gfx-ac-standard`` (energy plus a parking fee after two hours),
    ``{cc}-gfx-ac-night`` (cheaper energy 23:00-07:00), ``{cc}-gfx-dc-fast`` (start fee plus
    energy) and ``{cc}-gfx-dc-power`` (energy plus a time fee above 50 kW); and the closed
    ``nl-gfx-hotel-guest`` tariff of the hotel location. Price components exclude VAT, as OCPI
    has them; the alternative texts quote prices with VAT. A fresh list each call.
    """
    vat = _VAT["NL"]
    hotel = _tariff(
        "NL",
        HOTEL_TARIFF_ID,
        {
            "en": f"Hotel guests: {_eur(0.25, vat, 'en')} per kWh, at most {_eur(15.00, vat, 'en')} per session"
            " (incl. VAT)",
            "nl": f"Hotelgasten: {_eur(0.25, vat, 'nl')} per kWh, maximaal {_eur(15.00, vat, 'nl')} per sessie"
            " (incl. btw)",
        },
        [{"price_components": [_price("ENERGY", 0.25, vat, 1)]}],
        max_price=_money(15.00, vat),
    )
    return [
        *_country_tariffs("NL", energy_ac=0.35, energy_night=0.25, energy_dc=0.59),
        *_country_tariffs("BE", energy_ac=0.38, energy_night=0.27, energy_dc=0.62),
        hotel,
    ]


# --- connectors and EVSEs --------------------------------------------------------------------


class _Plug(NamedTuple):
    standard: str
    format: str
    power_type: str
    max_voltage: int
    max_amperage: int
    max_electric_power: int


_AC11 = _Plug("IEC_62196_T2", "SOCKET", "AC_3_PHASE", _AC_VOLTAGE, 16, 11_000)
_AC22 = _Plug("IEC_62196_T2", "SOCKET", "AC_3_PHASE", _AC_VOLTAGE, 32, 22_000)
_DC50_CCS = _Plug("IEC_62196_T2_COMBO", "CABLE", "DC", 500, 125, 50_000)
_DC50_CHADEMO = _Plug("CHADEMO", "CABLE", "DC", 500, 125, 50_000)
_DC150 = _Plug("IEC_62196_T2_COMBO", "CABLE", "DC", 920, 200, 150_000)
_DC300 = _Plug("IEC_62196_T2_COMBO", "CABLE", "DC", 1000, 400, 300_000)
_DC350 = _Plug("IEC_62196_T2_COMBO", "CABLE", "DC", 920, 500, 350_000)

# What one EVSE offers: its connectors (usable one at a time, as OCPI defines an EVSE).
_Plugs = tuple[_Plug, ...]
_AC11_EVSE: Final[_Plugs] = (_AC11,)
_AC22_EVSE: Final[_Plugs] = (_AC22,)
_DC50_EVSE: Final[_Plugs] = (_DC50_CCS, _DC50_CHADEMO)
_DC50_CCS_EVSE: Final[_Plugs] = (_DC50_CCS,)
_DC150_EVSE: Final[_Plugs] = (_DC150,)
_DC300_EVSE: Final[_Plugs] = (_DC300,)
_DC350_EVSE: Final[_Plugs] = (_DC350,)

_AC_CAPABILITIES: Final = ("RFID_READER", "REMOTE_START_STOP_CAPABLE", "UNLOCK_CAPABLE")
_AC_SMART_CAPABILITIES: Final = (*_AC_CAPABILITIES, "CHARGING_PROFILE_CAPABLE")
_DC_CAPABILITIES: Final = (
    "RFID_READER",
    "REMOTE_START_STOP_CAPABLE",
    "CONTACTLESS_CARD_SUPPORT",
    "CREDIT_CARD_PAYABLE",
    "DEBIT_CARD_PAYABLE",
)

_STATUSES: Final = ("AVAILABLE", "CHARGING", "OUTOFORDER", "UNKNOWN")
_STATUS_CUM_WEIGHTS: Final = (0.74, 0.92, 0.96, 1.0)


def _connectors(plugs: Sequence[_Plug], tariff_ac: str, tariff_prefix: str, updated: str) -> list[JsonDict]:
    connectors = []
    for number, plug in enumerate(plugs, start=1):
        if plug.power_type == "DC":
            tariff = f"{tariff_prefix}-dc-fast" if plug.max_electric_power <= 50_000 else f"{tariff_prefix}-dc-power"
        else:
            tariff = tariff_ac
        connectors.append(
            {
                "id": str(number),
                "standard": plug.standard,
                "format": plug.format,
                "power_type": plug.power_type,
                "max_voltage": plug.max_voltage,
                "max_amperage": plug.max_amperage,
                "max_electric_power": plug.max_electric_power,
                "tariff_ids": [tariff],
                "last_updated": updated,
            }
        )
    return connectors


def _status(rng: random.Random) -> str:
    return _STATUSES[bisect.bisect(_STATUS_CUM_WEIGHTS, rng.random())]


def _coordinates(lat: float, lng: float) -> dict[str, str]:
    return {"latitude": f"{lat:.6f}", "longitude": f"{lng:.6f}"}


# --- demo locations (NL and BE) --------------------------------------------------------------


class _City(NamedTuple):
    country: str
    name: str
    lat: float
    lng: float
    weight: float  # roughly the population in thousands
    radius_km: float
    language: str
    postal_low: int
    postal_high: int


_DEMO_CITIES: Final = (
    _City("NL", "Amsterdam", 52.3676, 4.9041, 930, 5.0, "nl", 1011, 1109),
    _City("NL", "Rotterdam", 51.9244, 4.4777, 655, 5.0, "nl", 3011, 3089),
    _City("NL", "Den Haag", 52.0705, 4.3007, 560, 4.0, "nl", 2491, 2597),
    _City("NL", "Utrecht", 52.0907, 5.1214, 370, 3.5, "nl", 3511, 3585),
    _City("NL", "Eindhoven", 51.4416, 5.4697, 240, 3.5, "nl", 5611, 5658),
    _City("NL", "Groningen", 53.2194, 6.5665, 235, 3.0, "nl", 9711, 9747),
    _City("NL", "Tilburg", 51.5555, 5.0913, 225, 3.0, "nl", 5011, 5049),
    _City("NL", "Almere", 52.3508, 5.2647, 220, 3.5, "nl", 1311, 1365),
    _City("NL", "Breda", 51.5719, 4.7683, 185, 3.0, "nl", 4811, 4841),
    _City("NL", "Nijmegen", 51.8126, 5.8372, 180, 3.0, "nl", 6511, 6546),
    _City("NL", "Haarlem", 52.3874, 4.6462, 165, 2.5, "nl", 2011, 2037),
    _City("NL", "Arnhem", 51.9851, 5.8987, 165, 3.0, "nl", 6811, 6846),
    _City("NL", "Enschede", 52.2215, 6.8937, 160, 3.0, "nl", 7511, 7548),
    _City("NL", "Amersfoort", 52.1561, 5.3878, 160, 2.5, "nl", 3811, 3829),
    _City("NL", "Zwolle", 52.5168, 6.0830, 130, 2.5, "nl", 8011, 8046),
    _City("NL", "Leiden", 52.1601, 4.4970, 125, 2.0, "nl", 2311, 2334),
    _City("NL", "Maastricht", 50.8514, 5.6910, 120, 2.0, "nl", 6211, 6229),
    _City("NL", "Delft", 52.0116, 4.3571, 105, 2.0, "nl", 2611, 2629),
    _City("BE", "Bruxelles", 50.8503, 4.3517, 1200, 5.0, "fr", 1000, 1210),
    _City("BE", "Antwerpen", 51.2194, 4.4025, 530, 4.5, "nl", 2000, 2660),
    _City("BE", "Gent", 51.0543, 3.7174, 265, 3.5, "nl", 9000, 9052),
    _City("BE", "Charleroi", 50.4108, 4.4446, 200, 3.5, "fr", 6000, 6061),
    _City("BE", "Liège", 50.6326, 5.5797, 195, 3.5, "fr", 4000, 4032),
    _City("BE", "Brugge", 51.2093, 3.2247, 120, 2.5, "nl", 8000, 8380),
    _City("BE", "Namur", 50.4674, 4.8720, 112, 2.5, "fr", 5000, 5101),
    _City("BE", "Leuven", 50.8798, 4.7005, 102, 2.5, "nl", 3000, 3012),
    _City("BE", "Mons", 50.4542, 3.9567, 96, 2.5, "fr", 7000, 7034),
    _City("BE", "Mechelen", 51.0259, 4.4776, 87, 2.0, "nl", 2800, 2812),
    _City("BE", "Hasselt", 50.9307, 5.3325, 79, 2.0, "nl", 3500, 3512),
    _City("BE", "Kortrijk", 50.8280, 3.2649, 78, 2.0, "nl", 8500, 8511),
)
_DEMO_CUM_WEIGHTS: Final = tuple(itertools.accumulate(city.weight for city in _DEMO_CITIES))

_STREETS: Final = {
    "nl": (
        "Kerkstraat",
        "Stationsplein",
        "Dorpsstraat",
        "Molenweg",
        "Schoolstraat",
        "Julianalaan",
        "Beatrixstraat",
        "Marktplein",
        "Nieuwstraat",
        "Parkweg",
        "Lindenlaan",
        "Kastanjelaan",
        "Industrieweg",
        "Havenstraat",
        "Wilhelminastraat",
        "Oranjestraat",
        "Kanaalweg",
        "Prins Hendrikkade",
        "Sportlaan",
        "Stationsstraat",
    ),
    "fr": (
        "Rue de la Station",
        "Rue de l'Église",
        "Place du Marché",
        "Rue du Moulin",
        "Avenue des Tilleuls",
        "Rue Haute",
        "Chaussée de Bruxelles",
        "Rue de la Gare",
        "Boulevard du Centenaire",
        "Rue des Écoles",
        "Avenue de la Libération",
        "Rue du Parc",
        "Quai de la Meuse",
        "Rue Neuve",
        "Place Saint-Lambert",
    ),
}
_NL_POSTAL_LETTERS: Final = "ABCDEGHJKLMNPRTVWXZ"
_MOTORWAYS: Final = {
    "NL": ("A1", "A2", "A4", "A12", "A15", "A27", "A28", "A50", "A58", "A67"),
    "BE": ("E17", "E19", "E25", "E40", "E42", "E313", "E411", "E403"),
}
_DISTRICTS: Final = {
    "nl": ("Noord", "Zuid", "Oost", "West", "Centrum"),
    "fr": ("Nord", "Sud", "Est", "Ouest", "Centre"),
}
# (kind, weight): the mix of sites a city operator runs.
_DEMO_KINDS: Final = (("street", 44), ("garage", 14), ("retail", 15), ("station", 9), ("hub", 12), ("motorway", 6))
_DEMO_KIND_CUM: Final = tuple(itertools.accumulate(weight for _kind, weight in _DEMO_KINDS))


def _jitter(rng: random.Random, lat: float, lng: float, radius_km: float) -> tuple[float, float]:
    # A normal spread clipped at 2.5 sigma: clusters look real yet never stray across a border.
    d_north = max(-2.5, min(2.5, rng.gauss(0.0, 1.0))) * radius_km
    d_east = max(-2.5, min(2.5, rng.gauss(0.0, 1.0))) * radius_km
    return lat + d_north / 111.32, lng + d_east / (111.32 * math.cos(math.radians(lat)))


def _postal_code(rng: random.Random, city: _City) -> str:
    number = rng.randint(city.postal_low, city.postal_high)
    if city.country == "NL":
        return f"{number} {rng.choice(_NL_POSTAL_LETTERS)}{rng.choice(_NL_POSTAL_LETTERS)}"
    return str(number)


def _opening_hours(kind: str) -> tuple[JsonDict, bool | None]:
    if kind == "retail":
        days = [{"weekday": day, "period_begin": "08:00", "period_end": "21:00"} for day in range(1, 7)]
        days.append({"weekday": 7, "period_begin": "12:00", "period_end": "18:00"})
        return {"twentyfourseven": False, "regular_hours": days}, False
    if kind == "garage":
        days = [{"weekday": day, "period_begin": "06:00", "period_end": "23:59"} for day in range(1, 8)]
        # Cars left overnight keep charging behind the closed barrier.
        return {"twentyfourseven": False, "regular_hours": days}, True
    return {"twentyfourseven": True}, None


def _demo_site(rng: random.Random, kind: str, city: _City, street: str) -> JsonDict:
    """Per-kind fields of a demo location: name, parking type, facilities and EVSE plugs."""
    fr = city.language == "fr"
    district = rng.choice(_DISTRICTS[city.language])
    evses: list[_Plugs]
    if kind == "street":
        count = rng.choice((1, 1, 2, 2, 2, 3, 4))
        evses = [_AC11_EVSE if rng.random() < 0.8 else _AC22_EVSE] * count
        return {"name": street, "parking_type": "ON_STREET", "facilities": [], "evses": evses}
    if kind == "garage":
        evses = [rng.choice((_AC11_EVSE, _AC22_EVSE))] * rng.randint(2, 8)
        parking = rng.choice(("PARKING_GARAGE", "UNDERGROUND_GARAGE"))
        name = f"Parking {street}" if fr else f"Parkeergarage {street}"
        return {"name": name, "parking_type": parking, "facilities": ["PARKING_LOT"], "evses": evses}
    if kind == "retail":
        evses = [_AC22_EVSE] * rng.randint(2, 5) + [_DC50_EVSE] * rng.randint(0, 2)
        facilities = rng.choice((["SUPERMARKET"], ["MALL", "CAFE"], ["SUPERMARKET", "PARKING_LOT"]))
        name = f"Centre commercial {city.name} {district}" if fr else f"Winkelcentrum {city.name} {district}"
        return {"name": name, "parking_type": "PARKING_LOT", "facilities": facilities, "evses": evses}
    if kind == "station":
        evses = [_AC11_EVSE] * rng.randint(2, 6)
        facilities = rng.choice((["TRAIN_STATION", "BIKE_SHARING"], ["TRAM_STOP", "BUS_STOP"], ["TRAIN_STATION"]))
        name = f"Parking Gare {city.name}" if fr else f"P+R {city.name} {district}"
        return {"name": name, "parking_type": "PARKING_LOT", "facilities": facilities, "evses": evses}
    if kind == "hub":
        dc = rng.choice((_DC150_EVSE, _DC300_EVSE, _DC350_EVSE))
        evses = [dc] * rng.randint(3, 6) + [_AC22_EVSE] * rng.randint(0, 2)
        facilities = rng.choice((["CAFE", "WIFI"], ["RESTAURANT", "WIFI"], ["SUPERMARKET"]))
        name = f"Hub de recharge {city.name} {district}" if fr else f"Snellaadplein {city.name} {district}"
        return {"name": name, "parking_type": "PARKING_LOT", "facilities": facilities, "evses": evses}
    motorway = rng.choice(_MOTORWAYS[city.country])
    evses = [_DC50_EVSE] * rng.randint(1, 2) + [rng.choice((_DC150_EVSE, _DC350_EVSE))] * rng.randint(1, 6)
    facilities = rng.choice((["FUEL_STATION", "RESTAURANT"], ["FUEL_STATION", "CAFE", "WIFI"]))
    return {
        "name": f"{motorway} {city.name} {district}",
        "parking_type": "ALONG_MOTORWAY",
        "facilities": facilities,
        "evses": evses,
    }


def _demo_evse(
    rng: random.Random,
    *,
    country: str,
    number: str,
    index: int,
    plugs: Sequence[_Plug],
    tariff_ac: str,
    updated: str,
    smart: bool,
) -> JsonDict:
    dc = plugs[0].power_type == "DC"
    capabilities = _DC_CAPABILITIES if dc else (_AC_SMART_CAPABILITIES if smart else _AC_CAPABILITIES)
    return {
        "uid": f"{country}-{DEMO_PARTY_ID}-E{number}-{index}",
        "evse_id": f"{country}*{DEMO_PARTY_ID}*E{number}*{index}",
        "status": _status(rng),
        "capabilities": list(capabilities),
        "connectors": _connectors(plugs, tariff_ac, f"{country.lower()}-gfx", updated),
        "physical_reference": str(index),
        "last_updated": updated,
    }


def _demo_location(rng: random.Random, number: int) -> JsonDict:
    city = _DEMO_CITIES[bisect.bisect(_DEMO_CUM_WEIGHTS, rng.random() * _DEMO_CUM_WEIGHTS[-1])]
    kind = _DEMO_KINDS[bisect.bisect(_DEMO_KIND_CUM, rng.random() * _DEMO_KIND_CUM[-1])][0]
    street = rng.choice(_STREETS[city.language])
    site = _demo_site(rng, kind, city, street)
    plugs_per_evse: list[_Plugs] = site["evses"][:8]
    radius = city.radius_km * (2.0 if kind == "motorway" else 1.0)
    lat, lng = _jitter(rng, city.lat, city.lng, radius)
    country = city.country
    prefix = country.lower() + "-gfx"
    tariff_ac = f"{prefix}-ac-night" if rng.random() < 0.3 else f"{prefix}-ac-standard"
    smart = rng.random() < 0.6
    location_seconds = rng.randrange(0, 180 * 86_400)
    key = f"{number:06d}"

    evses = []
    floor = rng.choice(("-1", "-2")) if site["parking_type"] == "UNDERGROUND_GARAGE" else None
    for index, plugs in enumerate(plugs_per_evse, start=1):
        # The location's last_updated is the newest of its EVSEs'; the first EVSE carries it.
        seconds = location_seconds if index == 1 else location_seconds - rng.randrange(0, 30 * 86_400)
        evse = _demo_evse(
            rng,
            country=country,
            number=key,
            index=index,
            plugs=plugs,
            tariff_ac=tariff_ac,
            updated=_timestamp(seconds),
            smart=smart,
        )
        if floor is not None:
            evse["floor_level"] = floor
        if kind in ("hub", "motorway", "retail"):
            # Bays a few metres apart, so a map can show them side by side.
            evse["coordinates"] = _coordinates(lat + index * 0.00004, lng + 0.00003)
        evses.append(evse)

    opening_times, charging_when_closed = _opening_hours(kind)
    number_on_street = rng.randint(1, 180)
    location: JsonDict = {
        "country_code": country,
        "party_id": DEMO_PARTY_ID,
        "id": f"{prefix}-{key}",
        "publish": True,
        "name": site["name"],
        "address": f"{street} {number_on_street}",
        "city": city.name,
        "postal_code": _postal_code(rng, city),
        "country": _ALPHA3[country],
        "coordinates": _coordinates(lat, lng),
        "parking_type": site["parking_type"],
        "evses": evses,
        "operator": dict(_OPERATOR),
    }
    if kind == "street":
        location["owner"] = {"name": _municipality(city)}
    location["facilities"] = site["facilities"]
    location["time_zone"] = _TIME_ZONES[country]
    location["opening_times"] = opening_times
    if charging_when_closed is not None:
        location["charging_when_closed"] = charging_when_closed
    location["last_updated"] = _timestamp(location_seconds)
    return location


def _municipality(city: _City) -> str:
    if city.country == "NL":
        return f"Gemeente {city.name}"
    return f"Ville de {city.name}" if city.language == "fr" else f"Stad {city.name}"


def _hotel_location() -> JsonDict:
    updated = _timestamp(3 * 86_400)
    evses = []
    for index in range(1, 5):
        evses.append(
            {
                "uid": f"NL-{DEMO_PARTY_ID}-EHOTELAMSTEL-{index}",
                "evse_id": f"NL*{DEMO_PARTY_ID}*EHOTELAMSTEL*{index}",
                "status": "AVAILABLE",
                "capabilities": list(_AC_SMART_CAPABILITIES),
                "connectors": _connectors(_AC11_EVSE, HOTEL_TARIFF_ID, "nl-gfx", updated),
                "floor_level": "-1",
                "physical_reference": f"P{index}",
                "last_updated": updated,
            }
        )
    return {
        "country_code": "NL",
        "party_id": DEMO_PARTY_ID,
        "id": HOTEL_LOCATION_ID,
        # Closed loop: OCPI's way to say only the hotel's guests may see and use it.
        "publish": False,
        "publish_allowed_to": [{"issuer": "Hotel Amstel", "group_id": "HOTEL-AMSTEL-GUESTS"}],
        "name": "Hotel Amstel Garage",
        "address": "Amsteldijk 71",
        "city": "Amsterdam",
        "postal_code": "1074 HZ",
        "country": "NLD",
        "coordinates": _coordinates(52.355810, 4.903210),
        "parking_type": "UNDERGROUND_GARAGE",
        "evses": evses,
        "operator": dict(_OPERATOR),
        "owner": {"name": "Hotel Amstel"},
        "facilities": ["HOTEL", "PARKING_LOT"],
        "time_zone": "Europe/Amsterdam",
        "opening_times": {"twentyfourseven": True},
        "last_updated": updated,
    }


def demo_locations(count: int = 300, seed: int = 7) -> list[JsonDict]:
    """``count`` OCPI 2.2.1 Locations of the demo operator in the Netherlands and Belgium.

    The first is always the closed hotel location ``nl-gfx-hotel-amstel`` (``publish`` false,
    ``publish_allowed_to`` the hotel's guests, its EVSEs on ``nl-gfx-hotel-guest``); the others,
    ids ``nl-gfx-000001`` / ``be-gfx-000002`` and so on, cluster around real cities with 1 to 8
    EVSEs each. EVSE ids look like ``NL*GFX*E000001*1``. Every connector names a tariff of
    :func:`demo_tariffs`. The same ``count`` and ``seed`` always give the same data.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    if count == 0:
        return []
    rng = random.Random(seed)
    return [_hotel_location(), *(_demo_location(rng, number) for number in range(1, count))]


# --- synthetic benchmark locations (Europe) --------------------------------------------------


class _Country(NamedTuple):
    alpha2: str
    alpha3: str
    time_zone: str
    weight: float  # population in millions, nudged by how dense charging already is
    streets: tuple[str, ...]
    number_first: bool
    cities: tuple[tuple[str, float, float, float], ...]  # name, lat, lng, population in thousands


_GERMAN_STREETS = ("Hauptstraße", "Bahnhofstraße", "Schulstraße", "Gartenstraße", "Dorfstraße", "Bergstraße")
_FRENCH_STREETS = ("Rue de la Gare", "Rue de l'Église", "Grande Rue", "Rue du Moulin", "Place du Marché")
_ENGLISH_STREETS = ("High Street", "Station Road", "Church Street", "Main Street", "Park Road", "Victoria Road")

_COUNTRIES: Final = (
    _Country(
        "DE",
        "DEU",
        "Europe/Berlin",
        84,
        _GERMAN_STREETS,
        False,
        (
            ("Berlin", 52.5200, 13.4050, 3700),
            ("Hamburg", 53.5511, 9.9937, 1900),
            ("München", 48.1351, 11.5820, 1500),
            ("Köln", 50.9375, 6.9603, 1080),
            ("Frankfurt am Main", 50.1109, 8.6821, 760),
            ("Stuttgart", 48.7758, 9.1829, 630),
            ("Düsseldorf", 51.2277, 6.7735, 620),
            ("Leipzig", 51.3397, 12.3731, 600),
            ("Dortmund", 51.5136, 7.4653, 590),
            ("Essen", 51.4556, 7.0116, 580),
            ("Bremen", 53.0793, 8.8017, 570),
            ("Dresden", 51.0504, 13.7373, 560),
            ("Hannover", 52.3759, 9.7320, 540),
            ("Nürnberg", 49.4521, 11.0767, 520),
        ),
    ),
    _Country(
        "FR",
        "FRA",
        "Europe/Paris",
        68,
        _FRENCH_STREETS,
        True,
        (
            ("Paris", 48.8566, 2.3522, 2100),
            ("Marseille", 43.2965, 5.3698, 870),
            ("Lyon", 45.7640, 4.8357, 520),
            ("Toulouse", 43.6047, 1.4442, 490),
            ("Nice", 43.7102, 7.2620, 340),
            ("Nantes", 47.2184, -1.5536, 320),
            ("Montpellier", 43.6108, 3.8767, 300),
            ("Strasbourg", 48.5734, 7.7521, 290),
            ("Bordeaux", 44.8378, -0.5792, 260),
            ("Lille", 50.6292, 3.0573, 235),
            ("Rennes", 48.1173, -1.6778, 220),
        ),
    ),
    _Country(
        "GB",
        "GBR",
        "Europe/London",
        67,
        _ENGLISH_STREETS,
        True,
        (
            ("London", 51.5074, -0.1278, 8900),
            ("Birmingham", 52.4862, -1.8904, 1150),
            ("Leeds", 53.8008, -1.5491, 790),
            ("Glasgow", 55.8642, -4.2518, 630),
            ("Sheffield", 53.3811, -1.4701, 580),
            ("Manchester", 53.4808, -2.2426, 550),
            ("Edinburgh", 55.9533, -3.1883, 530),
            ("Liverpool", 53.4084, -2.9916, 500),
            ("Bristol", 51.4545, -2.5879, 470),
            ("Cardiff", 51.4816, -3.1791, 360),
            ("Newcastle upon Tyne", 54.9783, -1.6178, 300),
        ),
    ),
    _Country(
        "IT",
        "ITA",
        "Europe/Rome",
        59,
        ("Via Roma", "Via Garibaldi", "Via Mazzini", "Corso Italia", "Via Dante", "Piazza della Stazione"),
        False,
        (
            ("Roma", 41.9028, 12.4964, 2800),
            ("Milano", 45.4642, 9.1900, 1400),
            ("Napoli", 40.8518, 14.2681, 910),
            ("Torino", 45.0703, 7.6869, 850),
            ("Palermo", 38.1157, 13.3615, 630),
            ("Genova", 44.4056, 8.9463, 560),
            ("Bologna", 44.4949, 11.3426, 390),
            ("Firenze", 43.7696, 11.2558, 360),
            ("Bari", 41.1171, 16.8719, 320),
            ("Verona", 45.4384, 10.9916, 260),
        ),
    ),
    _Country(
        "ES",
        "ESP",
        "Europe/Madrid",
        48,
        ("Calle Mayor", "Calle Real", "Plaza de España", "Calle de la Estación", "Avenida de la Constitución"),
        False,
        (
            ("Madrid", 40.4168, -3.7038, 3300),
            ("Barcelona", 41.3851, 2.1734, 1600),
            ("Valencia", 39.4699, -0.3763, 800),
            ("Sevilla", 37.3891, -5.9845, 680),
            ("Zaragoza", 41.6488, -0.8891, 670),
            ("Málaga", 36.7213, -4.4214, 580),
            ("Murcia", 37.9922, -1.1307, 460),
            ("Bilbao", 43.2630, -2.9350, 350),
            ("Valladolid", 41.6523, -4.7245, 300),
        ),
    ),
    _Country(
        "PL",
        "POL",
        "Europe/Warsaw",
        37,
        ("ul. Polna", "ul. Lipowa", "ul. Kolejowa", "ul. Słoneczna", "ul. Kościuszki"),
        False,
        (
            ("Warszawa", 52.2297, 21.0122, 1800),
            ("Kraków", 50.0647, 19.9450, 780),
            ("Łódź", 51.7592, 19.4560, 670),
            ("Wrocław", 51.1079, 17.0385, 640),
            ("Poznań", 52.4064, 16.9252, 530),
            ("Gdańsk", 54.3520, 18.6466, 470),
            ("Szczecin", 53.4285, 14.5528, 400),
            ("Lublin", 51.2465, 22.5684, 340),
            ("Katowice", 50.2649, 19.0238, 290),
        ),
    ),
    _Country(
        "RO",
        "ROU",
        "Europe/Bucharest",
        19,
        ("Strada Principală", "Bulevardul Unirii", "Strada Gării", "Strada Mihai Eminescu"),
        False,
        (
            ("București", 44.4268, 26.1025, 1800),
            ("Cluj-Napoca", 46.7712, 23.6236, 320),
            ("Timișoara", 45.7489, 21.2087, 320),
            ("Iași", 47.1585, 27.6014, 290),
        ),
    ),
    _Country(
        "NL",
        "NLD",
        "Europe/Amsterdam",
        18 * 2.5,
        _STREETS["nl"],
        False,
        tuple((c.name, c.lat, c.lng, c.weight) for c in _DEMO_CITIES if c.country == "NL"),
    ),
    _Country(
        "BE",
        "BEL",
        "Europe/Brussels",
        11.7 * 1.5,
        _STREETS["nl"][:10] + _STREETS["fr"][:10],
        False,
        tuple((c.name, c.lat, c.lng, c.weight) for c in _DEMO_CITIES if c.country == "BE"),
    ),
    _Country(
        "CZ",
        "CZE",
        "Europe/Prague",
        10.9,
        ("Nádražní", "Husova", "Masarykova", "Palackého"),
        False,
        (
            ("Praha", 50.0755, 14.4378, 1300),
            ("Brno", 49.1951, 16.6068, 380),
            ("Ostrava", 49.8209, 18.2625, 285),
            ("Plzeň", 49.7384, 13.3736, 175),
        ),
    ),
    _Country(
        "SE",
        "SWE",
        "Europe/Stockholm",
        10.5 * 1.5,
        ("Storgatan", "Kungsgatan", "Drottninggatan", "Järnvägsgatan"),
        False,
        (
            ("Stockholm", 59.3293, 18.0686, 980),
            ("Göteborg", 57.7089, 11.9746, 590),
            ("Malmö", 55.6050, 13.0038, 350),
            ("Uppsala", 59.8586, 17.6389, 240),
            ("Umeå", 63.8258, 20.2630, 130),
        ),
    ),
    _Country(
        "PT",
        "PRT",
        "Europe/Lisbon",
        10.3,
        ("Rua Principal", "Avenida da Liberdade", "Rua da Estação", "Rua do Comércio"),
        False,
        (
            ("Lisboa", 38.7223, -9.1393, 545),
            ("Porto", 41.1579, -8.6291, 232),
            ("Braga", 41.5454, -8.4265, 190),
            ("Coimbra", 40.2033, -8.4103, 140),
            ("Faro", 37.0194, -7.9304, 65),
        ),
    ),
    _Country(
        "GR",
        "GRC",
        "Europe/Athens",
        10.4,
        ("Ermou", "Stadiou", "Athinas", "Egnatia"),
        False,
        (("Athína", 37.9838, 23.7275, 3100), ("Thessaloníki", 40.6401, 22.9444, 800), ("Pátra", 38.2466, 21.7346, 170)),
    ),
    _Country(
        "HU",
        "HUN",
        "Europe/Budapest",
        9.6,
        ("Fő utca", "Kossuth Lajos utca", "Petőfi Sándor utca", "Ady Endre utca"),
        False,
        (("Budapest", 47.4979, 19.0402, 1750), ("Debrecen", 47.5316, 21.6273, 200), ("Szeged", 46.2530, 20.1414, 160)),
    ),
    _Country(
        "AT",
        "AUT",
        "Europe/Vienna",
        9.1,
        _GERMAN_STREETS,
        False,
        (
            ("Wien", 48.2082, 16.3738, 1950),
            ("Graz", 47.0707, 15.4395, 300),
            ("Linz", 48.3069, 14.2858, 210),
            ("Salzburg", 47.8095, 13.0550, 155),
            ("Innsbruck", 47.2692, 11.4041, 130),
        ),
    ),
    _Country(
        "CH",
        "CHE",
        "Europe/Zurich",
        8.8,
        _GERMAN_STREETS[:3] + _FRENCH_STREETS[:3],
        False,
        (
            ("Zürich", 47.3769, 8.5417, 420),
            ("Genève", 46.2044, 6.1432, 200),
            ("Basel", 47.5596, 7.5886, 175),
            ("Lausanne", 46.5197, 6.6323, 140),
            ("Bern", 46.9480, 7.4474, 135),
        ),
    ),
    _Country(
        "BG",
        "BGR",
        "Europe/Sofia",
        6.4,
        ("ulitsa Vasil Levski", "bulevard Vitosha", "ulitsa Rakovski"),
        False,
        (("Sofia", 42.6977, 23.3219, 1240), ("Plovdiv", 42.1354, 24.7453, 345), ("Varna", 43.2141, 27.9147, 335)),
    ),
    _Country(
        "DK",
        "DNK",
        "Europe/Copenhagen",
        5.9 * 1.5,
        ("Vestergade", "Østergade", "Nørregade", "Jernbanegade"),
        False,
        (
            ("København", 55.6761, 12.5683, 800),
            ("Aarhus", 56.1629, 10.2039, 290),
            ("Odense", 55.4038, 10.4024, 180),
            ("Aalborg", 57.0488, 9.9217, 120),
        ),
    ),
    _Country(
        "FI",
        "FIN",
        "Europe/Helsinki",
        5.6,
        ("Kauppakatu", "Asemakatu", "Rantatie", "Koulukatu"),
        False,
        (
            ("Helsinki", 60.1699, 24.9384, 660),
            ("Espoo", 60.2055, 24.6559, 300),
            ("Tampere", 61.4978, 23.7610, 245),
            ("Oulu", 65.0121, 25.4651, 210),
            ("Turku", 60.4518, 22.2666, 195),
        ),
    ),
    _Country(
        "NO",
        "NOR",
        "Europe/Oslo",
        5.5 * 3,
        ("Storgata", "Kirkegata", "Jernbanegata", "Strandveien"),
        False,
        (
            ("Oslo", 59.9139, 10.7522, 700),
            ("Bergen", 60.3913, 5.3221, 285),
            ("Trondheim", 63.4305, 10.3951, 210),
            ("Stavanger", 58.9700, 5.7331, 145),
            ("Tromsø", 69.6492, 18.9553, 77),
        ),
    ),
    _Country(
        "SK",
        "SVK",
        "Europe/Bratislava",
        5.4,
        ("Hlavná", "Štúrova", "Nádražná"),
        False,
        (("Bratislava", 48.1486, 17.1077, 475), ("Košice", 48.7164, 21.2611, 230)),
    ),
    _Country(
        "IE",
        "IRL",
        "Europe/Dublin",
        5.2,
        _ENGLISH_STREETS,
        True,
        (
            ("Dublin", 53.3498, -6.2603, 590),
            ("Cork", 51.8985, -8.4756, 225),
            ("Limerick", 52.6638, -8.6267, 95),
            ("Galway", 53.2707, -9.0568, 85),
        ),
    ),
    _Country(
        "HR",
        "HRV",
        "Europe/Zagreb",
        3.9,
        ("Ilica", "Vukovarska ulica", "Savska cesta"),
        False,
        (("Zagreb", 45.8150, 15.9819, 770), ("Split", 43.5081, 16.4402, 160)),
    ),
    _Country(
        "LT",
        "LTU",
        "Europe/Vilnius",
        2.8,
        ("Gedimino prospektas", "Vilniaus gatvė", "Laisvės alėja"),
        False,
        (("Vilnius", 54.6872, 25.2797, 590), ("Kaunas", 54.8985, 23.9036, 300)),
    ),
    _Country(
        "SI",
        "SVN",
        "Europe/Ljubljana",
        2.1,
        ("Slovenska cesta", "Celovška cesta", "Trubarjeva cesta"),
        False,
        (("Ljubljana", 46.0569, 14.5058, 295),),
    ),
    _Country(
        "LV",
        "LVA",
        "Europe/Riga",
        1.9,
        ("Brīvības iela", "Elizabetes iela", "Krišjāņa Barona iela"),
        False,
        (("Rīga", 56.9496, 24.1052, 610),),
    ),
    _Country(
        "EE",
        "EST",
        "Europe/Tallinn",
        1.3,
        ("Narva maantee", "Pärnu maantee", "Tartu maantee"),
        False,
        (("Tallinn", 59.4370, 24.7536, 450),),
    ),
    _Country(
        "LU",
        "LUX",
        "Europe/Luxembourg",
        0.66 * 2,
        _FRENCH_STREETS,
        True,
        (("Luxembourg", 49.6116, 6.1319, 130),),
    ),
)
_COUNTRY_CUM: Final = tuple(itertools.accumulate(country.weight for country in _COUNTRIES))
_CITY_CUM: Final = tuple(tuple(itertools.accumulate(city[3] for city in country.cities)) for country in _COUNTRIES)

_LAT_RANGE: Final = (36.0, 70.0)
_LNG_RANGE: Final = (-10.0, 30.0)
_RURAL_SHARE: Final = 0.3

# (parking type, EVSE counts to pick from, plugs per EVSE to pick from): mean about 3.3 EVSEs.
_SYNTHETIC_KINDS: Final = (
    ("ON_STREET", (1, 1, 2, 2, 2, 2, 3, 4), (_AC11_EVSE, _AC11_EVSE, _AC22_EVSE)),
    ("ON_STREET", (1, 2, 2, 2, 2, 3), (_AC11_EVSE, _AC22_EVSE)),
    ("PARKING_LOT", (2, 3, 4, 4, 6), (_AC22_EVSE, _AC22_EVSE, _AC11_EVSE, _DC50_EVSE)),
    ("PARKING_GARAGE", (2, 4, 6, 8), (_AC11_EVSE, _AC22_EVSE)),
    ("PARKING_LOT", (4, 6, 8, 10, 12), (_DC150_EVSE, _DC300_EVSE, _DC350_EVSE, _DC50_CCS_EVSE)),
    ("ALONG_MOTORWAY", (2, 4, 6, 8), (_DC50_EVSE, _DC150_EVSE, _DC350_EVSE)),
)
_SYNTHETIC_KIND_CUM: Final = tuple(itertools.accumulate((44, 14, 20, 10, 7, 5)))
_TIMESTAMPS: Final = tuple(_timestamp(seconds) for seconds in range(0, 365 * 86_400, 365 * 86_400 // 997))


def synthetic_locations(evse_count: int, seed: int = 11) -> Iterator[JsonDict]:
    """Stream OCPI 2.2.1 Locations across Europe holding exactly ``evse_count`` EVSEs in total.

    For benchmarks: about ``evse_count / 3.3`` locations, 70 % clustered around real cities and
    the rest spread over the countryside, countries weighted roughly by population, all within
    latitude 36..70 and longitude -10..30. The objects are leaner than :func:`demo_locations`'s
    (no postal codes, owners or facilities). Ids look like ``de-gfx-0000001`` and EVSE ids like
    ``DE*GFX*E0000001*1``; connectors name the NL demo tariffs so a loaded
    :func:`demo_tariffs` resolves them. Locations are yielded one at a time, so a million EVSEs
    never sit in memory together; the same arguments always give the same stream.
    """
    if evse_count < 0:
        raise ValueError("evse_count must not be negative")
    return _synthetic(evse_count, seed)


def _synthetic(evse_count: int, seed: int) -> Iterator[JsonDict]:
    rng = random.Random(seed)
    random_ = rng.random
    gauss = rng.gauss
    choice = rng.choice
    countries = _COUNTRIES
    country_cum, country_total = _COUNTRY_CUM, _COUNTRY_CUM[-1]
    kind_total = _SYNTHETIC_KIND_CUM[-1]
    timestamps = _TIMESTAMPS
    remaining = evse_count
    number = 0
    while remaining > 0:
        number += 1
        country_index = bisect.bisect(country_cum, random_() * country_total)
        country = countries[country_index]
        city_cum = _CITY_CUM[country_index]
        name, city_lat, city_lng, population = country.cities[bisect.bisect(city_cum, random_() * city_cum[-1])]
        # Rural sites keep the nearest big city's name: the lean objects carry no municipality data.
        spread_km = 45.0 if random_() < _RURAL_SHARE else 1.2 + math.sqrt(population) / 12
        lat = city_lat + gauss(0.0, spread_km) / 111.32
        lng = city_lng + gauss(0.0, spread_km) / (111.32 * math.cos(math.radians(city_lat)))
        lat = min(max(lat, _LAT_RANGE[0]), _LAT_RANGE[1])
        lng = min(max(lng, _LNG_RANGE[0]), _LNG_RANGE[1])

        parking_type, counts, plug_choices = _SYNTHETIC_KINDS[
            bisect.bisect(_SYNTHETIC_KIND_CUM, random_() * kind_total)
        ]
        count = min(choice(counts), remaining)
        remaining -= count
        updated = timestamps[int(random_() * len(timestamps))]
        alpha2 = country.alpha2
        key = f"{number:07d}"
        uid_prefix = f"{alpha2}-GFX-E{key}-"
        evse_id_prefix = f"{alpha2}*GFX*E{key}*"
        evses = []
        for index in range(1, count + 1):
            plugs = choice(plug_choices)
            dc = plugs[0].power_type == "DC"
            evses.append(
                {
                    "uid": f"{uid_prefix}{index}",
                    "evse_id": f"{evse_id_prefix}{index}",
                    "status": _status(rng),
                    "capabilities": list(_DC_CAPABILITIES if dc else _AC_CAPABILITIES),
                    "connectors": _connectors(plugs, "nl-gfx-ac-standard", "nl-gfx", updated),
                    "physical_reference": str(index),
                    "last_updated": updated,
                }
            )
        street = choice(country.streets)
        house = int(random_() * 150) + 1
        yield {
            "country_code": alpha2,
            "party_id": DEMO_PARTY_ID,
            "id": f"{alpha2.lower()}-gfx-{key}",
            "publish": True,
            "name": f"{street}, {name}",
            "address": f"{house} {street}" if country.number_first else f"{street} {house}",
            "city": name,
            "country": country.alpha3,
            "coordinates": {"latitude": f"{lat:.6f}", "longitude": f"{lng:.6f}"},
            "parking_type": parking_type,
            "evses": evses,
            "operator": dict(_OPERATOR),
            "time_zone": country.time_zone,
            "opening_times": {"twentyfourseven": True},
            "last_updated": updated,
        }
