"""File downloads shared by both front doors."""

from __future__ import annotations

from flask import Response, send_file


def attachment(path: str, filename: str, content_type: str) -> Response:
    """A private download that browsers save rather than render or cache."""
    response = send_file(path, mimetype=content_type, as_attachment=True, download_name=filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
