"""Email: the outbox, message building and delivery."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Connect the outbox to the domain signals and register mail commands."""
