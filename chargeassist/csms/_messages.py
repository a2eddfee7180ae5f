"""OCPP-J 1.6 frames and the payloads charge points send, checked with msgspec.

The structs mirror the OCPP 1.6 JSON schemas of the ten CALLs a charge point sends (``additionalProperties``
false, ``maxLength`` of the CiString types, enums, ``minItems``). Checking them here instead of with the
``ocpp`` package's jsonschema (run in a thread pool for every message) costs microseconds, and a payload that
breaks the schema gets the CALLERROR OCPP-J 1.6 names for it:

- missing required field: ``OccurenceConstraintViolation`` (the 1.6 spelling); an empty list where one item
  is required too;
- wrong JSON type, string longer than its CiString type, malformed date-time: ``TypeConstraintViolation``;
- value outside an enumeration, an integer out of its range (connector ids, meter registers and
  transaction ids fit the store's columns), a NUL character in a string, a meter value that is not a number
  of sane size, a time that has no UTC equivalent: ``PropertyConstraintViolation``;
- unknown field, payload that is not an object, frame that is not OCPP-J (or nested deeper than the decoder
  goes): ``FormationViolation``.

Nothing that breaks these rules reaches the store, so no charge point's message can fail a write batch it
shares with others.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal, TypeVar, get_args

import msgspec

from chargeassist.domain.sessions import MeterReading

__all__ = [
    "CALL",
    "CALLERROR",
    "CALLRESULT",
    "CALL_ERROR_CODES",
    "AuthorizeRequest",
    "BootNotificationRequest",
    "CallErrorCode",
    "DataTransferRequest",
    "DiagnosticsStatusNotificationRequest",
    "FirmwareStatusNotificationRequest",
    "Frame",
    "FrameError",
    "HeartbeatRequest",
    "MeterValue",
    "MeterValuesRequest",
    "PayloadError",
    "SampledValue",
    "StartTransactionRequest",
    "StatusNotificationRequest",
    "StopTransactionRequest",
    "as_utc",
    "call_error_frame",
    "call_frame",
    "call_result_frame",
    "decode_payload",
    "parse_frame",
    "readings_of",
]

CALL, CALLRESULT, CALLERROR = 2, 3, 4

CallErrorCode = Literal[
    "NotImplemented",
    "NotSupported",
    "InternalError",
    "ProtocolError",
    "SecurityError",
    "FormationViolation",
    "PropertyConstraintViolation",
    "OccurenceConstraintViolation",
    "TypeConstraintViolation",
    "GenericError",
]
CALL_ERROR_CODES: frozenset[str] = frozenset(get_args(CallErrorCode))
"""The error codes of OCPP-J 1.6."""

# No NUL in any string that is stored: PostgreSQL refuses it in text, and one refused row would fail the
# batch it was written in, with every other charge point's rows in it.
_NO_NUL = "^[^\x00]*$"
CiString20 = Annotated[str, msgspec.Meta(max_length=20, pattern=_NO_NUL)]
CiString25 = Annotated[str, msgspec.Meta(max_length=25, pattern=_NO_NUL)]
CiString50 = Annotated[str, msgspec.Meta(max_length=50, pattern=_NO_NUL)]
CiString255 = Annotated[str, msgspec.Meta(max_length=255, pattern=_NO_NUL)]

MAX_CONNECTOR_ID = 1000
"""No charge point has more connectors; the store keeps connector ids as 32-bit integers."""
_INT64 = 2**63 - 1
ConnectorId = Annotated[int, msgspec.Meta(ge=0, le=MAX_CONNECTOR_ID)]
"""0 is the charge point as a whole (StatusNotification, MeterValues of the main meter)."""
TransactionConnectorId = Annotated[int, msgspec.Meta(ge=1, le=MAX_CONNECTOR_ID)]
"""A transaction runs on a real connector (OCPP 1.6: connectorId > 0)."""
TransactionId = Annotated[int, msgspec.Meta(ge=-_INT64 - 1, le=_INT64)]
"""Any id the store's BIGINT can hold; the ones this central system hands out are positive."""
MeterWh = Annotated[int, msgspec.Meta(ge=0, le=_INT64)]
"""A meter register in Wh: never negative, and within the store's BIGINT."""
ReservationId = Annotated[int, msgspec.Meta(ge=-_INT64 - 1, le=_INT64)]


class _Payload(msgspec.Struct, rename="camel", forbid_unknown_fields=True, kw_only=True):
    pass


class BootNotificationRequest(_Payload):
    charge_point_vendor: CiString20
    charge_point_model: CiString20
    charge_point_serial_number: CiString25 | None = None
    charge_box_serial_number: CiString25 | None = None
    firmware_version: CiString50 | None = None
    iccid: CiString20 | None = None
    imsi: CiString20 | None = None
    meter_type: CiString25 | None = None
    meter_serial_number: CiString25 | None = None


