"""Writing to the candidate from the application page, and cancelling or hurrying a waiting message."""

from __future__ import annotations

from datetime import UTC

from flask import flash, redirect, url_for
from flask_login import current_user

from app.errors import Conflict, ValidationFailed
from app.services import applications, messages
from app.web.dashboard import bp
from app.web.dashboard.applications import application_page
from app.web.dashboard.candidate_forms import StatusLinkForm
from app.web.dashboard.message_forms import MessageForm
from app.web.formtools import flash_error, show_errors
from app.web.login import staff_required


@bp.post("/applications/<int:application_id>/messages")
@staff_required
def send_message(application_id: int):
    form = MessageForm()
    if form.validate_on_submit():
        send_at = form.send_at.data.replace(tzinfo=UTC) if form.send_at.data else None
        try:
            view = messages.send(
                current_user, application_id, subject=form.subject.data, body=form.body.data, send_at=send_at
            )
        except ValidationFailed as error:  # checked before anything is written
            show_errors(form, error, rollback=False)
        except Conflict as error:
            flash_error(error)
            return redirect(url_for("dashboard.application", application_id=application_id, _anchor="compose"))
        else:
            when = f"at {view.due_at:%Y-%m-%d %H:%M} UTC" if view.status == "waiting" else "now"
            flash(f"Your message goes out {when}.", "success")
            return redirect(url_for("dashboard.application", application_id=application_id, _anchor="activity"))
    application = applications.get_application(current_user, application_id)
    return application_page(application, message_form=form, status=422)


def _change(application_id: int, message_id: int, action, done: str):
    if StatusLinkForm().validate_on_submit():  # a CSRF-checked form with no fields
        try:
            action(current_user, application_id, message_id)
        except Conflict as error:
            flash_error(error)
        else:
            flash(done, "success")
    return redirect(url_for("dashboard.application", application_id=application_id, _anchor="activity"))


@bp.post("/applications/<int:application_id>/messages/<int:message_id>/cancel")
@staff_required
def cancel_message(application_id: int, message_id: int):
    return _change(application_id, message_id, messages.cancel, "The message will not be sent.")


@bp.post("/applications/<int:application_id>/messages/<int:message_id>/send-now")
@staff_required
def send_message_now(application_id: int, message_id: int):
    return _change(application_id, message_id, messages.send_now, "The message goes out now.")
