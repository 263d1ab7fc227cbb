"""The company's rejection reasons (admins): add, relabel, reorder, archive and restore.

Recruiters pick one of these when they reject; an archived reason is offered
no more but stays on the rejections that used it. Reasons are never shown to
candidates.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app.errors import Conflict, ValidationFailed
from app.models import Role
from app.services import rejection_reasons
from app.services.access import require_role
from app.web.dashboard import bp
from app.web.dashboard.pipeline_forms import ActionForm, ReasonForm
from app.web.formtools import flash_error, show_errors
from app.web.login import staff_required

EDIT_ACTION = "edit rejection reasons"
UNREADABLE = "That request could not be read; reload the page and try again."


def _label_form(reason, formdata=None) -> ReasonForm:
    form = ReasonForm(formdata=formdata, prefix=f"reason-{reason.id}", label=reason.label)
    form.submit.label.text = "Save"
    return form


def _page(add_form: ReasonForm | None = None, failed: tuple[int, ReasonForm] | None = None, status: int = 200):
    require_role(current_user, Role.ADMIN, action=EDIT_ACTION)
    reasons = rejection_reasons.list_reasons(current_user, include_archived=True)
    offered = [reason for reason in reasons if reason.archived_at is None]
    label_forms = {reason.id: _label_form(reason) for reason in offered}
    if failed is not None and failed[0] in label_forms:
        label_forms[failed[0]] = failed[1]
    return render_template(
        "dashboard/rejection_reasons.html",
        offered=offered,
        archived=[reason for reason in reasons if reason.archived_at is not None],
        label_forms=label_forms,
        add_form=add_form or ReasonForm(formdata=None),
        action_form=ActionForm(formdata=None),
        max_reasons=rejection_reasons.MAX_REASONS,
    ), status


@bp.get("/rejection-reasons")
@staff_required
def reasons_page():
    return _page()


@bp.post("/rejection-reasons")
@staff_required
def add_reason():
    require_role(current_user, Role.ADMIN, action=EDIT_ACTION)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            reason = rejection_reasons.create_reason(current_user, label=form.label.data)
        except (ValidationFailed, Conflict) as error:
            show_errors(form, error)
            return _page(form, status=error.status)
        flash(f"“{reason.label}” is added to the list.", "success")
        return redirect(url_for("dashboard.reasons_page", _anchor=f"reason-{reason.id}"))
    return _page(form, status=422)


@bp.post("/rejection-reasons/<int:reason_id>")
@staff_required
def relabel_reason(reason_id: int):
    rejection_reasons.owned_reason(current_user, reason_id)
    require_role(current_user, Role.ADMIN, action=EDIT_ACTION)
    form = ReasonForm(prefix=f"reason-{reason_id}")
    if form.validate_on_submit():
        try:
            rejection_reasons.update_reason(current_user, reason_id, label=form.label.data)
        except ValidationFailed as error:
            show_errors(form, error)
            return _page(failed=(reason_id, form), status=error.status)
        flash("The reason is saved; rejections that used it show the new wording.", "success")
        return redirect(url_for("dashboard.reasons_page", _anchor=f"reason-{reason_id}"))
    return _page(failed=(reason_id, form), status=422)


@bp.post("/rejection-reasons/<int:reason_id>/move")
@staff_required
def move_reason(reason_id: int):
    form = ActionForm()
    if form.validate_on_submit() and form.direction.data in ("up", "down"):
        try:
            rejection_reasons.move_reason(current_user, reason_id, -1 if form.direction.data == "up" else 1)
        except Conflict as error:
            flash_error(error)
    else:
        flash(UNREADABLE, "danger")
    return redirect(url_for("dashboard.reasons_page", _anchor=f"reason-{reason_id}"))


def _archive(reason_id: int, archived: bool):
    form = ActionForm()
    if form.validate_on_submit():
        reason = rejection_reasons.update_reason(current_user, reason_id, archived=archived)
        if archived:
            flash(f"“{reason.label}” is archived: no longer offered, kept on past rejections.", "success")
        else:
            flash(f"“{reason.label}” is offered again.", "success")
    else:
        flash(UNREADABLE, "danger")
    return redirect(url_for("dashboard.reasons_page", _anchor=f"reason-{reason_id}"))


@bp.post("/rejection-reasons/<int:reason_id>/archive")
@staff_required
def archive_reason(reason_id: int):
    return _archive(reason_id, True)


@bp.post("/rejection-reasons/<int:reason_id>/restore")
@staff_required
def restore_reason(reason_id: int):
    return _archive(reason_id, False)