class HeartbeatRequest(_Payload):
    pass


class AuthorizeRequest(_Payload):
    id_tag: CiString20


class StartTransactionRequest(_Payload):
    connector_id: TransactionConnectorId
    id_tag: CiString20
    meter_start: MeterWh
    timestamp: datetime
    reservation_id: ReservationId | None = None


ReadingContext = Literal[
    "Interruption.Begin",
    "Interruption.End",
    "Sample.Clock",
    "Sample.Periodic",
    "Transaction.Begin",
    "Transaction.End",
    "Trigger",
    "Other",
]
Measurand = Literal[
    "Energy.Active.Export.Register",
    "Energy.Active.Import.Register",
    "Energy.Reactive.Export.Register",
    "Energy.Reactive.Import.Register",
    "Energy.Active.Export.Interval",
    "Energy.Active.Import.Interval",
    "Energy.Reactive.Export.Interval",
    "Energy.Reactive.Import.Interval",
    "Power.Active.Export",
    "Power.Active.Import",
    "Power.Offered",
    "Power.Reactive.Export",
    "Power.Reactive.Import",
    "Power.Factor",
    "Current.Import",
    "Current.Export",
    "Current.Offered",
    "Voltage",
    "Frequency",
    "Temperature",
    "SoC",
    "RPM",
]
Phase = Literal["L1", "L2", "L3", "N", "L1-N", "L2-N", "L3-N", "L1-L2", "L2-L3", "L3-L1"]
UnitOfMeasure = Literal[
    "Wh",
    "kWh",
    "varh",
    "kvarh",
    "W",
    "kW",
    "VA",
    "kVA",
    "var",
    "kvar",
    "A",
    "V",
    "K",
    "Celcius",
    "Celsius",
    "Fahrenheit",
    "Percent",
    "Hertz",
]


class SampledValue(_Payload):
    value: str
    context: ReadingContext | None = None
    format: Literal["Raw", "SignedData"] | None = None
    measurand: Measurand | None = None
    phase: Phase | None = None
    location: Literal["Cable", "EV", "Inlet", "Outlet", "Body"] | None = None
    unit: UnitOfMeasure | None = None


class MeterValue(_Payload):
    timestamp: datetime
    sampled_value: Annotated[list[SampledValue], msgspec.Meta(min_length=1)]


class MeterValuesRequest(_Payload):
    connector_id: ConnectorId
    meter_value: Annotated[list[MeterValue], msgspec.Meta(min_length=1)]
    transaction_id: TransactionId | None = None


class _TransactionDataValue(_Payload):
    """StopTransaction's transactionData: like MeterValue, but its schema sets no minimum of items."""

    timestamp: datetime
    sampled_value: list[SampledValue]


class StopTransactionRequest(_Payload):
    meter_stop: MeterWh
    timestamp: datetime
    transaction_id: TransactionId
    id_tag: CiString20 | None = None
    reason: (
        Literal[
            "EmergencyStop",
            "EVDisconnected",
            "HardReset",
            "Local",
            "Other",
            "PowerLoss",
            "Reboot",
            "Remote",
            "SoftReset",
            "UnlockCommand",
            "DeAuthorized",
        ]
        | None
    ) = None
    transaction_data: list[_TransactionDataValue] | None = None


class StatusNotificationRequest(_Payload):
    connector_id: ConnectorId
    error_code: Literal[
        "ConnectorLockFailure",
        "EVCommunicationError",
        "GroundFailure",
        "HighTemperature",
        "InternalError",
        "LocalListConflict",
        "NoError",
        "OtherError",
        "OverCurrentFailure",
        "PowerMeterFailure",
        "PowerSwitchFailure",
        "ReaderFailure",
        "ResetFailure",
        "UnderVoltage",
        "OverVoltage",
        "WeakSignal",
    ]
    status: Literal[
        "Available",
        "Preparing",
        "Charging",
        "SuspendedEVSE",
        "SuspendedEV",
        "Finishing",
        "Reserved",
        "Unavailable",
        "Faulted",
    ]
    info: CiString50 | None = None
    timestamp: datetime | None = None
    vendor_id: CiString255 | None = None
    vendor_error_code: CiString50 | None = None


class DataTransferRequest(_Payload):
    vendor_id: CiString255
    message_id: CiString50 | None = None
    data: str | None = None


class DiagnosticsStatusNotificationRequest(_Payload):
    status: Literal["Idle", "Uploaded", "UploadFailed", "Uploading"]


class FirmwareStatusNotificationRequest(_Payload):
    status: Literal[
        "Downloaded", "DownloadFailed", "Downloading", "Idle", "InstallationFailed", "Installing", "Installed"
    ]


