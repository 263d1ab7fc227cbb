"""The dashboard: the scorecard form, the application's feedback panel, the board card and the comparison."""

from __future__ import annotations

from app.extensions import db
from app.services import feedback
from tests.feedback.conftest import RATINGS
from tests.web.conftest import csrf, login

FORM = {"rating-Skills/Python": "4", "rating-Skills/SQL": "3", "rating-Values/Ownership": "none",
        "recommendation": "strong_yes", "notes": "Knows <script> tags"}  # fmt: skip


def _signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def _post(client, url, data):
    return client.post(url, data={"csrf_token": csrf(client, url), **data})


def test_the_form_submits_then_amends_with_history_shown(app, panel):
    client = _signed_in(app, panel.bob)
    url = f"/dashboard/interviews/{panel.technical.id}/feedback"
    page = client.get(url).get_data(as_text=True)
    assert 'name="rating-Skills/Python"' in page and "No opinion" in page and "Submit my feedback" in page
    missing = _post(client, url, {**FORM, "rating-Skills/SQL": ""})
    assert missing.status_code == 422
    assert "Rate this attribute from 1 to 4" in missing.get_data(as_text=True)
    done = _post(client, url, FORM)
    assert done.status_code == 302 and done.headers["Location"].endswith("#feedback")
    amended = _post(client, url, {**FORM, "recommendation": "no", "version": "1"})
    assert amended.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Earlier versions" in page and "Version 1" in page and "Amend my feedback" in page
    assert "Knows &lt;script&gt; tags" in page
    db.session.expire_all()
    assert feedback.own_on(panel.bob, panel.technical).version == 2


def test_a_non_interviewer_gets_403_and_another_company_404(app, panel):
    url = f"/dashboard/interviews/{panel.technical.id}/feedback"
    assert _signed_in(app, panel.outsider).get(url).status_code == 403
    other = _signed_in(app, panel.other["admin"])
    assert other.get(url).status_code == 404
    assert other.get(f"/dashboard/jobs/{panel.tenant['job'].id}/scorecards").status_code == 404


def test_the_application_page_hides_the_others_until_one_gives_their_own(app, panel):
    feedback.submit(panel.bob, panel.technical.id, ratings=RATINGS, recommendation="strong_no", notes="Bob's secret")
    db.session.commit()
    url = f"/dashboard/applications/{panel.application.id}"
    client = _signed_in(app, panel.alice)
    page = client.get(url).get_data(as_text=True)
    assert 'id="feedback"' in page and "Bob&#39;s secret" not in page and "strong no" not in page
    assert "once you have given yours" in page and "1 of 4 in" in page
    assert "Interview feedback on" in page  # the timeline says who gave feedback, not what
    board = client.get(f"/dashboard/jobs/{panel.tenant['job'].id}").get_data(as_text=True)
    assert "1 feedback" in board and "yours is due" in board and "strong no" not in board
    comparison = client.get(f"/dashboard/jobs/{panel.tenant['job'].id}/scorecards").get_data(as_text=True)
    assert "Shown once you have given your own" in comparison

    for interview in (panel.technical, panel.culture):
        feedback.submit(panel.alice, interview.id, ratings=RATINGS, recommendation="yes")
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Bob&#39;s secret" in page and "strong no: 1" in page and "Skills/Python" in page
    board = client.get(f"/dashboard/jobs/{panel.tenant['job'].id}").get_data(as_text=True)
    assert "3 feedback: strong no 1, yes 2" in board
    comparison = client.get(f"/dashboard/jobs/{panel.tenant['job'].id}/scorecards").get_data(as_text=True)
    assert "4.00" in comparison and "Ada" in comparison


def test_a_recruiter_sees_everything_at_once(app, panel):
    feedback.submit(panel.bob, panel.technical.id, ratings=RATINGS, recommendation="strong_no", notes="Bob's secret")
    db.session.commit()
    page = _signed_in(app, panel.tenant["recruiter"]).get(f"/dashboard/applications/{panel.application.id}")
    assert "Bob&#39;s secret" in page.get_data(as_text=True)
