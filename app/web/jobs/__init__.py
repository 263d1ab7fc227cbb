"""The public side: the job board, a page per job with its apply form, careers pages."""

from flask import Blueprint

bp = Blueprint("jobs", __name__, template_folder="templates")

from app.web.jobs import routes  # noqa: E402,F401
