"""Hiring analytics against a hand-computed history (undone moves, withdrawals,
rejections, a custom pipeline, a reopened job); the expected figures are worked
out in the comments, never by the code under test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.models import Application, Job, StageChange
from app.services import analytics, applications, jobs, undo
from app.services.analytics import ReportFilters, parse_filters

T0 = datetime(2026, 1, 5, tzinfo=UTC)
CUSTOM = [
    {"key": "applied", "name": "Applied", "category": "applied"},
    {"key": "phone", "name": "Phone screen", "category": "screening"},
    {"key": "screen2", "name": "Second screen", "category": "screening"},
    {"key": "interview", "name": "Interview", "category": "interview"},
    {"key": "offer", "name": "Offer", "category": "offer"},
    {"key": "hired", "name": "Hired", "category": "hired"},
]


def _stamp(application: Application, days: list[float]) -> None:
    """Give the application's history rows (in id order) these times, in days after T0."""
    ids = db.session.scalars(
        select(StageChange.id).where(StageChange.application_id == application.id).order_by(StageChange.id)
    ).all()
    assert len(ids) == len(days)
    for change_id, day in zip(ids, days, strict=True):
        db.session.execute(
            update(StageChange).where(StageChange.id == change_id).values(created_at=T0 + timedelta(days=day))
        )
    db.session.execute(update(Application).where(Application.id == application.id).values(created_at=T0))


@pytest.fixture
def history(factory):
    tenant = factory.tenant()
    rec = tenant["recruiter"]
    job1 = tenant["job"]
    jobs.update_job(rec, job1.id, department="Engineering")
    job2 = factory.job(rec, department="Sales", pipeline=CUSTOM)
    people = [factory.candidate() for _ in range(7)]
    a = [factory.application(people[n], job1 if n != 5 else job2) for n in range(7)]

    def moves(n, *stages, commit=True):
        for stage in stages:
            kwargs = {"reason": "No"} if stage == "rejected" else {}
            applications.move_stage(rec, a[n].id, stage, **kwargs)
        if commit:  # an undo must come before the candidate's email goes out
            db.session.commit()

    moves(0, "screening", "interview", "offer", "hired")  # a1: 0, 1, 3, 6, 8
    moves(1, "screening", "rejected")  # a2: 0, 2, 4
    moves(2, "screening", "interview", commit=False)  # a3: 0, 1, 2, undo 2.01, rejected 5
    undo.undo_move(rec, a[2].id)
    moves(2, "rejected")
    applications.move_stage(people[3], a[3].id, "withdrawn")  # a4: 0, 3 (the candidate)
    moves(4, "screening", "interview", "offer", "rejected")  # a5: 0, 1, 2, 4, 7 (declined offer)
    moves(5, "phone", "screen2", "interview", "offer", "hired")  # a6: 0, 1, 3, 4, 5, 6
    moves(6, "screening", "rejected", commit=False)  # a7: 0, 1, 2, undo 2.01 (back in screening)
    undo.undo_move(rec, a[6].id)
    db.session.commit()
    for n, days in enumerate(
        [
            [0, 1, 3, 6, 8],
            [0, 2, 4],
            [0, 1, 2, 2.01, 5],
            [0, 3],
            [0, 1, 2, 4, 7],
            [0, 1, 3, 4, 5, 6],
            [0, 1, 2, 2.01],
        ]
    ):
        _stamp(a[n], days)
    db.session.execute(update(Application).where(Application.id.in_([a[1].id, a[4].id])).values(source="referral"))
    # Another company's application, which no figure may include.
    other = factory.tenant()
    stranger = factory.application(factory.candidate(), other["job"])
    applications.move_stage(other["recruiter"], stranger.id, "screening")
    db.session.commit()
    return {**tenant, "job2": job2, "apps": a, "other": other}


def test_funnel_counts_the_furthest_category_and_ignores_undone_moves(history):
    report = analytics.funnel(history["hiring_manager"], ReportFilters())
    # Furthest: a1 hired, a2 screening, a3 screening (interview undone), a4 applied,
    # a5 offer, a6 hired (custom stages), a7 screening (rejection undone).
    assert [(s["category"], s["reached"], s["conversion"]) for s in report["stages"]] == [
        ("applied", 7, None),
        ("screening", 6, 0.8571),
        ("interview", 3, 0.5),
        ("offer", 3, 1.0),
        ("hired", 2, 0.6667),
    ]
    assert (report["applications"], report["rejected"], report["withdrawn"]) == (7, 3, 1)


def test_time_in_stage_medians_and_p75(history):
    report = analytics.time_in_stage(history["recruiter"], ReportFilters())
    got = {s["category"]: (s["count"], s["median_days"], s["p75_days"]) for s in report["stages"]}
    # applied: 1 1 1 1 1 2 3 -> median 1, p75 between the 5th and 6th: 1.5
    # screening: 1 2 2 3 4 (a6's two screening stages add up: 2 + 1; a7 still there) -> 2, 3
    # interview: 1 2 3 -> 2, 2.5 ; offer: 1 2 3 -> 2, 2.5
    assert got == {
        "applied": (7, 1.0, 1.5),
        "screening": (5, 2.0, 3.0),
        "interview": (3, 2.0, 2.5),
        "offer": (3, 2.0, 2.5),
    }


