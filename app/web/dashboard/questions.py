"""A job's application questions in the dashboard: list, add, edit, reorder, delete.

Every change is a plain form post (reordering included), so the editor works
without JavaScript. Hiring managers see the questions; recruiters and admins
change them (the service says so).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app.errors import ValidationFailed
from app.services import questions, reports
from app.services.access import EDITORS, require_role
from app.web.dashboard import bp
from app.web.dashboard.question_forms import QuestionForm, QuestionMoveForm
from app.web.formtools import show_errors
from app.web.login import staff_required

RENAME = {"knockout": "knockout_op"}


def _list_page(job_id: int, form: QuestionForm | None = None, status: int = 200):
    job = reports.company_job(current_user, job_id)
    can_edit = current_user.role in EDITORS
    return render_template(
        "dashboard/questions.html",
        job=job,
        questions=questions.list_questions(current_user, job.id),
        form=(form or QuestionForm()) if can_edit else None,
        can_edit=can_edit,
        max_questions=questions.MAX_QUESTIONS,
        kind_labels=questions.KIND_LABELS,
        rule_text=questions.rule_text,
    ), status


@bp.get("/jobs/<int:job_id>/questions")
@staff_required
def questions_page(job_id: int):
    return _list_page(job_id)


@bp.post("/jobs/<int:job_id>/questions")
@staff_required
def add_question(job_id: int):
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            question = questions.add_question(current_user, job_id, form.spec())
        except ValidationFailed as error:
            show_errors(form, error, rename=RENAME)
        else:
            flash(f"“{question.label}” is added.", "success")
            return redirect(url_for("dashboard.questions_page", job_id=job_id, _anchor=f"question-{question.id}"))
    return _list_page(job_id, form, 422)


@bp.route("/jobs/<int:job_id>/questions/<int:question_id>", methods=["GET", "POST"])
@staff_required
def edit_question(job_id: int, question_id: int):
    question = questions.get_question(current_user, job_id, question_id)
    require_role(current_user, *EDITORS, action="change a job's questions")
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            questions.update_question(current_user, job_id, question_id, form.spec())
        except ValidationFailed as error:
            show_errors(form, error, rename=RENAME)
        else:
            flash("The question is saved.", "success")
            return redirect(url_for("dashboard.questions_page", job_id=job_id, _anchor=f"question-{question_id}"))
    elif not form.is_submitted():
        form.fill(question)
    job = reports.company_job(current_user, job_id)
    page = render_template("dashboard/question_form.html", job=job, question_id=question_id, form=form)
    return page, 422 if form.errors or form.form_errors else 200


@bp.post("/jobs/<int:job_id>/questions/<int:question_id>/move")
@staff_required
def move_question(job_id: int, question_id: int):
    form = QuestionMoveForm()
    if form.validate_on_submit() and form.direction.data in ("up", "down"):
        questions.move_question(current_user, job_id, question_id, -1 if form.direction.data == "up" else 1)
    else:
        flash("That move could not be read; reload the page and try again.", "danger")
    return redirect(url_for("dashboard.questions_page", job_id=job_id, _anchor=f"question-{question_id}"))


@bp.post("/jobs/<int:job_id>/questions/<int:question_id>/delete")
@staff_required
def delete_question(job_id: int, question_id: int):
    form = QuestionMoveForm()
    if form.validate_on_submit():
        questions.delete_question(current_user, job_id, question_id)
        flash("The question is deleted; answers already given keep it as it was asked.", "success")
    else:
        flash("That request could not be read; reload the page and try again.", "danger")
    return redirect(url_for("dashboard.questions_page", job_id=job_id))


@bp.app_template_filter("answer_text")
def answer_text(value) -> str:
    """An answer as people read it: Yes/No, options joined by commas."""
    return questions.display_value(value)
