"""Resolving what a driver's camera read."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK

from .._errors import problem_responses
from .._wire import PrincipalDep, ServicesDep

__all__ = ["QrController", "QrParseRequest", "QrParseResponse"]


class QrParseRequest(msgspec.Struct, kw_only=True, rename="camel"):
    """The text a QR code holds: a sticker URL, another operator's URL, or a bare EVSE id."""

    url: Annotated[str, msgspec.Meta(max_length=2048)]


class QrParseResponse(msgspec.Struct, kw_only=True, rename="camel"):
    """What the code points at; ``valid`` is false for anything unknown (never an error)."""

    valid: bool
    id: str | None = None
    location_id: str | None = None
    evse_uid: str | None = None
    connector_id: str | None = None
    url: str | None = None
    created_date: datetime | None = None


class QrController(Controller):
    """QR stickers, from the driver's side."""

    path = "/v1/qr"
    tags = ["qr"]

    @post(
        operation_id="parseQrCode",
        summary="Resolve a scanned QR code to a location, EVSE and connector",
        status_code=HTTP_200_OK,
        responses=problem_responses(),
    )
    async def parse(
        self, services: ServicesDep, principal: PrincipalDep, data: JSONBody[QrParseRequest]
    ) -> QrParseResponse:
        found = await services.qr.resolve(data.url, principal.partner_id)
        return QrParseResponse(
            valid=found.valid,
            id=found.id,
            location_id=found.location_id,
            evse_uid=found.evse_uid,
            connector_id=found.connector_id,
            url=found.url or data.url,
            created_date=found.created_date,
        )
