"""The charge points connected to this process."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._handler import CentralChargePoint

__all__ = ["ConnectionRegistry"]


class ConnectionRegistry:
    """At most one live connection per charge point id: a new one replaces (and closes) the old one."""

    def __init__(self) -> None:
        self._by_id: dict[str, CentralChargePoint] = {}

    def get(self, charge_point_id: str) -> CentralChargePoint | None:
        """The connection of a charge point, if this process holds one."""
        return self._by_id.get(charge_point_id)

    def add(self, connection: CentralChargePoint) -> CentralChargePoint | None:
        """Make ``connection`` the charge point's connection; returns the one it replaces, for closing."""
        previous = self._by_id.get(connection.id)
        self._by_id[connection.id] = connection
        return previous

    def remove(self, connection: CentralChargePoint) -> bool:
        """Forget ``connection`` if it is still the current one (a replaced connection leaves its successor)."""
        if self._by_id.get(connection.id) is connection:
            del self._by_id[connection.id]
            return True
        return False

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[CentralChargePoint]:
        return iter(list(self._by_id.values()))
