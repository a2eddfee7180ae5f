"""The webhook API: a partner's endpoints, their delivery log and replays, with owner checks and every refusal."""

from __future__ import annotations

import asyncio

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from chargeassist.app import create_app
from chargeassist.services import Services
from chargeassist.services._webhooks import WebhookConfig, enqueue
from chargeassist.settings import Settings
from tests._processes import free_port
from tests.api._helpers import Client, assert_problem, mint_access_token, register_token
from tests.conftest import bearer
from tests.services._webhook_receiver import Receiver, serving

FAST = WebhookConfig(
    allow_private_urls=True, poll_interval_s=0.05, request_timeout_s=2.0, initial_backoff_s=0.2, max_backoff_s=0.4
)
PUBLIC_URL = "https://hooks.partner.example/charge-assist"
STATUSES = {"events": ["session.status_changed"]}


@pytest.fixture
def app(settings: Settings) -> Litestar:
    """The app, delivering quickly and to loopback (where the test receiver listens)."""
    return create_app(settings, webhooks=FAST)


@pytest.fixture
def receiver() -> Receiver:
    return Receiver(port=free_port())


async def _put(client: Client, key: str, endpoint_id: str = "main", **body: object) -> dict[str, object]:
    response = await client.put(
        f"/v1/webhooks/endpoints/{endpoint_id}", json={"url": PUBLIC_URL, **STATUSES, **body}, headers=bearer(key)
    )
    assert response.status_code in (200, 201), response.text
    found: dict[str, object] = response.json()
    return found


async def _partner_id(services: Services, key: str) -> str:
    identity = await services.partners.authenticate(key)
    assert identity is not None
    return identity.partner_id


async def _announce(services: Services, key: str, status: str) -> str:
    async with services.db.transaction() as session:
        event_id = await enqueue(
            session, await _partner_id(services, key), "session.status_changed", {"status": status}
        )
    assert event_id is not None
    return event_id


# --- endpoints ---------------------------------------------------------------------------------


async def test_a_new_endpoint_is_201_with_its_secret(client: Client, partner_key: str) -> None:
    response = await client.put(
        "/v1/webhooks/endpoints/main", json={"url": PUBLIC_URL, **STATUSES}, headers=bearer(partner_key)
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["id"], body["url"], body["events"]) == ("main", PUBLIC_URL, ["session.status_changed"])
    assert body["secret"].startswith("whsec_")


async def test_an_update_is_200_without_the_secret(client: Client, partner_key: str) -> None:
    await _put(client, partner_key)
    response = await client.put(
        "/v1/webhooks/endpoints/main",
        json={"url": PUBLIC_URL + "/v2", "events": ["payment.failed", "payment.succeeded"]},
        headers=bearer(partner_key),
    )
    assert response.status_code == 200
    body = response.json()
    assert "secret" not in body
    assert (body["url"], body["events"]) == (PUBLIC_URL + "/v2", ["payment.failed", "payment.succeeded"])


async def test_an_endpoint_reads_back_without_its_secret(client: Client, partner_key: str) -> None:
    await _put(client, partner_key)
    one = (await client.get("/v1/webhooks/endpoints/main", headers=bearer(partner_key))).json()
    listed = (await client.get("/v1/webhooks/endpoints", headers=bearer(partner_key))).json()
    assert "secret" not in one
    assert listed["meta"] == {"count": 1, "hasMoreData": False, "continuationToken": None}
    assert listed["data"] == [one]


async def test_another_partners_endpoint_is_not_found(client: Client, partner_key: str, other_partner_key: str) -> None:
    await _put(client, partner_key)
    other = bearer(other_partner_key)
    assert_problem(await client.get("/v1/webhooks/endpoints/main", headers=other), 404, "webhook_endpoint_not_found")
    assert_problem(await client.delete("/v1/webhooks/endpoints/main", headers=other), 404, "webhook_endpoint_not_found")
    assert_problem(
        await client.get("/v1/webhooks/endpoints/main/deliveries", headers=other), 404, "webhook_endpoint_not_found"
    )
    assert_problem(
        await client.post("/v1/webhooks/endpoints/main/rotate-secret", headers=other), 404, "webhook_endpoint_not_found"
    )
    assert (await client.get("/v1/webhooks/endpoints", headers=other)).json()["data"] == []


async def test_another_partner_putting_the_same_id_gets_an_endpoint_of_its_own(
    client: Client, partner_key: str, other_partner_key: str
) -> None:
    await _put(client, partner_key)
    response = await client.put(
        "/v1/webhooks/endpoints/main",
        json={"url": PUBLIC_URL + "/other", "events": ["payment.failed"]},
        headers=bearer(other_partner_key),
    )
    assert response.status_code == 201
    mine = (await client.get("/v1/webhooks/endpoints/main", headers=bearer(partner_key))).json()
    assert mine["url"] == PUBLIC_URL


