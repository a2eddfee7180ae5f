"""Operator API: locations, tariffs, charge points and QR stickers (operator keys only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Response, delete, get, patch, post, put
from litestar.params import FromPath, JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from chargeassist import qr
from chargeassist.domain.tariffs import encode_tariff
from chargeassist.services import ChargePointView, InvalidContinuationToken

from .._auth import require_operator
from .._errors import ApiError, problem_responses
from .._wire import ListMeta, Page, ServicesDep

__all__ = [
    "MAX_CONNECTOR_ID",
    "ChangeAvailabilityCommand",
    "ChangeConfigurationCommand",
    "ChargePointRequest",
    "ChargePointStateResponse",
    "CommandResponse",
    "ConnectorStateResponse",
    "GetConfigurationCommand",
    "OperatorController",
    "QrCodeRequest",
    "QrCodeResponse",
    "ResetCommand",
    "TriggerMessageCommand",
    "UnlockConnectorCommand",
]

ChargePointIdPath = Annotated[str, PathParameter(min_length=1, max_length=48, pattern=r"^[A-Za-z0-9._:-]+$")]
_COMMAND_ERRORS = problem_responses(403, 404, 502, 503, 504)

_OCPI_JSON = "application/json"


# Litestar leaves the bounds of list items and of optional numbers out of the document; the fields below
# declare them for it with ``extra_json_schema={"extra": ...}``, which msgspec ignores when decoding.
MAX_CONNECTOR_ID = 100
"""The highest OCPP 1.6 connectorId a command may name: a charge point has a handful of connectors, and a number
beyond any column or frame the charge point takes is refused before anything is sent."""
_CONNECTOR_BOUNDS = {"extra": {"minimum": 0, "maximum": MAX_CONNECTOR_ID}}


class ChargePointRequest(msgspec.Struct, kw_only=True, rename="camel"):
    """A charge point's OCPP Basic-auth password and its EVSEs in OCPP connector order (1, 2, ...)."""

    password: Annotated[str, msgspec.Meta(min_length=16, max_length=64)]
    evses: Annotated[
        list[Annotated[str, msgspec.Meta(min_length=1, max_length=36)]],
        msgspec.Meta(
            extra_json_schema={
                "extra": {"items": {"type": "string", "minLength": 1, "maxLength": 36}, "uniqueItems": True}
            }
        ),
    ]


class ChargePointResponse(msgspec.Struct, kw_only=True, rename="camel"):
    """A registered charge point (the password is never returned)."""

    id: str
    evses: list[str]


class ConnectorStateResponse(msgspec.Struct, kw_only=True, rename="camel"):
    """The last StatusNotification of an OCPP connector (0 is the charge point as a whole)."""

    connector_id: int
    status: str
    error_code: str
    info: str | None
    vendor_error_code: str | None
    status_time: datetime | None
    """The charge point's own time of the status."""
    updated_time: datetime
    evse_uid: str | None


class ChargePointStateResponse(msgspec.Struct, kw_only=True, rename="camel"):
    """A charge point as the CSMS knows it: connection, boot information and connector statuses."""

    id: str
    evses: list[str]
    connected: bool
    connected_time: datetime | None
    disconnected_time: datetime | None
    last_seen_time: datetime | None
    """Last message of any kind (heartbeats included), written every few seconds."""
    boot_time: datetime | None
    vendor: str | None
    model: str | None
    serial_number: str | None
    firmware_version: str | None
    firmware_status: str | None
    diagnostics_status: str | None
    connectors: list[ConnectorStateResponse]
    never_booted: bool = False
    """It has connected but no BootNotification of it was ever accepted. OCPP 1.6 lets a charge point send
    other messages first, and they are served; one that never boots is most likely misconfigured."""


def _state(view: ChargePointView) -> ChargePointStateResponse:
    return ChargePointStateResponse(
        id=view.id,
        evses=view.evses,
        connected=view.connected,
        connected_time=view.connected_at,
        disconnected_time=view.disconnected_at,
        last_seen_time=view.last_seen_at,
        boot_time=view.booted_at,
        vendor=view.vendor,
        model=view.model,
        serial_number=view.serial_number,
        firmware_version=view.firmware_version,
        firmware_status=view.firmware_status,
        diagnostics_status=view.diagnostics_status,
        connectors=[
            ConnectorStateResponse(
                connector_id=c.connector_id,
                status=c.status,
                error_code=c.error_code,
                info=c.info,
                vendor_error_code=c.vendor_error_code,
                status_time=c.status_at,
                updated_time=c.updated_at,
                evse_uid=c.evse_uid,
            )
            for c in view.connectors
        ],
        never_booted=view.booted_at is None and view.connected_at is not None,
    )


