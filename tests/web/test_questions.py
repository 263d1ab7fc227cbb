"""Application questions in the browser: the editor, the apply form, flags on the board and the application page."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from app.extensions import db
from app.models import Application, ApplicationAnswer
from app.services import applications, questions
from tests.plugins.statements import APPLY_BUDGET, BUDGET
from tests.web.conftest import PDF, csrf, login, post

PERMIT = {
    "kind": "yes_no",
    "label": "Do you have a work permit?",
    "required": True,
    "knockout": {"op": "is", "value": False},
}
YEARS = {"kind": "number", "label": "Years of experience", "help_text": "Whole years, please."}
LANGS = {"kind": "multiple_choice", "label": "Languages", "options": ["Python", "Go"], "required": True}
START = {"kind": "date", "label": "Earliest start"}


def _set(world, *specs) -> list:
    made = questions.replace_questions(world.recruiter, world.job.id, list(specs))
    db.session.commit()
    return made


def _question_form(**fields) -> dict:
    return {"kind": "short_text", "label": "", "help_text": "", "options": "", "knockout_op": "", "knockout_value": "",
            **fields}  # fmt: skip


# -- The editor ------------------------------------------------------------------------------------


def test_recruiter_adds_edits_reorders_and_deletes_questions_without_javascript(world, as_user):
    client = as_user(world.recruiter)
    base = f"/dashboard/jobs/{world.job.id}/questions"
    assert "No questions yet" in client.get(base).get_data(as_text=True)
    added = post(
        client,
        base,
        _question_form(kind="yes_no", label="Work permit?", required="y", knockout_op="is", knockout_value="No"),
    )
    assert added.status_code == 302
    post(client, base, _question_form(kind="single_choice", label="Shift", options="Day\nNight\n"))
    post(client, base, _question_form(kind="number", label="Years", knockout_op="below", knockout_value="2,5"))
    permit, shift, years = questions.questions_of(world.job.id)
    assert (permit.required, permit.knockout) == (True, {"op": "is", "value": False})
    assert shift.options == ["Day", "Night"] and years.knockout == {"op": "below", "value": 2.5}
    page = client.get(base).get_data(as_text=True)
    assert "Flags when: Answer is No" in page and "Flags when: Answer is below 2.5" in page
    assert "<script" not in page.split("</nav>", 1)[1].split("</main>")[0]
    # Reorder with plain buttons.
    assert post(client, f"{base}/{years.id}/move", {"direction": "up"}).status_code == 302
    assert post(client, f"{base}/{permit.id}/move", {"direction": "down"}).status_code == 302
    db.session.expire_all()
    assert [q.label for q in questions.questions_of(world.job.id)] == ["Years", "Work permit?", "Shift"]
    # Edit: the form shows the stored question; saving changes it.
    edit = client.get(f"{base}/{shift.id}").get_data(as_text=True)
    assert "Day\nNight</textarea>" in edit
    saved = post(client, f"{base}/{shift.id}", _question_form(kind="single_choice", label="Shift?", options="Day"))
    assert saved.status_code == 302
    assert post(client, f"{base}/{years.id}/delete").status_code == 302
    db.session.expire_all()
    assert [(q.label, q.options) for q in questions.questions_of(world.job.id)] == [
        ("Work permit?", []),
        ("Shift?", ["Day"]),
    ]


def test_editor_errors_are_shown_beside_the_fields_with_input_kept(world, as_user):
    client = as_user(world.recruiter)
    base = f"/dashboard/jobs/{world.job.id}/questions"
    response = post(
        client,
        base,
        _question_form(kind="single_choice", label="Pick <b>one</b>", knockout_op="below", knockout_value="3"),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="options-error"[^>]*>List at least one option\.', html)
    assert re.search(r'id="knockout_op-error"[^>]*>For this kind of question the rule is one of: any_of\.', html)
    assert 'value="Pick &lt;b&gt;one&lt;/b&gt;"' in html
    response = post(client, base, _question_form(label="x" * 301))
    assert re.search(r'id="label-error"[^>]*>Must be at most 300 characters\.', response.get_data(as_text=True))
    assert questions.questions_of(world.job.id) == []


def test_hiring_managers_read_only_and_other_companies_get_404(world, as_user, app):
    (permit,) = _set(world, PERMIT)
    base = f"/dashboard/jobs/{world.job.id}/questions"
    manager = as_user(world.hiring_manager)
    page = manager.get(base)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Do you have a work permit?" in html and "Add a question" not in html and "/move" not in html
    assert post(manager, base, _question_form(label="Sneaky")).status_code == 403
    assert manager.get(f"{base}/{permit.id}").status_code == 403
    assert post(manager, f"{base}/{permit.id}/delete").status_code == 403
    outsider = app.test_client()
    login(outsider, world.other_recruiter)
    for response in (
        outsider.get(base),
        post(outsider, base, _question_form(label="Sneaky")),
        outsider.get(f"{base}/{permit.id}"),
        post(outsider, f"{base}/{permit.id}/move", {"direction": "down"}),
        post(outsider, f"{base}/{permit.id}/delete"),
    ):
        assert response.status_code == 404
    other_job = f"/dashboard/jobs/{world.other_job.id}/questions/{permit.id}"
    assert as_user(world.recruiter).get(other_job).status_code == 404
    assert [q.label for q in questions.questions_of(world.job.id)] == ["Do you have a work permit?"]


def test_editor_posts_need_csrf(world, as_user):
    client = as_user(world.recruiter)
    response = client.post(f"/dashboard/jobs/{world.job.id}/questions", data=_question_form(label="No token"))
    assert response.status_code == 400
    assert questions.questions_of(world.job.id) == []


# -- The apply form --------------------------------------------------------------------------------


def _apply(client, job_id: int, answers: dict, with_resume: bool = True):
    data = {"csrf_token": csrf(client, f"/jobs/{job_id}"), "cover_letter": "Hello", "consent": "y", **answers}
    if with_resume:
        data["resume"] = (io.BytesIO(PDF), "cv.pdf")
    return client.post(f"/jobs/{job_id}/apply", data=data, content_type="multipart/form-data")


def test_the_apply_form_asks_the_questions_and_keeps_answers_on_a_refusal(world, factory, as_user):
    permit, years, langs, start = _set(world, PERMIT, YEARS, LANGS, START)
    client = as_user(factory.candidate("Dana Doer"))
    html = client.get(f"/jobs/{world.job.id}").get_data(as_text=True)
    assert "Do you have a work permit?" in html and "Whole years, please." in html
    assert f'name="answers-q{langs.id}" type="checkbox" value="Go"' in html
    assert re.search(
        rf'name="answers-q{years.id}"[^>]*type="number"|type="number"[^>]*name="answers-q{years.id}"', html
    )
    assert "Answer is" not in html  # knockout rules stay with the staff
    typed = {f"answers-q{years.id}": "ten", f"answers-q{langs.id}": "Go", f"answers-q{start.id}": "2027-02-30"}
    refused = _apply(client, world.job.id, typed, with_resume=False)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert re.search(rf'id="answers-q{permit.id}-error"[^>]*>This question is required\.', html)
    assert re.search(rf'id="answers-q{years.id}-error"[^>]*>Must be a number\.', html)
    assert re.search(rf'id="answers-q{start.id}-error"[^>]*>Must be a date', html)
    assert "Attach your resume" in html  # the form's own errors too, all at once
    assert 'value="ten"' in html and re.search(r'checked[^>]*value="Go"|value="Go"[^>]*checked', html)
    assert (
        db.session.scalar(
            select(Application).where(Application.job_id == world.job.id, Application.id != world.application.id)
        )
        is None
    )
    # The service's refusal (after the form's own checks) lands beside the fields too.
    refused = _apply(client, world.job.id, {f"answers-q{permit.id}": "no", f"answers-q{years.id}": "1e999"})
    assert refused.status_code == 422
    assert re.search(
        rf'id="answers-q{langs.id}-error"[^>]*>This question is required\.', refused.get_data(as_text=True)
    )
    done = _apply(
        client,
        world.job.id,
        {f"answers-q{permit.id}": "no", f"answers-q{years.id}": "1,5", f"answers-q{langs.id}": ["Go", "Python"]},
    )
    assert done.status_code == 302, done.get_data(as_text=True)
    rows = list(db.session.scalars(select(ApplicationAnswer).order_by(ApplicationAnswer.position)))
    assert [(r.label, r.value, r.flag) for r in rows] == [
        ("Do you have a work permit?", False, "Answer is No"),
        ("Years of experience", 1.5, None),
        ("Languages", ["Python", "Go"], None),
    ]
    application = db.session.get(Application, rows[0].application_id)
    assert application.stage == "applied"  # flagged, never rejected


# -- Flags and answers for the staff ---------------------------------------------------------------


def _flagged_world(world, factory, n: int):
    (permit,) = _set(world, PERMIT)
    made = []
    for i in range(n):
        candidate = factory.candidate(f"Flagged <i>{i}</i>")
        made.append(applications.apply(candidate, world.job.id, answers={permit.id: False}, consent=True).id)
    clear = applications.apply(factory.candidate("Clear Carl"), world.job.id, answers={permit.id: True}, consent=True)
    db.session.commit()
    return made, clear.id


def test_the_board_shows_flags_and_filters_to_flagged(world, factory, as_user):
    _flagged_world(world, factory, 2)
    client = as_user(world.hiring_manager)
    board = client.get(f"/dashboard/jobs/{world.job.id}").get_data(as_text=True)
    assert board.count("Do you have a work permit?: Answer is No") == 2
    assert "Flagged &lt;i&gt;0&lt;/i&gt;" in board and "Clear Carl" in board and "Cara Candidate" in board
    only = client.get(f"/dashboard/jobs/{world.job.id}?flagged=1").get_data(as_text=True)
    assert "Clear Carl" not in only and "Cara Candidate" not in only
    assert only.count('class="board-card"') == 2
    assert 'name="flagged" value="1" checked' in only  # the filter form shows it on
    assert re.search(r"Applied <span[^>]*>2</span>", only)
    one_stage = client.get(f"/dashboard/jobs/{world.job.id}?flagged=1&stage=applied").get_data(as_text=True)
    assert one_stage.count('class="board-card"') == 2


def test_the_board_reads_flags_in_one_statement_whatever_their_number(world, factory, as_user, count_statements):
    client = as_user(world.recruiter)
    _flagged_world(world, factory, 1)
    with count_statements() as few:
        assert client.get(f"/dashboard/jobs/{world.job.id}").status_code == 200
    (permit,) = questions.questions_of(world.job.id)
    for i in range(8):
        applications.apply(factory.candidate(f"More {i}"), world.job.id, answers={permit.id: False}, consent=True)
    db.session.commit()
    with count_statements() as many:
        html = client.get(f"/dashboard/jobs/{world.job.id}").get_data(as_text=True)
    assert html.count("Answer is No") == 9
    assert many.count == few.count <= BUDGET, many.report()
    with count_statements() as filtered:
        assert client.get(f"/dashboard/jobs/{world.job.id}?flagged=1").status_code == 200
    assert filtered.count <= BUDGET, filtered.report()


def test_the_application_page_shows_answers_and_flags_escaped(world, factory, as_user):
    (permit, note) = _set(world, PERMIT, {"kind": "long_text", "label": "Anything <else>?"})
    candidate = factory.candidate()
    application = applications.apply(
        candidate, world.job.id, answers={permit.id: False, note.id: "<b>hi</b>\nthere"}, consent=True
    )
    db.session.commit()
    html = as_user(world.hiring_manager).get(f"/dashboard/applications/{application.id}").get_data(as_text=True)
    assert "Flagged by 1 knockout rule" in html
    assert "Knockout rule matched: Answer is No" in html
    assert "Anything &lt;else&gt;?" in html and "&lt;b&gt;hi&lt;/b&gt;\nthere" in html
    plain = as_user(world.recruiter).get(f"/dashboard/applications/{world.application.id}").get_data(as_text=True)
    assert 'id="answers"' not in plain and "Flagged by" not in plain


# -- Speed -----------------------------------------------------------------------------------------

TWENTY = [
    {"kind": kind, "label": f"Question {n} ({kind})", "options": ["A", "B", "C"] if "choice" in kind else []}
    for n, kind in enumerate(
        ["short_text", "long_text", "yes_no", "single_choice", "multiple_choice", "number", "date"] * 3
    )
][:20]


def test_the_job_page_with_twenty_questions_stays_within_budget(world, factory, app, count_statements):
    _set(world, *TWENTY)
    job_id = world.job.id
    client = app.test_client()
    login(client, factory.candidate())
    db.session.remove()
    with count_statements() as log:
        html = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert html.count('data-question="q') == 20
    assert log.count <= BUDGET, log.report()
    assert sum("job_questions" in statement for statement in log.statements) == 1


def test_the_job_page_with_questions_is_kept_for_anonymous_visitors(redis_app, world, count_statements):
    _set(world, *TWENTY)
    job_id = world.job.id
    visitor = redis_app.test_client()
    first = visitor.get(f"/jobs/{job_id}")
    with count_statements() as log:
        second = visitor.get(f"/jobs/{job_id}")
    assert log.count == 0 and second.get_data() == first.get_data()
    assert "Set-Cookie" not in second.headers
    questions.replace_questions(world.recruiter, job_id, [])
    db.session.commit()
    with count_statements() as log:
        assert visitor.get(f"/jobs/{job_id}").status_code == 200
    assert log.count  # a change to the questions drops the kept page


def test_applying_with_twenty_answers_stays_within_budget(redis_app, world, factory, count_statements):
    asked = _set(world, *TWENTY)
    job_id = world.job.id
    typed = {}
    for question in asked:
        value = {"yes_no": "no", "number": "3", "date": "2027-01-01"}.get(question.kind, "A")
        typed[f"answers-q{question.id}"] = value
    client = redis_app.test_client()
    login(client, factory.candidate())
    data = {
        "csrf_token": csrf(client, f"/jobs/{job_id}"),
        "cover_letter": "Hi",
        "consent": "y",
        "resume": (io.BytesIO(PDF), "cv.pdf"),
    }
    db.session.remove()
    with count_statements() as log:
        response = client.post(f"/jobs/{job_id}/apply", data={**data, **typed}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert log.count <= APPLY_BUDGET, log.report()
    assert sum("job_questions" in statement for statement in log.statements) == 1
    assert db.session.scalar(select(func.count()).select_from(ApplicationAnswer)) == 20
