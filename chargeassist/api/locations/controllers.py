"""Location search for drivers: nearby, bounding box, and one location in full."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, cast

import msgspec
from litestar import Controller, Request, Response, get
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, Parameter, QueryParameter
from litestar.response.base import ASGIResponse

from chargeassist.services import (
    IndexedLocation,
    InvalidContinuationToken,
    LocationView,
    PreAuthAmountView,
    SearchFilters,
    Services,
    build_location_view,
)

from .._auth import Principal, principal_of
from .._errors import ApiError, problem_responses
from .._request import refuse_null
from .._wire import PrincipalDep, ServicesDep
from .schemas import BoundingBoxPage, NearbyPage

__all__ = ["LocationController"]

NEARBY_RADIUS_M = 50_000
NEARBY_LIMIT = 25
_COUNTRY = re.compile(r"^[A-Z]{3}$")
# Declared in the document by hand: Litestar leaves the bounds of an optional parameter out of it, and the
# country is checked here rather than by the parameter (to name the rule in the error).
MAX_KW = 10_000
"""The highest power a filter may ask for (10 MW; the largest chargers give under 4): bounds ``inf`` out."""
_KW_BOUNDS = {"minimum": 0, "maximum": MAX_KW}
_ALPHA_3 = {"pattern": "^[A-Za-z]{3}$"}
_encoder = msgspec.json.Encoder()

Latitude = Annotated[float, Parameter(ge=-90, le=90)]
Longitude = Annotated[float, Parameter(ge=-180, le=180)]


def _filters(
    request: Request[Any, Any, Any],
    is_available: bool | None,
    power_type: str | None,
    connector_types: list[str] | None,
    min_kw: float | None,
    max_kw: float | None,
    country: str | None,
) -> SearchFilters:
    refuse_null(request, "isAvailable", "powerType", "minKw", "maxKw")
    if (
        is_available is None
        and power_type is None
        and connector_types is None
        and min_kw is None
        and max_kw is None
        and country is None
    ):
        return _NO_FILTERS  # the common search; building a frozen dataclass costs microseconds
    if min_kw is not None and max_kw is not None and min_kw > max_kw:
        raise ApiError.bad_field("minKw", "must not be above maxKw")
    types: set[str] = set()
    for item in connector_types or ():
        types.update(part.strip().upper() for part in item.split(",") if part.strip())
    if country is not None and not _COUNTRY.fullmatch(country.upper()):
        raise ApiError.bad_field("country", "must be an ISO 3166-1 alpha-3 code such as NLD")
    return SearchFilters(
        is_available=is_available,
        power_type=power_type,
        connector_types=frozenset(types),
        min_kw=min_kw,
        max_kw=max_kw,
        country=country.upper() if country else None,
    )


def _filters_key(filters: SearchFilters) -> tuple[object, ...]:
    # What a continuation token is bound to must read the same in every process. A set's order
    # follows string hashes, which differ per process (and per worker), so connector types go sorted.
    if filters is _NO_FILTERS:
        return _NO_FILTERS_KEY
    return (
        filters.is_available,
        filters.power_type,
        tuple(sorted(filters.connector_types)),
        filters.min_kw,
        filters.max_kw,
        filters.country,
    )


_NO_FILTERS = SearchFilters()
_NO_FILTERS_KEY = (None, None, (), None, None, None)


def _envelope(prefix: bytes, items: list[bytes], count: int, has_more: bool, token: str | None) -> bytes:
    meta = _encoder.encode({"count": count, "hasMoreData": has_more, "continuationToken": token})
    return b"".join((prefix, b'"data":[', b",".join(items), b'],"meta":', meta, b"}"))


class LocationController(Controller):
    """Locations visible to the caller's partner; restricted locations only for their partners."""

    path = "/v1/locations"
    tags = ["locations"]

    @get(
        "/boundingbox",
        operation_id="searchLocationsInBoundingBox",
        summary="Locations inside a box, paged with a continuation token",
        responses={
            200: ResponseSpec(
                BoundingBoxPage, description="Request fulfilled, document follows", generate_examples=False
            ),
            **problem_responses(),
        },
    )
    async def bounding_box(
        self,
        request: Request[Principal, Any, State],
        bottom_left_lat: Annotated[float, QueryParameter(name="bottomLeftLat", ge=-90, le=90)],
        bottom_left_lng: Annotated[float, QueryParameter(name="bottomLeftLng", ge=-180, le=180)],
        top_right_lat: Annotated[float, QueryParameter(name="topRightLat", ge=-90, le=90)],
        top_right_lng: Annotated[float, QueryParameter(name="topRightLng", ge=-180, le=180)],
        page_size: Annotated[int, QueryParameter(name="pageSize", ge=1, le=100)] = 50,
        continuation_token: Annotated[str | None, QueryParameter(name="continuationToken", max_length=512)] = None,
        is_available: Annotated[bool | None, QueryParameter(name="isAvailable")] = None,
        power_type: Annotated[Literal["AC", "DC"] | None, QueryParameter(name="powerType")] = None,
        connector_types: Annotated[list[str] | None, QueryParameter(name="connectorTypes")] = None,
        min_kw: Annotated[float | None, QueryParameter(name="minKw", ge=0, le=MAX_KW, schema_extra=_KW_BOUNDS)] = None,
        max_kw: Annotated[float | None, QueryParameter(name="maxKw", ge=0, le=MAX_KW, schema_extra=_KW_BOUNDS)] = None,
        country: Annotated[str | None, QueryParameter(name="country", max_length=3, schema_extra=_ALPHA_3)] = None,
    ) -> ASGIResponse:
        if bottom_left_lat >= top_right_lat:
            raise ApiError.bad_field("bottomLeftLat", "must be below topRightLat (the box is empty or inverted)")
        if bottom_left_lng >= top_right_lng:
            raise ApiError.bad_field("bottomLeftLng", "must be west of topRightLng (the box is empty or inverted)")
        filters = _filters(request, is_available, power_type, connector_types, min_kw, max_kw, country)
        # The hot path of the API: services and caller come straight off the request, since resolving
        # them as dependencies costs about as much as the search itself.
        services: Services = request.app.state.services
        codec = services.continuation
        assert codec is not None
        partner_id = principal_of(request).partner_id
        fingerprint = codec.fingerprint(
            partner_id, bottom_left_lat, bottom_left_lng, top_right_lat, top_right_lng, _filters_key(filters)
        )
        after: tuple[int, int] | None = None
        if continuation_token is not None:
            try:
                position = codec.decode(continuation_token, fingerprint)
                if len(position) != 2:
                    raise InvalidContinuationToken("not a position")
                after = (position[0], position[1])
            except InvalidContinuationToken as exc:
                raise ApiError.bad_field(
                    "continuationToken",
                    f"not a token for this query ({exc})",
                    code="invalid_continuation_token",
                ) from exc
        found = services.locations.index.in_box(
            bottom_left_lat,
            bottom_left_lng,
            top_right_lat,
            top_right_lng,
            partner_id=partner_id,
            filters=filters,
            after=after,
            limit=page_size + 1,
        )
        has_more = len(found) > page_size
        page = found[:page_size]
        token = codec.encode(page[-1][1], fingerprint) if has_more else None
        box = _encoder.encode(
            {
                "bottomLeftLat": bottom_left_lat,
                "bottomLeftLng": bottom_left_lng,
                "topRightLat": top_right_lat,
                "topRightLng": top_right_lng,
            }
        )
        body = _envelope(
            b'{"boundingBox":' + box + b",", [entry.summary_json for entry, _ in page], len(page), has_more, token
        )
        # Straight to ASGI: the body is final JSON already, and this skips building a Response for it.
        return ASGIResponse(body=body, media_type="application/json")

    @get(
        "/nearby",
        operation_id="searchLocationsNearby",
        summary="Up to 25 locations within 50 km, nearest first",
        responses=problem_responses(404),
    )
    async def nearby(
        self,
        request: Request[Principal, Any, State],
        services: ServicesDep,
        principal: PrincipalDep,
        latitude: Annotated[float, QueryParameter(name="latitude", ge=-90, le=90)],
        longitude: Annotated[float, QueryParameter(name="longitude", ge=-180, le=180)],
        payment_method_id: Annotated[str | None, QueryParameter(name="paymentMethodId", max_length=64)] = None,
        is_available: Annotated[bool | None, QueryParameter(name="isAvailable")] = None,
        power_type: Annotated[Literal["AC", "DC"] | None, QueryParameter(name="powerType")] = None,
        connector_types: Annotated[list[str] | None, QueryParameter(name="connectorTypes")] = None,
        min_kw: Annotated[float | None, QueryParameter(name="minKw", ge=0, le=MAX_KW, schema_extra=_KW_BOUNDS)] = None,
        max_kw: Annotated[float | None, QueryParameter(name="maxKw", ge=0, le=MAX_KW, schema_extra=_KW_BOUNDS)] = None,
        country: Annotated[str | None, QueryParameter(name="country", max_length=3, schema_extra=_ALPHA_3)] = None,
    ) -> Response[NearbyPage]:
        filters = _filters(request, is_available, power_type, connector_types, min_kw, max_kw, country)
        if payment_method_id is not None:
            if principal.app_token is None:
                raise ApiError.bad_field(
                    "paymentMethodId", "only an app access token has a wallet to take payment methods from"
                )
            token = await services.wallet.get(principal.partner_id, principal.app_token)
            # Both payment method types can start at every EVSE (cards by remote start too), so the
            # method narrows nothing yet; it must still be this wallet's.
            await services.wallet.get_payment_method(token, payment_method_id)
        found = services.locations.index.nearest(
            latitude,
            longitude,
            radius_m=NEARBY_RADIUS_M,
            partner_id=principal.partner_id,
            filters=filters,
            limit=NEARBY_LIMIT,
        )
        items = [_with_distance(entry, distance) for entry, distance in found]
        body = _envelope(b"{", items, len(items), False, None)
        return cast("Response[NearbyPage]", Response(content=body, media_type="application/json"))

    @get(
        "/{location_id:str}",
        operation_id="getLocation",
        summary="One location with its EVSEs and connectors",
        responses=problem_responses(404),
    )
    async def get_location(
        self, services: ServicesDep, principal: PrincipalDep, location_id: FromPath[str]
    ) -> LocationView:
        stored = await services.locations.get(location_id, partner_id=principal.partner_id)
        pre_auth: PreAuthAmountView | None = None
        if services.locations.stripe_cards:
            held = await services.locations.pre_auth(stored)
            pre_auth = PreAuthAmountView(amount=held.amount, currency=held.currency, is_default=held.is_default)
        return build_location_view(
            stored.id,
            stored.location,
            list(stored.location.evses or ()),
            restricted=stored.restricted,
            pre_auth=pre_auth,
        )


def _with_distance(entry: IndexedLocation, distance: float) -> bytes:
    # The summary is pre-encoded; splice the distance in instead of decoding and encoding again.
    return b'{"distanceInMeters":' + str(round(distance)).encode() + b"," + entry.summary_json[1:]
