"""Public endpoints outside the web pages: the health check and the error pages."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from app.public import routes  # noqa: E402,F401