class CommandResponse(msgspec.Struct, kw_only=True, rename="camel"):
    """The charge point's answer (its OCPP 1.6 CALLRESULT payload, as sent)."""

    charge_point_id: str
    command: str
    result: dict[str, Any]


class ResetCommand(msgspec.Struct, kw_only=True, rename="camel"):
    """Reset the charge point."""

    type: Literal["Hard", "Soft"]


class UnlockConnectorCommand(msgspec.Struct, kw_only=True, rename="camel"):
    """Unlock a connector's cable."""

    connector_id: Annotated[int, msgspec.Meta(ge=1, le=MAX_CONNECTOR_ID)]


class ChangeAvailabilityCommand(msgspec.Struct, kw_only=True, rename="camel"):
    """Take a connector (0: the whole charge point) out of service or back."""

    connector_id: Annotated[int, msgspec.Meta(ge=0, le=MAX_CONNECTOR_ID)]
    type: Literal["Inoperative", "Operative"]


class TriggerMessageCommand(msgspec.Struct, kw_only=True, rename="camel"):
    """Ask the charge point to send a message now."""

    requested_message: Literal[
        "BootNotification",
        "DiagnosticsStatusNotification",
        "FirmwareStatusNotification",
        "Heartbeat",
        "MeterValues",
        "StatusNotification",
    ]
    connector_id: (
        Annotated[int, msgspec.Meta(ge=0, le=MAX_CONNECTOR_ID, extra_json_schema=_CONNECTOR_BOUNDS)] | None
    ) = None


class GetConfigurationCommand(msgspec.Struct, kw_only=True, rename="camel"):
    """Read configuration keys (all of them when ``key`` is left out)."""

    key: (
        Annotated[
            list[Annotated[str, msgspec.Meta(min_length=1, max_length=50)]],
            msgspec.Meta(extra_json_schema={"extra": {"items": {"type": "string", "minLength": 1, "maxLength": 50}}}),
        ]
        | None
    ) = None


class ChangeConfigurationCommand(msgspec.Struct, kw_only=True, rename="camel"):
    """Set one configuration key."""

    key: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    value: Annotated[str, msgspec.Meta(max_length=500)]


class QrCodeRequest(msgspec.Struct, kw_only=True, rename="camel"):
    """The EVSE (and optionally connector) a sticker points at."""

    location_id: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
    evse_uid: Annotated[str, msgspec.Meta(min_length=1, max_length=36)]
    connector_id: Annotated[str, msgspec.Meta(min_length=1, max_length=36)] | None = None


class QrCodeResponse(msgspec.Struct, kw_only=True, rename="camel"):
    """A sticker: its id and the URL its code holds."""

    id: str
    url: str
    location_id: str
    evse_uid: str
    connector_id: str | None
    created_date: datetime


def _json(document: Any, status: int = HTTP_200_OK) -> Response[dict[str, Any]]:
    return Response(document, status_code=status, media_type=_OCPI_JSON)


