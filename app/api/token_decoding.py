"""One signature check per token, not three decodes per request.

flask-jwt-extended decodes every token without verifying it (claims, then header) to let a
`decode_key_loader` pick the key, then decodes it again, verified. With the one configured
key (no loader is registered) the unverified decodes only repeat work: each splits the token,
checks its base64 character by character and parses its JSON. This manager decodes it once,
verified, with the same options and the same errors; with a loader it does what the library does.

A script sends the same access token for its whole life, so the claims of a token this process
has verified are kept by the token's exact text (`VerifiedTokens`): a token that differs in one
character is a miss and is verified. Only the signature check is saved: a kept token is
refused once it expires, and revocation, the account's version and its being active are still
checked on every request by the callbacks in app/api/auth.py.
"""

from __future__ import annotations

import threading
import time

import jwt
from flask import current_app
from flask_jwt_extended import JWTManager
from flask_jwt_extended.config import config
from flask_jwt_extended.default_callbacks import default_decode_key_callback
from flask_jwt_extended.tokens import _decode_jwt
from jwt import ExpiredSignatureError

EXTENSION_KEY = "verified_tokens"


class VerifiedTokens:
    """The claims of tokens verified with one key, by the token's text, until they expire.

    Bounded: past `size` entries the oldest is dropped (a dict keeps insertion order).
    """

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._claims: dict[str, tuple[str, float, dict]] = {}
        self._lock = threading.Lock()

    def get(self, token: str, secret: str, leeway: float, now: float) -> dict | None:
        kept = self._claims.get(token)
        if kept is None:
            return None
        kept_secret, expires, claims = kept
        # PyJWT's own test for exp; a key changed since makes the token a stranger again.
        if kept_secret != secret or expires <= now - leeway:
            with self._lock:
                self._claims.pop(token, None)
            return None
        return dict(claims)

    def put(self, token: str, secret: str, claims: dict) -> None:
        expires = claims.get("exp")
        if not isinstance(expires, int | float):
            return  # a token without an expiry is never kept
        with self._lock:
            while len(self._claims) >= self.size:
                self._claims.pop(next(iter(self._claims)))
            self._claims[token] = (secret, float(expires), dict(claims))

    def __len__(self) -> int:
        return len(self._claims)


class SingleDecodeJWTManager(JWTManager):
    def init_app(self, app, add_context_processor: bool = False) -> None:
        super().init_app(app, add_context_processor=add_context_processor)
        app.extensions[EXTENSION_KEY] = VerifiedTokens()

    def _decode_jwt_from_config(self, encoded_token: str, csrf_value=None, allow_expired: bool = False) -> dict:
        if self._decode_key_callback is not default_decode_key_callback:
            return super()._decode_jwt_from_config(encoded_token, csrf_value, allow_expired)
        secret = config.decode_key
        kept = current_app.extensions.get(EXTENSION_KEY) if csrf_value is None and not allow_expired else None
        if kept is not None:
            claims = kept.get(encoded_token, secret, config.leeway, time.time())
            if claims is not None:
                return claims
        options = {
            "algorithms": config.decode_algorithms,
            "audience": config.decode_audience,
            "csrf_value": csrf_value,
            "encoded_token": encoded_token,
            "identity_claim_key": config.identity_claim_key,
            "issuer": config.decode_issuer,
            "leeway": config.leeway,
            "secret": secret,
            "verify_aud": config.decode_audience is not None,
            "verify_sub": config.verify_sub,
        }
        try:
            claims = _decode_jwt(**options, allow_expired=allow_expired)
        except ExpiredSignatureError as error:
            # As the library does: the expired-token callback gets the header and the claims.
            error.jwt_header = jwt.get_unverified_header(encoded_token)  # type: ignore[attr-defined]
            error.jwt_data = _decode_jwt(**options, allow_expired=True)  # type: ignore[attr-defined]
            raise
        if kept is not None:
            kept.put(encoded_token, secret, claims)
        return claims
