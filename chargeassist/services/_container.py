"""All services of one process, built once at start-up from the settings."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from chargeassist.settings import JwtKey, Settings
from chargeassist.store import Database

from ._access_tokens import AccessTokenService
from ._charge_points import ChargePointService
from ._location_index import LocationIndex
from ._locations import LocationService
from ._paging import ContinuationCodec
from ._partners import PartnerService
from ._qr import QrService
from ._secrets import load_or_create_secret
from ._tariffs import TariffService
from ._wallet import WalletService

__all__ = ["Services"]

_log = logging.getLogger("chargeassist.services")


@dataclass
class Services:
    """The process's services; :meth:`start` loads what they need from the store."""

    settings: Settings
    db: Database
    partners: PartnerService
    wallet: WalletService
    locations: LocationService
    tariffs: TariffService
    qr: QrService
    charge_points: ChargePointService
    access_tokens: AccessTokenService | None = None
    continuation: ContinuationCodec | None = None
    _refresher: asyncio.Task[None] | None = None

    @classmethod
    def create(cls, settings: Settings, db: Database | None = None) -> Services:
        """Wire the services; nothing touches the store until :meth:`start`."""
        database = db or Database(settings.database_url)
        locations = LocationService(database, LocationIndex())
        return cls(
            settings=settings,
            db=database,
            partners=PartnerService(database, cache_ttl_s=settings.partner_cache_ttl_s),
            wallet=WalletService(database),
            locations=locations,
            tariffs=TariffService(database),
            qr=QrService(database, locations, settings.public_base_url),
            charge_points=ChargePointService(database),
        )

    async def start(self) -> None:
        """Load secrets and the search index, then keep the index following other processes' writes."""
        keys = self.settings.jwt_keys
        if not keys:
            keys = (JwtKey(key_id="store-1", secret=await load_or_create_secret(self.db, "jwt-store-1")),)
        self.access_tokens = AccessTokenService(keys, ttl_s=self.settings.access_token_ttl_s)
        continuation_secret = self.settings.continuation_secret or await load_or_create_secret(self.db, "continuation")
        self.continuation = ContinuationCodec(continuation_secret)
        loaded = await self.locations.refresh_index()
        self.locations.index.rebuild()
        _log.info("search index loaded: %d locations", loaded)
        if self.settings.search_refresh_interval_s > 0:
            self._refresher = asyncio.create_task(self._follow_changes(), name="search-index-refresh")

    async def _follow_changes(self) -> None:
        while True:
            await asyncio.sleep(self.settings.search_refresh_interval_s)
            try:
                await self.locations.refresh_index()
            except Exception:
                # A store hiccup must not end the refresher; the next round catches up.
                _log.exception("search index refresh failed")

    async def stop(self) -> None:
        """Stop background work and close the store."""
        if self._refresher is not None:
            self._refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._refresher
            self._refresher = None
        await self.db.dispose()
