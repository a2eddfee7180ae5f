"""Contains all the data models used in inputs/outputs"""

from .access_token_response import AccessTokenResponse
from .app_token_response import AppTokenResponse
from .bounding_box import BoundingBox
from .bounding_box_page import BoundingBoxPage
from .business_details_view import BusinessDetailsView
from .card_verification_response import CardVerificationResponse
from .card_verification_response_operator_verdict_type_1 import (
    CardVerificationResponseOperatorVerdictType1,
)
from .card_verification_response_operator_verdict_type_2_type_1 import (
    CardVerificationResponseOperatorVerdictType2Type1,
)
from .card_verification_response_operator_verdict_type_3_type_1 import (
    CardVerificationResponseOperatorVerdictType3Type1,
)
from .card_verification_response_verification_status import (
    CardVerificationResponseVerificationStatus,
)
from .change_availability_command import ChangeAvailabilityCommand
from .change_availability_command_type import ChangeAvailabilityCommandType
from .change_configuration_command import ChangeConfigurationCommand
from .charge_card_request import ChargeCardRequest
from .charge_point_request import ChargePointRequest
from .charge_point_response import ChargePointResponse
from .charge_point_state_response import ChargePointStateResponse
from .command_response import CommandResponse
from .command_response_result import CommandResponseResult
from .connector_state_response import ConnectorStateResponse
from .connector_view import ConnectorView
from .connector_view_power_type import ConnectorViewPowerType
from .cost_breakdown_line import CostBreakdownLine
from .data_point_response import DataPointResponse
from .evse_view import EvseView
from .external_payment_method_request import ExternalPaymentMethodRequest
from .failed_payment_response import FailedPaymentResponse
from .failed_payment_response_status import FailedPaymentResponseStatus
from .field_error import FieldError
from .get_configuration_command import GetConfigurationCommand
from .get_issued_token_response_200 import GetIssuedTokenResponse200
from .get_operator_location_response_200 import GetOperatorLocationResponse200
from .get_tariff_response_200 import GetTariffResponse200
from .health_response import HealthResponse
from .health_response_database import HealthResponseDatabase
from .health_response_status import HealthResponseStatus
from .list_meta import ListMeta
from .list_operator_payment_methods_verification_status_type_1 import (
    ListOperatorPaymentMethodsVerificationStatusType1,
)
from .list_operator_payment_methods_verification_status_type_2_type_1 import (
    ListOperatorPaymentMethodsVerificationStatusType2Type1,
)
from .list_operator_payment_methods_verification_status_type_3_type_1 import (
    ListOperatorPaymentMethodsVerificationStatusType3Type1,
)
from .list_sessions_status_type_0_item import ListSessionsStatusType0Item
from .location_summary import LocationSummary
from .location_summary_power_types_item import LocationSummaryPowerTypesItem
from .location_view import LocationView
from .nearby_location import NearbyLocation
from .nearby_location_power_types_item import NearbyLocationPowerTypesItem
from .nearby_page import NearbyPage
from .opening_hours_view import OpeningHoursView
from .page_card_verification_response import PageCardVerificationResponse
from .page_charge_point_state_response import PageChargePointStateResponse
from .page_failed_payment_response import PageFailedPaymentResponse
from .page_payment_method_response import PagePaymentMethodResponse
from .page_session_response import PageSessionResponse
from .page_tariff_offer_response import PageTariffOfferResponse
from .page_webhook_delivery_response import PageWebhookDeliveryResponse
from .page_webhook_endpoint_response import PageWebhookEndpointResponse
from .paid_with import PaidWith
from .paid_with_method import PaidWithMethod
from .patch_issued_token_body import PatchIssuedTokenBody
from .patch_issued_token_response_200 import PatchIssuedTokenResponse200
from .patch_location_body import PatchLocationBody
from .patch_location_response_200 import PatchLocationResponse200
from .payment_method_response import PaymentMethodResponse
from .payment_method_response_psp_type_1 import PaymentMethodResponsePspType1
from .payment_method_response_psp_type_2_type_1 import (
    PaymentMethodResponsePspType2Type1,
)
from .payment_method_response_psp_type_3_type_1 import (
    PaymentMethodResponsePspType3Type1,
)
from .payment_method_response_type import PaymentMethodResponseType
from .payment_method_response_verification_status import (
    PaymentMethodResponseVerificationStatus,
)
from .payment_response import PaymentResponse
from .payment_response_provider import PaymentResponseProvider
from .payment_response_status import PaymentResponseStatus
from .ping_response import PingResponse
from .pre_auth_amount_view import PreAuthAmountView
from .price_component_view import PriceComponentView
from .problem import Problem
from .put_issued_token_body import PutIssuedTokenBody
from .put_issued_token_response_200 import PutIssuedTokenResponse200
from .put_issued_token_response_201 import PutIssuedTokenResponse201
from .put_location_body import PutLocationBody
from .put_location_response_200 import PutLocationResponse200
from .put_location_response_201 import PutLocationResponse201
from .put_tariff_body import PutTariffBody
from .put_tariff_response_200 import PutTariffResponse200
from .put_tariff_response_201 import PutTariffResponse201
from .qr_code_request import QrCodeRequest
from .qr_code_response import QrCodeResponse
from .qr_parse_request import QrParseRequest
from .qr_parse_response import QrParseResponse
from .receipt_evse import ReceiptEvse
from .receipt_line_document import ReceiptLineDocument
from .receipt_location import ReceiptLocation
from .receipt_seller import ReceiptSeller
from .receipt_totals_document import ReceiptTotalsDocument
from .receipt_vat_rate import ReceiptVatRate
from .regular_hours_view import RegularHoursView
from .reset_command import ResetCommand
from .reset_command_type import ResetCommandType
from .retry_payment_request import RetryPaymentRequest
from .search_locations_in_bounding_box_power_type_type_1 import (
    SearchLocationsInBoundingBoxPowerTypeType1,
)
from .search_locations_in_bounding_box_power_type_type_2_type_1 import (
    SearchLocationsInBoundingBoxPowerTypeType2Type1,
)
from .search_locations_in_bounding_box_power_type_type_3_type_1 import (
    SearchLocationsInBoundingBoxPowerTypeType3Type1,
)
from .search_locations_nearby_power_type_type_1 import (
    SearchLocationsNearbyPowerTypeType1,
)
from .search_locations_nearby_power_type_type_2_type_1 import (
    SearchLocationsNearbyPowerTypeType2Type1,
)
from .search_locations_nearby_power_type_type_3_type_1 import (
    SearchLocationsNearbyPowerTypeType3Type1,
)
from .session_receipt import SessionReceipt
from .session_response import SessionResponse
from .session_response_start_method import SessionResponseStartMethod
from .session_response_status import SessionResponseStatus
from .setup_intent_response import SetupIntentResponse
from .start_session_request import StartSessionRequest
from .start_session_response import StartSessionResponse
from .start_session_response_status import StartSessionResponseStatus
from .stripe_card_request import StripeCardRequest
from .tariff_element_view import TariffElementView
from .tariff_offer_response import TariffOfferResponse
from .tariff_offer_response_validity import TariffOfferResponseValidity
from .tariff_restrictions_view import TariffRestrictionsView
from .tariff_view import TariffView
from .token_page import TokenPage
from .token_page_data_item import TokenPageDataItem
from .trigger_message_command import TriggerMessageCommand
from .trigger_message_command_requested_message import (
    TriggerMessageCommandRequestedMessage,
)
from .unlock_connector_command import UnlockConnectorCommand
from .usage_summary import UsageSummary
from .webhook_ack import WebhookAck
from .webhook_delivery_response import WebhookDeliveryResponse
from .webhook_delivery_response_event_type import WebhookDeliveryResponseEventType
from .webhook_delivery_response_status import WebhookDeliveryResponseStatus
from .webhook_endpoint_request import WebhookEndpointRequest
from .webhook_endpoint_request_events_item import WebhookEndpointRequestEventsItem
from .webhook_endpoint_response import WebhookEndpointResponse
from .webhook_endpoint_response_events_item import WebhookEndpointResponseEventsItem

