"""Receipts of paid sessions: issued once, in the transaction that makes the session paid, and shown as JSON
or PDF to the app token the session belongs to.

The seller is the operator (the partner with ``is_operator``; the oldest one when there are several). A
session is issued a receipt when it is paid: by an external method or a charge card when it is priced, by
a PSP once its payment is captured (the payment code calls :meth:`ReceiptService.issue` with what it took).
The receipt's lines and totals are those of ``chargeassist.domain.receipts`` from the session's stored
cost lines, held to the session's own totals, so the receipt says exactly what the session says.
"""

from __future__ import annotations

import logging
import unicodedata
from datetime import datetime
from decimal import Decimal
from typing import Literal

import msgspec
from fpdf import FPDF
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from chargeassist.domain.receipts import PricedLine, ReceiptAmounts, receipt_amounts
from chargeassist.store import (
    ChargeSession,
    Database,
    EvseRow,
    LocationRow,
    Partner,
    PaymentMethod,
    Receipt,
    allocate_receipt,
    utcnow,
)

from ._errors import ServiceError
from ._wallet import AppTokenRecord

__all__ = [
    "PaidWith",
    "ReceiptService",
    "SessionReceipt",
    "paid_with_method",
    "render_receipt_pdf",
]

_log = logging.getLogger("chargeassist.receipts")

PaymentKind = Literal["EXTERNAL", "CHARGE_CARD", "PSP"]