class OperatorController(Controller):
    """Everything an operator key manages."""

    path = "/v1/operator"
    tags = ["operator"]
    guards = [require_operator]

    @put(
        "/locations/{location_id:str}",
        operation_id="putLocation",
        summary="Create or replace an OCPI 2.2.1 Location with its EVSEs and connectors",
        description="The body is an OCPI 2.2.1 Location. Extensions: `restricted_to_partners` (a list of partner "
        "ids) makes it a closed-loop location that only those partners see and use; `pre_auth_amount` (a positive "
        'amount as a string such as "25.00", in the major unit of its tariff\'s currency, or null for the '
        "service's default) is the hold a start with a Stripe card places here.",
        status_code=HTTP_200_OK,
        responses=problem_responses(403, 404, created=dict[str, Any]),
    )
    async def put_location(
        self, services: ServicesDep, location_id: FromPath[str], data: JSONBody[dict[str, Any]]
    ) -> Response[dict[str, Any]]:
        stored, created = await services.locations.put(location_id, data)
        return _json(stored.to_ocpi(), HTTP_201_CREATED if created else HTTP_200_OK)

    @patch(
        "/locations/{location_id:str}",
        operation_id="patchLocation",
        summary="Partly update a location: top-level fields replace, `evses` merge by `uid`",
        description="Also sets or clears (null) the extensions `restricted_to_partners` and `pre_auth_amount`.",
        responses=problem_responses(403, 404),
    )
    async def patch_location(
        self, services: ServicesDep, location_id: FromPath[str], data: JSONBody[dict[str, Any]]
    ) -> Response[dict[str, Any]]:
        return _json((await services.locations.patch(location_id, data)).to_ocpi())

    @get(
        "/locations/{location_id:str}",
        operation_id="getOperatorLocation",
        summary="A location as stored (OCPI)",
        responses=problem_responses(403, 404),
    )
    async def get_location(self, services: ServicesDep, location_id: FromPath[str]) -> Response[dict[str, Any]]:
        return _json((await services.locations.get(location_id)).to_ocpi())

    @delete(
        "/locations/{location_id:str}",
        operation_id="deleteLocation",
        summary="Remove a location",
        status_code=HTTP_204_NO_CONTENT,
        responses=problem_responses(403, 404),
    )
    async def delete_location(self, services: ServicesDep, location_id: FromPath[str]) -> None:
        await services.locations.delete(location_id)

    @put(
        "/tariffs/{tariff_id:str}",
        operation_id="putTariff",
        summary="Create or replace an OCPI 2.2.1 Tariff (validated)",
        status_code=HTTP_200_OK,
        responses=problem_responses(403, created=dict[str, Any]),
    )
    async def put_tariff(
        self, services: ServicesDep, tariff_id: FromPath[str], data: JSONBody[dict[str, Any]]
    ) -> Response[dict[str, Any]]:
        tariff, created = await services.tariffs.put(tariff_id, data)
        return _json(msgspec.json.decode(encode_tariff(tariff)), HTTP_201_CREATED if created else HTTP_200_OK)

    @get(
        "/tariffs/{tariff_id:str}",
        operation_id="getTariff",
        summary="A tariff as stored (OCPI)",
        responses=problem_responses(403, 404),
    )
    async def get_tariff(self, services: ServicesDep, tariff_id: FromPath[str]) -> Response[dict[str, Any]]:
        return _json(msgspec.json.decode(encode_tariff(await services.tariffs.get(tariff_id))))

    @delete(
        "/tariffs/{tariff_id:str}",
        operation_id="deleteTariff",
        summary="Remove a tariff",
        status_code=HTTP_204_NO_CONTENT,
        responses=problem_responses(403, 404),
    )
    async def delete_tariff(self, services: ServicesDep, tariff_id: FromPath[str]) -> None:
        await services.tariffs.delete(tariff_id)

    @put(
        "/charge-points/{charge_point_id:str}",
        operation_id="putChargePoint",
        summary="Register a charge point: its OCPP password (stored hashed) and EVSEs",
        status_code=HTTP_200_OK,
        responses=problem_responses(403, 404, 409, created=ChargePointResponse),
    )
    async def put_charge_point(
        self,
        services: ServicesDep,
        charge_point_id: ChargePointIdPath,
        data: JSONBody[ChargePointRequest],
    ) -> Response[ChargePointResponse]:
        created = await services.charge_points.put(charge_point_id, data.password, data.evses)
        body = ChargePointResponse(id=charge_point_id, evses=await services.charge_points.evse_uids(charge_point_id))
        return Response(body, status_code=HTTP_201_CREATED if created else HTTP_200_OK)

    @get(
        "/charge-points",
        operation_id="listChargePoints",
        summary="Charge points: connection, last heartbeat, boot information, connector statuses",
        responses=problem_responses(403),
    )
    async def list_charge_points(
        self,
        services: ServicesDep,
        page_size: Annotated[int, QueryParameter(name="pageSize", ge=1, le=500)] = 100,
        continuation_token: Annotated[str | None, QueryParameter(name="continuationToken", max_length=512)] = None,
    ) -> Page[ChargePointStateResponse]:
        codec = services.continuation
        assert codec is not None
        fingerprint = codec.fingerprint("charge-points", page_size)
        offset = 0
        if continuation_token is not None:
            try:
                (offset,) = codec.decode(continuation_token, fingerprint)
            except (InvalidContinuationToken, ValueError) as exc:
                raise ApiError.bad_field(
                    "continuationToken", "not valid for this query", code="invalid_continuation_token"
                ) from exc
        views, total = await services.charge_points.list_views(offset=offset, limit=page_size)
        following = offset + len(views)
        more = following < total
        return Page(
            data=[_state(v) for v in views],
            meta=ListMeta(
                count=len(views),
                has_more_data=more,
                continuation_token=codec.encode((following,), fingerprint) if more else None,
            ),
        )

    @get(
        "/charge-points/{charge_point_id:str}",
        operation_id="getChargePoint",
        summary="A charge point: connection, last heartbeat, boot information, connector statuses",
        responses=problem_responses(403, 404),
    )
    async def get_charge_point(
        self, services: ServicesDep, charge_point_id: ChargePointIdPath
    ) -> ChargePointStateResponse:
        return _state(await services.charge_points.view(charge_point_id))

    @post(
        "/charge-points/{charge_point_id:str}/commands/reset",
        operation_id="resetChargePoint",
        summary="Send Reset",
        status_code=HTTP_200_OK,
        responses=_COMMAND_ERRORS,
    )
    async def reset(
        self, services: ServicesDep, charge_point_id: ChargePointIdPath, data: JSONBody[ResetCommand]
    ) -> CommandResponse:
        result = await services.charge_points.reset(charge_point_id, data.type)
        return CommandResponse(charge_point_id=charge_point_id, command="Reset", result=result)

    @post(
        "/charge-points/{charge_point_id:str}/commands/unlock-connector",
        operation_id="unlockConnector",
        summary="Send UnlockConnector",
        status_code=HTTP_200_OK,
        responses=_COMMAND_ERRORS,
    )
    async def unlock_connector(
        self, services: ServicesDep, charge_point_id: ChargePointIdPath, data: JSONBody[UnlockConnectorCommand]
    ) -> CommandResponse:
        result = await services.charge_points.unlock_connector(charge_point_id, data.connector_id)
        return CommandResponse(charge_point_id=charge_point_id, command="UnlockConnector", result=result)

    @post(
        "/charge-points/{charge_point_id:str}/commands/change-availability",
        operation_id="changeAvailability",
        summary="Send ChangeAvailability",
        status_code=HTTP_200_OK,
        responses=_COMMAND_ERRORS,
    )
    async def change_availability(
        self, services: ServicesDep, charge_point_id: ChargePointIdPath, data: JSONBody[ChangeAvailabilityCommand]
    ) -> CommandResponse:
        result = await services.charge_points.change_availability(charge_point_id, data.connector_id, data.type)
        return CommandResponse(charge_point_id=charge_point_id, command="ChangeAvailability", result=result)

    @post(
        "/charge-points/{charge_point_id:str}/commands/trigger-message",
        operation_id="triggerMessage",
        summary="Send TriggerMessage",
        status_code=HTTP_200_OK,
        responses=_COMMAND_ERRORS,
    )
    async def trigger_message(
        self, services: ServicesDep, charge_point_id: ChargePointIdPath, data: JSONBody[TriggerMessageCommand]
    ) -> CommandResponse:
        result = await services.charge_points.trigger_message(
            charge_point_id, data.requested_message, data.connector_id
        )
        return CommandResponse(charge_point_id=charge_point_id, command="TriggerMessage", result=result)

    @post(
        "/charge-points/{charge_point_id:str}/commands/get-configuration",
        operation_id="getConfiguration",
        summary="Send GetConfiguration",
        status_code=HTTP_200_OK,
        responses=_COMMAND_ERRORS,
    )
    async def get_configuration(
        self, services: ServicesDep, charge_point_id: ChargePointIdPath, data: JSONBody[GetConfigurationCommand]
    ) -> CommandResponse:
        result = await services.charge_points.get_configuration(charge_point_id, data.key)
        return CommandResponse(charge_point_id=charge_point_id, command="GetConfiguration", result=result)

    @post(
        "/charge-points/{charge_point_id:str}/commands/change-configuration",
        operation_id="changeConfiguration",
        summary="Send ChangeConfiguration",
        status_code=HTTP_200_OK,
        responses=_COMMAND_ERRORS,
    )
    async def change_configuration(
        self, services: ServicesDep, charge_point_id: ChargePointIdPath, data: JSONBody[ChangeConfigurationCommand]
    ) -> CommandResponse:
        result = await services.charge_points.change_configuration(charge_point_id, data.key, data.value)
        return CommandResponse(charge_point_id=charge_point_id, command="ChangeConfiguration", result=result)

    @post(
        "/qr-codes",
        operation_id="createQrCode",
        summary="Create a QR sticker for an EVSE",
        status_code=HTTP_201_CREATED,
        responses=problem_responses(403, 404),
    )
    async def create_qr_code(self, services: ServicesDep, data: JSONBody[QrCodeRequest]) -> QrCodeResponse:
        row = await services.qr.create(data.location_id.lower(), data.evse_uid, data.connector_id)
        return QrCodeResponse(
            id=row.id,
            url=services.qr.url_of(row.id),
            location_id=row.location_id,
            evse_uid=row.evse_uid,
            connector_id=row.connector_id,
            created_date=row.created_at,
        )

    @get(
        "/qr-codes/{qr_file:str}",
        operation_id="renderQrCode",
        summary="The sticker as `{id}.png` or `{id}.svg`, with the EVSE id printed under the code",
        responses=problem_responses(403, 404),
        media_type="image/png",
    )
    async def render_qr_code(self, services: ServicesDep, qr_file: FromPath[str]) -> Response[bytes]:
        qr_id, dot, extension = qr_file.rpartition(".")
        if not dot or extension not in {"png", "svg"}:
            raise ApiError.not_found("qr_code_not_found", "ask for {id}.png or {id}.svg")
        row = await services.qr.get(qr_id)
        url, caption = services.qr.url_of(row.id), await services.qr.caption(row)
        if extension == "png":
            return Response(qr.render_png(url, caption), media_type="image/png")
        return Response(qr.render_svg(url, caption), media_type="image/svg+xml")
