"""Interview pages: an application's interviews (schedule, change, cancel), a job's interview plan,
the staff member's own interviews and their private calendar link."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.errors import DomainError, ValidationFailed
from app.services import applications, calendar_feeds, interview_plans, interviews
from app.services.access import EDITORS
from app.services.interview_invites import local_time
from app.web.dashboard import bp
from app.web.dashboard.interview_forms import (
    ZONES,
    CancelInterviewForm,
    FeedForm,
    InterviewForm,
    PlanStepForm,
    RemoveStepForm,
    parse_scorecard,
    scorecard_text,
)
from app.web.formtools import flash_error, show_errors
from app.web.login import staff_required

RENAME = {"starts_at": "start", "ends_at": "end", "kind_id": "kind_id"}


def _choices(form: InterviewForm, staff, kinds) -> None:
    form.kind_id.choices = [SelectChoice(0, "None")] + [
        SelectChoice(k.id, f"{k.name} ({k.duration_minutes} min)") for k in kinds
    ]
    form.interviewer_ids.choices = [SelectChoice(u.id, u.full_name) for u in staff]
    if form.timezone.data and form.timezone.data not in ZONES:
        form.timezone.choices = [*form.timezone.choices, SelectChoice(form.timezone.data, form.timezone.data)]


def _fields(form: InterviewForm) -> dict:
    day = form.date.data
    start = datetime.combine(day, form.start.data).isoformat() if day and form.start.data else None
    end = datetime.combine(day, form.end.data).isoformat() if day and form.end.data else None
    return {
        "starts_at": start,
        "ends_at": end,
        "timezone": form.timezone.data,
        "title": form.title.data or None,
        "interviewer_ids": list(form.interviewer_ids.data or []) or None,
        "location": form.location.data or None,
        "video_url": form.video_url.data or None,
        "notes": form.notes.data or None,
    }


def _page(application, form: InterviewForm, status: int = 200):
    found = interviews.list_for_application(current_user, application)
    kinds = interview_plans.plan_of(application.job_id)
    staff = interviews.company_staff(current_user)
    _choices(form, staff, kinds)
    people = interviews.people({i for interview in found for i in interview.interviewer_ids})
    return render_template(
        "dashboard/interviews_application.html",
        application=application,
        interviews=[(i, local_time(i)) for i in found],
        people=people,
        form=form,
        cancel_form=CancelInterviewForm(formdata=None),
        can_edit=current_user.role in EDITORS,
    ), status


@bp.get("/applications/<int:application_id>/interviews")
@staff_required
def application_interviews(application_id: int):
    application = applications.get_application(current_user, application_id)
    return _page(application, InterviewForm(formdata=None))


@bp.post("/applications/<int:application_id>/interviews")
@staff_required
def schedule_interview(application_id: int):
    application = applications.get_application(current_user, application_id)
    form = InterviewForm()
    if form.validate_on_submit():
        fields = _fields(form)
        if not fields["interviewer_ids"] and form.kind_id.data:
            fields.pop("interviewer_ids")
        try:
            interviews.schedule(current_user, application_id, kind_id=form.kind_id.data or None, **fields)
        except (ValidationFailed, DomainError) as error:
            if error.status in (403, 404):
                raise
            if error.status == 409:
                flash_error(error)
            else:
                show_errors(form, error, RENAME)
        else:
            flash("The interview is scheduled; the invites are on their way.", "success")
            return redirect(url_for("dashboard.application_interviews", application_id=application_id))
    return _page(application, form, 422)


@bp.route("/interviews/<int:interview_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_interview(interview_id: int):
    interview = interviews.get_interview(current_user, interview_id)
    if current_user.role not in EDITORS:
        abort(403, description="Recruiters and admins change interviews.")
    if request.method == "GET":
        times = local_time(interview)
        local = interview.starts_at.astimezone(ZoneInfo(interview.timezone))
        end = interview.ends_at.astimezone(local.tzinfo)
        form = InterviewForm(
            formdata=None,
            title=interview.title,
            date=local.date(),
            start=local.time(),
            end=end.time(),
            timezone=times["zone"],
            interviewer_ids=interview.interviewer_ids,
            location=interview.location,
            video_url=interview.video_url,
            notes=interview.notes,
        )
    else:
        form = InterviewForm()
    form.submit.label.text = "Save and send the update"
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            fields = {k: v for k, v in _fields(form).items() if k != "title" or v}
            fields = {
                k: ("" if v is None and k in ("location", "video_url", "notes") else v) for k, v in fields.items()
            }
            if fields.get("ends_at") is None:
                fields.pop("ends_at", None)
            try:
                interviews.reschedule(current_user, interview_id, fields)
            except (ValidationFailed, DomainError) as error:
                if error.status in (403, 404):
                    raise
                if error.status == 409:
                    flash_error(error)
                else:
                    show_errors(form, error, RENAME)
            else:
                flash("The interview is changed.", "success")
                return redirect(url_for("dashboard.application_interviews", application_id=interview.application_id))
    _choices(form, interviews.company_staff(current_user), [])
    return render_template("dashboard/interview_edit.html", interview=interview, form=form), status


@bp.post("/interviews/<int:interview_id>/cancel")
@staff_required
def cancel_interview(interview_id: int):
    interview = interviews.get_interview(current_user, interview_id)
    form = CancelInterviewForm()
    if form.validate_on_submit():
        try:
            interviews.cancel(current_user, interview_id, reason=form.reason.data or None)
        except (ValidationFailed, DomainError) as error:
            if error.status in (403, 404):
                raise
            flash_error(error)
        else:
            flash("The interview is cancelled; everyone is told.", "success")
    else:
        flash("The form expired: try again.", "danger")
    return redirect(url_for("dashboard.application_interviews", application_id=interview.application_id))


def _step_of(kind) -> dict:
    return {
        "id": kind.id,
        "name": kind.name,
        "stage": kind.stage,
        "duration_minutes": kind.duration_minutes,
        "location": kind.location,
        "video_url": kind.video_url,
        "default_interviewer_ids": list(kind.default_interviewer_ids or []),
        "scorecard": kind.scorecard or [],
    }


def _plan_page(job, kinds, new_form: PlanStepForm, forms: dict | None = None, status: int = 200):
    forms = forms or {}
    rows = [
        (
            kind,
            forms.get(kind.id)
            or PlanStepForm(
                formdata=None,
                step_id=kind.id,
                name=kind.name,
                duration_minutes=kind.duration_minutes,
                scorecard=scorecard_text(kind.scorecard),
                prefix=f"s{kind.id}",
            ),
        )
        for kind in kinds
    ]
    return render_template(
        "dashboard/interview_plan.html",
        job=job,
        rows=rows,
        new_form=new_form,
        remove_form=RemoveStepForm(formdata=None),
        can_edit=current_user.role in EDITORS,
    ), status


@bp.get("/jobs/<int:job_id>/interview-plan")
@staff_required
def interview_plan(job_id: int):
    job, kinds = interview_plans.get_plan(current_user, job_id)
    return _plan_page(job, kinds, PlanStepForm(formdata=None, prefix="new"))


@bp.post("/jobs/<int:job_id>/interview-plan")
@staff_required
def save_plan_step(job_id: int):
    """Save one step (a new one, or the one named by its id) and keep the others as they are."""
    job, kinds = interview_plans.get_plan(current_user, job_id)
    prefix = request.form.get("prefix", "new")
    if prefix != "new" and not (prefix[1:].isdigit() and prefix.startswith("s")):
        abort(400)
    form = PlanStepForm(prefix=prefix)
    forms = {} if prefix == "new" else {int(prefix[1:]): form}
    new_form = form if prefix == "new" else PlanStepForm(formdata=None, prefix="new")
    if form.validate_on_submit():
        steps = [_step_of(k) for k in kinds]
        step = {"name": form.name.data, "duration_minutes": form.duration_minutes.data,
                "scorecard": parse_scorecard(form.scorecard.data)}  # fmt: skip
        index = None
        if prefix != "new":
            index = next((n for n, s in enumerate(steps) if s["id"] == int(prefix[1:])), None)
            if index is None:
                abort(404)
            steps[index] |= step
        else:
            steps.append(step)
            index = len(steps) - 1
        try:
            interview_plans.set_plan(current_user, job_id, steps)
        except (ValidationFailed, DomainError) as error:
            if error.status in (403, 404):
                raise
            mine = f"steps[{index}]."
            errors = {}
            for name, messages in (error.errors or {}).items():
                key = name.removeprefix(mine).split("[", 1)[0].split(".", 1)[0] if name.startswith(mine) else name
                errors.setdefault(key, []).extend(messages)
            show_errors(form, ValidationFailed(error.detail if hasattr(error, "detail") else str(error), errors=errors))
        else:
            flash("The interview plan is saved.", "success")
            return redirect(url_for("dashboard.interview_plan", job_id=job_id))
    return _plan_page(job, interview_plans.plan_of(job.id), new_form, forms, 422)


@bp.post("/jobs/<int:job_id>/interview-plan/remove")
@staff_required
def remove_plan_step(job_id: int):
    _job, kinds = interview_plans.get_plan(current_user, job_id)
    form = RemoveStepForm()
    if form.validate_on_submit():
        steps = [_step_of(k) for k in kinds if k.id != form.step_id.data]
        try:
            interview_plans.set_plan(current_user, job_id, steps)
        except DomainError as error:
            if error.status in (403, 404):
                raise
            flash_error(error)
        else:
            flash("The step is removed.", "success")
    return redirect(url_for("dashboard.interview_plan", job_id=job_id))


@bp.get("/interviews")
@staff_required
def my_interviews():
    try:
        page = interviews.upcoming_for(current_user, limit=50, cursor=request.args.get("cursor") or None)
    except ValidationFailed:
        abort(404)
    people = interviews.people({i for interview in page.items for i in interview.interviewer_ids})
    return render_template(
        "dashboard/my_interviews.html",
        page=page,
        rows=[(i, local_time(i)) for i in page.items],
        people=people,
        feed_form=FeedForm(formdata=None),
        has_feed=calendar_feeds.has_feed(current_user),
        feed_url=None,
    )


@bp.post("/interviews/calendar-feed")
@staff_required
def make_calendar_feed():
    form = FeedForm()
    if not form.validate_on_submit():
        flash("The form expired: try again.", "danger")
        return redirect(url_for("dashboard.my_interviews"))
    token = calendar_feeds.create(current_user)
    page = interviews.upcoming_for(current_user, limit=50)
    people = interviews.people({i for interview in page.items for i in interview.interviewer_ids})
    # Shown this once, on this page; only its hash is kept.
    return render_template(
        "dashboard/my_interviews.html",
        page=page,
        rows=[(i, local_time(i)) for i in page.items],
        people=people,
        feed_form=FeedForm(formdata=None),
        has_feed=True,
        feed_url=f"{current_app.config['BASE_URL'].rstrip('/')}/calendar/{token}.ics",
    )


@bp.post("/interviews/calendar-feed/revoke")
@staff_required
def revoke_calendar_feed():
    if FeedForm().validate_on_submit():
        calendar_feeds.revoke(current_user)
        flash("Your calendar link no longer works.", "success")
    return redirect(url_for("dashboard.my_interviews"))
