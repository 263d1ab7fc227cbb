"""Resume downloads for the candidate who applied and the company's staff."""

from __future__ import annotations

from flask_login import current_user

from app.downloads import attachment
from app.services import applications


def send_resume(application_id: int):
    return attachment(*applications.resume_file(current_user, application_id))
