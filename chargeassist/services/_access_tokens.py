"""Short-lived JWTs that let a phone act for exactly one app token without holding the partner key."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

import jwt

from chargeassist.settings import JwtKey

__all__ = ["AccessTokenClaims", "AccessTokenService", "MintedAccessToken"]

_ISSUER = "chargeassist"
_AUDIENCE = "chargeassist-app"
_ALGORITHM = "HS256"


@dataclass(frozen=True, slots=True)
class AccessTokenClaims:
    """What a verified access token says."""

    partner_id: str
    app_token: str
    expires_at: int


@dataclass(frozen=True, slots=True)
class MintedAccessToken:
    """A freshly signed token and its lifetime."""

    token: str
    expires_in: int


class AccessTokenService:
    """Signs with the first key, verifies with any key named by the ``kid`` header, so keys can rotate."""

    def __init__(self, keys: tuple[JwtKey, ...], *, ttl_s: int) -> None:
        if not keys:
            raise ValueError("at least one JWT key is needed")
        self._signing = keys[0]
        self._by_id = {key.key_id: key.secret for key in keys}
        self._ttl_s = ttl_s

    def mint(self, *, partner_id: str, app_token: str) -> MintedAccessToken:
        """A token for ``app_token`` of ``partner_id``."""
        now = int(time.time())
        claims = {
            "iss": _ISSUER,
            "aud": _AUDIENCE,
            "sub": app_token,
            "ptn": partner_id,
            "iat": now,
            "exp": now + self._ttl_s,
            "jti": secrets.token_urlsafe(12),
        }
        token = jwt.encode(claims, self._signing.secret, algorithm=_ALGORITHM, headers={"kid": self._signing.key_id})
        return MintedAccessToken(token=token, expires_in=self._ttl_s)

    def verify(self, token: str) -> AccessTokenClaims | None:
        """The claims of a valid, unexpired token signed by a known key; None otherwise."""
        try:
            header = jwt.get_unverified_header(token)
            secret = self._by_id.get(str(header.get("kid")))
            if secret is None:
                return None
            claims = jwt.decode(
                token,
                secret,
                algorithms=[_ALGORITHM],
                audience=_AUDIENCE,
                issuer=_ISSUER,
                options={"require": ["exp", "iat", "sub", "aud", "iss"]},
            )
        except jwt.PyJWTError:
            return None
        partner_id, app_token = claims.get("ptn"), claims.get("sub")
        if not isinstance(partner_id, str) or not isinstance(app_token, str):
            return None
        return AccessTokenClaims(partner_id=partner_id, app_token=app_token, expires_at=int(claims["exp"]))
