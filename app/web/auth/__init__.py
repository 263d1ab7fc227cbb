"""Sign-up, sign-in, sign-out and the password pages the emails link to."""

from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="templates")

from app.web.auth import routes  # noqa: E402,F401
