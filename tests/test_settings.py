"""Settings: one typed object read from CHARGEASSIST_* variables, refusing values that cannot work."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest

from chargeassist.settings import BusSettings, JwtKey, PaymentSettings, Settings, SettingsError

SECRET_A = "a" * 32
SECRET_B = "b" * 40


def test_defaults_are_a_local_sqlite_store_without_demo_data() -> None:
    settings = Settings()
    assert settings.database_url == "sqlite+aiosqlite:///chargeassist.db"
    assert settings.is_sqlite is True
    assert settings.demo is False
    assert settings.jwt_keys == ()
    assert settings.access_token_ttl_s == 900
    settings.validate()


def test_empty_environment_gives_the_defaults() -> None:
    assert Settings.from_env({}) == Settings()


def test_every_variable_is_read() -> None:
    settings = Settings.from_env(
        {
            "CHARGEASSIST_DATABASE_URL": "postgresql+asyncpg://app@db.internal/chargeassist",
            "CHARGEASSIST_PUBLIC_BASE_URL": "https://charge.example.com",
            "CHARGEASSIST_JWT_KEYS": f"k1:{SECRET_A}",
            "CHARGEASSIST_ACCESS_TOKEN_TTL_S": "300",
            "CHARGEASSIST_PARTNER_CACHE_TTL_S": "2.5",
            "CHARGEASSIST_SEARCH_REFRESH_INTERVAL_S": "0.25",
            "CHARGEASSIST_CONTINUATION_SECRET": "paging-secret",
            "CHARGEASSIST_DEMO": "true",
            "CHARGEASSIST_LOG_LEVEL": "DEBUG",
        }
    )
    assert settings == Settings(
        database_url="postgresql+asyncpg://app@db.internal/chargeassist",
        public_base_url="https://charge.example.com",
        jwt_keys=(JwtKey(key_id="k1", secret=SECRET_A),),
        access_token_ttl_s=300,
        partner_cache_ttl_s=2.5,
        search_refresh_interval_s=0.25,
        continuation_secret="paging-secret",
        demo=True,
        log_level="DEBUG",
    )
    assert settings.is_sqlite is False


# Settings whose other value needs a setting of another group (rate_limit_backend=redis needs
# CHARGEASSIST_REDIS_URL, which the bus group reads): read all the same, set to their default here.
_NEEDS_ANOTHER_GROUP = {"rate_limit_backend"}
# Nested groups, read from variables of their own (tested with their group below).
_GROUPS = {"payments", "bus"}


def test_every_field_has_its_variable() -> None:
    """A field added without being readable from the environment would be a setting nobody can set."""
    values = {
        "database_url": "sqlite+aiosqlite:///other.db",
        "database_pool_size": "4",
        "public_base_url": "http://localhost:9000",
        "jwt_keys": f"k1:{SECRET_A}",
        "access_token_ttl_s": "60",
        "partner_cache_ttl_s": "1.0",
        "search_refresh_interval_s": "3.0",
        "continuation_secret": "x",
        "demo": "yes",
        "log_level": "WARNING",
        "ocpp_heartbeat_interval_s": "60",
        "ocpp_response_timeout_s": "5",
        "ocpp_auth_failures_per_address": "3",
        "ocpp_auth_failures_per_charge_point": "7",
        "ocpp_auth_failure_window_s": "30",
        "ocpp_auth_checks_in_flight": "2",
        "remote_start_timeout_s": "10",
        "start_transaction_timeout_s": "20",
        "session_sweep_interval_s": "0.5",
        "session_lost_grace_s": "30",
        "demo_ocpp_url": "ws://127.0.0.1:9000/ocpp",
        "http_max_header_bytes": "32768",
        "http_header_timeout_s": "5",
        "http_body_timeout_s": "15",
        "http_keep_alive_s": "10",
        "http_max_connections": "20000",
        "ws_max_message_bytes": "65536",
        "rate_limit_backend": "memory",
        "rate_limit_search": "50/s:200",
        "rate_limit_qr": "10/s",
        "rate_limit_session_start": "2/min",
        "rate_limit_app_token_create": "1/s",
        "rate_limit_access_token_create": "off",
        "rate_limit_auth_failures": "3/min:5",
        "rate_limit_stripe_webhook": "9/s:9",
        "webhook_allow_private_urls": "true",
    }
    assert {field.name for field in dataclasses.fields(Settings)} - _GROUPS == set(values)
    settings = Settings.from_env({f"CHARGEASSIST_{name.upper()}": value for name, value in values.items()})
    for field in dataclasses.fields(Settings):
        if field.name in _NEEDS_ANOTHER_GROUP | _GROUPS:
            continue
        assert getattr(settings, field.name) != field.default, field.name


def test_variables_are_read_from_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHARGEASSIST_PUBLIC_BASE_URL", "https://from-env.example")
    assert Settings.from_env().public_base_url == "https://from-env.example"


def test_unrelated_variables_are_ignored() -> None:
    settings = Settings.from_env({"CHARGEASSIST_UNKNOWN": "x", "DATABASE_URL": "mysql://elsewhere"})
    assert settings == Settings()


def test_overrides_win_over_the_environment() -> None:
    settings = Settings.from_env({"CHARGEASSIST_DEMO": "false"}, demo=True)
    assert settings.demo is True


def test_settings_are_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().demo = True  # type: ignore[misc]


# --- booleans and numbers --------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "True", "YES", " on "])
def test_true_spellings(raw: str) -> None:
    assert Settings.from_env({"CHARGEASSIST_DEMO": raw}).demo is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "OFF", ""])
def test_false_spellings(raw: str) -> None:
    assert Settings.from_env({"CHARGEASSIST_DEMO": raw}).demo is False


def test_other_boolean_is_refused_naming_the_variable() -> None:
    with pytest.raises(SettingsError, match="CHARGEASSIST_DEMO"):
        Settings.from_env({"CHARGEASSIST_DEMO": "maybe"})


def test_whole_number_that_is_not_one_is_refused_naming_the_variable() -> None:
    with pytest.raises(SettingsError, match="CHARGEASSIST_ACCESS_TOKEN_TTL_S"):
        Settings.from_env({"CHARGEASSIST_ACCESS_TOKEN_TTL_S": "15m"})


def test_number_that_is_not_one_is_refused_naming_the_variable() -> None:
    with pytest.raises(SettingsError, match="CHARGEASSIST_PARTNER_CACHE_TTL_S"):
        Settings.from_env({"CHARGEASSIST_PARTNER_CACHE_TTL_S": "soon"})


@pytest.mark.parametrize("raw", ["0", "-5"])
def test_access_token_lifetime_must_be_positive(raw: str) -> None:
    with pytest.raises(SettingsError, match="CHARGEASSIST_ACCESS_TOKEN_TTL_S"):
        Settings.from_env({"CHARGEASSIST_ACCESS_TOKEN_TTL_S": raw})


@pytest.mark.parametrize(
    "name",
    [
        "OCPP_HEARTBEAT_INTERVAL_S",
        "OCPP_RESPONSE_TIMEOUT_S",
        "REMOTE_START_TIMEOUT_S",
        "START_TRANSACTION_TIMEOUT_S",
        "SESSION_SWEEP_INTERVAL_S",
    ],
)
def test_charging_intervals_must_be_positive(name: str) -> None:
    with pytest.raises(SettingsError, match=f"CHARGEASSIST_{name}"):
        Settings.from_env({f"CHARGEASSIST_{name}": "0"})


def test_unknown_log_level_is_refused_naming_the_variable() -> None:
    with pytest.raises(SettingsError, match="CHARGEASSIST_LOG_LEVEL"):
        Settings.from_env({"CHARGEASSIST_LOG_LEVEL": "verbose"})


def test_log_level_may_be_lowercase() -> None:
    assert Settings.from_env({"CHARGEASSIST_LOG_LEVEL": "warning"}).log_level == "warning"


# --- URLs ------------------------------------------------------------------------------------


def test_demo_ocpp_url_must_be_a_websocket_url() -> None:
    with pytest.raises(SettingsError, match="CHARGEASSIST_DEMO_OCPP_URL"):
        Settings.from_env({"CHARGEASSIST_DEMO_OCPP_URL": "http://127.0.0.1:8000/ocpp"})


@pytest.mark.parametrize(
    "url", ["sqlite:///chargeassist.db", "postgresql://db/chargeassist", "mysql+aiomysql://db/x", "chargeassist.db"]
)
def test_store_url_without_an_async_driver_is_refused(url: str) -> None:
    with pytest.raises(SettingsError, match="CHARGEASSIST_DATABASE_URL"):
        Settings.from_env({"CHARGEASSIST_DATABASE_URL": url})


@pytest.mark.parametrize("url", ["ftp://charge.example", "charge.example", ""])
def test_public_base_url_must_be_http(url: str) -> None:
    with pytest.raises(SettingsError, match="CHARGEASSIST_PUBLIC_BASE_URL"):
        Settings.from_env({"CHARGEASSIST_PUBLIC_BASE_URL": url})


# --- JWT keys --------------------------------------------------------------------------------


def test_jwt_keys_keep_their_order_so_the_first_signs() -> None:
    settings = Settings.from_env({"CHARGEASSIST_JWT_KEYS": f"new:{SECRET_B},old:{SECRET_A}"})
    assert settings.jwt_keys == (JwtKey(key_id="new", secret=SECRET_B), JwtKey(key_id="old", secret=SECRET_A))


def test_jwt_keys_tolerate_spaces_and_empty_entries() -> None:
    settings = Settings.from_env({"CHARGEASSIST_JWT_KEYS": f" k1:{SECRET_A} , ,"})
    assert settings.jwt_keys == (JwtKey(key_id="k1", secret=SECRET_A),)


def test_jwt_secret_may_hold_colons() -> None:
    settings = Settings.from_env({"CHARGEASSIST_JWT_KEYS": f"k1:{SECRET_A}:more"})
    assert settings.jwt_keys[0].secret == f"{SECRET_A}:more"


@pytest.mark.parametrize("raw", [f"k1{SECRET_A}", f":{SECRET_A}", "k1:" + "s" * 31, "k1:"])
def test_malformed_jwt_keys_are_refused(raw: str) -> None:
    with pytest.raises(SettingsError, match="CHARGEASSIST_JWT_KEYS"):
        Settings.from_env({"CHARGEASSIST_JWT_KEYS": raw})


def test_refused_jwt_keys_are_not_echoed() -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({"CHARGEASSIST_JWT_KEYS": "k1:short-but-secret"})
    assert "short-but-secret" not in str(refused.value)


@pytest.mark.parametrize(
    "name",
    [
        "RATE_LIMIT_SEARCH",
        "RATE_LIMIT_QR",
        "RATE_LIMIT_SESSION_START",
        "RATE_LIMIT_APP_TOKEN_CREATE",
        "RATE_LIMIT_ACCESS_TOKEN_CREATE",
        "RATE_LIMIT_AUTH_FAILURES",
    ],
)
def test_a_malformed_rate_is_refused_naming_the_variable(name: str) -> None:
    with pytest.raises(SettingsError, match=f"CHARGEASSIST_{name}: expected COUNT/UNIT"):
        Settings.from_env({f"CHARGEASSIST_{name}": "fast"})


def test_an_unknown_rate_limit_backend_is_refused_naming_the_variable() -> None:
    with pytest.raises(
        SettingsError, match="CHARGEASSIST_RATE_LIMIT_BACKEND: one of memory, redis, not 'carrier-pigeon'"
    ):
        Settings.from_env({"CHARGEASSIST_RATE_LIMIT_BACKEND": "carrier-pigeon"})


@pytest.mark.parametrize(
    "name",
    [
        "HTTP_MAX_HEADER_BYTES",
        "HTTP_HEADER_TIMEOUT_S",
        "HTTP_BODY_TIMEOUT_S",
        "HTTP_KEEP_ALIVE_S",
        "HTTP_MAX_CONNECTIONS",
        "WS_MAX_MESSAGE_BYTES",
    ],
)
def test_server_limits_must_be_positive(name: str) -> None:
    with pytest.raises(SettingsError, match=f"CHARGEASSIST_{name}: must be positive"):
        Settings.from_env({f"CHARGEASSIST_{name}": "0"})


# --- payments group --------------------------------------------------------------------------


def test_payments_default_to_no_stripe_a_hold_of_50_and_four_retries() -> None:
    payments = Settings().payments
    assert payments == PaymentSettings()
    assert payments.stripe_enabled is False
    assert payments.stripe_api_base == "https://api.stripe.com"
    assert payments.preauth_amount == Decimal("50")
    assert payments.payment_retry_schedule == tuple(timedelta(hours=h) for h in (1, 6, 24, 72))
    assert payments.payment_hold_exceeded == "stop"


def test_every_payments_field_has_its_variable() -> None:
    values = {
        "stripe_api_key": "sk_test_123",
        "stripe_publishable_key": "pk_test_123",
        "stripe_webhook_secret": "whsec_123",
        "stripe_api_base": "http://127.0.0.1:8420",
        "preauth_amount": "25.50",
        "payment_retry_schedule": "30min,2h",
        "payment_hold_exceeded": "continue",
    }
    assert {field.name for field in dataclasses.fields(PaymentSettings)} == set(values)
    payments = Settings.from_env({f"CHARGEASSIST_{name.upper()}": value for name, value in values.items()}).payments
    for field in dataclasses.fields(PaymentSettings):
        assert getattr(payments, field.name) != field.default, field.name


def test_payments_variables_are_parsed_into_their_types() -> None:
    payments = Settings.from_env(
        {
            "CHARGEASSIST_STRIPE_API_KEY": "sk_test_abc",
            "CHARGEASSIST_PREAUTH_AMOUNT": "25.50",
            "CHARGEASSIST_PAYMENT_RETRY_SCHEDULE": " 45s, 30min ,2h,3d ",
            "CHARGEASSIST_PAYMENT_HOLD_EXCEEDED": "CONTINUE",
        }
    ).payments
    assert payments.stripe_enabled is True
    assert payments.preauth_amount == Decimal("25.50")
    assert payments.payment_retry_schedule == (
        timedelta(seconds=45),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(days=3),
    )
    assert payments.payment_hold_exceeded == "continue"


def test_an_empty_retry_schedule_means_manual_retries_only() -> None:
    assert Settings.from_env({"CHARGEASSIST_PAYMENT_RETRY_SCHEDULE": ""}).payments.payment_retry_schedule == ()


def test_a_payments_override_replaces_the_group_read_from_the_environment() -> None:
    chosen = PaymentSettings(stripe_api_key="sk_test_override", preauth_amount=Decimal("10"))
    settings = Settings.from_env({"CHARGEASSIST_STRIPE_API_KEY": "sk_test_env"}, payments=chosen)
    assert settings.payments is chosen


def test_an_invalid_payments_override_is_refused() -> None:
    with pytest.raises(SettingsError, match="CHARGEASSIST_PREAUTH_AMOUNT"):
        Settings.from_env({}, payments=PaymentSettings(preauth_amount=Decimal("0")))


def test_stripe_secrets_are_not_in_the_repr() -> None:
    settings = Settings.from_env(
        {"CHARGEASSIST_STRIPE_API_KEY": "sk_test_hidden_key", "CHARGEASSIST_STRIPE_WEBHOOK_SECRET": "whsec_hidden"}
    )
    assert "sk_test_hidden_key" not in repr(settings)
    assert "whsec_hidden" not in repr(settings)


def test_a_refused_stripe_key_is_not_echoed() -> None:
    with pytest.raises(SettingsError, match="CHARGEASSIST_STRIPE_API_KEY") as refused:
        Settings.from_env({"CHARGEASSIST_STRIPE_API_KEY": "pk_live_oops_secret"})
    assert "pk_live_oops_secret" not in str(refused.value)


def test_a_publishable_key_that_is_not_one_is_refused() -> None:
    with pytest.raises(SettingsError, match="CHARGEASSIST_STRIPE_PUBLISHABLE_KEY"):
        Settings.from_env({"CHARGEASSIST_STRIPE_PUBLISHABLE_KEY": "sk_test_wrong_place"})


def test_a_stripe_api_base_must_be_http() -> None:
    with pytest.raises(SettingsError, match="CHARGEASSIST_STRIPE_API_BASE"):
        Settings.from_env({"CHARGEASSIST_STRIPE_API_BASE": "api.stripe.com"})


@pytest.mark.parametrize("raw", ["fifty", "", "NaN", "Infinity"])
def test_a_preauth_amount_that_is_not_an_amount_is_refused(raw: str) -> None:
    with pytest.raises(SettingsError, match="CHARGEASSIST_PREAUTH_AMOUNT"):
        Settings.from_env({"CHARGEASSIST_PREAUTH_AMOUNT": raw})


@pytest.mark.parametrize("raw", ["0", "-5", "0.00"])
def test_a_preauth_amount_must_be_positive(raw: str) -> None:
    with pytest.raises(SettingsError, match="CHARGEASSIST_PREAUTH_AMOUNT: must be a positive amount"):
        Settings.from_env({"CHARGEASSIST_PREAUTH_AMOUNT": raw})


@pytest.mark.parametrize("raw", ["1h,soon", "6", "1.5h", "1w", "-1h"])
def test_a_malformed_retry_schedule_is_refused(raw: str) -> None:
    with pytest.raises(SettingsError, match="CHARGEASSIST_PAYMENT_RETRY_SCHEDULE: expected"):
        Settings.from_env({"CHARGEASSIST_PAYMENT_RETRY_SCHEDULE": raw})


def test_a_zero_retry_delay_is_refused() -> None:
    with pytest.raises(SettingsError, match="CHARGEASSIST_PAYMENT_RETRY_SCHEDULE: every delay must be positive"):
        Settings.from_env({"CHARGEASSIST_PAYMENT_RETRY_SCHEDULE": "1h,0s"})


def test_an_unknown_hold_exceeded_rule_is_refused() -> None:
    with pytest.raises(SettingsError, match="CHARGEASSIST_PAYMENT_HOLD_EXCEEDED: one of stop, continue"):
        Settings.from_env({"CHARGEASSIST_PAYMENT_HOLD_EXCEEDED": "panic"})


def test_the_bus_group_is_in_memory_without_redis() -> None:
    bus = Settings.from_env({}).bus
    assert (bus.commands, bus.events, bus.stores, bus.crosses_processes) == ("memory", "memory", "memory", False)


def test_a_redis_url_puts_every_part_of_the_bus_on_redis() -> None:
    settings = Settings.from_env({"CHARGEASSIST_REDIS_URL": "redis://127.0.0.1:6379/0"}, rate_limit_backend="memory")
    assert settings.bus == BusSettings(
        redis_url="redis://127.0.0.1:6379/0", commands="redis", events="redis", stores="redis"
    )
    assert settings.bus.crosses_processes


def test_one_part_of_the_bus_can_stay_in_memory_beside_redis() -> None:
    bus = BusSettings.from_env({"CHARGEASSIST_REDIS_URL": "redis://r:6379", "CHARGEASSIST_BUS_EVENTS": "memory"})
    assert (bus.commands, bus.events, bus.crosses_processes) == ("redis", "memory", False)


def test_the_bus_reads_its_presence_ttl_and_key_prefix() -> None:
    bus = BusSettings.from_env({"CHARGEASSIST_BUS_PRESENCE_TTL_S": "12.5", "CHARGEASSIST_REDIS_KEY_PREFIX": "ca-eu"})
    assert (bus.presence_ttl_s, bus.key_prefix) == (12.5, "ca-eu")


def test_a_redis_backend_without_a_redis_url_is_refused_naming_both_variables() -> None:
    with pytest.raises(SettingsError, match="CHARGEASSIST_BUS_COMMANDS=redis needs CHARGEASSIST_REDIS_URL"):
        Settings.from_env({"CHARGEASSIST_BUS_COMMANDS": "redis"})


def test_an_unknown_bus_backend_is_refused() -> None:
    with pytest.raises(SettingsError, match="CHARGEASSIST_BUS_EVENTS: one of memory, redis"):
        Settings.from_env({"CHARGEASSIST_BUS_EVENTS": "kafka"})


def test_a_redis_url_of_another_scheme_is_refused_without_echoing_it() -> None:
    with pytest.raises(SettingsError, match="CHARGEASSIST_REDIS_URL: must start with") as raised:
        Settings.from_env({"CHARGEASSIST_REDIS_URL": "http://user:hunter2@r"})
    assert "hunter2" not in str(raised.value)


def test_the_redis_url_is_kept_out_of_repr() -> None:
    assert "hunter2" not in repr(BusSettings(redis_url="redis://:hunter2@r:6379", commands="redis"))


def test_a_database_pool_of_no_connections_is_refused() -> None:
    with pytest.raises(SettingsError, match="CHARGEASSIST_DATABASE_POOL_SIZE: from 1 to 500"):
        Settings.from_env({"CHARGEASSIST_DATABASE_POOL_SIZE": "0"})
