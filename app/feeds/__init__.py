"""Job feeds for job boards (Indeed's XML, RSS 2.0) and the sitemap for search engines."""

from flask import Blueprint

bp = Blueprint("feeds", __name__)

from app.feeds import routes  # noqa: E402,F401
