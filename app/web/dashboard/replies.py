"""Replies by email on the application page: their attachments, revoking the application's reply address."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user

from app.downloads import attachment
from app.errors import Conflict
from app.services import replies
from app.web.dashboard import bp
from app.web.dashboard.candidate_forms import StatusLinkForm
from app.web.formtools import flash_error
from app.web.login import staff_required


@bp.post("/applications/<int:application_id>/reply-address/revoke")
@staff_required
def revoke_reply_address(application_id: int):
    """Replies to the current address are refused from now on; the next email carries a new one."""
    if StatusLinkForm().validate_on_submit():  # a CSRF-checked form with no fields
        try:
            replies.revoke(current_user, application_id)
        except Conflict as error:
            flash_error(error)
        else:
            flash("Replies to the previous address are refused; the next email carries a new one.", "success")
    return redirect(url_for("dashboard.application", application_id=application_id, _anchor="replies"))


@bp.get("/applications/<int:application_id>/replies/<int:reply_id>/attachments/<key>")
@staff_required
def reply_attachment(application_id: int, reply_id: int, key: str):
    found = replies.attachment_file(current_user, application_id, reply_id, key)
    return attachment(found.file, found.filename, found.content_type, found.size)
