"""The feedback API: submitting, amending, reading what one may, problems, tenancy, the comparison."""

from __future__ import annotations

from app.extensions import db
from app.models import User
from app.services import api_keys
from tests.api.conftest import assert_problem
from tests.feedback.conftest import RATINGS


def _give(api, token, user, interview, method="post", **fields):
    body = {"ratings": RATINGS, "recommendation": "yes", "notes": "Good"} | fields
    return api.request(method.upper(), f"/interviews/{interview.id}/feedback", json=body, token=token(user))


def test_submit_then_409_then_amend_with_version(api, token, panel):
    created = _give(api, token, panel.bob, panel.technical)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["version"] == 1 and body["interviewer"]["id"] == panel.bob.id and body["ratings"] == RATINGS
    assert_problem(_give(api, token, panel.bob, panel.technical), 409)
    amended = _give(api, token, panel.bob, panel.technical, method="put", recommendation="no", version=1)
    assert amended.status_code == 200 and amended.get_json()["version"] == 2
    assert_problem(_give(api, token, panel.bob, panel.technical, method="put", version=1), 409)


def test_problems_403_404_422(api, token, panel):
    problem = assert_problem(_give(api, token, panel.outsider, panel.technical), 403)
    assert "interviewer" in problem["detail"]
    assert_problem(_give(api, token, panel.other["admin"], panel.technical), 404)
    bad = assert_problem(_give(api, token, panel.bob, panel.technical, ratings={**RATINGS, "Skills/SQL": 7}), 422)
    assert "ratings.Skills/SQL" in bad["errors"]
    unknown = assert_problem(_give(api, token, panel.bob, panel.technical, ratings={**RATINGS, "Skills/Go": 2}), 422)
    assert "Skills/Go" in unknown["errors"]["ratings"][0]
    assert_problem(_give(api, token, panel.bob, panel.technical, recommendation="maybe"), 422)
    assert_problem(_give(api, token, panel.bob, panel.technical, colour="red"), 422)  # unknown field
    assert_problem(_give(api, token, panel.bob, panel.technical, method="put"), 404)  # nothing to amend yet
    for path in (f"/applications/{panel.application.id}/feedback", f"/interviews/{panel.technical.id}/feedback",
                 f"/jobs/{panel.tenant['job'].id}/scorecards"):  # fmt: skip
        assert_problem(api.get(path, token=token(panel.other["admin"])), 404)


def test_an_interviewer_reads_the_others_only_after_giving_their_own(api, token, panel):
    assert _give(api, token, panel.bob, panel.technical, recommendation="strong_yes").status_code == 201
    path = f"/applications/{panel.application.id}/feedback"
    before = api.get(path, token=token(panel.alice)).get_json()
    assert before["visible"] is False and before["items"] == [] and before["recommendations"] is None
    assert (before["expected"], before["submitted"]) == (4, 1)
    on_interview = api.get(f"/interviews/{panel.technical.id}/feedback", token=token(panel.alice)).get_json()
    assert on_interview["items"] == [] and on_interview["own"] is None and on_interview["submitted"] == 1
    assert "strong_yes" not in str(before) + str(on_interview)

    assert _give(api, token, panel.alice, panel.technical).status_code == 201
    assert _give(api, token, panel.alice, panel.culture).status_code == 201
    after = api.get(path, token=token(panel.alice)).get_json()
    assert after["visible"] is True and len(after["items"]) == 3 and len(after["own"]) == 2
    assert after["recommendations"]["strong_yes"] == 1 and after["pending_own"] == []
    recruiter = api.get(f"/interviews/{panel.technical.id}/feedback", token=token(panel.tenant["recruiter"]))
    assert len(recruiter.get_json()["items"]) == 2  # a recruiter sees everything at once, own or not


def test_job_comparison_pages_and_api_keys_need_the_applications_scope(api, token, panel):
    _give(api, token, panel.bob, panel.technical)
    path = f"/jobs/{panel.tenant['job'].id}/scorecards?limit=1"
    page = api.get(path, token=token(panel.outsider)).get_json()
    assert page["attributes"] == list(RATINGS) and page["next_cursor"] is None
    (item,) = page["items"]
    assert item["averages"]["Skills/Python"] == 4.0 and item["recommendations"]["yes"] == 1
    read = api_keys.create_key(panel.tenant["admin"], name="Read", scopes=["applications:read"]).secret
    none = api_keys.create_key(panel.tenant["admin"], name="Jobs", scopes=["jobs:read"]).secret
    db.session.commit()
    assert api.get(path, token=read).status_code == 200
    assert_problem(api.get(path, token=none), 403)


def test_the_timeline_says_who_gave_feedback_never_what_and_never_to_the_candidate(api, token, panel):
    _give(api, token, panel.bob, panel.technical, notes="Private words", recommendation="strong_no")
    path = f"/applications/{panel.application.id}/activity"
    items = api.get(path, token=token(panel.alice)).get_json()["items"]
    (entry,) = [item for item in items if item["kind"] == "feedback"]
    assert entry["by"] == panel.bob.full_name and entry["interview_title"] == "Technical"
    assert "Private words" not in str(items) and "strong_no" not in str(items)
    first = api.get(f"{path}?limit=1", token=token(panel.alice)).get_json()
    assert first["items"][0]["kind"] == "feedback" and first["next_cursor"]
    rest = api.get(f"{path}?cursor={first['next_cursor']}", token=token(panel.alice)).get_json()
    assert "feedback" not in [item["kind"] for item in rest["items"]]
    candidate = db.session.get(User, panel.application.candidate.user_id)
    assert_problem(api.get(path, token=token(candidate)), 404)
    assert_problem(api.get(f"/applications/{panel.application.id}/feedback", token=token(candidate)), 404)
