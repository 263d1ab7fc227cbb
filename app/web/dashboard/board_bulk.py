"""Bulk actions from the pipeline board: move, reject with a reason, note or email many applications at once.

The cards' checkboxes belong to the bulk bar's form (the `form` attribute), so
it all works without JavaScript. "All N matching this filter" takes the board's
filters instead of the ticked cards. A move or rejection that emails candidates
shows how many and which emails first; the answer lists what could not be done
and why, and offers to undo the whole bulk.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import workflow
from app.errors import DomainError
from app.services import board, bulk, rejection_reasons, reports
from app.services.access import EDITORS
from app.web.dashboard import bp
from app.web.dashboard.board import when_sent
from app.web.dashboard.board_forms import BulkForm, UndoForm
from app.web.formtools import flash_error
from app.web.login import safe_next, staff_required

SHOWN_FAILURES = 10
DONE = {
    "move": "Moved {n} to {stage}.",
    "reject": "Rejected {n}.",
    "note": "Added the note to {n}.",
    "email": "Your email to the candidates of {n} is on its way.",
    "add_tag": "Tagged {n} “{tag}”.",
    "remove_tag": "Took “{tag}” off {n}.",
}
MOVES = ("move", "reject")  # the others are open to hiring managers too


def _applications(n: int) -> str:
    return f"{n} application{'' if n == 1 else 's'}"


def _selected_ids() -> list[int] | None:
    """The ticked ids, or None if one of them is not an id at all."""
    raw = request.form.getlist("ids")
    if not all(value.isdigit() and len(value) <= 10 for value in raw):
        return None
    return list(dict.fromkeys(int(value) for value in raw))  # each once, in the order given


def _failures_message(result: bulk.BulkResult, names: dict[int, str]) -> str:
    shown = [f"{names.get(item.id, f'#{item.id}')}: {item.detail}" for item in result.failed[:SHOWN_FAILURES]]
    more = len(result.failed) - len(shown)
    tail = f" And {more} more." if more > 0 else ""
    return f"Not done for {_applications(len(result.failed))}. " + " ".join(shown) + tail


@bp.post("/jobs/<int:job_id>/bulk")
@staff_required
def bulk_action(job_id: int):
    job = reports.company_job(current_user, job_id)
    form = BulkForm()
    back = safe_next(form.next.data) or url_for("dashboard.job", job_id=job.id)
    action = form.action.data if form.action.data in bulk.ACTIONS else None
    ids = _selected_ids()
    if not form.validate_on_submit() or action is None or ids is None:
        flash("That bulk action could not be read; reload the page and try again.", "danger")
        return redirect(back)
    if action in MOVES and current_user.role not in EDITORS:
        abort(403, description="Only recruiters and admins can move or reject applications.")
    limit = current_app.config["BULK_MAX"]
    if form.all.data:
        filters = {
            "stage": form.stage.data or None,
            "flagged": bool(form.flagged.data),
            "source": form.source.data or None,
            "q": form.q.data or None,
        }
        ids = board.matching_ids(current_user, job.id, **filters, limit=limit)
        if len(ids) > limit:
            flash(f"More than {limit} applications match; narrow the filter to act on them at once.", "danger")
            return redirect(back)
    if not ids:
        flash("Select at least one application first.", "danger")
        return redirect(back)
    to = {"move": form.to.data or None, "reject": workflow.FINAL_KEYS[0]}.get(action)
    note = (form.note.data or "").strip() or None
    pipeline = workflow.for_job(job)
    if action in MOVES and form.confirm.data != "1":
        preview = board.bulk_preview(current_user, ids, to)
        if preview.emailed:
            reason = None
            if action == "reject" and form.reason_id.data is not None:
                try:
                    reason = rejection_reasons.get_reason(current_user, form.reason_id.data)
                except DomainError as error:
                    flash_error(error)
                    return redirect(back)
            return render_template(
                "dashboard/bulk_confirm.html",
                job=job,
                action=action,
                ids=ids,
                to=to,
                to_label=pipeline.label(to) if to else None,
                reason=reason,
                reason_id=form.reason_id.data,
                note=note,
                preview=preview,
                when=when_sent(preview.delay_seconds),
                back=back,
            )
    try:
        result = bulk.run(
            current_user,
            action=action,
            items=ids,
            to=to,
            reason_id=form.reason_id.data,
            note=note,
            subject=form.subject.data if action == "email" else None,
            body=form.body.data if action == "email" else None,
            tag=form.tag.data if action in bulk.TAG_ACTIONS else None,
        )
    except DomainError as error:
        flash_error(error)
        return redirect(back)
    done = len(result.succeeded)
    if done:
        text = DONE[action].format(n=_applications(done), stage=pipeline.label(to) if to else "", tag=form.tag.data)
        if result.batch_id and action in MOVES:
            undo_url = url_for("dashboard.bulk_undo", batch_id=result.batch_id)
            flash({"text": text, "url": undo_url, "change_id": "", "next": back}, "undo")
        else:
            flash(text, "success")
    if result.failed:
        names = board.bulk_preview(current_user, [item.id for item in result.failed], None).names
        flash(_failures_message(result, names), "danger" if not done else "warning")
    return redirect(back)


@bp.post("/bulk/<batch_id>/undo")
@staff_required
def bulk_undo(batch_id: str):
    """Take back a bulk move or rejection: every application that may still be, the others said why."""
    form = UndoForm()
    back = safe_next(form.next.data) or url_for("dashboard.jobs")
    if not form.validate_on_submit():
        flash("That undo could not be read; reload the page and try again.", "danger")
        return redirect(back)
    if current_user.role not in EDITORS:
        abort(403, description="Only recruiters and admins can undo moves.")
    try:
        result = bulk.undo_batch(current_user, batch_id)
    except DomainError as error:
        if error.status == 404:
            raise
        flash_error(error)
        return redirect(back)
    if result.succeeded:
        flash(f"Undone: {_applications(len(result.succeeded))} back where they were.", "success")
    if result.failed:
        names = board.bulk_preview(current_user, [item.id for item in result.failed], None).names
        flash(_failures_message(result, names), "danger" if not result.succeeded else "warning")
    return redirect(back)