class PaidWith(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """How the session was paid. ``reference`` is the integrator's for an external method; ``card_hint``
    the masked card (never its full number); ``psp_transaction_id`` the PSP's payment (a PaymentIntent)."""

    amount: Decimal
    method: PaymentKind
    psp: str | None = None
    psp_transaction_id: str | None = None
    reference: str | None = None
    card_hint: str | None = None


class ReceiptSeller(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """The operator that sells the charge."""

    id: str
    name: str


class ReceiptLocation(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """Where the charge took place, from the location's OCPI document."""

    id: str
    name: str | None
    address: str | None
    postal_code: str | None
    city: str | None
    country: str | None


class ReceiptEvse(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """The EVSE charged at: its OCPI uid and its eMI3 EVSE id (when it has one)."""

    uid: str
    evse_id: str | None


class ReceiptLineDocument(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """One line: what was billed (``quantity`` of ``unit`` at ``unitPrice`` excl. VAT) and its amounts, which
    add up exactly (``net + vat == gross``) in the currency's minor unit. ``vatRate`` is a percentage."""

    dimension: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    net: Decimal
    vat_rate: Decimal | None
    vat: Decimal
    gross: Decimal


class ReceiptVatRate(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """The lines at one VAT rate, added up (``rate`` null for an adjustment that mixes rates)."""

    rate: Decimal | None
    net: Decimal
    vat: Decimal
    gross: Decimal


class ReceiptTotalsDocument(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """The sums of the lines; ``gross`` is what was charged. ``vatByRate`` has one entry per VAT rate."""

    net: Decimal
    vat: Decimal
    gross: Decimal
    currency: str
    vat_by_rate: list[ReceiptVatRate]


class SessionReceipt(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """A session's receipt, as issued (it never changes afterwards)."""

    receipt_number: str
    issued_at: datetime
    charge_session_id: str
    seller: ReceiptSeller
    location: ReceiptLocation
    evse: ReceiptEvse
    connector_id: str
    start_time: datetime | None
    end_time: datetime | None
    energy_kwh: Decimal
    lines: list[ReceiptLineDocument]
    totals: ReceiptTotalsDocument
    paid: PaidWith | None


class _LocationDocument(msgspec.Struct, kw_only=True):
    name: str | None = None
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None


_decode_lines = msgspec.json.Decoder(list[PricedLine])
_decode_location = msgspec.json.Decoder(_LocationDocument)
_decode_receipt = msgspec.json.Decoder(SessionReceipt)
_encoder = msgspec.json.Encoder()


def paid_with_method(method: PaymentMethod | None, amount: Decimal) -> PaidWith | None:
    """What a wallet's external method or charge card paid; None for anything else (a PSP says it itself)."""
    if method is None:
        return None
    if method.type == "EXTERNAL":
        return PaidWith(amount=amount, method="EXTERNAL", reference=method.external_payment_method_id)
    if method.type == "CHARGE_CARD":
        return PaidWith(amount=amount, method="CHARGE_CARD", card_hint=method.card_hint)
    return None


def _decimal(text: str | None) -> Decimal:
    return Decimal(text) if text is not None else Decimal(0)


class ReceiptService:
    """Issues and shows receipts."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def issue(self, session: AsyncSession, row: ChargeSession, paid: PaidWith | None) -> SessionReceipt | None:
        """The receipt of a priced session, issued now unless it was before; inside the caller's transaction.

        ``row`` must carry the session's priced totals (``total_cost``, ``total_vat``, ``cost_breakdown``).
        Without an operator to sell the charge there is no seller to issue under: None, logged.
        """
        if row.total_cost is None or row.currency is None:
            raise ValueError(f"session {row.id} is not priced; a receipt needs its totals")
        operator = await session.scalar(
            select(Partner).where(Partner.is_operator.is_(True)).order_by(Partner.created_at, Partner.id).limit(1)
        )
        if operator is None:
            _log.warning("session %s: no operator partner to issue its receipt under", row.id)
            return None
        location = await session.scalar(select(LocationRow).where(LocationRow.id == row.location_id))
        evse = None
        if row.evse_pk is not None:
            evse = await session.scalar(select(EvseRow).where(EvseRow.pk == row.evse_pk))
        amounts = self._amounts(row)
        issued_at = utcnow()

        def render(number: str) -> str:
            receipt = _document(number, issued_at, row, operator, location, evse, amounts, paid)
            return _encoder.encode(receipt).decode()

        stored = await allocate_receipt(
            session, operator_id=operator.id, session_pk=row.pk, session_id=row.id, issued_at=issued_at, render=render
        )
        return _decode_receipt.decode(stored.document)

    @staticmethod
    def _amounts(row: ChargeSession) -> ReceiptAmounts:
        lines = _decode_lines.decode(row.cost_breakdown) if row.cost_breakdown else []
        currency = row.currency or ""
        gross = _decimal(row.total_cost)
        vat = Decimal(row.total_vat) if row.total_vat is not None else None
        return receipt_amounts(lines, currency=currency, gross=gross, vat=vat)

    async def get(self, token: AppTokenRecord, session_id: str) -> SessionReceipt:
        """The receipt of one of this token's sessions; 404 for another's session or one without a receipt."""
        async with self._db.read() as session:
            owned = await session.scalar(
                select(ChargeSession.pk).where(ChargeSession.id == session_id, ChargeSession.app_token_pk == token.pk)
            )
            if owned is None:
                raise ServiceError(404, "session_not_found", f"no session {session_id!r} for this token")
            document = await session.scalar(select(Receipt.document).where(Receipt.session_id == session_id))
        if document is None:
            raise ServiceError(
                404, "receipt_not_available", f"session {session_id!r} has no receipt yet: it is issued once paid"
            )
        return _decode_receipt.decode(document)

    async def number_of(self, session_id: str) -> str | None:
        """The receipt number of a session, when it has one."""
        async with self._db.read() as session:
            found: str | None = await session.scalar(
                select(Receipt.receipt_number).where(Receipt.session_id == session_id)
            )
        return found


def _document(
    number: str,
    issued_at: datetime,
    row: ChargeSession,
    operator: Partner,
    location: LocationRow | None,
    evse: EvseRow | None,
    amounts: ReceiptAmounts,
    paid: PaidWith | None,
) -> SessionReceipt:
    place = _decode_location.decode(location.document) if location is not None else _LocationDocument()
    totals = amounts.totals
    return SessionReceipt(
        receipt_number=number,
        issued_at=issued_at,
        charge_session_id=row.id,
        seller=ReceiptSeller(id=operator.id, name=operator.name),
        location=ReceiptLocation(
            id=row.location_id,
            name=place.name,
            address=place.address,
            postal_code=place.postal_code,
            city=place.city,
            country=place.country,
        ),
        evse=ReceiptEvse(uid=row.evse_uid, evse_id=evse.evse_id if evse is not None else None),
        connector_id=row.connector_id,
        start_time=row.started_at,
        end_time=row.stopped_at or row.ended_at,
        energy_kwh=_decimal(row.total_energy_kwh),
        lines=[
            ReceiptLineDocument(
                dimension=line.dimension,
                quantity=line.quantity,
                unit=line.unit,
                unit_price=line.unit_price,
                net=line.net,
                vat_rate=line.vat_rate,
                vat=line.vat,
                gross=line.gross,
            )
            for line in amounts.lines
        ],
        totals=ReceiptTotalsDocument(
            net=totals.net,
            vat=totals.vat,
            gross=totals.gross,
            currency=totals.currency,
            vat_by_rate=[
                ReceiptVatRate(rate=part.rate, net=part.net, vat=part.vat, gross=part.gross)
                for part in totals.vat_by_rate
            ],
        ),
        paid=paid,
    )


# --- PDF -------------------------------------------------------------------------------------------------

# The PDF's built-in fonts (no font file to ship or find) cover Latin-1 only: umlauts and accents render;
# a euro sign is written as EUR, other letters lose their accents (NFKD) and what is left outside Latin-1
# becomes "?". Amounts are always written with the ISO currency code, so no amount depends on a symbol.
_REPLACEMENTS = {
    "\u20ac": "EUR",  # euro sign
    "\u2022": "*",  # bullet, as in masked card numbers
    "\u2013": "-",
    "\u2014": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
}


def _latin1(text: str | None) -> str:
    if not text:
        return ""
    for symbol, replacement in _REPLACEMENTS.items():
        text = text.replace(symbol, replacement)
    out = []
    for ch in text:
        if ord(ch) < 256:
            out.append(ch)
            continue
        decomposed = "".join(c for c in unicodedata.normalize("NFKD", ch) if ord(c) < 256)
        out.append(decomposed or "?")
    return "".join(out)


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None else "-"


def _rate(rate: Decimal | None) -> str:
    return "mixed" if rate is None else f"{rate.normalize():f} %"


def render_receipt_pdf(receipt: SessionReceipt) -> bytes:
    """The receipt as a one-page (or longer) A4 PDF."""
    currency = receipt.totals.currency
    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(f"Receipt {receipt.receipt_number}"))
    pdf.set_author(_latin1(receipt.seller.name))
    pdf.set_creator("Charge Assist")
    # Dated when issued, not when printed: the same receipt always prints to the same bytes.
    pdf.set_creation_date(receipt.issued_at)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _latin1(f"Receipt {receipt.receipt_number}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    place = receipt.location
    address = ", ".join(p for p in (place.address, place.postal_code, place.city, place.country) if p)
    for label, value in (
        ("Seller", receipt.seller.name),
        ("Issued", _when(receipt.issued_at)),
        ("Session", receipt.charge_session_id),
        ("Location", place.name or place.id),
        ("Address", address),
        ("EVSE", receipt.evse.evse_id or receipt.evse.uid),
        ("Connector", receipt.connector_id),
        ("Start", _when(receipt.start_time)),
        ("End", _when(receipt.end_time)),
        ("Energy", f"{receipt.energy_kwh} kWh"),
    ):
        pdf.cell(30, 6, label)
        pdf.multi_cell(0, 6, _latin1(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    widths = (34, 24, 28, 24, 18, 22, 24)
    headers = ("Item", "Quantity", "Unit price", "Net", "VAT %", "VAT", "Gross")
    pdf.set_font("Helvetica", "B", 9)
    for width, header in zip(widths, headers, strict=True):
        pdf.cell(width, 7, header, border="B", align="L" if header == "Item" else "R")
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for line in receipt.lines:
        cells = (
            line.dimension,
            f"{line.quantity} {line.unit}",
            f"{line.unit_price}",
            f"{line.net}",
            _rate(line.vat_rate),
            f"{line.vat}",
            f"{line.gross}",
        )
        for index, (width, cell) in enumerate(zip(widths, cells, strict=True)):
            pdf.cell(width, 6, _latin1(cell), align="L" if index == 0 else "R")
        pdf.ln()
    pdf.ln(2)
    totals = receipt.totals
    pdf.set_font("Helvetica", "", 10)
    for part in totals.vat_by_rate:
        pdf.cell(0, 6, f"VAT {_rate(part.rate)} on {part.net} {currency}: {part.vat} {currency}", align="R")
        pdf.ln()
    pdf.cell(0, 6, f"Total excl. VAT: {totals.net} {currency}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, f"VAT: {totals.vat} {currency}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 8, f"Total: {totals.gross} {currency}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    if receipt.paid is not None:
        paid = receipt.paid
        how = paid.method if paid.psp is None else f"{paid.method} ({paid.psp})"
        detail = paid.psp_transaction_id or paid.reference or paid.card_hint
        text = f"Paid {paid.amount} {currency} by {how}" + (f", {detail}" if detail else "")
        pdf.multi_cell(0, 6, _latin1(text), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
