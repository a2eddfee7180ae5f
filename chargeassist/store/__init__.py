"""The store: tables, the engine, migrations. SQLite by default, PostgreSQL by URL."""

from ._database import Database
from ._issued_tokens import IssuedToken
from ._leases import Lease, lease_holder, release_lease, take_lease
from ._locks import MIGRATIONS_LOCK, advisory_lock
from ._migrate import alembic_config, upgrade
from ._models import (
    AppToken,
    Base,
    ChargePoint,
    ChargeSession,
    ConnectorStatus,
    Counter,
    EvseRow,
    LocationRow,
    MeterValueRow,
    OcppTransaction,
    Partner,
    PaymentMethod,
    QrCode,
    ServiceSecret,
    TariffRow,
    utcnow,
)
from ._payments import PaymentStep, ProviderEvent, PspCard, PspCustomer, SessionPayment
from ._receipts import Receipt, ReceiptCounter, allocate_receipt, receipt_number
from ._webhooks import WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "MIGRATIONS_LOCK",
    "AppToken",
    "Base",
    "ChargePoint",
    "ChargeSession",
    "ConnectorStatus",
    "Counter",
    "Database",
    "EvseRow",
    "IssuedToken",
    "Lease",
    "LocationRow",
    "MeterValueRow",
    "OcppTransaction",
    "Partner",
    "PaymentMethod",
    "PaymentStep",
    "ProviderEvent",
    "PspCard",
    "PspCustomer",
    "QrCode",
    "Receipt",
    "ReceiptCounter",
    "ServiceSecret",
    "SessionPayment",
    "TariffRow",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "advisory_lock",
    "alembic_config",
    "allocate_receipt",
    "lease_holder",
    "receipt_number",
    "release_lease",
    "take_lease",
    "upgrade",
    "utcnow",
]