async def test_a_deleted_endpoint_is_gone(client: Client, partner_key: str) -> None:
    await _put(client, partner_key)
    assert (await client.delete("/v1/webhooks/endpoints/main", headers=bearer(partner_key))).status_code == 204
    assert_problem(
        await client.get("/v1/webhooks/endpoints/main", headers=bearer(partner_key)), 404, "webhook_endpoint_not_found"
    )


async def test_rotating_shows_a_new_secret(client: Client, partner_key: str) -> None:
    created = await _put(client, partner_key)
    response = await client.post("/v1/webhooks/endpoints/main/rotate-secret", headers=bearer(partner_key))
    assert response.status_code == 200
    assert response.json()["secret"] not in (None, created["secret"])


# --- refusals ------------------------------------------------------------------------------------


async def test_an_app_access_token_may_not_manage_webhooks(client: Client, partner_key: str) -> None:
    await register_token(client, partner_key, "phone-1")
    token = await mint_access_token(client, partner_key, "phone-1")
    assert_problem(await client.get("/v1/webhooks/endpoints", headers=bearer(token)), 403, "partner_key_required")
    response = await client.put(
        "/v1/webhooks/endpoints/main", json={"url": PUBLIC_URL, **STATUSES}, headers=bearer(token)
    )
    assert_problem(response, 403, "partner_key_required")


async def test_no_credential_is_401(client: Client) -> None:
    assert_problem(await client.get("/v1/webhooks/endpoints"), 401, "unauthorized")


@pytest.mark.parametrize(
    "url", ["ftp://hooks.partner.example/x", "not a url", "https://user:pw@hooks.partner.example/"]
)
async def test_an_endpoint_url_that_is_not_http_is_refused(client: Client, partner_key: str, url: str) -> None:
    response = await client.put(
        "/v1/webhooks/endpoints/main", json={"url": url, **STATUSES}, headers=bearer(partner_key)
    )
    body = assert_problem(response, 400, "webhook_url_refused")
    assert [e["field"] for e in body["errors"]] == ["url"]


async def test_a_loopback_url_is_refused_by_default(settings: Settings) -> None:
    app = create_app(settings)
    async with AsyncTestClient(app=app) as client:
        key = (await app.state.services.partners.create("Strict Partner")).api_key
        response = await client.put(
            "/v1/webhooks/endpoints/main", json={"url": "http://127.0.0.1:8080/x", **STATUSES}, headers=bearer(key)
        )
    assert_problem(response, 400, "webhook_url_refused")


async def test_an_unknown_event_type_is_refused(client: Client, partner_key: str) -> None:
    response = await client.put(
        "/v1/webhooks/endpoints/main",
        json={"url": PUBLIC_URL, "events": ["session.exploded"]},
        headers=bearer(partner_key),
    )
    assert_problem(response, 400, "validation_failed")


async def test_no_event_types_is_refused(client: Client, partner_key: str) -> None:
    response = await client.put(
        "/v1/webhooks/endpoints/main", json={"url": PUBLIC_URL, "events": []}, headers=bearer(partner_key)
    )
    assert_problem(response, 400, "validation_failed")


async def test_an_endpoint_id_with_other_characters_is_refused(client: Client, partner_key: str) -> None:
    response = await client.put(
        "/v1/webhooks/endpoints/main%20hook", json={"url": PUBLIC_URL, **STATUSES}, headers=bearer(partner_key)
    )
    assert_problem(response, 400, "validation_failed")


async def test_endpoint_changes_are_rate_limited(client: Client, partner_key: str) -> None:
    answers = [
        (
            await client.put(
                "/v1/webhooks/endpoints/main", json={"url": PUBLIC_URL, **STATUSES}, headers=bearer(partner_key)
            )
        )
        for _ in range(40)
    ]
    refused = [a for a in answers if a.status_code == 429]
    assert refused
    assert_problem(refused[0], 429, "rate_limited")
    assert int(refused[0].headers["Retry-After"]) >= 1


# --- deliveries and replay ----------------------------------------------------------------------------


async def test_the_delivery_log_shows_a_delivered_event(
    client: Client, services: Services, partner_key: str, receiver: Receiver
) -> None:
    with serving(receiver):
        await _put(client, partner_key, url=receiver.url)
        event_id = await _announce(services, partner_key, "CHARGING")
        await receiver.wait_for(1)
        await _settle(client, partner_key, "DELIVERED")
    page = (await client.get("/v1/webhooks/endpoints/main/deliveries", headers=bearer(partner_key))).json()
    [delivery] = page["data"]
    assert (delivery["eventId"], delivery["eventType"], delivery["status"]) == (
        event_id,
        "session.status_changed",
        "DELIVERED",
    )
    assert (delivery["attempts"], delivery["lastStatusCode"], delivery["endpointId"]) == (1, 200, "main")


