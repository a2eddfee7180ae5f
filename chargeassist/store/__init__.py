"""The store: tables, the engine, migrations. SQLite by default, PostgreSQL by URL."""

from ._database import Database
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

__all__ = [
    "AppToken",
    "Base",
    "ChargePoint",
    "ChargeSession",
    "ConnectorStatus",
    "Counter",
    "Database",
    "EvseRow",
    "LocationRow",
    "MeterValueRow",
    "OcppTransaction",
    "Partner",
    "PaymentMethod",
    "QrCode",
    "ServiceSecret",
    "TariffRow",
    "alembic_config",
    "upgrade",
    "utcnow",
]
