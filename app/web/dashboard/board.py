"""A job's pipeline board and list view, moving cards (a form or JSON) and taking a move back.

Every action works without JavaScript: the "Move to…" menu posts a form, a move
that emails the candidate first shows a confirmation page, and the flash after
a move carries an Undo button. With JavaScript (app/static/js/board.js) the same
two endpoints answer JSON when asked with `Accept: application/json`, with the
CSRF token in the X-CSRFToken header: the card moves in place, a dialog
confirms an email, and a toast offers the undo.
"""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from app import workflow
from app.errors import Conflict, DomainError, Forbidden, ValidationFailed
from app.extensions import db
from app.models.candidates import SOURCES
from app.services import applications, board, feedback_compare, rejection_reasons, tags, undo
from app.services.access import EDITORS
from app.web.dashboard import bp
from app.web.dashboard.board_forms import UndoForm
from app.web.dashboard.forms import JobStatusForm, MoveForm
from app.web.formtools import flash_error
from app.web.helpers import SOURCE_LABELS, STAGE_TONES
from app.web.login import safe_next, staff_required


def when_sent(delay_seconds: int) -> str:
    """When a candidate email goes out: "at once", or "in 2 hours" (it can be withdrawn meanwhile)."""
    if delay_seconds <= 0:
        return "at once"
    hours, minutes = divmod(round(delay_seconds / 60), 60)
    parts = [
        f"{hours} hour{'' if hours == 1 else 's'}" if hours else "",
        f"{minutes} minute{'' if minutes == 1 else 's'}" if minutes else "",
    ]
    return "in " + (" ".join(part for part in parts if part) or "under a minute")


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(("text/html", "application/json")) == "application/json"


def _prefix(endpoint: str, **values) -> str:
    """The URL of `endpoint` for id 0, less the 0: one url_for per page, cards add their id."""
    return url_for(endpoint, **values, application_id=0).removesuffix("0")


@bp.get("/jobs/<int:job_id>")
@staff_required
def job(job_id: int):
    """The pipeline board, or with `?view=list` the same applications as a sortable table.

    Filters (a GET form): `stage`, `flagged=1`, `source`, `q` (text in the name or email).
    """
    args = request.args
    user = current_user._get_current_object()  # the services ask it many things: not through the proxy each time
    filters = {
        "stage": args.get("stage") or None,
        "flagged": args.get("flagged") == "1",
        "source": args.get("source") or None,
        "q": args.get("q") or None,
    }
    view = "list" if args.get("view") == "list" else "board"
    if view == "list":
        data = board.rows(
            user,
            job_id,
            **filters,
            sort=args.get("sort") or None,
            direction=args.get("dir") or None,
            cursor=args.get("cursor") or None,
        )
    else:
        data = board.board(user, job_id, **filters, cursor=args.get("cursor") or None)
    pipeline = data.pipeline
    shown = [card.id for card in data.rows] if view == "list" else [c.id for col in data.columns for c in col.cards]
    return render_template(
        "dashboard/pipeline.html",
        card_tags=tags.for_applications(user.company_id, shown),  # one query for every card of the page
        card_feedback=feedback_compare.for_cards(user, shown)
        if view == "board"
        else {},  # one query: feedback per card
        view=view,
        data=data,
        job=data.job,
        pipeline=pipeline,
        filters=data.filters,
        stages=pipeline.keys,
        labels={key: pipeline.label(key) for key in pipeline.keys},
        tones={key: STAGE_TONES.get(pipeline.category(key), "secondary") for key in pipeline.keys},
        sources=SOURCES,
        source_labels=SOURCE_LABELS,
        application_prefix=_prefix("dashboard.application"),
        can_edit=user.role in EDITORS,
        status_form=JobStatusForm(),
        # The bulk bar: every stage a card can be moved into (rejecting has its own button), and the reasons.
        bulk_stages=[key for key in pipeline.keys[1:] if key not in workflow.FINAL_KEYS],
        reasons=rejection_reasons.list_reasons(user) if data.can_move else [],
    )


def _back(next_value: str | None, application_id: int) -> tuple[str, str]:
    """Where to go after the action, and the anchor of the card there (none on the fallback)."""
    back = safe_next(next_value)
    if back is None:
        return url_for("dashboard.application", application_id=application_id), ""
    return back, f"#application-{application_id}"


