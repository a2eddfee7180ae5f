"""OCPI tariffs: operator writes, and the price that applies to an EVSE for each payment method."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import msgspec
from sqlalchemy import select

from chargeassist.domain.tariffs import Tariff, TariffValidationError, convert_tariff, decode_tariff
from chargeassist.store import Database, PaymentMethod, TariffRow

from ._errors import ServiceError
from ._locations import StoredLocation

__all__ = [
    "PriceComponentView",
    "TariffElementView",
    "TariffOffer",
    "TariffRestrictionsView",
    "TariffService",
    "TariffValidity",
    "TariffView",
    "build_tariff_view",
]

TariffValidity = Literal["VALID", "UNKNOWN", "NO_TARIFF_FOUND", "NOT_COMPATIBLE"]
_encoder = msgspec.json.Encoder(decimal_format="number")


class PriceComponentView(msgspec.Struct, kw_only=True, rename="camel"):
    """One price component; ``price`` excludes VAT, ``priceInclVat`` includes it."""

    type: str
    price: Decimal
    price_incl_vat: Decimal
    step_size: int
    vat: Decimal | None


class TariffRestrictionsView(msgspec.Struct, kw_only=True, rename="camel", omit_defaults=True):
    """When an element applies; times and dates are the location's local time."""

    start_time: str | None = None
    end_time: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    min_kwh: Decimal | None = None
    max_kwh: Decimal | None = None
    min_current: Decimal | None = None
    max_current: Decimal | None = None
    min_power: Decimal | None = None
    max_power: Decimal | None = None
    min_duration: int | None = None
    max_duration: int | None = None
    day_of_week: list[str] | None = None
    reservation: str | None = None


class TariffElementView(msgspec.Struct, kw_only=True, rename="camel"):
    """Price components that apply together under the same restrictions."""

    price_components: list[PriceComponentView]
    restrictions: TariffRestrictionsView | None = None


class TariffView(msgspec.Struct, kw_only=True, rename="camel"):
    """A tariff in Charge Assist's shape, built from the stored OCPI 2.2.1 tariff."""

    id: str
    currency: str
    vat_percentage: Decimal | None
    is_vat_included: bool
    elements: list[TariffElementView]
    type: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    tariff_alt_text: str | None = None
    tariff_alt_url: str | None = None


@dataclass(frozen=True, slots=True)
class TariffOffer:
    """What one payment method would pay at one EVSE."""

    payment_method: PaymentMethod
    validity: TariffValidity
    tariff: TariffView | None


def _opt_decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


_TEXT_FIELDS = ("start_time", "end_time", "start_date", "end_date", "reservation")
_DECIMAL_FIELDS = ("min_kwh", "max_kwh", "min_current", "max_current", "min_power", "max_power")
_INT_FIELDS = ("min_duration", "max_duration")


def _restrictions_view(restrictions: Any) -> TariffRestrictionsView:
    values: dict[str, Any] = {}
    for name in _TEXT_FIELDS:
        value = getattr(restrictions, name, None)
        if value is not None:
            values[name] = str(getattr(value, "value", value))
    for name in _DECIMAL_FIELDS:
        value = getattr(restrictions, name, None)
        if value is not None:
            values[name] = Decimal(str(value))
    for name in _INT_FIELDS:
        value = getattr(restrictions, name, None)
        if value is not None:
            values[name] = int(value)
    days = getattr(restrictions, "day_of_week", None)
    if days:
        values["day_of_week"] = [str(getattr(day, "value", day)) for day in days]
    return TariffRestrictionsView(**values)


def build_tariff_view(tariff_id: str, tariff: Tariff) -> TariffView:
    """Charge Assist's view of an OCPI tariff. OCPI prices exclude VAT; ``isVatIncluded`` says so."""
    elements: list[TariffElementView] = []
    vats: set[Decimal] = set()
    for element in tariff.elements:
        components = []
        for component in element.price_components:
            vat = _opt_decimal(component.vat)
            if vat is not None:
                vats.add(vat)
            price = Decimal(component.price)
            incl = price * (1 + (vat or Decimal(0)) / 100)
            components.append(
                PriceComponentView(
                    type=str(component.type),
                    price=price,
                    price_incl_vat=incl.quantize(Decimal("0.0001")),
                    step_size=int(component.step_size),
                    vat=vat,
                )
            )
        restrictions = _restrictions_view(element.restrictions) if element.restrictions is not None else None
        elements.append(TariffElementView(price_components=components, restrictions=restrictions))
    min_price = tariff.min_price.excl_vat if tariff.min_price is not None else None
    max_price = tariff.max_price.excl_vat if tariff.max_price is not None else None
    alt_text = tariff.tariff_alt_text[0].text if tariff.tariff_alt_text else None
    return TariffView(
        id=tariff_id,
        currency=tariff.currency,
        vat_percentage=max(vats) if vats else None,
        is_vat_included=False,
        elements=elements,
        type=str(tariff.type) if tariff.type is not None else None,
        min_price=_opt_decimal(min_price),
        max_price=_opt_decimal(max_price),
        tariff_alt_text=alt_text,
        tariff_alt_url=tariff.tariff_alt_url,
    )


