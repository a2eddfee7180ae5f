"""Decoding, validating and encoding OCPI 2.2.1 Tariffs."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import msgspec
import pytest

from chargeassist.domain.tariffs import (
    Price,
    PriceComponent,
    Tariff,
    TariffElement,
    TariffValidationError,
    check_tariff,
    convert_tariff,
    decode_cdr,
    decode_tariff,
    encode_tariff,
)
from chargeassist.domain.tariffs._parse import CdrValidationError


def _document(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "country_code": "DE",
        "party_id": "ALL",
        "id": "12",
        "currency": "EUR",
        "elements": [
            {
                "price_components": [
                    {"type": "FLAT", "price": 0.50, "vat": 20.0, "step_size": 1},
                    {"type": "ENERGY", "price": 0.25, "vat": 10.0, "step_size": 1},
                ]
            },
            {
                "price_components": [{"type": "TIME", "price": 2.00, "step_size": 300}],
                "restrictions": {"start_time": "17:00", "end_time": "20:00", "day_of_week": ["MONDAY"]},
            },
        ],
        "last_updated": "2018-12-17T11:36:01Z",
    }
    document.update(changes)
    return document


def _decode(document: dict[str, Any]) -> Tariff:
    return decode_tariff(json.dumps(document))


def _error(document: dict[str, Any]) -> TariffValidationError:
    with pytest.raises(TariffValidationError) as caught:
        _decode(document)
    return caught.value


def _with_component(**fields: Any) -> dict[str, Any]:
    document = _document()
    document["elements"][0]["price_components"][1].update(fields)
    return document


def _with_restrictions(**fields: Any) -> dict[str, Any]:
    document = _document()
    document["elements"][1]["restrictions"].update(fields)
    return document


def test_a_valid_tariff_decodes_into_structs() -> None:
    tariff = _decode(_document())

    assert tariff.elements[1].restrictions is not None
    assert tariff.elements[1].restrictions.day_of_week == ("MONDAY",)


_RAW = (
    b'{"id": "1", "currency": "EUR",'
    b' "elements": [{"price_components": [{"type": "ENERGY", "price": 0.10, "step_size": 1}]}]}'
)


def test_prices_decode_to_exact_decimals() -> None:
    tariff = decode_tariff(_RAW)

    assert str(tariff.elements[0].price_components[0].price) == "0.10"


def test_unknown_fields_are_tolerated_at_every_level() -> None:
    document = _document(vendor_extension={"a": 1})
    document["elements"][0]["price_components"][0]["colour"] = "green"
    document["elements"][1]["restrictions"]["phase_of_moon"] = "full"

    assert _decode(document).id == "12"


def test_a_timestamp_without_zone_is_utc() -> None:
    tariff = _decode(_document(last_updated="2018-12-17T11:36:01"))

    assert tariff.last_updated == datetime(2018, 12, 17, 11, 36, 1, tzinfo=UTC)


def test_country_code_party_id_and_last_updated_may_be_absent() -> None:
    document = _document()
    for name in ("country_code", "party_id", "last_updated"):
        del document[name]

    assert _decode(document).country_code is None


def test_a_missing_required_field_is_named() -> None:
    document = _document()
    del document["currency"]

    error = _error(document)

    assert (error.field, error.reason) == ("currency", "required field is missing")


def test_a_missing_nested_field_is_named_with_its_path() -> None:
    document = _document()
    del document["elements"][1]["price_components"][0]["step_size"]

    assert _error(document).field == "elements[1].price_components[0].step_size"


def test_a_wrongly_typed_field_is_named_with_its_path() -> None:
    error = _error(_with_component(step_size="one"))

    assert (error.field, error.reason) == ("elements[0].price_components[1].step_size", "expected int, got str")


def test_the_error_reads_field_colon_reason() -> None:
    error = _error(_with_component(step_size="one"))

    assert str(error) == "elements[0].price_components[1].step_size: expected int, got str"


def test_a_validation_error_is_a_value_error() -> None:
    assert issubclass(TariffValidationError, ValueError)


def test_malformed_json_is_refused_at_the_root() -> None:
    with pytest.raises(TariffValidationError) as caught:
        decode_tariff(b'{"id": "1",')

    assert caught.value.field == "$"


def test_a_json_array_is_not_a_tariff() -> None:
    with pytest.raises(TariffValidationError) as caught:
        decode_tariff(b"[]")

    assert caught.value.reason == "expected object, got array"


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (_with_component(price=-0.01), "elements[0].price_components[1].price"),
        (_with_component(price="NaN"), "elements[0].price_components[1].price"),
        (_with_component(price=1e15), "elements[0].price_components[1].price"),
        (_with_component(vat=-1), "elements[0].price_components[1].vat"),
        (_with_component(vat=100.5), "elements[0].price_components[1].vat"),
        (_with_component(step_size=0), "elements[0].price_components[1].step_size"),
        (_with_component(type="VOLTAGE"), "elements[0].price_components[1].type"),
        (_with_restrictions(start_time="24:00"), "elements[1].restrictions.start_time"),
        (_with_restrictions(end_time="9:00"), "elements[1].restrictions.end_time"),
        (_with_restrictions(start_date="2024-02-30"), "elements[1].restrictions.start_date"),
        (_with_restrictions(end_date="24-01-01"), "elements[1].restrictions.end_date"),
        (_with_restrictions(start_date="2024-03-01", end_date="2024-02-01"), "elements[1].restrictions.start_date"),
        (_with_restrictions(day_of_week=["MONDAY", "FUNDAY"]), "elements[1].restrictions.day_of_week[1]"),
        (_with_restrictions(min_kwh=-1), "elements[1].restrictions.min_kwh"),
        (_with_restrictions(min_kwh=20, max_kwh=10), "elements[1].restrictions.min_kwh"),
        (_with_restrictions(min_power=50, max_power=22), "elements[1].restrictions.min_power"),
        (_with_restrictions(min_current=32, max_current=16), "elements[1].restrictions.min_current"),
        (_with_restrictions(min_duration=-60), "elements[1].restrictions.min_duration"),
        (_with_restrictions(min_duration=3600, max_duration=1800), "elements[1].restrictions.min_duration"),
        (_with_restrictions(max_duration=1.5), "elements[1].restrictions.max_duration"),
        (_with_restrictions(reservation="SOMETIMES"), "elements[1].restrictions.reservation"),
        (_document(currency="eur"), "currency"),
        (_document(currency="EURO"), "currency"),
        (_document(id=""), "id"),
        (_document(id="x" * 37), "id"),
        (_document(country_code="DEU"), "country_code"),
        (_document(party_id="A"), "party_id"),
        (_document(type="CHEAPEST"), "type"),
        (_document(elements=[]), "elements"),
        (_document(elements=[{"price_components": []}]), "elements[0].price_components"),
        (_document(tariff_alt_url="ftp://example.com/t"), "tariff_alt_url"),
        (_document(tariff_alt_text=[{"language": "eng", "text": "x"}]), "tariff_alt_text[0].language"),
        (_document(min_price={"excl_vat": -1}), "min_price.excl_vat"),
        (_document(min_price={"excl_vat": 1.0, "incl_vat": 0.9}), "min_price.incl_vat"),
        (
            _document(min_price={"excl_vat": 5, "incl_vat": 6}, max_price={"excl_vat": 4, "incl_vat": 5}),
            "min_price.excl_vat",
        ),
        (
            _document(start_date_time="2020-01-02T00:00:00Z", end_date_time="2020-01-01T00:00:00Z"),
            "end_date_time",
        ),
        (_document(last_updated="yesterday"), "last_updated"),
    ],
)
def test_a_malformed_tariff_is_refused_naming_the_field(document: dict[str, Any], field: str) -> None:
    assert _error(document).field == field


def test_a_reservation_element_may_not_price_energy() -> None:
    document = _document()
    document["elements"][0]["restrictions"] = {"reservation": "RESERVATION"}

    assert _error(document).field == "elements[0].price_components[1].type"


def test_a_flat_component_may_have_step_size_zero() -> None:
    document = _document()
    document["elements"][0]["price_components"][0]["step_size"] = 0

    assert _decode(document).elements[0].price_components[0].step_size == 0


def test_a_price_limit_without_incl_vat_is_accepted() -> None:
    tariff = _decode(_document(max_price={"excl_vat": 10}))

    assert tariff.max_price == Price(excl_vat=Decimal(10))


def test_convert_accepts_already_decoded_json() -> None:
    tariff = convert_tariff(_document())

    assert tariff.elements[0].price_components[1].price == Decimal("0.25")


def test_convert_names_the_field_too() -> None:
    with pytest.raises(TariffValidationError) as caught:
        convert_tariff(_with_component(vat="lots"))

    assert caught.value.field == "elements[0].price_components[1].vat"


def test_check_refuses_a_tariff_built_in_code() -> None:
    tariff = Tariff(
        id="1",
        currency="EUR",
        elements=(TariffElement(price_components=(PriceComponent(type="TIME", price=Decimal(1), step_size=0),)),),
    )

    with pytest.raises(TariffValidationError, match=r"elements\[0\]\.price_components\[0\]\.step_size"):
        check_tariff(tariff)


def test_encoding_and_decoding_gives_the_same_tariff() -> None:
    tariff = _decode(_document(min_price={"excl_vat": 0.5, "incl_vat": 0.55}))

    assert decode_tariff(encode_tariff(tariff)) == tariff


def test_an_energy_mix_is_carried_through_encoding() -> None:
    mix = {
        "is_green_energy": False,
        "energy_sources": [{"source": "SOLAR", "percentage": 35.5}, {"source": "WIND", "percentage": 64.5}],
        "supplier_name": "Green Power Co",
    }

    encoded = msgspec.json.decode(encode_tariff(_decode(_document(energy_mix=mix))))

    assert encoded["energy_mix"] == mix


def test_encoded_prices_are_json_numbers() -> None:
    encoded = msgspec.json.decode(encode_tariff(_decode(_document())))

    assert encoded["elements"][0]["price_components"][1]["price"] == 0.25


def test_encoding_leaves_out_absent_optional_fields() -> None:
    encoded = msgspec.json.decode(encode_tariff(_decode(_document())))

    assert "vat" not in encoded["elements"][1]["price_components"][0]
    assert "restrictions" not in encoded["elements"][0]
    assert "min_price" not in encoded


def test_encoding_keeps_the_decimal_digits_of_prices() -> None:
    encoded = encode_tariff(decode_tariff(_RAW))

    assert b'"price":0.10' in encoded


def test_a_cdr_decodes_with_its_periods() -> None:
    cdr = decode_cdr(
        b'{"start_date_time": "2022-01-13T14:30:00Z", "end_date_time": "2022-01-13T15:30:00Z",'
        b' "charging_periods": [{"start_date_time": "2022-01-13T14:30:00",'
        b' "dimensions": [{"type": "ENERGY", "volume": 20}]}]}'
    )

    assert cdr.charging_periods[0].start_date_time.tzinfo is UTC


def test_a_cdr_period_before_the_session_is_refused() -> None:
    with pytest.raises(CdrValidationError) as caught:
        decode_cdr(
            b'{"start_date_time": "2022-01-13T14:30:00Z", "end_date_time": "2022-01-13T15:30:00Z",'
            b' "charging_periods": [{"start_date_time": "2022-01-13T14:00:00Z", "dimensions": []}]}'
        )

    assert caught.value.field == "charging_periods[0].start_date_time"


def test_a_cdr_with_an_unknown_dimension_type_is_refused() -> None:
    with pytest.raises(CdrValidationError) as caught:
        decode_cdr(
            b'{"start_date_time": "2022-01-13T14:30:00Z", "end_date_time": "2022-01-13T15:30:00Z",'
            b' "charging_periods": [{"start_date_time": "2022-01-13T14:30:00Z",'
            b' "dimensions": [{"type": "VOLTAGE", "volume": 230}]}]}'
        )

    assert caught.value.field == "charging_periods[0].dimensions[0].type"
