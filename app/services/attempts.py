"""Failure limits per account: one rule, whichever front door the attempt came through.

A limit per client address stops one machine; guessing one account's
password from many addresses needs a count per account. Only failures
count, in a moving window ("10 per 15 minutes"): once an account has used them
up, every attempt (the right password too) is refused until the oldest
failure leaves the window. The price is that anyone can lock an account for
that long by failing on purpose; the window stays short for that reason, and a
password reset by email lifts the lock.

The counts live in the rate limiter's storage (Redis when configured, so all
processes share them; else this process's memory), under a hash of the
account name: no email address is written there. If that storage fails, the
attempt is let through and a warning logged, as the rate limiter does.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

from flask import current_app
from limits import RateLimitItem, parse
from limits.strategies import MovingWindowRateLimiter

from app.errors import TooManyAttempts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FailureLimit:
    """At most `setting` (a config key holding e.g. "10 per 15 minutes") failures per account."""

    scope: str
    setting: str
    detail: str
    field: str | None = None  # the form field the refusal belongs beside, if any

    def check(self, account: str) -> None:
        """Raise TooManyAttempts while `account` has no failures left in the window."""
        counter = _counter()
        if counter is None:
            return
        item = self._item()
        try:
            if counter.test(item, *self._ids(account)):
                return
            reset_at = counter.get_window_stats(item, *self._ids(account)).reset_time
        except Exception:  # the storage is down: do not lock everybody out
            log.warning("failure limit %s not checked: storage unavailable", self.scope, exc_info=True)
            return
        retry_after = max(1, int(reset_at - time.time()) + 1)
        minutes = max(1, round(retry_after / 60))
        detail = f"{self.detail} Try again in {minutes} minute{'s' if minutes != 1 else ''}."
        raise TooManyAttempts(detail, retry_after=retry_after, errors={self.field: [detail]} if self.field else None)

    def failed(self, account: str) -> None:
        """Count one failure for `account`."""
        counter = _counter()
        if counter is None:
            return
        try:
            counter.hit(self._item(), *self._ids(account))
        except Exception:
            log.warning("failure limit %s not counted: storage unavailable", self.scope, exc_info=True)

    def succeeded(self, account: str) -> None:
        """Forget `account`'s failures (the right password, or a new one set by email)."""
        counter = _counter()
        if counter is None:
            return
        try:
            counter.clear(self._item(), *self._ids(account))
        except Exception:
            log.warning("failure limit %s not cleared: storage unavailable", self.scope, exc_info=True)

    def _item(self) -> RateLimitItem:
        return parse(current_app.config[self.setting])

    def _ids(self, account: str) -> tuple[str, str, str]:
        digest = hashlib.sha256(account.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return current_app.config.get("RATELIMIT_KEY_PREFIX", ""), self.scope, digest


def _counter() -> MovingWindowRateLimiter | None:
    """The limiter's storage (or its in-memory fallback), counted in a moving window; None when limits are off."""
    from app.extensions import limiter

    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return None
    return MovingWindowRateLimiter(limiter.limiter.storage)


SIGN_IN = FailureLimit(
    scope="sign-in-failures",
    setting="ACCOUNT_LOGIN_FAILURE_LIMIT",
    detail="Too many failed sign-ins for this account.",
)
PASSWORD_CHANGE = FailureLimit(
    scope="password-change-failures",
    setting="PASSWORD_CHANGE_FAILURE_LIMIT",
    detail="Too many wrong current passwords.",
    field="current_password",
)
