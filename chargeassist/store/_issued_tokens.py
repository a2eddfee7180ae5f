"""Charge cards the operator loaded as issued: OCPI 2.2.1 Token objects, with the partner that issued each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ._models import Base, utcnow

__all__ = ["IssuedToken"]


class IssuedToken(Base):
    """One issued token. ``uid_key`` and ``visual_key`` are normalised like a wallet's card numbers.

    OCPI says whether a token may charge with ``valid`` only; blocked and expired are told apart here:
    ``valid`` false is blocked, and ``expires_at`` (an extension, optional) makes it expired from then on.
    Expiry is a moment rather than a status so that a card expires on time without anything running.
    """

    __tablename__ = "issued_tokens"
    __table_args__ = (Index("ix_issued_tokens_visual_key", "visual_key"),)

    # The OCPI uid as the operator sent it; the key it is found by is ``uid_key``.
    uid: Mapped[str] = mapped_column(String(36))
    uid_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    visual_key: Mapped[str | None] = mapped_column(String(64))
    # The partner of ours that issued it, or None when the operator issued it itself.
    partner_id: Mapped[str | None] = mapped_column(String(40), index=True)
    country_code: Mapped[str] = mapped_column(String(2))
    party_id: Mapped[str] = mapped_column(String(3))
    type: Mapped[str] = mapped_column(String(16))
    contract_id: Mapped[str] = mapped_column(String(36))
    visual_number: Mapped[str | None] = mapped_column(String(64))
    issuer: Mapped[str] = mapped_column(String(64))
    group_id: Mapped[str | None] = mapped_column(String(36))
    valid: Mapped[bool] = mapped_column(Boolean)
    whitelist: Mapped[str] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(2))
    default_profile_type: Mapped[str | None] = mapped_column(String(16))
    # OCPI EnergyContract ({supplier_name, contract_id}) as JSON text.
    energy_contract: Mapped[str | None] = mapped_column(String(512))
    expires_at: Mapped[datetime | None] = mapped_column()
    last_updated: Mapped[datetime] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def status_at(self, now: datetime) -> str:
        """ACTIVE, BLOCKED (``valid`` false) or EXPIRED (its expiry has passed); blocked wins over expired."""
        if not self.valid:
            return "BLOCKED"
        if self.expires_at is not None and self.expires_at <= now:
            return "EXPIRED"
        return "ACTIVE"
