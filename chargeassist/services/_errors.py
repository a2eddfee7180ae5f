"""Errors services raise; the API maps each to a problem document by its ``status`` and ``code``."""

from __future__ import annotations

__all__ = ["ServiceError"]


class ServiceError(Exception):
    """A refusal with a stable ``code`` and the HTTP status it stands for."""

    def __init__(
        self, status: int, code: str, detail: str, *, field: str | None = None, decline_code: str | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.field = field
        self.decline_code = decline_code
        """With ``payment_declined``: the card issuer's reason, where it gave one."""