def _card_json(application) -> dict:
    pipeline = workflow.for_job(application.job)
    moves = applications.allowed_moves(current_user, application)
    return {
        "id": application.id,
        "name": application.candidate.full_name,
        "stage": application.stage,
        "stage_label": pipeline.label(application.stage),
        "tone": STAGE_TONES.get(pipeline.category(application.stage), "secondary"),
        "version": application.version,
        "allowed": [{"key": key, "label": pipeline.label(key)} for key in moves],
    }


def _problem(error: DomainError):
    messages = [message for field_messages in (error.errors or {}).values() for message in field_messages]
    body = {"type": error.type_slug, "message": " ".join([error.detail, *messages]), **error.extra}
    return jsonify(body), error.status


@bp.post("/applications/<int:application_id>/move")
@staff_required
def move(application_id: int):
    """Move a card: the board's menu, drag and drop (JSON) and the application page's buttons.

    A move that emails the candidate needs `confirm=1`; without it the answer
    shows the email (a page, or a 409 with `confirm` in JSON). A rejection
    needs a reason, so it goes to the reject form.
    """
    form = MoveForm()
    wants_json = _wants_json()
    application = applications.get_application(current_user, application_id)
    back, anchor = _back(form.next.data, application.id)
    to = (form.to.data or "").strip()
    if not form.validate_on_submit() or not to:
        if wants_json:
            return jsonify(type="bad-request", message="That move could not be read; reload the page."), 400
        flash("That move could not be read; reload the page and try again.", "danger")
        return redirect(back)
    version = form.version.data
    if to == "rejected" and current_user.role in EDITORS:
        reject_url = url_for("dashboard.reject", application_id=application.id, next=back)
        if wants_json:
            return jsonify(type="reason-required", message="A rejection needs a reason.", redirect=reject_url), 422
        return redirect(reject_url, 303)
    if request.form.get("confirm") != "1":
        email = board.email_for_move(current_user, application, to, expected_version=version)
        if email is not None:
            label = workflow.for_job(application.job).label(to)
            if wants_json:
                return jsonify(
                    type="confirm",
                    message=f"Moving {application.candidate.full_name} to {label} emails them.",
                    confirm={
                        "subject": email.subject,
                        "to_name": email.to_name,
                        "to_address": email.to_address,
                        "when": when_sent(email.delay_seconds),
                    },
                ), 409
            return render_template(
                "dashboard/confirm_move.html",
                application=application,
                to=to,
                to_label=label,
                email=email,
                when=when_sent(email.delay_seconds),
                version=application.version,
                back=back,
            )
    name = application.candidate.full_name
    try:
        result = board.move(current_user, application.id, to, expected_version=version)
    except (Conflict, ValidationFailed, Forbidden) as error:
        if wants_json:
            db.session.rollback()
            return _problem(error)
        if isinstance(error, Forbidden):
            raise
        flash_error(error)
        return redirect(back + anchor)
    moved = result.application
    message = f"{name} moved to {workflow.for_job(moved.job).label(moved.stage)}."
    undo_url = url_for("dashboard.undo_move", application_id=moved.id)
    if wants_json:
        offer = result.undo
        return jsonify(
            message=message,
            application=_card_json(moved),
            from_stage=result.from_stage,
            undo={"url": undo_url, "change_id": offer.change_id} if offer else None,
        )
    if result.undo is not None:
        flash(
            {"text": message, "url": undo_url, "change_id": result.undo.change_id, "next": back},
            "undo",
        )
    else:
        flash(message, "success")
    return redirect(back + anchor)


@bp.post("/applications/<int:application_id>/undo")
@staff_required
def undo_move(application_id: int):
    """Take back your last move of this application, within the undo window."""
    form = UndoForm()
    wants_json = _wants_json()
    application = applications.get_application(current_user, application_id)
    back, anchor = _back(form.next.data, application.id)
    if not form.validate_on_submit():
        if wants_json:
            return jsonify(type="bad-request", message="That undo could not be read; reload the page."), 400
        flash("That undo could not be read; reload the page and try again.", "danger")
        return redirect(back)
    if current_user.role not in EDITORS:
        abort(403, description="Only recruiters and admins can undo moves.")
    from_stage = application.stage
    try:
        undone = undo.undo_move(current_user, application.id, change_id=form.change_id.data)
    except (Conflict, Forbidden) as error:
        if wants_json:
            db.session.rollback()
            return _problem(error)
        flash_error(error)
        return redirect(back + anchor)
    message = f"Undone: {undone.candidate.full_name} is back in {workflow.for_job(undone.job).label(undone.stage)}."
    if wants_json:
        return jsonify(message=message, application=_card_json(undone), from_stage=from_stage)
    flash(message, "success")
    return redirect(back + anchor)
