"""Application questions: the editor's rules, every kind of answer, knockout flags."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.models import Application, ApplicationAnswer, JobQuestion
from app.services import applications, questions

YES_NO = {
    "kind": "yes_no",
    "label": "Do you have a work permit?",
    "required": True,
    "knockout": {"op": "is", "value": False},
}
COLOURS = ["Red", "Green", "Blue"]


def spec(kind: str, **fields) -> dict:
    fields.setdefault("label", f"A {kind} question")
    if kind in ("single_choice", "multiple_choice"):
        fields.setdefault("options", COLOURS)
    return {"kind": kind, **fields}


@pytest.fixture
def tenant(factory):
    return factory.tenant()


def make(db, tenant, *specs) -> list:
    made = questions.replace_questions(tenant["recruiter"], tenant["job"].id, list(specs))
    db.session.commit()
    return made


def errors_of(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        call()
    return caught.value.errors


# -- The editor ------------------------------------------------------------------------------------


def test_replace_keeps_order_updates_by_id_and_deletes_the_rest(db, tenant):
    first, second, third = make(db, tenant, spec("short_text"), spec("number"), spec("date"))
    kept = questions.replace_questions(
        tenant["admin"],
        tenant["job"].id,
        [
            {"id": third.id, **spec("date", label="Start date")},
            spec("long_text"),
            {"id": first.id, **spec("short_text")},
        ],
    )
    db.session.commit()
    assert [q.id for q in kept][::2] == [third.id, first.id]
    listed = questions.list_questions(tenant["hiring_manager"], tenant["job"].id)
    assert [(q.kind, q.label, q.position) for q in listed] == [
        ("date", "Start date", 0),
        ("long_text", "A long_text question", 1),
        ("short_text", "A short_text question", 2),
    ]
    assert db.session.get(JobQuestion, second.id) is None


def test_question_fields_are_checked_together(db, tenant):
    errors = errors_of(
        lambda: questions.replace_questions(
            tenant["recruiter"],
            tenant["job"].id,
            [
                {"kind": "essay", "label": ""},
                spec("short_text", label="x" * 301, help_text="h" * 1001, options=["a"]),
                spec("single_choice", options=[]),
                spec("multiple_choice", options=[f"o{n}" for n in range(51)]),
                spec("single_choice", options=["A", "A"]),
                spec("long_text", knockout={"op": "is", "value": True}),
                spec("yes_no", knockout={"op": "is", "value": "no"}),
                spec("single_choice", knockout={"op": "any_of", "value": ["Purple"]}),
                spec("number", knockout={"op": "below", "value": "3"}),
                spec("date", knockout={"op": "after", "value": "2027-13-01"}),
                spec("number", knockout={"op": "is", "value": 3}),
                spec("yes_no", colour="red", required="yes"),
                {"id": 999999, **spec("date")},
            ],
        )
    )
    assert set(errors) == {
        "questions.0.kind",
        "questions.0.label",
        "questions.1.label",
        "questions.1.help_text",
        "questions.1.options",
        "questions.2.options",
        "questions.3.options",
        "questions.4.options",
        "questions.5.knockout",
        "questions.6.knockout",
        "questions.7.knockout",
        "questions.8.knockout",
        "questions.9.knockout",
        "questions.10.knockout",
        "questions.11.colour",
        "questions.11.required",
        "questions.12.id",
    }
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(JobQuestion)) == 0


def test_at_most_fifty_questions(db, tenant):
    errors = errors_of(
        lambda: questions.replace_questions(tenant["recruiter"], tenant["job"].id, [spec("short_text")] * 51)
    )
    assert "questions" in errors
    make(db, tenant, *[spec("short_text")] * 50)
    with pytest.raises(ValidationFailed):
        questions.add_question(tenant["recruiter"], tenant["job"].id, spec("number"))


def test_hiring_managers_read_but_do_not_edit_and_other_companies_see_nothing(db, tenant, factory):
    make(db, tenant, spec("number"))
    with pytest.raises(Forbidden):
        questions.replace_questions(tenant["hiring_manager"], tenant["job"].id, [])
    with pytest.raises(Forbidden):
        questions.add_question(tenant["hiring_manager"], tenant["job"].id, spec("date"))
    other_company, other_admin = factory.company()
    outsider = factory.staff(other_company, other_admin, "recruiter")
    for call in (
        lambda: questions.list_questions(outsider, tenant["job"].id),
        lambda: questions.replace_questions(outsider, tenant["job"].id, []),
        lambda: questions.list_questions(factory.candidate(), tenant["job"].id),
    ):
        with pytest.raises(NotFound):
            call()
    assert len(questions.list_questions(tenant["hiring_manager"], tenant["job"].id)) == 1


def test_add_update_move_and_delete_one_question(db, tenant):
    job_id = tenant["job"].id
    a = questions.add_question(tenant["recruiter"], job_id, spec("short_text", label="A"))
    b = questions.add_question(tenant["recruiter"], job_id, spec("number", label="B"))
    c = questions.add_question(tenant["recruiter"], job_id, spec("date", label="C"))
    questions.move_question(tenant["recruiter"], job_id, c.id, -1)
    assert [q.label for q in questions.questions_of(job_id)] == ["A", "C", "B"]
    questions.move_question(tenant["recruiter"], job_id, a.id, -1)  # already first: stays
    assert [q.label for q in questions.questions_of(job_id)] == ["A", "C", "B"]
    questions.update_question(tenant["recruiter"], job_id, b.id, spec("yes_no", label="B?"))
    questions.delete_question(tenant["recruiter"], job_id, a.id)
    db.session.commit()
    assert [(q.label, q.kind) for q in questions.questions_of(job_id)] == [("C", "date"), ("B?", "yes_no")]
    errors = errors_of(lambda: questions.update_question(tenant["recruiter"], job_id, b.id, spec("yes_no", label="")))
    assert set(errors) == {"label"}


# -- Answers ---------------------------------------------------------------------------------------

GOOD_AND_BAD = [
    ("short_text", "  Berlin  ", "Berlin", ["a" * 501, "two\nlines", 5, ["x"]]),
    ("long_text", "Line one\nLine two", "Line one\nLine two", ["a" * 5001, False, {"x": 1}]),
    ("yes_no", False, False, ["no", 0, "yes", ["yes"]]),
    ("single_choice", "Green", "Green", ["Purple", ["Green"], 1]),
    ("multiple_choice", ["Blue", "Red"], ["Red", "Blue"], ["Red", ["Purple"], ["Red", "Red"], [1]]),
    ("number", 2.5, 2.5, ["3", True, float("inf"), 10**13, 10**400, float("nan")]),
    ("date", "2027-02-01", "2027-02-01", ["2027-02-30", "01/02/2027", 20270201, "2027-2-1"]),
]


@pytest.mark.parametrize(("kind", "good", "clean", "bad"), GOOD_AND_BAD, ids=[case[0] for case in GOOD_AND_BAD])
def test_every_kind_of_answer_good_and_bad(db, tenant, kind, good, clean, bad):
    (question,) = make(db, tenant, spec(kind))
    job = tenant["job"]
    [answer] = questions.validate_answers(job, {str(question.id): good})
    assert answer.value == clean
    for value in bad:
        errors = errors_of(lambda value=value: questions.validate_answers(job, {str(question.id): value}))
        assert list(errors) == [f"answers.{question.id}"], value


def test_required_unknown_and_optional_answers(db, tenant, factory):
    required, optional = make(db, tenant, spec("short_text", required=True), spec("number"))
    other_job = factory.job(tenant["recruiter"])
    (elsewhere,) = questions.replace_questions(tenant["recruiter"], other_job.id, [spec("date")])
    db.session.commit()
    job = tenant["job"]
    errors = errors_of(lambda: questions.validate_answers(job, {"999999": "x", str(elsewhere.id): "2027-01-01"}))
    assert errors == {
        "answers.999999": ["Not a question of this job."],
        f"answers.{elsewhere.id}": ["Not a question of this job."],
        f"answers.{required.id}": ["This question is required."],
    }
    assert errors_of(lambda: questions.validate_answers(job, {required.id: "   "})) == {
        f"answers.{required.id}": ["This question is required."]
    }
    assert errors_of(lambda: questions.validate_answers(job, ["not", "an", "object"])) == {
        "answers": ["Must be an object of question ids to answers."]
    }
    cleaned = questions.validate_answers(job, {required.id: "Yes", optional.id: None})
    assert [(a.question.id, a.value) for a in cleaned] == [(required.id, "Yes")]


# -- Applying with answers -------------------------------------------------------------------------


def test_apply_stores_answers_with_copies_and_flags_without_rejecting(db, tenant, factory):
    permit, colour, years, start, note = make(
        db,
        tenant,
        YES_NO,
        spec("multiple_choice", label="Colours", knockout={"op": "any_of", "value": ["Blue"]}),
        spec("number", label="Years", knockout={"op": "below", "value": 2}),
        spec("date", label="Start", knockout={"op": "after", "value": "2027-06-30"}),
        spec("long_text", label="Anything else?"),
    )
    candidate = factory.candidate()
    application = applications.apply(
        candidate,
        tenant["job"].id,
        answers={
            str(permit.id): False,
            str(colour.id): ["Blue", "Red"],
            str(years.id): 5,
            str(start.id): "2027-07-01",
            str(note.id): "Thanks",
        },
        consent=True,
    )
    db.session.commit()
    assert application.stage == "applied"
    rows = list(db.session.scalars(select(ApplicationAnswer).order_by(ApplicationAnswer.position)))
    assert [(r.label, r.kind, r.value, r.flag) for r in rows] == [
        ("Do you have a work permit?", "yes_no", False, "Answer is No"),
        ("Colours", "multiple_choice", ["Red", "Blue"], "Chose Blue"),
        ("Years", "number", 5, None),
        ("Start", "date", "2027-07-01", "Answer is after 2027-06-30"),
        ("Anything else?", "long_text", "Thanks", None),
    ]
    # Editing and deleting the questions later leaves what was asked and answered alone.
    questions.replace_questions(tenant["recruiter"], tenant["job"].id, [{"id": years.id, **spec("date")}])
    db.session.commit()
    db.session.expire_all()
    again = db.session.get(Application, application.id)
    answers = questions.answers_of(tenant["recruiter"], again)
    assert [(a.label, a.kind, a.value) for a in answers][:3] == [
        ("Do you have a work permit?", "yes_no", False),
        ("Colours", "multiple_choice", ["Red", "Blue"]),
        ("Years", "number", 5),
    ]
    assert answers[0].question_id is None and answers[2].question_id == years.id


def test_a_refused_answer_writes_nothing(db, tenant, factory):
    (permit,) = make(db, tenant, YES_NO)
    candidate = factory.candidate()
    with pytest.raises(ValidationFailed) as caught:
        applications.apply(
            candidate, tenant["job"].id, cover_letter="x" * 10001, answers={str(permit.id): "maybe"}, consent=True
        )
    assert set(caught.value.errors) == {"cover_letter", f"answers.{permit.id}"}
    db.session.rollback()
    with pytest.raises(ValidationFailed):
        applications.apply(candidate, tenant["job"].id, answers={}, consent=True)  # required and missing
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0
    assert db.session.scalar(select(func.count()).select_from(ApplicationAnswer)) == 0
    application = applications.apply(candidate, tenant["job"].id, answers={permit.id: True}, consent=True)
    db.session.commit()
    assert [a.flag for a in questions.answers_of(candidate, application)] == [None]
    with pytest.raises(Conflict):
        applications.apply(candidate, tenant["job"].id, answers={permit.id: True}, consent=True)


def test_flagged_filters_and_counts(db, tenant, factory):
    (permit,) = make(db, tenant, YES_NO)
    flagged = [factory.candidate() for _ in range(2)]
    clear = factory.candidate()
    ids = []
    for candidate in flagged:
        ids.append(applications.apply(candidate, tenant["job"].id, answers={permit.id: False}, consent=True).id)
    applications.apply(clear, tenant["job"].id, answers={permit.id: True}, consent=True)
    db.session.commit()
    applications.move_stage(tenant["recruiter"], ids[0], "screening")
    db.session.commit()
    page = applications.list_applications(tenant["recruiter"], flagged=True)
    assert sorted(a.id for a in page.items) == sorted(ids)
    page = applications.list_job_applications(tenant["hiring_manager"], tenant["job"].id, flagged=True, stage="applied")
    assert [a.id for a in page.items] == [ids[1]]
    assert questions.flagged_counts(tenant["job"].id) == {"applied": 1, "screening": 1}
    flags = questions.flags_by_application(tenant["recruiter"], tenant["company"].id, [*ids, 0])
    assert {key: [f.flag for f in rows] for key, rows in flags.items()} == {
        ids[0]: ["Answer is No"],
        ids[1]: ["Answer is No"],
    }
    with pytest.raises(Forbidden):
        applications.list_applications(flagged[0], flagged=True)
    assert all(a.stage in ("applied", "screening") for a in db.session.scalars(select(Application)))
