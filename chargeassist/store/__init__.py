"""The store: tables, the engine, migrations. SQLite by default, PostgreSQL by URL."""

from ._database import Database
from ._migrate import alembic_config, upgrade
from ._models import (
    AppToken,
    Base,
    ChargePoint,
    Counter,
    EvseRow,
    LocationRow,
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
    "Counter",
    "Database",
    "EvseRow",
    "LocationRow",
    "Partner",
    "PaymentMethod",
    "QrCode",
    "ServiceSecret",
    "TariffRow",
    "alembic_config",
    "upgrade",
    "utcnow",
]
