"""The public pages: the job board."""

from flask import Blueprint

bp = Blueprint("public", __name__, template_folder="templates")

from app.public import routes  # noqa: E402,F401
