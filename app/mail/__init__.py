"""Email: the outbox, message building and delivery.

Domain events (app/signals.py) write outbox rows in their own transaction
(events.py); after the commit the ids go to the RQ queue, or are delivered
in-process without Redis (outbox.py). The RQ job (jobs.py) claims and sends one
row (delivery.py) through the configured backend (backends.py).
"""

from flask import Flask


def init_app(app: Flask) -> None:
    """Connect the outbox to the domain signals and register mail commands and the staff page."""
    # The signal receivers (connected once per process) and the periodic sweep.
    from app.mail import events, tasks  # noqa: F401
    from app.mail.backends import BACKENDS
    from app.mail.cli import mail_cli
    from app.mail.views import bp

    if app.config["MAIL_BACKEND"] not in BACKENDS:
        raise RuntimeError(f"MAIL_BACKEND must be one of {', '.join(BACKENDS)}, not {app.config['MAIL_BACKEND']!r}")
    app.cli.add_command(mail_cli)
    app.register_blueprint(bp)
