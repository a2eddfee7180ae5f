"""One typed settings object, read from ``CHARGEASSIST_*`` environment variables.

Nothing here is read at import time: :func:`Settings.from_env` is called by the CLI (or a test)
and the result is handed to :func:`chargeassist.app.create_app`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

__all__ = ["BusSettings", "JwtKey", "PaymentSettings", "Settings", "SettingsError"]

_PREFIX = "CHARGEASSIST_"
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_HOLD_EXCEEDED = ("stop", "continue")
_BUS_BACKENDS = ("memory", "redis")
_DELAY_UNITS = {"s": 1, "min": 60, "m": 60, "h": 3600, "d": 86400}
_DELAY = re.compile(r"(\d+)(s|min|m|h|d)")


class SettingsError(ValueError):
    """A ``CHARGEASSIST_*`` variable has a value that cannot be used."""


@dataclass(frozen=True, slots=True)
class JwtKey:
    """One HMAC key for app access tokens; its ``key_id`` travels in the JWT header as ``kid``."""

    key_id: str
    secret: str


def _parse_bool(name: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise SettingsError(f"{name}: expected true or false, got {raw!r}")


def _parse_jwt_keys(name: str, raw: str) -> tuple[JwtKey, ...]:
    keys: list[JwtKey] = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        key_id, sep, secret = part.partition(":")
        if not sep or not key_id or len(secret) < 32:
            raise SettingsError(
                f"{name}: expected comma-separated KEY_ID:SECRET pairs with secrets of at least 32 characters"
            )
        keys.append(JwtKey(key_id=key_id, secret=secret))
    return tuple(keys)


def _parse_delays(name: str, raw: str) -> tuple[timedelta, ...]:
    delays: list[timedelta] = []
    for part in raw.split(","):
        part = part.strip().lower()
        if not part:
            continue
        match = _DELAY.fullmatch(part)
        if match is None:
            raise SettingsError(
                f"{name}: expected comma-separated delays like 1h,6h,24h (units s, min, h, d), got {raw!r}"
            )
        delays.append(timedelta(seconds=int(match[1]) * _DELAY_UNITS[match[2]]))
    return tuple(delays)


def _parse_amount(name: str, raw: str) -> Decimal:
    try:
        amount = Decimal(raw.strip())
    except InvalidOperation as exc:
        raise SettingsError(f"{name}: expected an amount like 50 or 25.50, got {raw!r}") from exc
    return amount


@dataclass(frozen=True, slots=True)
class PaymentSettings:
    """How drivers pay: the Stripe account (optional) and the rules of holds and failed payments.

    Each field maps to ``CHARGEASSIST_<FIELD NAME>``. Without a Stripe secret key, Stripe cards are not offered
    and only external methods and charge cards pay.
    """

    stripe_api_key: str = field(default="", repr=False)
    """Stripe secret key (``sk_...`` or a restricted ``rk_...``); empty: no Stripe. Kept out of ``repr`` and logs."""

    stripe_publishable_key: str = ""
    """Stripe publishable key (``pk_...``) handed to apps so they can save a card with Stripe's SDK."""

    stripe_webhook_secret: str = field(default="", repr=False)
    """Signing secret (``whsec_...``) of the Stripe webhook endpoint; inbound events are verified with it."""

    stripe_api_base: str = "https://api.stripe.com"
    """Where the Stripe API is reached: Stripe's own, or a stand-in such as localstripe for tests and the demo."""

    preauth_amount: Decimal = Decimal("50")
    """Default hold placed on a card at start, in the currency's major unit (a location may set its own)."""

    payment_retry_schedule: tuple[timedelta, ...] = (
        timedelta(hours=1),
        timedelta(hours=6),
        timedelta(hours=24),
        timedelta(hours=72),
    )
    """Delays after a failed payment at which it is tried again, as ``1h,6h,24h,72h``; empty: manual retries only."""

    payment_hold_exceeded: Literal["stop", "continue"] = "stop"
    """When the cost reaches the hold and the hold cannot be raised: ``stop`` the session, or ``continue``
    and charge the difference off-session after the CDR."""

    @property
    def stripe_enabled(self) -> bool:
        """Whether Stripe cards are offered (a secret key is set)."""
        return bool(self.stripe_api_key)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> PaymentSettings:
        """Read the group from ``CHARGEASSIST_*`` variables; a variable that is absent keeps its default."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            name = _PREFIX + f.name.upper()
            if name not in environ:
                continue
            raw = environ[name]
            if f.name == "preauth_amount":
                values[f.name] = _parse_amount(name, raw)
            elif f.name == "payment_retry_schedule":
                values[f.name] = _parse_delays(name, raw)
            elif f.name == "payment_hold_exceeded":
                values[f.name] = raw.strip().lower()
            else:
                values[f.name] = raw.strip()
        return cls(**values)

    def validate(self) -> None:
        """Refuse values that cannot work, naming the variable (and never echoing a secret)."""
        if self.stripe_api_key and not self.stripe_api_key.startswith(("sk_", "rk_")):
            raise SettingsError("CHARGEASSIST_STRIPE_API_KEY: a Stripe secret key starts with sk_ or rk_")
        if self.stripe_publishable_key and not self.stripe_publishable_key.startswith("pk_"):
            raise SettingsError("CHARGEASSIST_STRIPE_PUBLISHABLE_KEY: a Stripe publishable key starts with pk_")
        if not self.stripe_api_base.startswith(("http://", "https://")):
            raise SettingsError("CHARGEASSIST_STRIPE_API_BASE: must start with http:// or https://")
        if not self.preauth_amount.is_finite() or self.preauth_amount <= 0:
            raise SettingsError("CHARGEASSIST_PREAUTH_AMOUNT: must be a positive amount")
        if any(delay <= timedelta(0) for delay in self.payment_retry_schedule):
            raise SettingsError("CHARGEASSIST_PAYMENT_RETRY_SCHEDULE: every delay must be positive")
        if self.payment_hold_exceeded not in _HOLD_EXCEEDED:
            raise SettingsError(
                f"CHARGEASSIST_PAYMENT_HOLD_EXCEEDED: one of {', '.join(_HOLD_EXCEEDED)}, "
                f"not {self.payment_hold_exceeded!r}"
            )


@dataclass(frozen=True, slots=True)
class BusSettings:
    """What crosses processes, and where: the command bus to the charge points, session events and the shared
    stores (verified credentials, rate limits). ``memory`` keeps each in this process (the embedded default, one
    process); ``redis`` shares it through Redis, which several processes need.

    Each backend defaults to ``redis`` when ``CHARGEASSIST_REDIS_URL`` is set and to ``memory`` otherwise.
    """

    redis_url: str = field(default="", repr=False)
    """``CHARGEASSIST_REDIS_URL``: ``redis://[:PASSWORD@]HOST:PORT/DB`` (or ``rediss://``); empty: no Redis.
    Kept out of ``repr``, since it may carry a password."""

    commands: Literal["memory", "redis"] = "memory"
    """``CHARGEASSIST_BUS_COMMANDS``: where a command for a charge point finds the process holding its WebSocket."""

    events: Literal["memory", "redis"] = "memory"
    """``CHARGEASSIST_BUS_EVENTS``: where session events are published (Litestar channels' backend)."""

    stores: Literal["memory", "redis"] = "memory"
    """``CHARGEASSIST_BUS_STORES``: where the shared stores live (verified-credential cache and the like)."""

    presence_ttl_s: float = 30.0
    """``CHARGEASSIST_BUS_PRESENCE_TTL_S``: how long the record of which process holds a charge point lives
    unless refreshed (it is refreshed every third of it while connected); a process that dies stops owning its
    charge points within this time."""

    key_prefix: str = "chargeassist"
    """``CHARGEASSIST_REDIS_KEY_PREFIX``: prefix of every Redis key and channel, so deployments can share a Redis."""

    @property
    def uses_redis(self) -> bool:
        """Whether any part is shared through Redis."""
        return "redis" in (self.commands, self.events, self.stores)

    @property
    def crosses_processes(self) -> bool:
        """Whether every part is shared, so several processes form one platform."""
        return self.commands == self.events == self.stores == "redis"

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> BusSettings:
        """Read the group from ``CHARGEASSIST_*`` variables; an absent backend follows ``CHARGEASSIST_REDIS_URL``."""
        redis_url = environ.get(_PREFIX + "REDIS_URL", "").strip()
        default = "redis" if redis_url else "memory"
        values: dict[str, Any] = {"redis_url": redis_url}
        for name in ("commands", "events", "stores"):
            values[name] = environ.get(f"{_PREFIX}BUS_{name.upper()}", default).strip().lower() or default
        raw_ttl = environ.get(_PREFIX + "BUS_PRESENCE_TTL_S")
        if raw_ttl is not None:
            try:
                values["presence_ttl_s"] = float(raw_ttl)
            except ValueError as exc:
                raise SettingsError(f"CHARGEASSIST_BUS_PRESENCE_TTL_S: expected a number, got {raw_ttl!r}") from exc
        if _PREFIX + "REDIS_KEY_PREFIX" in environ:
            values["key_prefix"] = environ[_PREFIX + "REDIS_KEY_PREFIX"].strip()
        return cls(**values)

    def validate(self) -> None:
        """Refuse values that cannot work, naming the variable (never echoing the URL, which may hold a password)."""
        for name in ("commands", "events", "stores"):
            value = getattr(self, name)
            if value not in _BUS_BACKENDS:
                raise SettingsError(
                    f"CHARGEASSIST_BUS_{name.upper()}: one of {', '.join(_BUS_BACKENDS)}, not {value!r}"
                )
            if value == "redis" and not self.redis_url:
                raise SettingsError(f"CHARGEASSIST_BUS_{name.upper()}=redis needs CHARGEASSIST_REDIS_URL")
        if self.redis_url and not self.redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise SettingsError("CHARGEASSIST_REDIS_URL: must start with redis://, rediss:// or unix://")
        if self.presence_ttl_s < 3:
            raise SettingsError("CHARGEASSIST_BUS_PRESENCE_TTL_S: at least 3 seconds")
        if not re.fullmatch(r"[A-Za-z0-9_.:-]{1,64}", self.key_prefix):
            raise SettingsError("CHARGEASSIST_REDIS_KEY_PREFIX: 1 to 64 letters, digits or _.:-")


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the service can be configured with. Each field maps to ``CHARGEASSIST_<FIELD NAME>``."""

    database_url: str = "sqlite+aiosqlite:///chargeassist.db"
    """SQLAlchemy URL of the store: a SQLite file by default, ``postgresql+asyncpg://...`` in production."""

    database_pool_size: int = 10
    """PostgreSQL connections each process keeps open (it opens twice as many more under load): with N processes
    the server must allow 3 x N x this many connections, plus its own."""

    public_base_url: str = "http://127.0.0.1:8000"
    """Base URL drivers reach this service on; QR sticker payloads are ``{public_base_url}/qr/{id}``."""

    jwt_keys: tuple[JwtKey, ...] = ()
    """Keys for app access tokens as ``KEY_ID:SECRET,...``; the first signs, all verify, so keys can rotate.
    Empty: a key is generated once and kept in the store, so tokens survive restarts."""

    access_token_ttl_s: int = 900
    """Lifetime of an app access token in seconds."""

    partner_cache_ttl_s: float = 30.0
    """How long a verified partner API key is trusted without asking the store again (revocation delay)."""

    search_refresh_interval_s: float = 1.0
    """How often the location search index picks up changes written by any process."""

    continuation_secret: str = ""
    """Secret that signs continuation tokens; empty: derived from the stored service secret."""

    demo: bool = False
    """Seed demo locations, tariffs and the well-known demo keys at start."""

    log_level: str = "INFO"
    """Python log level name."""

    ocpp_heartbeat_interval_s: int = 300
    """Heartbeat interval in seconds that the CSMS hands charge points in its BootNotification answer."""

    ocpp_response_timeout_s: float = 30.0
    """How long the CSMS waits for a charge point to answer a command it sent (Reset, GetConfiguration...)."""

    ocpp_auth_failures_per_address: int = 10
    """Wrong OCPP passwords from one source address within ``ocpp_auth_failure_window_s``; past it, that
    address's upgrades are refused with 429 before any password is hashed."""

    ocpp_auth_failures_per_charge_point: int = 30
    """Wrong passwords for one charge point id within the window (from any address); past it, only the
    password already verified in this process gets in, the rest are refused with 429 before hashing."""

    ocpp_auth_failure_window_s: int = 60
    """The window, in seconds, over which failed OCPP password attempts are counted."""

    ocpp_auth_checks_in_flight: int = 1
    """Password hashes (scrypt) running at once for one charge point id; an attempt beyond it is answered
    429 with a short ``Retry-After`` instead of waiting behind them."""

    remote_start_timeout_s: float = 30.0
    """A session whose RemoteStartTransaction the charge point has not answered within this many seconds
    ends in ``TIMEOUT``."""

    start_transaction_timeout_s: float = 60.0
    """A session whose remote start the charge point accepted, but which saw no StartTransaction within this
    many seconds after that answer (the driver never plugged in), ends in ``TIMEOUT``."""

    session_sweep_interval_s: float = 5.0
    """How often each process looks for sessions whose deadline passed and finished sessions not yet priced,
    so timeouts and receipts survive a restart."""

    session_lost_grace_s: float = 60.0
    """A session whose transaction the charge point no longer has (it reports the connector free, starts
    another transaction there, or rejects the stop with the connector free) ends at its last stored reading
    and is priced after this many seconds, unless the charge point's own StopTransaction (queued while it was
    offline) arrives first and replaces the estimate."""

    demo_ocpp_url: str = ""
    """WebSocket base URL (``ws://HOST:PORT/ocpp``) the demo charge points connect to in demo mode; empty:
    the address ``chargeassist serve`` listens on (it sets this variable), else ``ws://127.0.0.1:8000/ocpp``."""

    # Limits and abuse: the HTTP servers' own limits (applied by ``chargeassist serve``) and the API's rates.
    http_max_header_bytes: int = 65536
    """Largest request head (request line and headers) a server reads; a larger one is answered 431 and closed."""

    http_header_timeout_s: float = 10.0
    """A request head must arrive whole within this many seconds of its first byte (or of the connection)."""

    http_body_timeout_s: float = 30.0
    """A request body must arrive whole within this many seconds of its head (uvicorn; granian has no such
    setting)."""

    http_keep_alive_s: int = 5
    """An idle keep-alive connection is closed after this many seconds (WebSockets are not affected)."""

    http_max_connections: int = 10000
    """Open connections, WebSockets included, past which uvicorn answers a new one 503 and closes it; on granian,
    requests in progress (a WebSocket is one while open), past which connections wait."""

    ws_max_message_bytes: int = 4 * 1024 * 1024
    """Largest WebSocket message uvicorn accepts; a larger one closes the connection (1009)."""

    rate_limit_backend: str = "memory"
    """Where rate-limit counters live: ``memory`` (this process; one process only) or ``redis`` (shared by every
    process; the default when ``CHARGEASSIST_REDIS_URL`` is set)."""

    rate_limit_search: str = "20/s:100"
    """Location searches (nearby, bounding box) per partner key or app access token: ``COUNT/UNIT[:BURST]``
    with UNIT ``s``, ``min`` or ``h``, or ``off``."""

    rate_limit_qr: str = "20/s:100"
    """QR code lookups per partner key or app access token."""

    rate_limit_session_start: str = "5/min:5"
    """Session starts per app token."""

    rate_limit_app_token_create: str = "20/s:100"  # noqa: S105 - a rate, not a secret
    """App token registrations per partner."""

    rate_limit_access_token_create: str = "20/s:100"  # noqa: S105 - a rate, not a secret
    """Access tokens minted per partner."""

    rate_limit_auth_failures: str = "10/min:10"
    """Failed API keys and access tokens per source address; past it, every credential from that address is
    refused with 429 before it is checked."""

    webhook_allow_private_urls: bool = False
    """Let partners register webhook endpoints on loopback, private and link-local addresses (a closed network,
    the demo); off, the service cannot be pointed at the machines around it."""

    rate_limit_stripe_webhook: str = "50/s:200"
    """Stripe webhook deliveries per source address (the endpoint takes no API key: its signature is checked,
    and this bounds what an unsigned flood costs)."""

    payments: PaymentSettings = field(default_factory=PaymentSettings)
    """The payments group (Stripe keys, default hold, failed-payment retries): its own ``CHARGEASSIST_*``
    variables, listed on :class:`PaymentSettings`."""

    bus: BusSettings = field(default_factory=BusSettings)
    """What crosses processes (command bus, session events, shared stores) and the Redis they use: its own
    ``CHARGEASSIST_*`` variables, listed on :class:`BusSettings`."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from ``CHARGEASSIST_*`` variables (``os.environ`` when not given), then overrides."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name == "payments":
                if "payments" not in overrides:
                    values[f.name] = PaymentSettings.from_env(env)
                continue
            if f.name == "bus":
                if "bus" not in overrides:
                    values[f.name] = BusSettings.from_env(env)
                continue
            name = _PREFIX + f.name.upper()
            if name not in env:
                continue
            raw = env[name]
            if f.name == "jwt_keys":
                values[f.name] = _parse_jwt_keys(name, raw)
            elif f.type in ("bool", bool):
                values[f.name] = _parse_bool(name, raw)
            elif f.type in ("int", int):
                try:
                    values[f.name] = int(raw)
                except ValueError as exc:
                    raise SettingsError(f"{name}: expected a whole number, got {raw!r}") from exc
            elif f.type in ("float", float):
                try:
                    values[f.name] = float(raw)
                except ValueError as exc:
                    raise SettingsError(f"{name}: expected a number, got {raw!r}") from exc
            else:
                values[f.name] = raw
        bus: BusSettings | None = values.get("bus")
        if bus is not None and bus.redis_url and _PREFIX + "RATE_LIMIT_BACKEND" not in env:
            # With Redis, counters are shared unless asked otherwise: per process, N processes allow N times the rate.
            values["rate_limit_backend"] = "redis"
        values.update(overrides)
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        """Refuse combinations that cannot work, naming the variable."""
        if not self.database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise SettingsError(
                "CHARGEASSIST_DATABASE_URL: use sqlite+aiosqlite:///FILE or postgresql+asyncpg://USER@HOST/DB"
            )
        if not self.public_base_url.startswith(("http://", "https://")):
            raise SettingsError("CHARGEASSIST_PUBLIC_BASE_URL: must start with http:// or https://")
        if not 1 <= self.database_pool_size <= 500:
            raise SettingsError("CHARGEASSIST_DATABASE_POOL_SIZE: from 1 to 500")
        if self.access_token_ttl_s <= 0:
            raise SettingsError("CHARGEASSIST_ACCESS_TOKEN_TTL_S: must be positive")
        if self.ocpp_heartbeat_interval_s <= 0:
            raise SettingsError("CHARGEASSIST_OCPP_HEARTBEAT_INTERVAL_S: must be positive")
        for name in (
            "ocpp_auth_failures_per_address",
            "ocpp_auth_failures_per_charge_point",
            "ocpp_auth_failure_window_s",
            "ocpp_auth_checks_in_flight",
        ):
            if getattr(self, name) < 1:
                raise SettingsError(f"{_PREFIX}{name.upper()}: must be positive")
        for name in (
            "ocpp_response_timeout_s",
            "remote_start_timeout_s",
            "start_transaction_timeout_s",
            "session_sweep_interval_s",
            "session_lost_grace_s",
        ):
            if getattr(self, name) <= 0:
                raise SettingsError(f"{_PREFIX}{name.upper()}: must be positive")
        if self.log_level.upper() not in _LOG_LEVELS:
            raise SettingsError(f"CHARGEASSIST_LOG_LEVEL: one of {', '.join(_LOG_LEVELS)}, not {self.log_level!r}")
        if self.demo_ocpp_url and not self.demo_ocpp_url.startswith(("ws://", "wss://")):
            raise SettingsError("CHARGEASSIST_DEMO_OCPP_URL: must start with ws:// or wss://")
        self.bus.validate()
        self._validate_limits()
        self.payments.validate()
        if self.rate_limit_backend == "redis" and not self.bus.redis_url:
            raise SettingsError("CHARGEASSIST_RATE_LIMIT_BACKEND=redis needs CHARGEASSIST_REDIS_URL")

    @property
    def is_sqlite(self) -> bool:
        """Whether the store is a SQLite file (the embedded default)."""
        return self.database_url.startswith("sqlite")

    def _validate_limits(self) -> None:
        from chargeassist.limits import BACKENDS, Rate

        for name in ("http_max_header_bytes", "http_keep_alive_s", "http_max_connections", "ws_max_message_bytes"):
            if getattr(self, name) < 1:
                raise SettingsError(f"{_PREFIX}{name.upper()}: must be positive")
        for name in ("http_header_timeout_s", "http_body_timeout_s"):
            if getattr(self, name) <= 0:
                raise SettingsError(f"{_PREFIX}{name.upper()}: must be positive")
        if self.rate_limit_backend not in BACKENDS:
            raise SettingsError(
                f"CHARGEASSIST_RATE_LIMIT_BACKEND: one of {', '.join(BACKENDS)}, not {self.rate_limit_backend!r}"
            )
        for f in fields(self):
            if f.name.startswith("rate_limit_") and f.name != "rate_limit_backend":
                try:
                    Rate.parse(getattr(self, f.name))
                except ValueError as exc:
                    raise SettingsError(f"{_PREFIX}{f.name.upper()}: {exc}") from None
