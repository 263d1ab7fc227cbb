from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from app.errors import Conflict, TooManyRequests, ValidationFailed
from app.public_cache import cached_for_anonymous
from app.services import applications, applying, companies, jobs, privacy, questions
from app.services.candidates import CandidateDetails
from app.services.resumes import ResumeUpload
from app.web.formtools import flash_error, show_errors
from app.web.jobs import bp
from app.web.jobs.answers import AnswersForm, answers_form, raw_answers, show_answer_errors
from app.web.jobs.forms import ApplyForm, BoardFilters


def _viewer():
    return current_user._get_current_object() if current_user.is_authenticated else None


@bp.get("/")
@cached_for_anonymous("jobs")
def board():
    filters = BoardFilters(request.args)
    valid = filters.validate()
    page = jobs.list_jobs(None, cursor=request.args.get("cursor"), **filters.service_filters())
    next_url = url_for("jobs.board", cursor=page.next_cursor, **filters.query_args()) if page.next_cursor else None
    first_page = not request.args.get("cursor")
    return render_template("jobs/board.html", page=page, filters=filters, next_url=next_url, first_page=first_page), (
        200 if valid else 422
    )


@bp.get("/jobs/<int:job_id>")
@cached_for_anonymous("jobs")
def job(job_id: int):
    """Open and closed jobs (a closed one says so, and has no apply form); drafts only for their company."""
    return _job_page(jobs.get_job_page(_viewer(), job_id))


def _job_page(job, form: ApplyForm | None = None, status: int = 200, answers: AnswersForm | None = None):
    """The job page; only a signed-in candidate gets the apply form inline (and their application, if any).

    Anyone else gets a link to the apply page: a form's CSRF token would start a
    stored session for every anonymous visitor (and every crawler), and the page
    is kept for them as it is.
    """
    existing = None
    if current_user.is_authenticated and current_user.is_candidate:
        existing = next(iter(applications.list_applications(current_user, job_id=job.id, limit=1).items), None)
        if form is None:
            form = _prefilled(ApplyForm())
    if form is not None and answers is None and existing is None and job.is_open:  # the form is shown
        answers = answers_form(questions.job_with_questions(job.id)[1])
    return render_template("jobs/job.html", job=job, form=form, existing=existing, answers_form=answers), status


CAMPAIGN = ("utm_source", "utm_medium", "utm_campaign")


def _prefilled(form: ApplyForm) -> ApplyForm:
    """A signed-in candidate's name and email; the campaign and referring site the visitor came with."""
    if current_user.is_authenticated and current_user.is_candidate:
        form.full_name.data = form.full_name.data or current_user.full_name
        form.email.data = current_user.email
    for name in CAMPAIGN:
        if not form[name].data and request.args.get(name):
            form[name].data = request.args.get(name, "")[:200]
    if not form.referrer.data:
        form.referrer.data = applying.referrer_host(request.referrer, own_host=request.host) or ""
    return form


@bp.get("/jobs/<int:job_id>/apply")
def apply_form(job_id: int):
    """The apply page: one form, no account needed."""
    job = jobs.get_job(_viewer(), job_id)
    if current_user.is_authenticated and current_user.is_staff:
        return _job_page(job)
    return _apply_page(job, _prefilled(ApplyForm()))


def _apply_page(job, form: ApplyForm, status: int = 200, answers: AnswersForm | None = None):
    notice = privacy.current_notice(job.company_id, job.company.name)
    if answers is None and job.is_open:
        answers = answers_form(questions.job_with_questions(job.id)[1])
    return render_template("jobs/apply.html", job=job, form=form, notice=notice, answers_form=answers), status


@bp.post("/jobs/<int:job_id>/apply")
def apply(job_id: int):
    form = ApplyForm()
    if current_user.is_authenticated and not current_user.is_candidate:
        abort(403, description="Staff accounts cannot apply to jobs; add people from the job's pipeline.")
    # The job, its company's staff and its questions, read once: the service below finds them kept.
    job = applying.job_for_applying(job_id, _viewer())
    answers = answers_form(job.questions, request.form)
    if not form.validate_on_submit():
        try:  # the answers' problems too, all at once
            questions.validate_answers(job, raw_answers(answers), questions=job.questions)
        except ValidationFailed as error:
            show_answer_errors(answers, error)
        return _refused(job_id, form, answers=answers)
    upload = form.resume.data if isinstance(form.resume.data, FileStorage) and form.resume.data.filename else None
    origin = applying.origin_from(
        default="careers_page",
        utm_source=form.utm_source.data,
        utm_medium=form.utm_medium.data,
        utm_campaign=form.utm_campaign.data,
        referrer=form.referrer.data,
        own_host=request.host,
        ip=request.remote_addr,
    )
    try:
        submission = applying.submit(
            _viewer(),
            job_id,
            details=CandidateDetails(full_name=form.full_name.data, email=form.email.data, phone=form.phone.data),
            cover_letter=form.cover_letter.data,
            resume=ResumeUpload(filename=upload.filename or "resume", data=upload.read()) if upload else None,
            resume_required=True,
            answers=raw_answers(answers),
            consent=form.consent.data,
            origin=origin,
            trap=form.website.data,
        )
    except (ValidationFailed, TooManyRequests) as error:
        error.errors = show_answer_errors(answers, error)  # the answers' go beside their questions
        show_errors(form, error, rename={"form": "email"})
        return _refused(job_id, form, error.status, answers=answers)
    except Conflict as error:
        # The service says which: already applied, or the job closed meanwhile.
        flash_error(error)
        mine = applications.list_applications(current_user, job_id=job_id, limit=1).items
        if mine:
            return redirect(url_for("candidate.application", application_id=mine[0].id))
        return redirect(url_for("jobs.board"))
    if submission.visible:
        title = submission.application.job.title
        flash(f"Your application for {title} is on its way. You can follow it here.", "success")
        return redirect(url_for("candidate.application", application_id=submission.application.id))
    # The same answer whatever happened: the email says whether it is new.
    return redirect(url_for("jobs.applied", job_id=job_id))


def _refused(job_id: int, form: ApplyForm, status: int = 422, answers: AnswersForm | None = None):
    """The form again, as typed, with the reasons beside the fields; a browser cannot keep the file."""
    if not form.resume.errors:
        form.resume.errors = ["Choose your resume file again: browsers do not keep it."]
    return _apply_page(jobs.get_job(_viewer(), job_id), form, status, answers)


@bp.get("/jobs/<int:job_id>/applied")
def applied(job_id: int):
    return render_template("jobs/applied.html", job=jobs.get_job(_viewer(), job_id))


@bp.get("/companies/<slug>")
@cached_for_anonymous("jobs")
def company(slug: str):
    company = companies.get_company_by_slug(slug)
    page = jobs.list_jobs(None, company_id=company.id, cursor=request.args.get("cursor"))
    next_url = url_for("jobs.company", slug=slug, cursor=page.next_cursor) if page.next_cursor else None
    return render_template("jobs/company.html", company=company, page=page, next_url=next_url)
