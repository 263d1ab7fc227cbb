"""The JSON front door: /api/v1."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the API blueprints and its error handling."""
