"""The interactive docs at /api/docs: Swagger UI from vendored files, no inline script.

flask-smorest's own page starts Swagger UI from an inline script, which a
Content-Security-Policy without 'unsafe-inline' blocks; this page loads only files.
"""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("api_docs_ui", __name__, url_prefix="/api", template_folder="templates", static_folder="static")


@bp.get("/docs")
def docs():
    return render_template("api/docs.html")
