"""All services of one process, built once at start-up from the settings."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import timedelta

from chargeassist.bus import SessionEvents, build_store
from chargeassist.payments import PaymentProviders, build_payment_providers
from chargeassist.settings import JwtKey, Settings
from chargeassist.store import Database

from ._access_tokens import AccessTokenService
from ._batch import BatchWriter
from ._charge_points import ChargePointService
from ._commands import CommandBus, OfflineCommandBus
from ._credentials import STORE_NAME as VERIFIED_CREDENTIALS
from ._events import SessionEventBus
from ._issued_tokens import IssuedTokenService
from ._leases import ClaimedWork
from ._location_index import LocationIndex
from ._locations import LocationService
from ._offline_evses import SWEEP_INTERVAL_S, OfflineEvses
from ._paging import ContinuationCodec
from ._partners import PartnerService
from ._payments import PaymentSteps
from ._psp_cards import PspCardService
from ._qr import QrService
from ._receipts import ReceiptService
from ._secrets import load_or_create_secret
from ._tariffs import TariffService
from ._wallet import WalletService
from ._webhooks import WebhookConfig, WebhookService
from .sessions import SessionService

__all__ = ["RECONCILE_LEASE", "Services"]

RECONCILE_LEASE = "payments.reconcile"

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
    sessions: SessionService
    writer: BatchWriter
    webhooks: WebhookService
    receipts: ReceiptService
    payment_providers: PaymentProviders
    payments: PaymentSteps
    psp_cards: PspCardService
    issued_tokens: IssuedTokenService
    access_tokens: AccessTokenService | None = None
    continuation: ContinuationCodec | None = None
    offline_evses: OfflineEvses | None = None
    _refresher: asyncio.Task[None] | None = None
    _reconciler: asyncio.Task[None] | None = None
    _offline_sweeper: asyncio.Task[None] | None = None

    @classmethod
    def create(
        cls,
        settings: Settings,
        db: Database | None = None,
        *,
        commands: CommandBus | None = None,
        events: SessionEventBus | None = None,
        webhooks: WebhookConfig | None = None,
        payment_providers: PaymentProviders | None = None,
    ) -> Services:
        """Wire the services; nothing touches the store until :meth:`start`.

        ``commands`` reaches charge points (default: none is reachable, as in command-line tools; the app
        passes the CSMS's bus); ``events`` carries session updates (default: in this process only); ``webhooks``
        says how partners' webhooks are delivered (default: production rules, public addresses only).
        """
        database = db or Database(settings.database_url, pool_size=settings.database_pool_size)
        providers = payment_providers or build_payment_providers(settings.payments)
        locations = LocationService(
            database,
            LocationIndex(),
            default_pre_auth=settings.payments.preauth_amount,
            stripe_cards=providers.stripe is not None,
        )
        writer = BatchWriter(database)
        tariffs = TariffService(database)
        bus = commands or OfflineCommandBus()
        # A charge point silent for two heartbeat intervals and a minute is taken for gone.
        liveness_window = timedelta(seconds=2 * settings.ocpp_heartbeat_interval_s + 60)
        charge_points = ChargePointService(
            database,
            locations=locations,
            writer=writer,
            commands=bus,
            command_timeout_s=settings.ocpp_response_timeout_s,
            liveness_window=liveness_window,
            # Shared by every process (Redis): a charge point verified once gets in anywhere without scrypt.
            verified_store=build_store(settings.bus, VERIFIED_CREDENTIALS),
        )
        payments = PaymentSteps(database, providers, settings.payments)
        receipts = ReceiptService(database)
        sessions = SessionService(
            database,
            settings=settings,
            payments=payments,
            receipts=receipts,
            locations=locations,
            tariffs=tariffs,
            charge_points=charge_points,
            commands=bus,
            events=events or SessionEvents.in_memory(),
            writer=writer,
        )
        return cls(
            settings=settings,
            db=database,
            partners=PartnerService(database, cache_ttl_s=settings.partner_cache_ttl_s),
            wallet=WalletService(database),
            locations=locations,
            tariffs=tariffs,
            qr=QrService(database, locations, settings.public_base_url),
            charge_points=charge_points,
            sessions=sessions,
            writer=writer,
            webhooks=WebhookService(database, webhooks),
            receipts=receipts,
            payment_providers=providers,
            payments=payments,
            psp_cards=PspCardService(database, providers),
            issued_tokens=IssuedTokenService(database),
            offline_evses=OfflineEvses(database, locations, liveness_window=liveness_window),
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
            if self.offline_evses is not None:
                # Beside the refresher: where the index follows the store, EVSEs follow their charge points. Unlike
                # the refresher (each process has its own index), the sweep runs in one process (its lease).
                self._offline_sweeper = asyncio.create_task(
                    self.offline_evses.run(SWEEP_INTERVAL_S), name="offline-evse-sweep"
                )
        await self.writer.start()
        await self.sessions.start(self.continuation)
        if self.settings.session_sweep_interval_s > 0:
            # Beside the session sweeper: payment steps whose answer was lost, and failed payments due a retry.
            self._reconciler = asyncio.create_task(self._reconcile_payments(), name="payment-reconciler")
        await self.webhooks.start()

    async def _reconcile_payments(self) -> None:
        # At once at start-up (a process that died mid-step left it PENDING), then every sweep interval, in the one
        # process holding the lease: a lease rather than row claims alone, since a step's run is a provider call
        # that no row lock should be held across, and reconciliation is rare work (steps whose answer was lost)
        # that one process keeps up with. The steps it runs claim their rows too (PaymentSteps.reconcile), so a
        # stalled holder past its lease and the next one never call the provider for one step side by side.
        claim = ClaimedWork(self.db, RECONCILE_LEASE, interval_s=self.settings.session_sweep_interval_s)
        await claim.run(self.payments.reconcile, at_once=True)

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
        await self.webhooks.stop()
        if self._reconciler is not None:
            self._reconciler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reconciler
            self._reconciler = None
        await self.sessions.stop()
        await self.writer.stop()
        await self.charge_points.aclose()
        if self._offline_sweeper is not None:
            self._offline_sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._offline_sweeper
            self._offline_sweeper = None
        if self._refresher is not None:
            self._refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._refresher
            self._refresher = None
        await self.payment_providers.aclose()
        await self.db.dispose()
