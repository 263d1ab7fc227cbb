"""A candidate's own applications: stage, timeline, withdraw."""

from flask import Blueprint

bp = Blueprint("candidate", __name__, template_folder="templates")

from app.web.candidate import routes  # noqa: E402,F401
