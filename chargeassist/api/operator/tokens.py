"""Operator API: issued charge cards (OCPI 2.2.1 Tokens) and the verification of cards in wallets."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from chargeassist.services import InvalidContinuationToken, Services, token_document
from chargeassist.store import PaymentMethod

from .._auth import require_operator
from .._errors import ApiError, problem_responses
from .._wire import ListMeta, Page, ServicesDep

__all__ = ["CardVerificationResponse", "IssuedTokenController", "OperatorPaymentMethodController"]

TokenUidPath = Annotated[
    str,
    PathParameter(
        description="The token's OCPI uid (the RFID UID); spaces, dashes, stars and case do not matter",
        min_length=1,
        max_length=36,
    ),
]
PaymentMethodIdPath = Annotated[str, PathParameter(min_length=1, max_length=40)]
PageSize = Annotated[int, QueryParameter(name="pageSize", ge=1, le=500)]
ContinuationToken = Annotated[str | None, QueryParameter(name="continuationToken", max_length=512)]

_OCPI_JSON = "application/json"


def _json(document: Any, status: int = HTTP_200_OK) -> Response[Any]:
    return Response(document, status_code=status, media_type=_OCPI_JSON)


def _offset(services: Services, scope: str, page_size: int, token: str | None, *extra: object) -> tuple[int, str]:
    codec = services.continuation
    assert codec is not None
    fingerprint = codec.fingerprint(scope, page_size, *extra)
    if token is None:
        return 0, fingerprint
    try:
        (offset,) = codec.decode(token, fingerprint)
    except (InvalidContinuationToken, ValueError) as exc:
        raise ApiError.bad_field(
            "continuationToken", "not valid for this query", code="invalid_continuation_token"
        ) from exc
    return int(offset), fingerprint


def _meta(services: Services, fingerprint: str, offset: int, count: int, total: int) -> ListMeta:
    codec = services.continuation
    assert codec is not None
    following = offset + count
    more = following < total
    return ListMeta(
        count=count, has_more_data=more, continuation_token=codec.encode((following,), fingerprint) if more else None
    )


class TokenPage(msgspec.Struct, kw_only=True, rename="camel"):
    """A page of issued tokens (each an OCPI Token with ``partner_id``, ``expiry_date`` and ``status``)."""

    data: list[dict[str, Any]]
    meta: ListMeta


class IssuedTokenController(Controller):
    """The cards each partner (or the operator itself) issued, as OCPI 2.2.1 Tokens."""

    path = "/v1/operator/tokens"
    tags = ["operator"]
    guards = [require_operator]

    @put(
        "/{uid:str}",
        operation_id="putIssuedToken",
        summary="Create or replace an issued card (OCPI 2.2.1 Token)",
        description="The body is an OCPI 2.2.1 Token. Extensions: `partner_id` names the partner that issued it "
        "(left out: the operator itself), `expiry_date` (RFC 3339) expires it from then on. `valid: false` "
        "blocks it. Cards of its number in wallets are verified again at once.",
        status_code=HTTP_200_OK,
        responses=problem_responses(403, 409, created=dict[str, Any]),
    )
    async def put_token(
        self, services: ServicesDep, uid: TokenUidPath, data: JSONBody[dict[str, Any]]
    ) -> Response[dict[str, Any]]:
        row, created = await services.issued_tokens.put(uid, data)
        return _json(token_document(row), HTTP_201_CREATED if created else HTTP_200_OK)

    @patch(
        "/{uid:str}",
        operation_id="patchIssuedToken",
        summary="Change some fields of an issued card: `valid` blocks or unblocks it, `expiry_date` expires it",
        responses=problem_responses(403, 404, 409),
    )
    async def patch_token(
        self, services: ServicesDep, uid: TokenUidPath, data: JSONBody[dict[str, Any]]
    ) -> Response[dict[str, Any]]:
        return _json(token_document(await services.issued_tokens.patch(uid, data)))

    @get(
        "/{uid:str}",
        operation_id="getIssuedToken",
        summary="An issued card as stored (OCPI Token, with its status ACTIVE, BLOCKED or EXPIRED)",
        responses=problem_responses(403, 404),
    )
    async def get_token(self, services: ServicesDep, uid: TokenUidPath) -> Response[dict[str, Any]]:
        return _json(token_document(await services.issued_tokens.get(uid)))

    @get(
        "/",
        operation_id="listIssuedTokens",
        summary="Issued cards, by uid",
        responses=problem_responses(403),
    )
    async def list_tokens(
        self, services: ServicesDep, page_size: PageSize = 100, continuation_token: ContinuationToken = None
    ) -> TokenPage:
        offset, fingerprint = _offset(services, "issued-tokens", page_size, continuation_token)
        rows, total = await services.issued_tokens.page(offset=offset, limit=page_size)
        return TokenPage(
            data=[token_document(row) for row in rows], meta=_meta(services, fingerprint, offset, len(rows), total)
        )

    @delete(
        "/{uid:str}",
        operation_id="deleteIssuedToken",
        summary="Forget an issued card; cards of its number in wallets wait for the operator again",
        status_code=HTTP_204_NO_CONTENT,
        responses=problem_responses(403, 404),
    )
    async def delete_token(self, services: ServicesDep, uid: TokenUidPath) -> None:
        await services.issued_tokens.delete(uid)


class CardVerificationResponse(msgspec.Struct, kw_only=True, rename="camel"):
    """A charge card in some partner's wallet, as the operator verifies it."""

    id: str
    partner_id: str
    card_number: str | None
    """The normalised number the driver typed."""
    card_hint: str | None
    verification_status: Literal["PENDING", "VALID", "INVALID"]
    issued_token_uid: str | None
    """The issued token the card was matched to, by its normalised uid."""
    operator_verdict: Literal["APPROVED", "BLOCKED"] | None
    verified_date: datetime | None
    created_date: datetime


