"""The interviews API: scheduling, reading, notes for staff, rescheduling, cancelling, plans, my interviews,
calendar feeds (one statement for a thousand interviews), the reminder before, webhook events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, insert, select

from app.extensions import db
from app.models import Event, Interview, InterviewInterviewer, OutboxMessage
from app.models.base import utcnow
from app.services import interview_reminders, interviews
from tests.api.conftest import assert_problem

A = ""  # the API test client adds /api/v1


@pytest.fixture
def setup(world, factory):
    acme = world["acme"]
    application = factory.application(world["ada"], acme["job"])
    return world | {"application": application}


def _put(api, path, **kw):
    return api.request("PUT", path, **kw)


def _auth(token, user) -> dict:
    return {"token": token(user)}


def _body(setup, **fields) -> dict:
    """The fields of a new interview; a None leaves the field out."""
    body = {
        "starts_at": "2030-03-01T14:30",
        "ends_at": "2030-03-01T15:15",
        "timezone": "Europe/Paris",
        "title": "Technical",
        "interviewer_ids": [setup["acme"]["hiring_manager"].id],
        "notes": "Staff only",
    } | fields
    return {key: value for key, value in body.items() if value is not None}


def _schedule(api, token, setup, **fields) -> dict:
    response = api.post(
        f"{A}/applications/{setup['application'].id}/interviews",
        json=_body(setup, **fields),
        **_auth(token, setup["acme"]["recruiter"]),
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def test_schedule_read_reschedule_cancel(api, token, setup):
    acme = setup["acme"]
    created = _schedule(api, token, setup)
    assert created["starts_at"] == "2030-03-01T13:30:00+00:00" and created["notes"] == "Staff only"
    assert created["interviewers"] == [{"id": acme["hiring_manager"].id, "full_name": acme["hiring_manager"].full_name}]
    url = f"{A}/interviews/{created['id']}"
    listed = api.get(f"{A}/applications/{setup['application'].id}/interviews", **_auth(token, acme["hiring_manager"]))
    assert [i["id"] for i in listed.get_json()["items"]] == [created["id"]]
    assert_problem(api.get(url, **_auth(token, setup["globex"]["admin"])), 404)
    assert_problem(api.post(f"{A}/applications/{setup['application'].id}/interviews", json=_body(setup),
                            **_auth(token, acme["hiring_manager"])), 403)  # fmt: skip
    bad = assert_problem(api.patch(url, json={"colour": "red"}, **_auth(token, acme["recruiter"])), 422)
    assert "colour" in bad["errors"]
    bad = assert_problem(api.patch(url, json={"timezone": "Mars/Base"}, **_auth(token, acme["recruiter"])), 422)
    assert "timezone" in bad["errors"]
    moved = api.patch(url, json={"starts_at": "2030-03-01T16:00", "version": 1}, **_auth(token, acme["recruiter"]))
    assert moved.status_code == 200 and moved.get_json()["sequence"] == 1
    assert moved.get_json()["ends_at"] == "2030-03-01T15:45:00+00:00"
    assert_problem(api.patch(url, json={"title": "x", "version": 1}, **_auth(token, acme["recruiter"])), 409)
    cancelled = api.delete(url, json={"reason": "Filled"}, **_auth(token, acme["recruiter"]))
    assert cancelled.get_json()["status"] == "cancelled"
    assert_problem(api.delete(url, json={}, **_auth(token, acme["recruiter"])), 409)
    assert_problem(api.patch(url, json={"title": "x"}, **_auth(token, acme["recruiter"])), 409)
    types = db.session.scalars(select(Event.type).where(Event.object_type == "interview").order_by(Event.id)).all()
    assert types == ["interview.scheduled", "interview.rescheduled", "interview.cancelled"]
    payloads = db.session.scalars(select(Event.payload).where(Event.object_type == "interview")).all()
    assert all("notes" not in p for p in payloads)


def test_the_plan_validates_steps_and_scorecards_and_fills_an_interview(api, token, setup):
    acme = setup["acme"]
    url = f"{A}/jobs/{acme['job'].id}/interview-plan"
    step = {
        "name": "Phone screen",
        "duration_minutes": 30,
        "default_interviewer_ids": [acme["hiring_manager"].id],
        "scorecard": [{"name": "Skills", "attributes": ["Python", "SQL"]}],
    }
    bad = _put(api,
        url,
        json={"steps": [step | {"scorecard": [{"name": "", "attributes": []}, {"name": "X", "attributes": ["a", "a"]}]},
                        step | {"default_interviewer_ids": [setup["globex"]["admin"].id]}]},
        **_auth(token, acme["recruiter"]),
    )  # fmt: skip
    errors = assert_problem(bad, 422)["errors"]
    assert {"steps[0].scorecard[0].name", "steps[0].scorecard[0].attributes", "steps[0].scorecard[1].attributes",
            "steps[1].default_interviewer_ids", "steps"} <= set(errors)  # fmt: skip
    assert_problem(_put(api, url, json={"steps": [step]}, **_auth(token, acme["hiring_manager"])), 403)
    saved = _put(api, url, json={"steps": [step]}, **_auth(token, acme["recruiter"]))
    assert saved.status_code == 200, saved.get_data(as_text=True)
    (kind,) = saved.get_json()["steps"]
    assert api.get(url, **_auth(token, acme["hiring_manager"])).get_json()["steps"] == [kind]
    made = _schedule(api, token, setup, kind_id=kind["id"], title=None, ends_at=None, interviewer_ids=None)
    assert made["title"] == "Phone screen" and made["ends_at"] == "2030-03-01T14:00:00+00:00"
    assert made["scorecard"] == step["scorecard"] and made["interviewers"][0]["id"] == acme["hiring_manager"].id
    renamed = _put(api, url, json={"steps": [{"id": kind["id"], "name": "Call"}]}, **_auth(token, acme["recruiter"]))
    assert [s["id"] for s in renamed.get_json()["steps"]] == [kind["id"]]
    assert _put(api, url, json={"steps": []}, **_auth(token, acme["recruiter"])).get_json()["steps"] == []


def test_my_interviews_are_upcoming_and_keyset_paged(api, token, setup):
    acme = setup["acme"]
    ids = [_schedule(api, token, setup, starts_at=f"2030-03-0{d}T10:00", ends_at=f"2030-03-0{d}T11:00")["id"]
           for d in (3, 1, 2)]  # fmt: skip
    first = api.get(f"{A}/me/interviews?limit=2", **_auth(token, acme["hiring_manager"])).get_json()
    assert [i["id"] for i in first["items"]] == [ids[1], ids[2]] and first["next_cursor"]
    rest = api.get(f"{A}/me/interviews?limit=2&cursor={first['next_cursor']}", **_auth(token, acme["hiring_manager"]))
    assert [i["id"] for i in rest.get_json()["items"]] == [ids[0]] and rest.get_json()["next_cursor"] is None
    assert api.get(f"{A}/me/interviews", **_auth(token, acme["recruiter"])).get_json()["items"] == []
    assert_problem(api.get(f"{A}/me/interviews?cursor=nope", **_auth(token, acme["hiring_manager"])), 422)


def test_the_calendar_feed_is_one_statement_for_a_thousand_and_can_be_revoked(
    api, token, setup, client, count_statements
):
    acme = setup["acme"]
    manager = acme["hiring_manager"]
    live = _schedule(api, token, setup)
    gone = _schedule(api, token, setup, starts_at="2030-04-01T10:00", ends_at="2030-04-01T11:00")
    api.delete(f"{A}/interviews/{gone['id']}", json={}, **_auth(token, acme["recruiter"]))
    start = datetime(2031, 1, 1, 9, tzinfo=UTC)
    rows = [
        {"company_id": acme["company"].id, "application_id": setup["application"].id, "title": f"Bulk {n}",
         "status": "scheduled", "starts_at": start + timedelta(hours=n),
         "ends_at": start + timedelta(hours=n, minutes=30),
         "timezone": "America/New_York", "location": "", "video_url": "", "notes": "NOTE", "scorecard": [],
         "uid": f"bulk-{n}@test", "sequence": 0, "version": 1, "created_at": utcnow(), "updated_at": utcnow()}
        for n in range(998)
    ]  # fmt: skip
    new_ids = db.session.scalars(insert(Interview).returning(Interview.id), rows).all()
    db.session.execute(insert(InterviewInterviewer), [{"interview_id": i, "user_id": manager.id} for i in new_ids])
    db.session.commit()

    created = api.post(f"{A}/me/calendar-feed", **_auth(token, manager))
    assert created.status_code == 201
    path = created.get_json()["url"].split("://", 1)[1].partition("/")[2]
    with count_statements() as log:
        response = client.get(f"/{path}")
    assert response.status_code == 200 and log.count == 1, log.report()
    assert response.headers["Cache-Control"].startswith("private")
    assert response.mimetype == "text/calendar"
    cal = Calendar.from_ical(response.get_data())
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert len(events) == 1000
    assert str(events[gone["uid"]]["STATUS"]) == "CANCELLED"
    assert str(events[live["uid"]]["STATUS"]) == "CONFIRMED"
    assert {tz["TZID"] for tz in cal.walk("VTIMEZONE")} == {"Europe/Paris", "America/New_York"}
    assert b"NOTE" not in response.get_data() and b"Staff only" not in response.get_data()

    assert client.get(f"/{path.replace('.ics', 'x.ics')}").status_code == 404
    assert api.delete(f"{A}/me/calendar-feed", **_auth(token, manager)).status_code == 204
    assert client.get(f"/{path}").status_code == 404
    assert_problem(api.delete(f"{A}/me/calendar-feed", **_auth(token, manager)), 404)


def test_the_reminder_before_is_claimed_once_and_mails_each_interviewer(api, token, setup, app):
    acme = setup["acme"]
    soon = (utcnow() + timedelta(hours=2)).replace(microsecond=0)
    app.config["INTERVIEW_REMINDER_MINUTES"] = 24 * 60
    made = _schedule(api, token, setup, starts_at=soon.isoformat(), ends_at=(soon + timedelta(hours=1)).isoformat(),
                     interviewer_ids=[acme["hiring_manager"].id, acme["admin"].id])  # fmt: skip
    interview = db.session.get(Interview, made["id"])
    assert interview.reminder_due_at is None  # already inside the window when scheduled: no reminder
    later = soon + timedelta(days=3)
    interviews.reschedule(acme["recruiter"], interview.id, {"starts_at": later.isoformat()})
    db.session.commit()
    assert interview.reminder_due_at == later - timedelta(days=1)
    assert interview_reminders.remind_due(now=later - timedelta(days=2)) == []
    assert interview_reminders.remind_due(now=later - timedelta(hours=23)) == [interview.id]
    db.session.commit()
    assert interview_reminders.remind_due(now=later) == []
    count = db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "interview_reminder")
    )
    assert count == 2
