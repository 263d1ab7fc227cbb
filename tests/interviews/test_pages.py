"""The interview pages: scheduling with messages beside the fields, CSRF, notes for staff only,
the plan's scorecard lines, my interviews and the calendar link, and the candidate's view."""

from __future__ import annotations

from app.extensions import db
from app.models import Interview
from app.services import interviews
from tests.web.conftest import csrf, login, post


def _setup(factory):
    acme = factory.tenant()
    application = factory.application(factory.candidate("Ada"), acme["job"])
    return acme, application


def _schedule(acme, application, **fields):
    values = {"starts_at": "2030-03-01T14:30", "ends_at": "2030-03-01T15:15", "timezone": "Europe/Paris",
              "title": "Technical", "interviewer_ids": [acme["hiring_manager"].id], "notes": "PRIVATE-NOTE",
              "video_url": "https://meet.example.com/x"} | fields  # fmt: skip
    interview = interviews.schedule(acme["recruiter"], application.id, **values)
    db.session.commit()
    return interview


def test_scheduling_from_the_page_with_errors_beside_the_fields(client, factory):
    acme, application = _setup(factory)
    login(client, acme["recruiter"])
    url = f"/dashboard/applications/{application.id}/interviews"
    page = client.get(url)
    assert page.status_code == 200 and acme["hiring_manager"].full_name in page.get_data(as_text=True)
    assert client.post(url, data={"title": "x"}).status_code == 400  # no CSRF token
    bad = post(client, url, {"kind_id": "0", "title": "Call", "date": "2030-03-01", "start": "10:00",
                             "end": "09:00", "timezone": "Europe/Paris",
                             "interviewer_ids": [str(acme["hiring_manager"].id)], "video_url": "ftp://x"})  # fmt: skip
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert 'id="end-error"' in html and "Must be after the start." in html
    assert 'id="video_url-error"' in html
    done = post(client, url, {"kind_id": "0", "title": "Call <b>", "date": "2030-03-01", "start": "10:00",
                              "end": "11:00", "timezone": "Europe/Paris", "notes": "PRIVATE-NOTE",
                              "interviewer_ids": [str(acme["hiring_manager"].id)]})  # fmt: skip
    assert done.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "Call &lt;b&gt;" in html and "10:00-11:00" in html and "(Europe/Paris)" in html
    assert "PRIVATE-NOTE" in html  # staff see the notes
    (interview,) = db.session.query(Interview).all()
    edit = post(client, f"/dashboard/interviews/{interview.id}/edit",
                {"title": "Call", "date": "2030-03-02", "start": "10:00", "end": "11:00", "timezone": "UTC",
                 "interviewer_ids": [str(acme["hiring_manager"].id)]})  # fmt: skip
    assert edit.status_code == 302
    db.session.expire_all()
    assert db.session.get(Interview, interview.id).sequence == 1
    cancel = post(client, f"/dashboard/interviews/{interview.id}/cancel", {"reason": "Filled"})
    assert cancel.status_code == 302
    db.session.expire_all()
    assert db.session.get(Interview, interview.id).status == "cancelled"


def test_managers_read_but_do_not_schedule_and_other_companies_see_nothing(app, client, factory):
    acme, application = _setup(factory)
    other = factory.tenant()
    interview = _schedule(acme, application)
    login(client, acme["hiring_manager"])
    page = client.get(f"/dashboard/applications/{application.id}/interviews").get_data(as_text=True)
    assert "Technical" in page and "Schedule an interview" not in page
    assert client.get(f"/dashboard/interviews/{interview.id}/edit").status_code == 403
    mine = client.get("/dashboard/interviews").get_data(as_text=True)
    assert "Technical" in mine
    made = post(client, "/dashboard/interviews/calendar-feed")
    assert made.status_code == 200 and "/calendar/" in made.get_data(as_text=True)
    client = app.test_client()
    login(client, other["admin"])
    assert client.get(f"/dashboard/applications/{application.id}/interviews").status_code == 404
    assert client.get(f"/dashboard/interviews/{interview.id}/edit").status_code == 404


def test_the_plan_page_reads_scorecard_lines(client, factory):
    acme, _application = _setup(factory)
    login(client, acme["recruiter"])
    url = f"/dashboard/jobs/{acme['job'].id}/interview-plan"
    assert client.get(url).status_code == 200
    bad = post(client, url, {"prefix": "new", "new-name": "Screen", "new-duration_minutes": "30",
                             "new-scorecard": "Skills: Python, python"})  # fmt: skip
    assert bad.status_code == 422 and "Listed twice" in bad.get_data(as_text=True)
    ok = post(client, url, {"prefix": "new", "new-name": "Screen", "new-duration_minutes": "30",
                            "new-scorecard": "Skills: Python, SQL\nCulture: Curiosity"})  # fmt: skip
    assert ok.status_code == 302
    from app.services import interview_plans

    (kind,) = interview_plans.plan_of(acme["job"].id)
    assert kind.scorecard == [{"name": "Skills", "attributes": ["Python", "SQL"]},
                              {"name": "Culture", "attributes": ["Curiosity"]}]  # fmt: skip
    page = client.get(url).get_data(as_text=True)
    assert "Skills: Python, SQL" in page
    assert post(client, f"{url}/remove", {"step_id": str(kind.id)}).status_code == 302
    assert interview_plans.plan_of(acme["job"].id) == []


def test_the_candidate_sees_upcoming_interviews_without_notes(client, factory):
    acme, application = _setup(factory)
    _schedule(acme, application)
    cancelled = _schedule(acme, application, title="Dropped")
    interviews.cancel(acme["recruiter"], cancelled.id)
    db.session.commit()
    candidate_user = application.candidate.user_id
    from app.models import User

    login(client, db.session.get(User, candidate_user))
    html = client.get(f"/me/applications/{application.id}").get_data(as_text=True)
    assert "Your interviews" in html and "Technical" in html and "14:30-15:15" in html and "(Europe/Paris)" in html
    assert "https://meet.example.com/x" in html
    at = html.find("PRIVATE-NOTE")
    assert at == -1, html[max(0, at - 1500) : at + 200]
    section = html.partition("Your interviews")[2].partition("</section>")[0]
    assert "Dropped" not in section and acme["hiring_manager"].full_name not in section
    assert csrf(client)
