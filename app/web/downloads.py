"""Resume downloads for the candidate who applied and the company's staff."""

from __future__ import annotations

import os

from flask import abort, send_file
from flask_login import current_user

from app.services import applications


def send_resume(application_id: int):
    path, filename, content_type = applications.resume_file(current_user, application_id)
    if not os.path.isfile(path):
        abort(404, description="The resume file is missing.")
    response = send_file(path, mimetype=content_type, as_attachment=True, download_name=filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