class FrameError(Exception):
    """A frame that is not OCPP-J; ``unique_id`` is its message id when one could be read. ``answer`` is
    False for a broken CALLRESULT or CALLERROR: a response is never answered."""

    def __init__(self, detail: str, unique_id: str | None, *, answer: bool = True) -> None:
        super().__init__(detail)
        self.unique_id = unique_id
        self.answer = answer


class PayloadError(Exception):
    """A CALL payload that breaks its schema, with the CALLERROR code for it."""

    def __init__(self, code: CallErrorCode, detail: str) -> None:
        super().__init__(detail)
        self.code: CallErrorCode = code
        self.detail = detail


class Frame(msgspec.Struct, frozen=True):
    """A parsed OCPP-J frame. CALL: ``action`` and ``payload``; CALLRESULT: ``payload``; CALLERROR: the rest."""

    message_type: int
    unique_id: str
    action: str = ""
    payload: Any = None
    error_code: str = ""
    error_description: str = ""
    error_details: Any = None


_frame_decoder = msgspec.json.Decoder()


_CALL_HEAD = re.compile(r'^\s*\[\s*2\s*,\s*"([^"\\]{1,36})"')


def _call_id_of(raw: str | bytes) -> str | None:
    """The UniqueId at the head of a frame that starts like a CALL but is not JSON as a whole, so the charge
    point can match the CALLERROR to its call."""
    head = raw[:64].decode("utf-8", "replace") if isinstance(raw, bytes) else raw[:64]
    found = _CALL_HEAD.match(head)
    return found.group(1) if found else None


def parse_frame(raw: str | bytes) -> Frame:
    """Split a WebSocket message into an OCPP-J frame; :class:`FrameError` when it is not one."""
    try:
        frame = _frame_decoder.decode(raw)
    except msgspec.DecodeError as exc:
        raise FrameError(f"not JSON: {exc}", _call_id_of(raw)) from None
    except RecursionError:
        # msgspec stops at the interpreter's recursion limit; the frame is refused, the connection stays.
        raise FrameError("JSON nested too deeply", _call_id_of(raw)) from None
    if not isinstance(frame, list) or not frame:
        raise FrameError("an OCPP-J message is a JSON array [MessageTypeId, UniqueId, ...]", None)
    unique_id = frame[1] if len(frame) > 1 and isinstance(frame[1], str) else None
    message_type = frame[0]
    if unique_id is None or len(unique_id) > 36:
        raise FrameError("UniqueId must be a string of at most 36 characters", None)
    if message_type == CALL:
        if len(frame) != 4 or not isinstance(frame[2], str):
            raise FrameError("a CALL is [2, UniqueId, Action, Payload]", unique_id)
        return Frame(CALL, unique_id, action=frame[2], payload=frame[3])
    if message_type == CALLRESULT:
        if len(frame) != 3:
            raise FrameError("a CALLRESULT is [3, UniqueId, Payload]", unique_id, answer=False)
        return Frame(CALLRESULT, unique_id, payload=frame[2])
    if message_type == CALLERROR:
        if len(frame) != 5 or not isinstance(frame[2], str) or not isinstance(frame[3], str):
            raise FrameError(
                "a CALLERROR is [4, UniqueId, ErrorCode, ErrorDescription, ErrorDetails]", unique_id, answer=False
            )
        return Frame(CALLERROR, unique_id, error_code=frame[2], error_description=frame[3], error_details=frame[4])
    raise FrameError(f"unknown MessageTypeId {message_type!r}", unique_id)


_MISSING = re.compile(r"^Object missing required field")
_TOO_FEW = re.compile(r"^Expected `array` of length >= ")
_ENUM = re.compile(r"^Invalid enum value")
_UNKNOWN_FIELD = re.compile(r"^Object contains unknown field")
_OUT_OF_RANGE = re.compile(r"^Expected `int` [<>]=? ")
_NUL = re.compile(r"^Expected `str` matching regex")


def _code_of(message: str) -> CallErrorCode:
    if _MISSING.match(message) or _TOO_FEW.match(message):
        return "OccurenceConstraintViolation"
    if _UNKNOWN_FIELD.match(message):
        return "FormationViolation"
    if _ENUM.match(message) or _OUT_OF_RANGE.match(message) or _NUL.match(message):
        return "PropertyConstraintViolation"
    if message.startswith("Expected `object`, got") and " - at " not in message:
        return "FormationViolation"  # the payload itself is not an object
    return "TypeConstraintViolation"


_T = TypeVar("_T")


def decode_payload(payload: Any, struct: type[_T]) -> _T:
    """The payload as ``struct``; :class:`PayloadError` with the right CALLERROR code when it does not fit."""
    try:
        return msgspec.convert(payload, struct)
    except msgspec.ValidationError as exc:
        message = str(exc)
        code = _code_of(message)
        if _NUL.match(message):
            message = "a NUL character is not allowed" + message[message.rfind(" - at ") :]
        raise PayloadError(code, message) from None


