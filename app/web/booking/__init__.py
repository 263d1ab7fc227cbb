"""/book/<token>: the candidate picks one of the interview times offered, without signing in."""

from flask import Blueprint

bp = Blueprint("booking", __name__, template_folder="templates")

from app.web.booking import routes  # noqa: E402,F401
