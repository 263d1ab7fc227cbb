"""Duplicates pages: the open proposals side by side, dismissing one, the merge screen, merges and their undo."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import HiddenField, RadioField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from app.errors import DomainError
from app.services import duplicates, merging
from app.services.access import EDITORS
from app.web.dashboard import bp
from app.web.formtools import SafeForm, flash_error
from app.web.login import staff_required

REASON_LABELS = {
    "email": "Same email",
    "phone": "Same phone",
    "linkedin": "Same LinkedIn",
    "name_and_resume": "Similar name, same resume",
}
FIELD_LABELS = {"full_name": "Name", "email": "Email", "phone": "Phone", "location": "Location", "links": "Links"}
CHOICES = [SelectChoice("keep", "Keep this record's"), SelectChoice("other", "Take the other's")]


class MergeForm(SafeForm):
    other_id = HiddenField()
    full_name = RadioField("Name", choices=CHOICES, validators=[Optional()])
    email = RadioField("Email", choices=CHOICES, validators=[Optional()])
    phone = RadioField("Phone", choices=CHOICES, validators=[Optional()])
    location = RadioField("Location", choices=CHOICES, validators=[Optional()])
    links = RadioField("Links", choices=CHOICES, validators=[Optional()])
    submit = SubmitField("Merge")


class ButtonForm(SafeForm):
    submit = SubmitField()


@bp.app_template_global()
def possible_duplicates(candidate) -> list:
    """For the profile's notice: open proposals naming this record, each as (proposal, the other record)."""
    if candidate is None or candidate.merged_into_id is not None:
        return []
    found = duplicates.for_candidate(current_user, candidate.id, limit=5)
    return [(p, p.b if p.a.id == candidate.id else p.a) for p in found]


@bp.app_template_filter("duplicate_reasons")
def duplicate_reasons(reasons) -> str:
    return ", ".join(REASON_LABELS.get(reason, reason) for reason in reasons or [])


@bp.get("/duplicates")
@staff_required
def duplicates_page():
    page = duplicates.list_open(current_user, limit=20, cursor=request.args.get("cursor") or None)
    merges = merging.history(current_user, limit=20)
    return render_template(
        "dashboard/duplicates.html",
        page=page,
        merges=merges,
        can_edit=current_user.role in EDITORS,
        can_undo=merging.can_undo,
        undo_until=merging.undo_deadline,
        form=ButtonForm(formdata=None),
    )


@bp.post("/duplicates/<int:proposal_id>/dismiss")
@staff_required
def dismiss_duplicate(proposal_id: int):
    if ButtonForm().validate_on_submit():
        duplicates.dismiss(current_user, proposal_id)
        flash("Dismissed: these two will not be proposed again.", "success")
    return redirect(url_for("dashboard.duplicates_page"))


def _other_id(value) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 10 else None


def _merge_page(candidate_id: int, form: MergeForm | None = None, status: int = 200):
    other_id = _other_id(form.other_id.data if form is not None else request.args.get("other_id"))
    view = merging.preview(current_user, candidate_id, other_id)
    if form is None:
        form = MergeForm(formdata=None, other_id=str(view.other.id))
        for choice in view.fields:
            form[choice.name].data = choice.kept
    return render_template(
        "dashboard/merge.html",
        view=view,
        form=form,
        labels=FIELD_LABELS,
        can_edit=current_user.role in EDITORS,
    ), status


@bp.get("/candidates/<int:candidate_id>/merge")
@staff_required
def merge_page(candidate_id: int):
    return _merge_page(candidate_id)


@bp.post("/candidates/<int:candidate_id>/merge")
@staff_required
def merge_candidates(candidate_id: int):
    form = MergeForm()
    if not form.validate_on_submit():
        return _merge_page(candidate_id, form, 422)
    other_id = _other_id(form.other_id.data)
    chosen = {name: form[name].data for name in FIELD_LABELS if form[name].data in ("keep", "other")}
    try:
        record = merging.merge(current_user, candidate_id, other_id, chosen)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        flash_error(error)
        if other_id is None:
            abort(422)
        return redirect(url_for("dashboard.merge_page", candidate_id=candidate_id, other_id=other_id))
    moved = len((record.moved or {}).get("applications", []))
    flash(f"Merged: {moved} application(s) moved. The merge can be undone from the Duplicates page.", "success")
    return redirect(url_for("dashboard.candidate_profile", candidate_id=candidate_id))


@bp.post("/merges/<int:merge_id>/undo")
@staff_required
def undo_merge(merge_id: int):
    if ButtonForm().validate_on_submit():
        try:
            merging.undo(current_user, merge_id)
        except DomainError as error:
            if error.status in (403, 404):
                raise
            flash_error(error)
        else:
            flash("The merge is undone: both records are as they were.", "success")
    return redirect(url_for("dashboard.duplicates_page"))
