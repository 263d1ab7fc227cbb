"""Webhook signing secrets at rest: Fernet (AES-128-CBC + HMAC-SHA256, the `cryptography` package).

The key is WEBHOOK_SECRET_KEY (in development and tests, when unset, one derived
from SECRET_KEY); WEBHOOK_SECRET_OLD_KEYS (comma-separated) are still accepted for
reading, so a key can be rotated: set the new key, list the old one, run
`flask webhooks reencrypt`, then drop the old one. Any text of 32 characters or
more is a key: it is stretched to Fernet's 32 bytes with SHA-256 under a label of
its own, so the same text used elsewhere gives another key.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask, current_app

PREFIX = "fernet:"  # what a sealed value starts with (a plain one starts with whsec_)
_LABEL = b"ats webhook secrets v1\x00"


class SecretUnreadable(Exception):
    """A stored secret no configured key opens: WEBHOOK_SECRET_KEY changed without listing the old one."""

    def __init__(self) -> None:
        super().__init__(
            "The endpoint's signing secret cannot be decrypted with WEBHOOK_SECRET_KEY or "
            "WEBHOOK_SECRET_OLD_KEYS (was the key changed without listing the old one?); "
            "nothing was sent. Restore the key, or rotate the endpoint's secret."
        )


def _fernet_key(text: str) -> bytes:
    return base64.urlsafe_b64encode(hashlib.sha256(_LABEL + text.encode()).digest())


def keys(app: Flask) -> list[str]:
    """The current key first, then the old ones still accepted for reading."""
    current = app.config.get("WEBHOOK_SECRET_KEY") or ""
    if not current:
        current = "derived from SECRET_KEY:" + (app.config.get("SECRET_KEY") or "")
    old = app.config.get("WEBHOOK_SECRET_OLD_KEYS") or ""
    olds = [part.strip() for part in (old.split(",") if isinstance(old, str) else old) if part.strip()]
    return [current, *olds]


def _fernet(app: Flask | None = None) -> MultiFernet:
    app = app or current_app._get_current_object()
    return MultiFernet([Fernet(_fernet_key(key)) for key in keys(app)])


def seal(secret: str, app: Flask | None = None) -> str:
    """The value stored for `secret`: sealed with the current key."""
    return PREFIX + _fernet(app).encrypt(secret.encode()).decode()


def open_(stored: str, app: Flask | None = None) -> str:
    """The secret a stored value holds; SecretUnreadable when no configured key opens it."""
    if not stored.startswith(PREFIX):
        raise SecretUnreadable()
    try:
        return _fernet(app).decrypt(stored.removeprefix(PREFIX).encode()).decode()
    except InvalidToken:
        raise SecretUnreadable() from None


def reseal(stored: str, app: Flask | None = None) -> str:
    """The same secret sealed with the current key (MultiFernet.rotate); SecretUnreadable as `open_`."""
    try:
        return PREFIX + _fernet(app).rotate(stored.removeprefix(PREFIX).encode()).decode()
    except InvalidToken:
        raise SecretUnreadable() from None
