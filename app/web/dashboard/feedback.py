"""Interview feedback in the dashboard: the interviewer's scorecard form, the application's feedback panel,
the board cards' counts, and a job's comparison. Who sees what is decided in app/services/feedback.py."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.errors import Conflict, ValidationFailed
from app.models import Application
from app.services import feedback, feedback_compare, interviews
from app.services import feedback_reminders as _reminders  # noqa: F401  (the periodic reminder task)
from app.web.dashboard import bp
from app.web.formtools import flash_error
from app.web.login import staff_required

NO_OPINION = "none"


def _read_form(interview) -> tuple[dict, str | None, str, int | None]:
    """The ratings as the service takes them: a missing choice stays missing, so it is named."""
    ratings: dict = {}
    for key in feedback.attribute_keys(interview.scorecard):
        raw = request.form.get(f"rating-{key}")
        if raw is None or raw == "":
            continue
        ratings[key] = None if raw == NO_OPINION else (int(raw) if raw.isdigit() and len(raw) == 1 else raw)
    version = request.form.get("version", "")
    return (
        ratings,
        request.form.get("recommendation") or None,
        request.form.get("notes", ""),
        int(version) if version.isdigit() and len(version) < 10 else None,
    )


@bp.route("/interviews/<int:interview_id>/feedback", methods=["GET", "POST"])
@staff_required
def interview_feedback(interview_id: int):
    """An interviewer's scorecard: every attribute 1-4 or no opinion, a recommendation, notes; amended later."""
    user = current_user._get_current_object()
    interview = interviews.get_interview(user, interview_id)
    if not interviews.is_interviewer(user, interview):
        abort(403, description="Only the interviewers of this interview can give feedback on it.")
    own = feedback.own_on(user, interview)
    errors: dict[str, list[str]] = {}
    typed = None
    if request.method == "POST":
        ratings, recommendation, notes, version = _read_form(interview)
        try:
            if own is None:
                feedback.submit(user, interview.id, ratings=ratings, recommendation=recommendation, notes=notes)
            else:
                feedback.amend(
                    user, interview.id, ratings=ratings, recommendation=recommendation, notes=notes, version=version
                )
        except ValidationFailed as error:
            errors = error.errors or {}
            typed = {"ratings": ratings, "recommendation": recommendation, "notes": notes}
        except Conflict as error:
            flash_error(error)
            return redirect(url_for("dashboard.interview_feedback", interview_id=interview.id))
        else:
            flash("Your feedback is saved." if own is None else "Your feedback is amended.", "success")
            return redirect(
                url_for("dashboard.application", application_id=interview.application_id, _anchor="feedback")
            )
    if typed is None:
        typed = {
            "ratings": dict(own.ratings) if own else {},
            "recommendation": own.recommendation if own else None,
            "notes": own.notes if own else "",
        }
    candidate_name, _job_id = feedback.application_title(interview.application_id)
    page = render_template(
        "dashboard/interview_feedback.html",
        interview=interview,
        candidate_name=candidate_name,
        groups=feedback.groups_of(interview.scorecard),
        scale=feedback.SCALE_LABELS,
        recommendations=feedback.RECOMMENDATION_LABELS,
        own=own,
        typed=typed,
        errors=errors,
        revisions=feedback.history(own) if own else [],
        no_opinion=NO_OPINION,
    )
    return page, 422 if errors else 200


@bp.app_template_global("feedback_panel")
def feedback_panel(application: Application) -> feedback.ApplicationFeedback:
    """The application page's feedback (its partial calls this): one statement."""
    return feedback.for_application_of(current_user._get_current_object(), application)


@bp.get("/jobs/<int:job_id>/scorecards")
@staff_required
def job_scorecards(job_id: int):
    """The job's candidates with feedback side by side, a keyset page at a time."""
    try:
        comparison = feedback_compare.job_comparison(
            current_user._get_current_object(), job_id, cursor=request.args.get("cursor") or None
        )
    except ValidationFailed:
        abort(404)
    return render_template(
        "dashboard/job_scorecards.html",
        comparison=comparison,
        recommendations=feedback.RECOMMENDATION_LABELS,
    )
