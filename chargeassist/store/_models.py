"""Tables of the store. Documents (OCPI objects) are kept as JSON text so that prices stay exact."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = [
    "AppToken",
    "Base",
    "ChargePoint",
    "ChargeSession",
    "ConnectorStatus",
    "Counter",
    "EvseRow",
    "LocationRow",
    "MeterValueRow",
    "OcppTransaction",
    "Partner",
    "PaymentMethod",
    "QrCode",
    "ServiceSecret",
    "TariffRow",
    "utcnow",
]

ACTIVE_SESSION = text("status IN ('REQUESTED', 'STARTING', 'CHARGING', 'PARKING', 'STOPPING')")
"""The statuses in which a session occupies its EVSE (the domain's ``ACTIVE_STATUSES``), as SQL."""

# SQLite has no 64-bit autoincrement type of its own: an INTEGER PRIMARY KEY is the rowid.
BigIntPk = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    """Timezone-aware now in UTC."""
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Timestamps stored with time zone and always handed back timezone-aware in UTC (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with constraint names that Alembic can diff on both SQLite and PostgreSQL."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {datetime: UtcDateTime()}


class Partner(Base):
    """An integrator (app company, hotel) or an operator, authenticated by an API key kept only as a hash."""

    __tablename__ = "partners"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    is_operator: Mapped[bool] = mapped_column(Boolean, default=False)
    api_key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AppToken(Base):
    """One driver or device, named by an opaque string that is unique within its partner."""

    __tablename__ = "app_tokens"
    __table_args__ = (UniqueConstraint("partner_id", "app_token", name="uq_app_tokens_partner_token"),)

    pk: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    app_token: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


_VALID_CARD = "verification_status = 'VALID' AND type = 'CHARGE_CARD'"


class PaymentMethod(Base):
    """A payment method in an app token's wallet."""

    __tablename__ = "payment_methods"
    __table_args__ = (
        UniqueConstraint("app_token_pk", "external_payment_method_id", name="uq_payment_methods_token_external"),
        # A card number is unique within a partner, not across partners: a global rule would let any partner
        # learn whether another's driver registered a card, and let the first to register a number own it.
        UniqueConstraint("partner_id", "card_key", name="uq_payment_methods_partner_card"),
        # Across partners, at most one card of a number is VALID: the one whose swipe charges on its wallet.
        Index(
            "uq_payment_methods_valid_id_tag",
            "id_tag",
            unique=True,
            sqlite_where=text(_VALID_CARD),
            postgresql_where=text(_VALID_CARD),
        ),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    app_token_pk: Mapped[int] = mapped_column(ForeignKey("app_tokens.pk", ondelete="CASCADE"), index=True)
    # The app token's partner, kept here so the store can hold a card number unique per partner.
    partner_id: Mapped[str] = mapped_column(String(40))
    type: Mapped[str] = mapped_column(String(20))
    # Normalised visual number of a charge card.
    card_key: Mapped[str | None] = mapped_column(String(64))
    card_hint: Mapped[str | None] = mapped_column(String(64))
    card_short_hint: Mapped[str | None] = mapped_column(String(16))
    id_tag: Mapped[str | None] = mapped_column(String(64), index=True)
    external_payment_method_id: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str | None] = mapped_column(String(255))
    verification_status: Mapped[str] = mapped_column(String(16))
    # The issued token (its ``uid_key``) this card was matched to, and the operator's approve or block.
    issued_token_key: Mapped[str | None] = mapped_column(String(64), index=True)
    operator_verdict: Mapped[str | None] = mapped_column(String(16))
    verified_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LocationRow(Base):
    """An OCPI location (without its EVSEs) plus what search needs as columns."""

    __tablename__ = "locations"

    pk: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(80), unique=True)
    country_code: Mapped[str] = mapped_column(String(2))
    party_id: Mapped[str] = mapped_column(String(3))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    document: Mapped[str] = mapped_column(Text)
    # Closed loop: when restricted, only the listed partners see and use the location.
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    allowed_partner_ids: Mapped[str] = mapped_column(Text, default="[]")
    pre_auth_amount: Mapped[str | None] = mapped_column(String(40))
    """The hold placed on a card at a start here (major unit); None: the service's default."""
    # Bumped from the shared counter on every change so every process's search index can catch up.
    change_seq: Mapped[int] = mapped_column(BigInteger, index=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class EvseRow(Base):
    """An EVSE of a location; ``status`` is the truth, the document's own status field is overwritten on read."""

    __tablename__ = "evses"
    __table_args__ = (
        UniqueConstraint("location_pk", "uid", name="uq_evses_location_uid"),
        Index("ix_evses_charge_point", "charge_point_id", "ocpp_connector_id"),
    )

    pk: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    location_pk: Mapped[int] = mapped_column(ForeignKey("locations.pk", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    uid: Mapped[str] = mapped_column(String(36))
    evse_id: Mapped[str | None] = mapped_column(String(48))
    # The EVSE id upper-cased without separators, so a QR scan of any spelling finds it.
    evse_id_key: Mapped[str | None] = mapped_column(String(48), index=True)
    status: Mapped[str] = mapped_column(String(16))
    document: Mapped[str] = mapped_column(Text)
    charge_point_id: Mapped[str | None] = mapped_column(String(64))
    ocpp_connector_id: Mapped[int | None] = mapped_column(Integer)


class TariffRow(Base):
    """An OCPI 2.2.1 tariff as the operator sent it (validated)."""

    __tablename__ = "tariffs"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    country_code: Mapped[str | None] = mapped_column(String(2))
    party_id: Mapped[str | None] = mapped_column(String(3))
    currency: Mapped[str] = mapped_column(String(3))
    document: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ChargePoint(Base):
    """A charge point the CSMS accepts, with the hash of its OCPP Basic-auth password, what it said at boot
    and its connection as last recorded by the process holding its WebSocket."""

    __tablename__ = "charge_points"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    vendor: Mapped[str | None] = mapped_column(String(20))
    model: Mapped[str | None] = mapped_column(String(20))
    serial_number: Mapped[str | None] = mapped_column(String(25))
    firmware_version: Mapped[str | None] = mapped_column(String(50))
    booted_at: Mapped[datetime | None] = mapped_column()
    connected: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    connected_at: Mapped[datetime | None] = mapped_column()
    disconnected_at: Mapped[datetime | None] = mapped_column()
    # Last message of any kind (heartbeats included); written in batches, so a few seconds behind.
    last_seen_at: Mapped[datetime | None] = mapped_column()
    # The process holding the WebSocket: a random id per process.
    node_id: Mapped[str | None] = mapped_column(String(40))
    firmware_status: Mapped[str | None] = mapped_column(String(32))
    diagnostics_status: Mapped[str | None] = mapped_column(String(32))


class ConnectorStatus(Base):
    """The last StatusNotification of each OCPP connector (0 is the charge point as a whole)."""

    __tablename__ = "connector_statuses"

    charge_point_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("charge_points.id", ondelete="CASCADE"), primary_key=True
    )
    connector_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[str] = mapped_column(String(32))
    info: Mapped[str | None] = mapped_column(String(50))
    vendor_error_code: Mapped[str | None] = mapped_column(String(50))
    # The charge point's own time of the status, when it gave one.
    status_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChargeSession(Base):
    """A driver's charging session: started from an app (RemoteStartTransaction) or with an RFID card.

    Money and energy are decimal text, so nothing is lost on either store. Deadlines are not stored: they
    follow from ``requested_at``/``start_answered_at`` and the settings, so they survive a restart.
    """

    __tablename__ = "charge_sessions"
    __table_args__ = (
        UniqueConstraint("app_token_pk", "idempotency_key", name="uq_charge_sessions_token_idempotency"),
        Index("ix_charge_sessions_token_pk_desc", "app_token_pk", "pk"),
        # One active session per EVSE, held by the store itself: concurrent starts cannot both pass a check.
        Index(
            "uq_charge_sessions_active_evse",
            "evse_pk",
            unique=True,
            sqlite_where=ACTIVE_SESSION,
            postgresql_where=ACTIVE_SESSION,
        ),
    )

    pk: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    partner_id: Mapped[str] = mapped_column(String(40))
    app_token_pk: Mapped[int] = mapped_column(ForeignKey("app_tokens.pk", ondelete="CASCADE"))
    payment_method_id: Mapped[str | None] = mapped_column(String(40))
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    start_kind: Mapped[str] = mapped_column(String(8))
    location_id: Mapped[str] = mapped_column(String(80))
    evse_uid: Mapped[str] = mapped_column(String(36))
    evse_pk: Mapped[int | None] = mapped_column(BigInteger)
    connector_id: Mapped[str] = mapped_column(String(36))
    charge_point_id: Mapped[str] = mapped_column(String(64))
    ocpp_connector_id: Mapped[int] = mapped_column(Integer)
    # The idTag sent in RemoteStartTransaction (one per session) or the RFID card's tag.
    id_tag: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    status_reason: Mapped[str | None] = mapped_column(String(255))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    start_answered_at: Mapped[datetime | None] = mapped_column()
    started_at: Mapped[datetime | None] = mapped_column()
    remote_start_at: Mapped[datetime | None] = mapped_column()
    """When the charge point was (or is to be) asked to start: at the request, or once its payment hold is in
    place; None while the hold waits for the driver (3-D Secure). The remote start's deadline counts from it."""
    stop_requested_at: Mapped[datetime | None] = mapped_column()
    stopped_at: Mapped[datetime | None] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column()
    transaction_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    meter_start: Mapped[int | None] = mapped_column(BigInteger)
    meter_stop: Mapped[int | None] = mapped_column(BigInteger)
    stop_reason: Mapped[str | None] = mapped_column(String(20))
    tariff_id: Mapped[str | None] = mapped_column(String(80))
    # The tariff as it was when the session started: the price agreed is the price billed.
    tariff_document: Mapped[str | None] = mapped_column(Text)
    currency: Mapped[str | None] = mapped_column(String(3))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    vat_percentage: Mapped[str | None] = mapped_column(String(16))
    total_energy_kwh: Mapped[str | None] = mapped_column(String(40))
    total_cost_excl_vat: Mapped[str | None] = mapped_column(String(40))
    total_cost: Mapped[str | None] = mapped_column(String(40))
    total_vat: Mapped[str | None] = mapped_column(String(40))
    cost_breakdown: Mapped[str | None] = mapped_column(Text)
    priced_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class OcppTransaction(Base):
    """An OCPP transaction; its primary key is the ``transactionId`` the charge point was given.

    Unique on the charge point's start (connector and timestamp), so a StartTransaction sent again after a
    reconnect gets the same id instead of a second transaction.
    """

    __tablename__ = "ocpp_transactions"
    __table_args__ = (
        UniqueConstraint("charge_point_id", "connector_id", "started_at", name="uq_ocpp_transactions_start"),
    )

    id: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    charge_point_id: Mapped[str] = mapped_column(String(64))
    connector_id: Mapped[int] = mapped_column(Integer)
    id_tag: Mapped[str] = mapped_column(String(20))
    # The idTagInfo status the charge point was answered with.
    id_tag_status: Mapped[str] = mapped_column(String(16))
    meter_start: Mapped[int] = mapped_column(BigInteger)
    started_at: Mapped[datetime] = mapped_column()
    reservation_id: Mapped[int | None] = mapped_column(BigInteger)
    session_id: Mapped[str | None] = mapped_column(String(40), index=True)
    meter_stop: Mapped[int | None] = mapped_column(BigInteger)
    stopped_at: Mapped[datetime | None] = mapped_column()
    stop_reason: Mapped[str | None] = mapped_column(String(20))
    stop_id_tag: Mapped[str | None] = mapped_column(String(20))
    # Set when the central system closed the transaction because the charge point no longer had it (it
    # rebooted empty, or started another one on the connector); its own StopTransaction, should it come
    # after all, still replaces the estimate.
    lost_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MeterValueRow(Base):
    """One meter reading of a transaction; readings of the same instant merge, so a replay adds nothing."""

    __tablename__ = "meter_values"

    transaction_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("ocpp_transactions.id", ondelete="CASCADE"), primary_key=True
    )
    timestamp: Mapped[datetime] = mapped_column(primary_key=True)
    energy_wh: Mapped[str | None] = mapped_column(String(40))
    power_w: Mapped[str | None] = mapped_column(String(40))
    current_a: Mapped[str | None] = mapped_column(String(40))
    soc: Mapped[str | None] = mapped_column(String(40))


class QrCode(Base):
    """A QR sticker pointing at one EVSE (and optionally one connector)."""

    __tablename__ = "qr_codes"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    location_id: Mapped[str] = mapped_column(String(80), index=True)
    evse_uid: Mapped[str] = mapped_column(String(36))
    connector_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Counter(Base):
    """Named monotonic counters; a row lock orders increments by commit."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class ServiceSecret(Base):
    """Secrets the service generates once and shares between its processes through the store."""

    __tablename__ = "service_secrets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
