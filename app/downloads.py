"""File downloads shared by both front doors."""

from __future__ import annotations

from typing import BinaryIO

from flask import Response, send_file


def attachment(file: BinaryIO, filename: str, content_type: str, size: int | None = None) -> Response:
    """A private download that browsers save rather than render or cache.

    The body streams from the open file (closed once sent), whichever storage
    backend opened it.
    """
    response = send_file(file, mimetype=content_type, as_attachment=True, download_name=filename, max_age=0)
    if size is not None and response.content_length is None:
        response.content_length = size
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
