"""Services: the behaviour behind the API, over the store. Handlers stay thin and call these."""

from ._access_tokens import AccessTokenClaims, AccessTokenService, MintedAccessToken
from ._batch import BatchWriter
from ._charge_points import (
    ChargePointService,
    ChargePointView,
    ConnectorView,
    EvseLink,
    hash_password,
    ocpi_status,
    verify_password,
)
from ._commands import ChargePointCommand, CommandBus, CommandBusUnavailable, CommandOutcome, OfflineCommandBus
from ._container import Services
from ._errors import ServiceError
from ._events import SessionEventBus, SessionUpdate, Subscription
from ._issued_tokens import CardDecision, IssuedTokenService, normalize_card_number, token_document
from ._location_index import ConnectorFacet, IndexedLocation, LocationIndex, SearchFilters
from ._location_views import LocationSummary, LocationView, PreAuthAmountView, build_location_view
from ._locations import CheckedLocation, LocationService, PreAuthAmount, StoredLocation, evse_id_key
from ._paging import ContinuationCodec, InvalidContinuationToken
from ._partners import CreatedPartner, PartnerIdentity, PartnerService, hash_api_key
from ._payments import FailedPayment, PaymentChange, PaymentSteps
from ._psp_cards import PspCardService, SetupIntentView, card_hint_of
from ._qr import QrResolution, QrService
from ._receipts import PaidWith, ReceiptService, SessionReceipt, paid_with_method, render_receipt_pdf
from ._tariffs import TariffOffer, TariffService, TariffValidity, TariffView, build_tariff_view
from ._wallet import AppTokenRecord, WalletService, card_hints, normalize_visual_number
from .sessions import (
    CostLine,
    DataPoint,
    IdTagStatus,
    PaymentView,
    SessionFilters,
    SessionService,
    SessionView,
    StartedTransaction,
    StartRequest,
)

__all__ = [
    "AccessTokenClaims",
    "AccessTokenService",
    "AppTokenRecord",
    "BatchWriter",
    "CardDecision",
    "ChargePointCommand",
    "ChargePointService",
    "ChargePointView",
    "CheckedLocation",
    "CommandBus",
    "CommandBusUnavailable",
    "CommandOutcome",
    "ConnectorFacet",
    "ConnectorView",
    "ContinuationCodec",
    "CostLine",
    "CreatedPartner",
    "DataPoint",
    "EvseLink",
    "FailedPayment",
    "IdTagStatus",
    "IndexedLocation",
    "InvalidContinuationToken",
    "IssuedTokenService",
    "LocationIndex",
    "LocationService",
    "LocationSummary",
    "LocationView",
    "MintedAccessToken",
    "OfflineCommandBus",
    "PaidWith",
    "PartnerIdentity",
    "PartnerService",
    "PaymentChange",
    "PaymentSteps",
    "PaymentView",
    "PreAuthAmount",
    "PreAuthAmountView",
    "PspCardService",
    "QrResolution",
    "QrService",
    "ReceiptService",
    "SearchFilters",
    "ServiceError",
    "Services",
    "SessionEventBus",
    "SessionFilters",
    "SessionReceipt",
    "SessionService",
    "SessionUpdate",
    "SessionView",
    "SetupIntentView",
    "StartRequest",
    "StartedTransaction",
    "StoredLocation",
    "Subscription",
    "TariffOffer",
    "TariffService",
    "TariffValidity",
    "TariffView",
    "WalletService",
    "build_location_view",
    "build_tariff_view",
    "card_hint_of",
    "card_hints",
    "evse_id_key",
    "hash_api_key",
    "hash_password",
    "normalize_card_number",
    "normalize_visual_number",
    "ocpi_status",
    "paid_with_method",
    "render_receipt_pdf",
    "token_document",
    "verify_password",
]
