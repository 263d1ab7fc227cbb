"""The browser front door: candidate pages and the staff dashboard."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the web blueprints, login and sessions."""
