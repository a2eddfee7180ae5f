"""client.sessions against the live demo server and its simulated charge points.

Each test charges at an EVSE of its own: a simulated car stays plugged in for a while after a session.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator

import pytest

from chargeassist_sdk import AsyncChargeAssist, ChargeAssist, ValidationError
from chargeassist_sdk.models import SessionResponse

ENDED = {"COMPLETED", "CDR_AVAILABLE"}


class Charger:
    """Starts sessions at one EVSE for one app token, and stops whatever is left running at the end."""

    def __init__(self, sdk: ChargeAssist, app_token: str, payment_method_id: str, printed_evse_id: str) -> None:
        scanned = sdk.qr.parse(printed_evse_id)
        assert scanned.location_id is not None
        assert scanned.evse_uid is not None
        self.sdk, self.app_token, self.payment_method_id = sdk, app_token, payment_method_id
        self.location_id, self.evse_uid = scanned.location_id, scanned.evse_uid
        self.started: list[str] = []

    def start(self, idempotency_key: str | None = None) -> str:
        started = self.sdk.sessions.start(
            self.app_token,
            location_id=self.location_id,
            evse_uid=self.evse_uid,
            payment_method_id=self.payment_method_id,
            idempotency_key=idempotency_key,
        )
        self.started.append(started.charge_session_id)
        return started.charge_session_id

    def charge_and_stop(self) -> SessionResponse:
        session_id = self.start()
        self.sdk.sessions.wait(self.app_token, session_id, until="CHARGING", timeout=30)
        self.sdk.sessions.stop(self.app_token, session_id)
        return self.sdk.sessions.wait(self.app_token, session_id, until="CDR_AVAILABLE", timeout=30)

    def stop_all(self) -> None:
        for session_id in self.started:
            if self.sdk.sessions.get(self.app_token, session_id).status not in ENDED:
                self.sdk.sessions.stop(self.app_token, session_id)


ChargerAt = Callable[[str], Charger]


@pytest.fixture
def charger_at(sdk: ChargeAssist, app_token: str, payment_method_id: str) -> Iterator[ChargerAt]:
    """Chargers for this test's app token at the EVSEs it names by their printed ids; stopped at the end."""
    made: list[Charger] = []

    def at(printed_evse_id: str) -> Charger:
        made.append(Charger(sdk, app_token, payment_method_id, printed_evse_id))
        return made[-1]

    yield at
    for charger in made:
        charger.stop_all()


def test_wait_follows_a_started_session_until_it_charges(charger_at: ChargerAt) -> None:
    charger = charger_at("NL*GFX*E000001*2")
    session_id = charger.start()
    assert charger.sdk.sessions.wait(charger.app_token, session_id, until="CHARGING", timeout=30).status == "CHARGING"


def test_a_stopped_session_is_priced(charger_at: ChargerAt) -> None:
    session = charger_at("NL*GFX*E000002*1").charge_and_stop()
    assert (session.status, session.currency) == ("CDR_AVAILABLE", "EUR")


def test_a_retried_start_with_the_same_key_is_the_same_session(charger_at: ChargerAt) -> None:
    charger = charger_at("NL*GFX*E000002*2")
    key = f"booking-{secrets.token_hex(4)}"
    assert charger.start(idempotency_key=key) == charger.start(idempotency_key=key)


def test_events_push_the_session_until_it_ends(charger_at: ChargerAt) -> None:
    charger = charger_at("BE*GFX*E000005*1")
    session = charger.charge_and_stop()
    pushed = charger.sdk.sessions.events(charger.app_token, session.charge_session_id)
    assert [state.status for state in pushed] == ["CDR_AVAILABLE"]


def test_list_pages_through_the_sessions_newest_first(charger_at: ChargerAt) -> None:
    here, there = charger_at("NL*GFX*E000001*1"), charger_at("NL*GFX*EHOTELAMSTEL*4")
    first, second = here.start(), there.start()
    listed = here.sdk.sessions.list(here.app_token, page_size=1)
    assert [session.charge_session_id for session in listed] == [second, first]


async def test_async_wait_follows_a_started_session(charger_at: ChargerAt, async_sdk: AsyncChargeAssist) -> None:
    charger = charger_at("BE*GFX*E000005*2")
    session_id = charger.start()
    session = await async_sdk.sessions.wait(charger.app_token, session_id, until="CHARGING", timeout=30)
    assert session.status == "CHARGING"


def test_a_payment_method_of_another_wallet_is_refused(sdk: ChargeAssist, app_token: str) -> None:
    with pytest.raises(ValidationError) as caught:
        sdk.sessions.start(app_token, location_id="nl-gfx-000001", evse_uid="NL-GFX-E000001-1", payment_method_id="x")
    assert caught.value.code == "payment_method_not_in_wallet"