async def _settle(client: Client, key: str, status: str) -> None:
    """Wait until the newest delivery shows ``status`` (the worker records the answer after the receiver has it)."""
    for _ in range(100):
        page = (await client.get("/v1/webhooks/endpoints/main/deliveries", headers=bearer(key))).json()
        if page["data"] and page["data"][0]["status"] == status:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"no delivery reached {status}")


async def test_the_delivery_log_pages_newest_first(client: Client, services: Services, partner_key: str) -> None:
    await _put(client, partner_key, url="https://hooks.partner.example/never-answered")
    ids = [await _announce(services, partner_key, s) for s in ("STARTING", "CHARGING", "COMPLETED")]
    first = (await client.get("/v1/webhooks/endpoints/main/deliveries?pageSize=2", headers=bearer(partner_key))).json()
    token = first["meta"]["continuationToken"]
    second = (
        await client.get(
            f"/v1/webhooks/endpoints/main/deliveries?pageSize=2&continuationToken={token}", headers=bearer(partner_key)
        )
    ).json()
    assert first["meta"]["hasMoreData"] is True
    assert second["meta"]["hasMoreData"] is False
    assert [d["eventId"] for d in first["data"] + second["data"]] == ids[::-1]


async def test_a_forged_continuation_token_is_refused(client: Client, partner_key: str) -> None:
    await _put(client, partner_key)
    response = await client.get(
        "/v1/webhooks/endpoints/main/deliveries?continuationToken=forged.token", headers=bearer(partner_key)
    )
    assert_problem(response, 400, "invalid_continuation_token")


async def test_a_replay_sends_the_event_again(
    client: Client, services: Services, partner_key: str, receiver: Receiver
) -> None:
    with serving(receiver):
        await _put(client, partner_key, url=receiver.url)
        event_id = await _announce(services, partner_key, "CHARGING")
        await receiver.wait_for(1)
        await _settle(client, partner_key, "DELIVERED")
        page = (await client.get("/v1/webhooks/endpoints/main/deliveries", headers=bearer(partner_key))).json()
        delivery_id = page["data"][0]["id"]
        response = await client.post(f"/v1/webhooks/deliveries/{delivery_id}/replay", headers=bearer(partner_key))
        assert response.status_code == 202
        assert response.json()["status"] == "PENDING"
        await receiver.wait_for(2)
    assert [r.event["id"] for r in receiver.received] == [event_id, event_id]


async def test_deliveries_are_signed_with_the_secret_shown_at_creation(
    client: Client, services: Services, partner_key: str, receiver: Receiver
) -> None:
    with serving(receiver):
        created = await _put(client, partner_key, url=receiver.url)
        await _announce(services, partner_key, "CHARGING")
        [got] = await receiver.wait_for(1)
    assert got.signature_matches(str(created["secret"]))


async def test_after_a_rotation_deliveries_are_signed_with_the_new_secret(
    client: Client, services: Services, partner_key: str, receiver: Receiver
) -> None:
    with serving(receiver):
        old = await _put(client, partner_key, url=receiver.url)
        new = (await client.post("/v1/webhooks/endpoints/main/rotate-secret", headers=bearer(partner_key))).json()
        await _announce(services, partner_key, "CHARGING")
        [got] = await receiver.wait_for(1)
    assert got.signature_matches(new["secret"])
    assert not got.signature_matches(str(old["secret"]))


async def test_replaying_another_partners_delivery_is_not_found(
    client: Client, services: Services, partner_key: str, other_partner_key: str
) -> None:
    await _put(client, partner_key, url="https://hooks.partner.example/never-answered")
    await _announce(services, partner_key, "CHARGING")
    page = (await client.get("/v1/webhooks/endpoints/main/deliveries", headers=bearer(partner_key))).json()
    delivery_id = page["data"][0]["id"]
    response = await client.post(f"/v1/webhooks/deliveries/{delivery_id}/replay", headers=bearer(other_partner_key))
    assert_problem(response, 404, "webhook_delivery_not_found")


async def test_replaying_an_unknown_delivery_is_not_found(client: Client, partner_key: str) -> None:
    response = await client.post("/v1/webhooks/deliveries/dlv_unknown/replay", headers=bearer(partner_key))
    assert_problem(response, 404, "webhook_delivery_not_found")
