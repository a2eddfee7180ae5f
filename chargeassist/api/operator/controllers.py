"""Operator API: locations, tariffs, charge points and QR stickers (operator keys only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, delete, get, patch, post, put
from litestar.params import FromPath, JSONBody, PathParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from chargeassist import qr
from chargeassist.domain.tariffs import encode_tariff

from .._auth import require_operator
from .._errors import ApiError, problem_responses
from .._wire import ServicesDep

__all__ = ["ChargePointRequest", "OperatorController", "QrCodeRequest", "QrCodeResponse"]

_OCPI_JSON = "application/json"


class ChargePointRequest(msgspec.Struct, kw_only=True, rename="camel"):
    """A charge point's OCPP Basic-auth password and its EVSEs in OCPP connector order (1, 2, ...)."""

    password: Annotated[str, msgspec.Meta(min_length=16, max_length=64)]
    evses: list[Annotated[str, msgspec.Meta(min_length=1, max_length=36)]]


class ChargePointResponse(msgspec.Struct, kw_only=True, rename="camel"):
    """A registered charge point (the password is never returned)."""

    id: str
    evses: list[str]


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
        description="The body is an OCPI 2.2.1 Location. Extension: `restricted_to_partners` (a list of partner "
        "ids) makes it a closed-loop location that only those partners see and use.",
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
        charge_point_id: Annotated[str, PathParameter(min_length=1, max_length=48, pattern=r"^[A-Za-z0-9._:-]+$")],
        data: JSONBody[ChargePointRequest],
    ) -> Response[ChargePointResponse]:
        created = await services.charge_points.put(charge_point_id, data.password, data.evses)
        body = ChargePointResponse(id=charge_point_id, evses=await services.charge_points.evse_uids(charge_point_id))
        return Response(body, status_code=HTTP_201_CREATED if created else HTTP_200_OK)

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
