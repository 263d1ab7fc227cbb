"""One application in the dashboard: details, its activity, notes, moves, rejection, resume."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import workflow
from app.errors import Conflict, ValidationFailed
from app.services import activity, applications, board, messages, questions, rejection_reasons
from app.services.access import EDITORS
from app.web.dashboard import bp
from app.web.dashboard.forms import NoteForm, RejectForm
from app.web.dashboard.message_forms import MessageForm, prefilled
from app.web.downloads import send_resume
from app.web.formtools import flash_error, show_errors
from app.web.helpers import stage_label
from app.web.login import safe_next, staff_required


def application_page(
    application, *, note_form: NoteForm | None = None, message_form: MessageForm | None = None, status: int = 200
):
    """The page: details, the activity timeline (a keyset page of it), the note and message forms."""
    try:
        timeline = activity.timeline_of(application, cursor=request.args.get("before") or None)
    except ValidationFailed:
        abort(404)
    return render_template(
        "dashboard/application.html",
        application=application,
        timeline=timeline,
        answers=questions.answers_of(current_user, application),
        moves=applications.allowed_moves(current_user, application),
        note_form=note_form or NoteForm(),
        message_form=message_form or prefilled(application.id, request.args.get("template")),
        template_choices=messages.template_choices(),
        can_manage_link=current_user.role in EDITORS,
        replies_on=bool(current_app.config.get("MAIL_REPLY_DOMAIN")),
    ), status


@bp.get("/applications/<int:application_id>")
@staff_required
def application(application_id: int):
    return application_page(applications.get_application(current_user, application_id))


@bp.post("/applications/<int:application_id>/notes")
@staff_required
def add_note(application_id: int):
    form = NoteForm()
    if form.validate_on_submit():
        try:
            applications.add_note(current_user, application_id, form.body.data)
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            flash("Note added.", "success")
            return redirect(url_for("dashboard.application", application_id=application_id, _anchor="notes"))
    return application_page(applications.get_application(current_user, application_id), note_form=form, status=422)


@bp.route("/applications/<int:application_id>/reject", methods=["GET", "POST"])
@staff_required
def reject(application_id: int):
    """Rejecting asks for a reason, so it has its own small form."""
    application = applications.get_application(current_user, application_id)
    if not workflow.may_move(current_user.role, False, "rejected"):
        abort(403, description="Only recruiters and admins can reject applications.")
    if "rejected" not in applications.allowed_moves(current_user, application):
        flash(
            f"This application is {stage_label(application.stage, application.job).lower()}; "
            "it can no longer be rejected.",
            "info",
        )
        return redirect(url_for("dashboard.application", application_id=application.id))
    form = RejectForm()
    back = safe_next(form.next.data) or url_for("dashboard.job", job_id=application.job_id)
    if form.validate_on_submit():
        version = int(form.version.data) if (form.version.data or "").isdigit() else None
        name = application.candidate.full_name
        try:
            result = board.move(
                current_user,
                application.id,
                "rejected",
                reason=form.reason.data,
                reason_id=form.reason_id.data,
                note=form.note.data,
                expected_version=version,
            )
        except ValidationFailed as error:
            show_errors(form, error)
            if "reason" in (error.errors or {}) and form.reason_id.data is None:
                form.reason_id.errors.append("Choose one of your company's reasons, or say why below.")
        except Conflict as error:
            flash_error(error)
            return redirect(url_for("dashboard.application", application_id=application_id))
        else:
            message = f"{name}'s application is rejected."
            if result.undo is not None:  # a mis-click on Reject can be taken back, email and all
                undo_url = url_for("dashboard.undo_move", application_id=application.id)
                flash({"text": message, "url": undo_url, "change_id": result.undo.change_id, "next": back}, "undo")
            else:
                flash(message, "success")
            return redirect(back)
    else:
        form.version.data = form.version.data or str(application.version)
        form.next.data = form.next.data or safe_next(request.args.get("next")) or ""
    form.offer(rejection_reasons.list_reasons(current_user))
    page = render_template("dashboard/reject.html", application=application, form=form)
    return page, 422 if form.errors else 200


@bp.get("/applications/<int:application_id>/resume")
@staff_required
def resume(application_id: int):
    return send_resume(application_id)
