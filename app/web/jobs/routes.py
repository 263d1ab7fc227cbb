from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.errors import Conflict, ValidationFailed
from app.public_cache import cached_for_anonymous
from app.services import applications, companies, jobs, questions
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
    """The job page; only a signed-in candidate gets the apply form (and their application, if any).

    Anyone else gets no form: its CSRF token would start a stored session for
    every anonymous visitor (and every crawler).
    """
    existing = None
    if current_user.is_authenticated and current_user.is_candidate:
        existing = next(iter(applications.list_applications(current_user, job_id=job.id, limit=1).items), None)
        if form is None:
            form = ApplyForm()
    if form is not None and answers is None and existing is None and job.is_open:  # the form is shown
        answers = answers_form(questions.job_with_questions(job.id)[1])
    return render_template("jobs/job.html", job=job, form=form, existing=existing, answers_form=answers), status


@bp.post("/jobs/<int:job_id>/apply")
@login_required
def apply(job_id: int):
    form = ApplyForm()
    # The job and its questions, read once: apply() below finds them kept on the job.
    job, job_questions = questions.job_with_questions(job_id)
    answers = answers_form(job_questions, request.form)
    if not form.validate_on_submit():
        if job is not None:  # the answers' problems too, all at once
            try:
                questions.validate_answers(job, raw_answers(answers), questions=job_questions)
            except ValidationFailed as error:
                show_answer_errors(answers, error)
        return _job_page(jobs.get_job(_viewer(), job_id), form, 422, answers)
    upload = form.resume.data
    resume = ResumeUpload(filename=upload.filename or "resume", data=upload.read())
    try:
        application = applications.apply(
            current_user, job_id, cover_letter=form.cover_letter.data, resume=resume, answers=raw_answers(answers)
        )
    except ValidationFailed as error:
        rest = show_answer_errors(answers, error)
        show_errors(form, ValidationFailed(error.detail, errors=rest))
        return _job_page(jobs.get_job(_viewer(), job_id), form, 422, answers)
    except Conflict as error:
        # The service says which: already applied, or the job closed meanwhile.
        flash_error(error)
        mine = applications.list_applications(current_user, job_id=job_id, limit=1).items
        if mine:
            return redirect(url_for("candidate.application", application_id=mine[0].id))
        return redirect(url_for("jobs.board"))
    flash(f"Your application for {application.job.title} is on its way. You can follow it here.", "success")
    return redirect(url_for("candidate.application", application_id=application.id))


@bp.get("/companies/<slug>")
@cached_for_anonymous("jobs")
def company(slug: str):
    company = companies.get_company_by_slug(slug)
    page = jobs.list_jobs(None, company_id=company.id, cursor=request.args.get("cursor"))
    next_url = url_for("jobs.company", slug=slug, cursor=page.next_cursor) if page.next_cursor else None
    return render_template("jobs/company.html", company=company, page=page, next_url=next_url)