def _card(row: PaymentMethod) -> CardVerificationResponse:
    return CardVerificationResponse(
        id=row.id,
        partner_id=row.partner_id,
        card_number=row.card_key,
        card_hint=row.card_hint,
        verification_status=row.verification_status,  # type: ignore[arg-type]
        issued_token_uid=row.issued_token_key,
        operator_verdict=row.operator_verdict,  # type: ignore[arg-type]
        verified_date=row.verified_at,
        created_date=row.created_at,
    )


class OperatorPaymentMethodController(Controller):
    """Charge cards in every wallet: list those waiting, approve or block them."""

    path = "/v1/operator/payment-methods"
    tags = ["operator"]
    guards = [require_operator]

    @get(
        "/",
        operation_id="listOperatorPaymentMethods",
        summary="Charge cards in wallets, oldest first (`verificationStatus=PENDING`: those waiting for approval)",
        responses=problem_responses(403),
    )
    async def list_cards(
        self,
        request: Request[Any, Any, Any],
        services: ServicesDep,
        verification_status: Annotated[
            Literal["PENDING", "VALID", "INVALID"] | None, QueryParameter(name="verificationStatus")
        ] = None,
        page_size: PageSize = 100,
        continuation_token: ContinuationToken = None,
    ) -> Page[CardVerificationResponse]:
        if request.query_params.get("verificationStatus", None) == "":
            # Litestar reads an empty value as absent; a filter given empty is a mistake, not "all cards".
            raise ApiError.bad_field("verificationStatus", "one of PENDING, VALID, INVALID")
        offset, fingerprint = _offset(
            services, "operator-payment-methods", page_size, continuation_token, verification_status or ""
        )
        rows, total = await services.issued_tokens.list_cards(
            status=verification_status, offset=offset, limit=page_size
        )
        return Page(data=[_card(row) for row in rows], meta=_meta(services, fingerprint, offset, len(rows), total))

    @post(
        "/{payment_method_id:str}/approve",
        operation_id="approvePaymentMethod",
        summary="Approve a charge card: VALID, so its swipes charge on its wallet",
        description="409 `charge_card_valid_elsewhere` when another card of the number is VALID, "
        "`charge_card_issued_to_other_partner` when an issued token names another partner, "
        "`issued_token_not_active` when its token is blocked or expired.",
        status_code=HTTP_200_OK,
        responses=problem_responses(403, 404, 409),
    )
    async def approve(self, services: ServicesDep, payment_method_id: PaymentMethodIdPath) -> CardVerificationResponse:
        return _card(await services.issued_tokens.approve(payment_method_id))

    @post(
        "/{payment_method_id:str}/block",
        operation_id="blockPaymentMethod",
        summary="Block a charge card: INVALID, and its swipes are answered Blocked",
        status_code=HTTP_200_OK,
        responses=problem_responses(403, 404),
    )
    async def block(self, services: ServicesDep, payment_method_id: PaymentMethodIdPath) -> CardVerificationResponse:
        return _card(await services.issued_tokens.block(payment_method_id))
