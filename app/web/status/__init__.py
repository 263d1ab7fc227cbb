"""A private status link's page: one application, followed without signing in."""

from flask import Blueprint

bp = Blueprint("status", __name__, template_folder="templates")

from app.web.status import routes  # noqa: E402,F401
