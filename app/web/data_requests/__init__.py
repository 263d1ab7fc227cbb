"""A person's own data requests: the export download (/my-data/<token>), the erasure link (/erase-me/<token>)."""

from flask import Blueprint

bp = Blueprint("data_requests", __name__, template_folder="templates")

from app.web.data_requests import routes  # noqa: E402,F401