class TariffService:
    """Stores validated OCPI tariffs and answers which applies where."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def put(self, tariff_id: str, body: Mapping[str, Any]) -> tuple[Tariff, bool]:
        """Create or replace a tariff; refused with the field named when it is not valid OCPI 2.2.1."""
        tariff = self._checked(tariff_id, body)
        return tariff, await self._store(tariff_id, tariff)

    @staticmethod
    def _checked(tariff_id: str, body: Mapping[str, Any]) -> Tariff:
        try:
            tariff = convert_tariff(body)
        except TariffValidationError as exc:
            raise ServiceError(400, "invalid_tariff", str(exc), field=exc.field) from exc
        if tariff.id != tariff_id:
            raise ServiceError(
                400,
                "tariff_id_mismatch",
                f"the path names {tariff_id!r} but the body's id is {tariff.id!r}",
                field="id",
            )
        return tariff

    async def _store(self, tariff_id: str, tariff: Tariff) -> bool:
        async with self._db.transaction() as session:
            row = await session.get(TariffRow, tariff_id)
            document = _encoder.encode(tariff).decode()
            created = row is None
            if row is None:
                session.add(
                    TariffRow(
                        id=tariff_id,
                        country_code=tariff.country_code,
                        party_id=tariff.party_id,
                        currency=tariff.currency,
                        document=document,
                    )
                )
            else:
                row.country_code = tariff.country_code
                row.party_id = tariff.party_id
                row.currency = tariff.currency
                row.document = document
        return created

    def check_many(self, documents: Sequence[Any]) -> list[Tariff]:
        """Every tariff of an import, checked; refused naming the first that is not valid, by its index."""
        checked: list[Tariff] = []
        for index, body in enumerate(documents):
            tariff_id = body.get("id") if isinstance(body, Mapping) else None
            if not isinstance(tariff_id, str):
                raise ServiceError(400, "invalid_tariff", f"[{index}].id: missing", field=f"[{index}].id")
            try:
                checked.append(self._checked(tariff_id, body))
            except ServiceError as exc:
                field = f"[{index}].{exc.field}" if exc.field else f"[{index}]"
                raise ServiceError(exc.status, exc.code, f"[{index}].{exc.detail}", field=field) from exc
        return checked

    async def store_many(self, tariffs: Sequence[Tariff]) -> int:
        """Create or replace tariffs that :meth:`check_many` passed."""
        for tariff in tariffs:
            await self._store(tariff.id, tariff)
        return len(tariffs)

    async def bulk_put(self, documents: Sequence[Any]) -> int:
        """Create or replace many tariffs (import): all are checked before any is written."""
        return await self.store_many(self.check_many(documents))

    async def find(self, tariff_id: str) -> Tariff | None:
        """The stored tariff, or None."""
        async with self._db.read() as session:
            document = await session.scalar(select(TariffRow.document).where(TariffRow.id == tariff_id))
        return decode_tariff(document) if document is not None else None

    async def first_of(self, tariff_ids: Sequence[str] | None) -> tuple[str, Tariff] | None:
        """The first of ``tariff_ids`` that is stored and valid (how a connector's tariff is chosen)."""
        for tariff_id in tariff_ids or ():
            try:
                tariff = await self.find(tariff_id)
            except (TariffValidationError, msgspec.DecodeError):
                continue
            if tariff is not None:
                return tariff_id, tariff
        return None

    async def get(self, tariff_id: str) -> Tariff:
        """The stored tariff; 404 otherwise."""
        tariff = await self.find(tariff_id)
        if tariff is None:
            raise ServiceError(404, "tariff_not_found", f"no tariff {tariff_id!r}")
        return tariff

    async def delete(self, tariff_id: str) -> None:
        """Remove a tariff; 404 when unknown."""
        async with self._db.transaction() as session:
            row = await session.get(TariffRow, tariff_id)
            if row is None:
                raise ServiceError(404, "tariff_not_found", f"no tariff {tariff_id!r}")
            await session.delete(row)

    async def offers(
        self,
        location: StoredLocation,
        evse_uid: str,
        connector_id: str | None,
        payment_methods: Sequence[PaymentMethod],
    ) -> list[TariffOffer]:
        """For each payment method, the tariff of the EVSE's connector and whether it applies."""
        evse = location.evse(evse_uid)
        if evse is None:
            raise ServiceError(404, "evse_not_found", f"no EVSE {evse_uid!r} at location {location.id!r}")
        if connector_id is None:
            connector = evse.connectors[0]
        else:
            found = next((c for c in evse.connectors if c.id == connector_id), None)
            if found is None:
                raise ServiceError(404, "connector_not_found", f"no connector {connector_id!r} on EVSE {evse_uid!r}")
            connector = found
        tariff_view: TariffView | None = None
        tariff_state: TariffValidity = "NO_TARIFF_FOUND"
        for tariff_id in connector.tariff_ids or ():
            try:
                tariff = await self.find(tariff_id)
            except (TariffValidationError, msgspec.DecodeError):
                tariff_state = "UNKNOWN"
                continue
            if tariff is not None:
                tariff_view, tariff_state = build_tariff_view(tariff_id, tariff), "VALID"
                break
        offers = []
        for method in payment_methods:
            if method.verification_status != "VALID":
                validity: TariffValidity = "UNKNOWN" if method.verification_status == "PENDING" else "NOT_COMPATIBLE"
            elif (
                method.type == "CHARGE_CARD"
                and "RFID_READER" not in (evse.capabilities or ())
                and "REMOTE_START_STOP_CAPABLE" not in (evse.capabilities or ())
            ):
                validity = "NOT_COMPATIBLE"
            else:
                validity = tariff_state
            offers.append(
                TariffOffer(
                    payment_method=method,
                    validity=validity,
                    tariff=tariff_view if validity == "VALID" else None,
                )
            )
        return offers
