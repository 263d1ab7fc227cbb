"""The mail outbox's periodic work, run by the clock (`flask tick`)."""

from __future__ import annotations

from flask import Flask

from app.core.periodic import periodic


@periodic("mail.sweep", every="MAIL_SWEEP_INTERVAL")
def sweep_pending(app: Flask) -> int:
    """Hand on messages left pending. With Redis, the sweep shares the worker's lock, so of the
    clock and the workers' maintenance step only one sweeps per interval."""
    if app.config.get("REDIS_URL"):
        from app.mail.worker import sweep_once

        return sweep_once(app, int(app.config["MAIL_SWEEP_INTERVAL"]))
    from app.mail.sweep import sweep

    return sweep()


@periodic("mail.digest", every="DIGEST_INTERVAL")
def send_digests(_app: Flask) -> int:
    """Each staff member whose morning has come gets the daily digest, once a day (app/services/digest.py)."""
    from app.services import digest

    return digest.run()
