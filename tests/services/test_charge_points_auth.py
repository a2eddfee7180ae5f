"""What the CSMS asks the charge point service before and after an upgrade: the stored hash, whether a
password is one verified before (no scrypt), a verification, and the connectors the operator mapped."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from chargeassist.services import Services
from tests.api._helpers import ocpi_evse, ocpi_location
from tests.conftest import make_settings

PASSWORD = "a-password-of-16-chars"


@pytest.fixture
async def services(database_url: str) -> AsyncIterator[Services]:
    """On both stores: one location with three EVSEs, two of them the connectors of CP-1."""
    started = Services.create(make_settings(database_url))
    await started.start()
    try:
        location = ocpi_location("auth-1", evses=[ocpi_evse("E-1"), ocpi_evse("E-2"), ocpi_evse("E-3")])
        await started.locations.put("nl-tst-auth-1", location)
        await started.charge_points.put("CP-1", PASSWORD, ["E-1", "E-2"])
        yield started
    finally:
        await started.stop()


async def test_connectors_are_the_mapped_ones(services: Services) -> None:
    assert await services.charge_points.connector_ids("CP-1") == frozenset({1, 2})


async def test_unknown_charge_point_has_no_connectors(services: Services) -> None:
    assert await services.charge_points.connector_ids("CP-NOBODY") == frozenset()


async def test_remapped_charge_point_has_its_new_connectors(services: Services) -> None:
    await services.charge_points.put("CP-1", PASSWORD, ["E-3"])
    assert await services.charge_points.connector_ids("CP-1") == frozenset({1})


async def test_password_not_verified_yet_is_not_recognised(services: Services) -> None:
    stored = await services.charge_points.password_hash("CP-1")
    assert stored is not None
    assert services.charge_points.recognised("CP-1", stored, PASSWORD) is None


async def test_verified_password_is_recognised_and_another_is_not(services: Services) -> None:
    charge_points = services.charge_points
    stored = await charge_points.password_hash("CP-1")
    assert stored is not None
    assert await charge_points.verify("CP-1", stored, PASSWORD) is True
    assert (charge_points.recognised("CP-1", stored, PASSWORD), charge_points.recognised("CP-1", stored, "x")) == (
        True,
        False,
    )


async def test_new_password_forgets_the_verified_one(services: Services) -> None:
    charge_points = services.charge_points
    old = await charge_points.password_hash("CP-1")
    assert old is not None
    await charge_points.verify("CP-1", old, PASSWORD)
    await charge_points.put("CP-1", "another-password-16", ["E-1", "E-2"])
    new = await charge_points.password_hash("CP-1")
    assert new is not None
    assert charge_points.recognised("CP-1", new, PASSWORD) is None


async def test_wrong_password_is_not_verified(services: Services) -> None:
    stored = await services.charge_points.password_hash("CP-1")
    assert stored is not None
    assert await services.charge_points.verify("CP-1", stored, "wrong-password-0000") is False
    assert services.charge_points.recognised("CP-1", stored, "wrong-password-0000") is None