__all__ = (
    "AccessTokenResponse",
    "AppTokenResponse",
    "BoundingBox",
    "BoundingBoxPage",
    "BusinessDetailsView",
    "CardVerificationResponse",
    "CardVerificationResponseOperatorVerdictType1",
    "CardVerificationResponseOperatorVerdictType2Type1",
    "CardVerificationResponseOperatorVerdictType3Type1",
    "CardVerificationResponseVerificationStatus",
    "ChangeAvailabilityCommand",
    "ChangeAvailabilityCommandType",
    "ChangeConfigurationCommand",
    "ChargeCardRequest",
    "ChargePointRequest",
    "ChargePointResponse",
    "ChargePointStateResponse",
    "CommandResponse",
    "CommandResponseResult",
    "ConnectorStateResponse",
    "ConnectorView",
    "ConnectorViewPowerType",
    "CostBreakdownLine",
    "DataPointResponse",
    "EvseView",
    "ExternalPaymentMethodRequest",
    "FailedPaymentResponse",
    "FailedPaymentResponseStatus",
    "FieldError",
    "GetConfigurationCommand",
    "GetIssuedTokenResponse200",
    "GetOperatorLocationResponse200",
    "GetTariffResponse200",
    "HealthResponse",
    "HealthResponseDatabase",
    "HealthResponseStatus",
    "ListMeta",
    "ListOperatorPaymentMethodsVerificationStatusType1",
    "ListOperatorPaymentMethodsVerificationStatusType2Type1",
    "ListOperatorPaymentMethodsVerificationStatusType3Type1",
    "ListSessionsStatusType0Item",
    "LocationSummary",
    "LocationSummaryPowerTypesItem",
    "LocationView",
    "NearbyLocation",
    "NearbyLocationPowerTypesItem",
    "NearbyPage",
    "OpeningHoursView",
    "PageCardVerificationResponse",
    "PageChargePointStateResponse",
    "PageFailedPaymentResponse",
    "PagePaymentMethodResponse",
    "PageSessionResponse",
    "PageTariffOfferResponse",
    "PageWebhookDeliveryResponse",
    "PageWebhookEndpointResponse",
    "PaidWith",
    "PaidWithMethod",
    "PatchIssuedTokenBody",
    "PatchIssuedTokenResponse200",
    "PatchLocationBody",
    "PatchLocationResponse200",
    "PaymentMethodResponse",
    "PaymentMethodResponsePspType1",
    "PaymentMethodResponsePspType2Type1",
    "PaymentMethodResponsePspType3Type1",
    "PaymentMethodResponseType",
    "PaymentMethodResponseVerificationStatus",
    "PaymentResponse",
    "PaymentResponseProvider",
    "PaymentResponseStatus",
    "PingResponse",
    "PreAuthAmountView",
    "PriceComponentView",
    "Problem",
    "PutIssuedTokenBody",
    "PutIssuedTokenResponse200",
    "PutIssuedTokenResponse201",
    "PutLocationBody",
    "PutLocationResponse200",
    "PutLocationResponse201",
    "PutTariffBody",
    "PutTariffResponse200",
    "PutTariffResponse201",
    "QrCodeRequest",
    "QrCodeResponse",
    "QrParseRequest",
    "QrParseResponse",
    "ReceiptEvse",
    "ReceiptLineDocument",
    "ReceiptLocation",
    "ReceiptSeller",
    "ReceiptTotalsDocument",
    "ReceiptVatRate",
    "RegularHoursView",
    "ResetCommand",
    "ResetCommandType",
    "RetryPaymentRequest",
    "SearchLocationsInBoundingBoxPowerTypeType1",
    "SearchLocationsInBoundingBoxPowerTypeType2Type1",
    "SearchLocationsInBoundingBoxPowerTypeType3Type1",
    "SearchLocationsNearbyPowerTypeType1",
    "SearchLocationsNearbyPowerTypeType2Type1",
    "SearchLocationsNearbyPowerTypeType3Type1",
    "SessionReceipt",
    "SessionResponse",
    "SessionResponseStartMethod",
    "SessionResponseStatus",
    "SetupIntentResponse",
    "StartSessionRequest",
    "StartSessionResponse",
    "StartSessionResponseStatus",
    "StripeCardRequest",
    "TariffElementView",
    "TariffOfferResponse",
    "TariffOfferResponseValidity",
    "TariffRestrictionsView",
    "TariffView",
    "TokenPage",
    "TokenPageDataItem",
    "TriggerMessageCommand",
    "TriggerMessageCommandRequestedMessage",
    "UnlockConnectorCommand",
    "UsageSummary",
    "WebhookAck",
    "WebhookDeliveryResponse",
    "WebhookDeliveryResponseEventType",
    "WebhookDeliveryResponseStatus",
    "WebhookEndpointRequest",
    "WebhookEndpointRequestEventsItem",
    "WebhookEndpointResponse",
    "WebhookEndpointResponseEventsItem",
)