_frame_encoder = msgspec.json.Encoder(decimal_format="number")


def call_frame(unique_id: str, action: str, payload: Any) -> str:
    """``[2, UniqueId, Action, Payload]`` as text."""
    return _frame_encoder.encode((CALL, unique_id, action, payload)).decode()


def call_result_frame(unique_id: str, payload: Any) -> str:
    """``[3, UniqueId, Payload]`` as text."""
    return _frame_encoder.encode((CALLRESULT, unique_id, payload)).decode()


def call_error_frame(unique_id: str, code: str, description: str, details: dict[str, Any] | None = None) -> str:
    """``[4, UniqueId, ErrorCode, ErrorDescription, ErrorDetails]`` as text (description at most 255 chars)."""
    return _frame_encoder.encode((CALLERROR, unique_id, code, description[:255], details or {})).decode()


def as_utc(moment: datetime) -> datetime:
    """OCPP times are UTC; a time without a zone is taken as UTC. :class:`PayloadError` for a time whose UTC
    equivalent is outside the calendar (``0001-01-01T00:00:00+14:00``)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise PayloadError("PropertyConstraintViolation", f"{moment.isoformat()} has no UTC equivalent") from None


_ENERGY_SCALE = {None: Decimal(1), "Wh": Decimal(1), "kWh": Decimal(1000)}
_POWER_SCALE = {None: Decimal(1), "W": Decimal(1), "kW": Decimal(1000)}


# A reading is kept as decimal text of at most 40 characters; these bounds keep every scaled value and sum
# of phases within it (and within what pricing can do arithmetic on).
_MAX_VALUE_CHARS = 32
_MIN_EXPONENT, _MAX_EXPONENT = -12, 15


def _number(sampled: SampledValue) -> Decimal:
    text = sampled.value
    if len(text) > _MAX_VALUE_CHARS:
        raise PayloadError(
            "PropertyConstraintViolation", f"sampledValue.value is longer than {_MAX_VALUE_CHARS} characters"
        )
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise PayloadError("PropertyConstraintViolation", f"sampledValue.value {text!r} is not a number") from None
    if not value.is_finite():
        raise PayloadError("PropertyConstraintViolation", f"sampledValue.value {text!r} is not finite")
    if value and not _MIN_EXPONENT <= value.adjusted() < _MAX_EXPONENT:
        raise PayloadError("PropertyConstraintViolation", f"sampledValue.value {text!r} is out of range")
    return value


def _total(values: list[tuple[SampledValue, Decimal]]) -> Decimal | None:
    """A measurand's value: the one without a phase, else the sum over the phases L1, L2, L3."""
    if not values:
        return None
    for sampled, value in values:
        if sampled.phase is None:
            return value
    phases = [value for sampled, value in values if sampled.phase in ("L1", "L2", "L3", "L1-N", "L2-N", "L3-N")]
    return sum(phases, Decimal(0)) if phases else None


def readings_of(meter_values: Sequence[MeterValue | _TransactionDataValue]) -> list[MeterReading]:
    """Energy register (Wh), active power (W), current (A) and SoC (%) of each MeterValue; signed data and
    measurands the session does not show are left out."""
    readings = []
    for meter_value in meter_values:
        energy: list[tuple[SampledValue, Decimal]] = []
        power: list[tuple[SampledValue, Decimal]] = []
        current: list[tuple[SampledValue, Decimal]] = []
        soc: list[tuple[SampledValue, Decimal]] = []
        for sampled in meter_value.sampled_value:
            if sampled.format == "SignedData":
                continue
            measurand = sampled.measurand or "Energy.Active.Import.Register"
            if measurand == "Energy.Active.Import.Register" and sampled.unit in _ENERGY_SCALE:
                energy.append((sampled, _number(sampled) * _ENERGY_SCALE[sampled.unit]))
            elif measurand == "Power.Active.Import" and sampled.unit in _POWER_SCALE:
                power.append((sampled, _number(sampled) * _POWER_SCALE[sampled.unit]))
            elif measurand == "Current.Import" and sampled.unit in (None, "A"):
                current.append((sampled, _number(sampled)))
            elif measurand == "SoC" and sampled.unit in (None, "Percent"):
                soc.append((sampled, _number(sampled)))
        reading = MeterReading(
            timestamp=as_utc(meter_value.timestamp),
            energy_wh=_total(energy),
            power_w=_total(power),
            current_a=_total(current),
            soc=_total(soc),
        )
        if reading.energy_wh is not None or reading.power_w is not None or reading.soc is not None:
            readings.append(reading)
    return readings