def test_time_to_hire_and_overview(history):
    manager = history["hiring_manager"]
    # a1 hired after 8 days, a6 after 6: median 7, p75 6 + 0.75 * 2
    assert analytics.time_to_hire(manager, ReportFilters()) == {"count": 2, "median_days": 7.0, "p75_days": 7.5}
    db.session.execute(update(Job).where(Job.id == history["job"].id).values(opened_at=T0 - timedelta(days=10)))
    report = analytics.overview(
        manager, parse_filters({"from": "2026-01-05", "to": "2026-01-18"}), now=T0 + timedelta(days=20)
    )
    # Offers: a1, a5, a6; a5 declined (rejected at offer): 2 of 3 accepted.
    assert (report["offers"], report["hires"], report["offers_decided"], report["offer_acceptance"]) == (
        3,
        2,
        3,
        0.6667,
    )
    # Moves that stand: 4 + 2 + 2 + 1 + 4 + 5 + 1 = 19 over two weeks.
    assert (report["moves"], report["velocity_per_week"]) == (19, 9.5)
    # First staff move: 1, 2, 1, 1, 1, 1 days (a4 only withdrew) -> median 1, p75 1.
    assert report["first_response"] == {"count": 6, "median_days": 1.0, "p75_days": 1.0}
    assert report["open_jobs"] == 2
    assert report["jobs"][0] == {"id": history["job"].id, "title": history["job"].title, "days_open": 30.0}


def test_sources_and_filters(history):
    manager = history["hiring_manager"]
    rows = {r["source"]: r for r in analytics.sources(manager, ReportFilters())["sources"]}
    assert {k: (r["applications"], r["reached_interview"], r["offers"], r["hires"]) for k, r in rows.items()} == {
        "careers_page": (5, 2, 2, 2),
        "referral": (2, 1, 1, 0),
    }
    assert rows["referral"]["interview_rate"] == 0.5
    by_job = analytics.funnel(manager, ReportFilters(job_id=history["job2"].id))
    by_department = analytics.funnel(manager, parse_filters({"department": "Sales"}))
    assert by_job == by_department
    assert [s["reached"] for s in by_job["stages"]] == [1, 1, 1, 1, 1]
    assert analytics.funnel(manager, parse_filters({"source": "referral"}))["applications"] == 2
    assert analytics.funnel(manager, parse_filters({"to": "2026-01-04"}))["applications"] == 0
    assert analytics.funnel(manager, parse_filters({"from": "2026-01-05", "to": "2026-01-05"}))["applications"] == 7
    assert analytics.time_to_hire(manager, parse_filters({"from": "2026-01-06"}))["count"] == 0


def test_reopened_job_counts_days_from_its_reopening(history):
    rec = history["recruiter"]
    jobs.set_job_status(rec, history["job2"].id, "closed")
    jobs.set_job_status(rec, history["job2"].id, "open")
    db.session.commit()
    job2 = db.session.get(Job, history["job2"].id)
    now = job2.opened_at + timedelta(days=3)
    listed = {j["id"]: j["days_open"] for j in analytics.overview(rec, ReportFilters(), now=now)["jobs"]}
    assert listed[job2.id] == 3.0


def test_tenancy_and_validation(history, factory):
    other = history["other"]
    assert analytics.funnel(other["admin"], ReportFilters())["applications"] == 1
    with pytest.raises(NotFound):
        analytics.funnel(other["admin"], ReportFilters(job_id=history["job"].id))
    with pytest.raises(NotFound):
        analytics.funnel(factory.candidate(), ReportFilters())
    with pytest.raises(ValidationFailed) as bad:
        parse_filters({"from": "2026-02-01", "to": "2026-01-01", "source": "tv", "job_id": "x"})
    assert set(bad.value.errors) == {"to", "source", "job_id"}
    with pytest.raises(ValidationFailed) as bad:
        parse_filters({"from": "yesterday"})
    assert bad.value.errors == {"from": ["Must be a date as YYYY-MM-DD."]}


def test_the_dashboard_summary_agrees_with_each_report(history):
    manager, filters, now = history["hiring_manager"], ReportFilters(), T0 + timedelta(days=20)
    summary = analytics.summary(manager, filters, now=now)
    assert summary == {
        "funnel": analytics.funnel(manager, filters),
        "time_in_stage": analytics.time_in_stage(manager, filters),
        "time_to_hire": analytics.time_to_hire(manager, filters),
        "sources": analytics.sources(manager, filters),
        "overview": analytics.overview(manager, filters, now=now),
    }
