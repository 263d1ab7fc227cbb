"""Feedback rules in the service: who may write, validation, amendments with history, who sees what."""

from __future__ import annotations

import pytest

from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.services import feedback, feedback_compare, interviews
from tests.feedback.conftest import RATINGS


def _submit(user, interview, **fields):
    values = {"ratings": RATINGS, "recommendation": "yes", "notes": "Solid"} | fields
    view = feedback.submit(user, interview.id, **values)
    db.session.commit()
    return view


def test_an_interviewer_submits_once_then_amends_keeping_history(panel):
    view = _submit(panel.bob, panel.technical)
    assert (view.version, view.recommendation, view.ratings) == (1, "yes", RATINGS)
    with pytest.raises(Conflict):
        _submit(panel.bob, panel.technical)
    amended = feedback.amend(panel.bob, panel.technical.id, ratings={**RATINGS, "Skills/SQL": 1},
                             recommendation="no", notes="Second thoughts", version=1)  # fmt: skip
    db.session.commit()
    assert (amended.version, amended.recommendation, amended.ratings["Skills/SQL"]) == (2, "no", 1)
    with pytest.raises(Conflict):  # amending the version already replaced
        feedback.amend(panel.bob, panel.technical.id, ratings=RATINGS, recommendation="yes", version=1)
    db.session.rollback()
    own = feedback.own_on(panel.bob, panel.technical)
    (revision,) = feedback.history(own)
    assert (revision.version, revision.recommendation, revision.notes) == (1, "yes", "Solid")
    assert revision.ratings == RATINGS and revision.written_by_name == panel.bob.full_name


def test_only_interviewers_of_a_live_interview_in_the_company(panel):
    with pytest.raises(Forbidden):
        _submit(panel.outsider, panel.technical)
    with pytest.raises(NotFound):
        _submit(panel.other["recruiter"], panel.technical)
    with pytest.raises(NotFound):
        feedback.amend(panel.bob, panel.technical.id, ratings=RATINGS, recommendation="yes")
    interviews.cancel(panel.tenant["recruiter"], panel.culture.id)
    db.session.commit()
    with pytest.raises(Conflict):
        _submit(panel.alice, panel.culture)


def test_every_attribute_rated_or_no_opinion_and_nothing_else(panel):
    with pytest.raises(ValidationFailed) as caught:
        _submit(panel.bob, panel.technical, ratings={"Skills/Python": 5, "Skills/Go": 3, "Values/Ownership": True},
                recommendation="maybe")  # fmt: skip
    errors = caught.value.errors
    assert "Skills/Go" in errors["ratings"][0]
    assert set(errors) == {"ratings", "ratings.Skills/Python", "ratings.Skills/SQL", "ratings.Values/Ownership",
                           "recommendation"}  # fmt: skip
    with pytest.raises(ValidationFailed) as caught:
        _submit(panel.bob, panel.technical, recommendation=None, ratings=[1])
    assert set(caught.value.errors) >= {"ratings", "recommendation"}
    db.session.rollback()
    assert feedback.own_on(panel.bob, panel.technical) is None


def test_an_interviewer_sees_the_others_only_after_giving_their_own(panel):
    _submit(panel.bob, panel.technical, recommendation="strong_yes")
    _submit(panel.tenant["recruiter"], panel.technical, recommendation="no")
    before = feedback.for_application(panel.alice, panel.application.id)
    assert before.feedback == [] and before.summary.visible is False
    assert before.summary.recommendations is None and before.summary.averages is None
    assert (before.summary.expected, before.summary.submitted) == (4, 2)
    assert sorted(before.summary.pending_own) == sorted([panel.technical.id, panel.culture.id])

    _submit(panel.alice, panel.technical, recommendation="yes")
    halfway = feedback.for_application(panel.alice, panel.application.id)
    assert [v.interviewer_id for v in halfway.feedback] == [panel.alice.id]  # still owes the culture interview
    _submit(panel.alice, panel.culture, recommendation="yes", ratings={**RATINGS, "Skills/Python": 2})
    after = feedback.for_application(panel.alice, panel.application.id)
    assert len(after.feedback) == 4 and after.summary.visible
    assert after.summary.recommendations == {"strong_no": 0, "no": 1, "yes": 2, "strong_yes": 1}
    averages = {a.key: (a.average, a.rated, a.no_opinion) for a in after.summary.averages}
    assert averages["Skills/Python"] == (3.5, 4, 0) and averages["Values/Ownership"] == (None, 0, 4)


def test_recruiters_and_managers_who_do_not_interview_see_everything(panel):
    _submit(panel.bob, panel.technical)
    for user in (panel.tenant["admin"], panel.tenant["recruiter"], panel.outsider):
        seen = feedback.for_application(user, panel.application.id)
        assert [v.interviewer_id for v in seen.feedback] == [panel.bob.id], user.role
        assert seen.summary.visible
    with pytest.raises(NotFound):
        feedback.for_application(panel.other["admin"], panel.application.id)


def test_board_cards_and_the_job_comparison_keep_the_same_rule(panel, factory):
    _submit(panel.bob, panel.technical, recommendation="strong_yes")
    cards = feedback_compare.for_cards(panel.alice, [panel.application.id])
    assert cards[panel.application.id].recommendations is None and cards[panel.application.id].pending_own
    cards = feedback_compare.for_cards(panel.tenant["recruiter"], [panel.application.id])
    assert cards[panel.application.id].recommendations == {"strong_yes": 1}
    assert cards[panel.application.id].pending_own  # the recruiter interviews too, and is told

    factory.application(factory.candidate("Nobody"), panel.tenant["job"])  # no feedback: not compared
    hidden = feedback_compare.job_comparison(panel.alice, panel.tenant["job"].id)
    (row,) = hidden.candidates.items
    assert row.recommendations is None and row.averages is None and row.feedback == 1
    shown = feedback_compare.job_comparison(panel.outsider, panel.tenant["job"].id)
    (row,) = shown.candidates.items
    assert shown.attributes == ["Skills/Python", "Skills/SQL", "Values/Ownership"]
    assert row.averages == {"Skills/Python": 4.0, "Skills/SQL": 3.0, "Values/Ownership": None}
    assert row.recommendations["strong_yes"] == 1
    with pytest.raises(NotFound):
        feedback_compare.job_comparison(panel.other["admin"], panel.tenant["job"].id)
