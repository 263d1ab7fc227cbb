"""The survey (answer, skip, once), the admins' questions and the report's numbers on a hand-counted set."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.models import EeoResponse
from app.services import eeo
from tests.eeo.conftest import add_applicant, move_to


def test_defaults_each_offer_prefer_not_to_say(world):
    questions = eeo.questions_for(world["acme"]["company"].id)
    assert [q["key"] for q in questions] == ["gender", "ethnicity", "veteran", "disability"]
    assert all(q["options"][-1] == eeo.PREFER_NOT for q in questions)


def test_answer_once_and_skip(world):
    acme = world["acme"]
    first, second = add_applicant(acme, 1), add_applicant(acme, 2)
    eeo.submit(first, {"gender": "Woman"})
    assert eeo.answered(first) and not eeo.answered(second)
    with pytest.raises(Conflict):
        eeo.submit(first, {"gender": "Man"})
    eeo.submit(second, None)  # skipped: stored as no answers, never asked again
    with pytest.raises(Conflict):
        eeo.submit(second, {})
    db.session.commit()
    rows = dict(db.session.execute(select(EeoResponse.application_id, EeoResponse.answers)).all())
    assert rows == {first.id: {"gender": "Woman"}, second.id: {}}


def test_an_answer_must_be_one_of_the_options(world):
    application = add_applicant(world["acme"], 1)
    with pytest.raises(ValidationFailed):
        eeo.submit(application, {"gender": "Robot"})
    with pytest.raises(ValidationFailed):
        eeo.submit(application, {"shoe_size": "42"})
    assert not eeo.answered(application)


def test_admins_edit_the_questions_others_may_not(world, compliance):
    acme = world["acme"]
    saved = eeo.set_questions(acme["admin"], [{"key": "age", "label": "Age band", "options": ["Under 40", "40+"]}])
    assert saved == [{"key": "age", "label": "Age band", "options": ["Under 40", "40+", eeo.PREFER_NOT]}]
    assert eeo.get_questions(compliance) == saved
    assert eeo.questions_for(world["globex"]["company"].id) == eeo.DEFAULT_QUESTIONS
    for who in (acme["recruiter"], compliance):
        with pytest.raises(Forbidden):
            eeo.set_questions(who, saved)
    with pytest.raises(Forbidden):
        eeo.get_questions(acme["recruiter"])
    with pytest.raises(NotFound):
        eeo.get_questions(world["ada"])
    with pytest.raises(ValidationFailed) as error:
        eeo.set_questions(acme["admin"], [{"key": "a", "label": "A", "options": ["only one"]}])
    assert "questions.0.options" in error.value.errors


def _fixture(acme) -> None:
    """Woman: 10 applied, 6 screening, 5 interview. Man: 8 applied, 8 screening, 4 interview.
    Non-binary: 3 (hidden). Prefer not to say: 5. Two skipped gender. One at another job (filtered out)."""
    n = iter(range(100))
    plan = [("Woman", "interview")] * 5 + [("Woman", "screening")] + [("Woman", None)] * 4
    plan += [("Man", "interview")] * 4 + [("Man", "screening")] * 4
    plan += [("Non-binary", "hired")] * 3 + [(eeo.PREFER_NOT, None)] * 5 + [(None, "screening")] * 2
    for answer, reached in plan:
        application = add_applicant(acme, next(n))
        if reached:
            move_to(acme, application, reached)
        eeo.submit(application, {"gender": answer, "veteran": "Not a veteran"} if answer else {})
    db.session.commit()


def test_the_report_on_a_hand_counted_set(world, factory, compliance):
    acme = world["acme"]
    _fixture(acme)
    other_job = factory.job(acme["recruiter"])
    eeo.submit(add_applicant(acme, 99, job=other_job), {"gender": "Woman"})
    db.session.commit()
    found = {q.key: q for q in eeo.report(compliance, job_id=acme["job"].id)}
    groups = {g.answer: g for g in found["gender"].groups}
    woman, man, nonbinary = groups["Woman"], groups["Man"], groups["Non-binary"]
    assert woman.counts == {"applied": 10, "screening": 6, "interview": 5, "offer": None, "hired": None}
    assert man.counts == {"applied": 8, "screening": 8, "interview": None, "offer": None, "hired": None}
    assert set(nonbinary.counts.values()) == {None}  # 3 people: every cell hidden, even the hires
    assert groups[eeo.PREFER_NOT].counts["applied"] == 5
    assert woman.rates["screening"] == 0.6 and man.rates["screening"] == 1.0
    # Four-fifths: 0.6 / 1.0 is below 0.8, so flagged; the best group is 1.0 of itself.
    assert woman.ratios["screening"] == 0.6 and woman.flagged == ["screening"]
    assert man.ratios["screening"] == 1.0 and man.flagged == []
    # Man's interview count is hidden: the highest rate is unknown, so no interview ratio at all.
    assert woman.rates["interview"] == 0.5 and man.rates["interview"] is None
    assert woman.ratios["interview"] is None and man.ratios["interview"] is None
    assert nonbinary.ratios["screening"] is None and groups[eeo.PREFER_NOT].ratios["screening"] is None
    # Every gender answer came with veteran "Not a veteran": 10 + 8 + 3 + 5 (the two who skipped left out).
    veteran = {g.answer: g for g in found["veteran"].groups}
    assert veteran["Not a veteran"].counts["applied"] == 26 and veteran["Veteran"].counts["applied"] is None
    # All jobs: the extra Woman at the other job counts.
    everywhere = {g.answer: g for g in eeo.report(compliance)[0].groups}
    assert everywhere["Woman"].counts["applied"] == 11
    # The API answer shows hidden cells as "<5".
    as_dict = eeo.report_as_dict(eeo.report(compliance, job_id=acme["job"].id))
    assert as_dict[0]["groups"][1]["counts"]["interview"] == "<5"


def test_the_report_filters_by_day_and_refuses_reviewers(world, compliance):
    acme = world["acme"]
    eeo.submit(add_applicant(acme, 1), {"gender": "Woman"})
    db.session.commit()
    late = eeo.report(compliance, date_from="2100-01-01")
    assert all(n is None for g in late[0].groups for n in g.counts.values())
    assert db.session.scalar(select(func.count()).select_from(EeoResponse)) == 1
    with pytest.raises(ValidationFailed):
        eeo.report(compliance, date_to="yesterday")
    with pytest.raises(NotFound):
        eeo.report(compliance, job_id=world["globex"]["job"].id)
    for who in ("recruiter", "hiring_manager"):
        with pytest.raises(Forbidden):
            eeo.report(acme[who])
