"""Public pages kept for anonymous visitors: served without the database, never to anyone signed in."""

from __future__ import annotations

from app.extensions import db
from app.services import jobs
from tests.web.conftest import login

PUBLIC_PAGES = ("/", "/?q=Job", "/jobs/{job}", "/companies/{slug}")


def _paths(world) -> list[str]:
    return [p.format(job=world.job.id, slug=world.company.slug) for p in PUBLIC_PAGES]


def test_an_anonymous_visitor_gets_kept_pages_with_the_same_bytes_and_headers(redis_app, world, count_statements):
    visitor = redis_app.test_client()
    for path in _paths(world):
        first = visitor.get(path)
        assert first.status_code == 200, path
        with count_statements() as log:
            second = visitor.get(path)
        assert log.count == 0, (path, log.report())
        assert second.get_data() == first.get_data(), path
        assert second.mimetype == "text/html"
        assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
        assert "Set-Cookie" not in second.headers


def test_signed_in_users_never_get_the_anonymous_page(redis_app, world, count_statements):
    visitor = redis_app.test_client()
    anonymous = visitor.get(f"/jobs/{world.job.id}").get_data(as_text=True)
    assert "Apply now" in anonymous
    member = redis_app.test_client()
    assert login(member, world.candidate).status_code == 302
    with count_statements() as log:
        page = member.get(f"/jobs/{world.job.id}").get_data(as_text=True)
    assert log.count
    assert "Apply now" not in page
    assert "Sign out" in page


def test_a_closed_job_leaves_the_kept_board_and_its_kept_page_says_closed_at_once(redis_app, world):
    visitor = redis_app.test_client()
    assert world.job.title in visitor.get("/").get_data(as_text=True)
    assert "This position is closed" not in visitor.get(f"/jobs/{world.job.id}").get_data(as_text=True)
    jobs.set_job_status(world.recruiter, world.job.id, "closed")
    db.session.commit()
    assert world.job.title not in visitor.get("/").get_data(as_text=True)
    page = visitor.get(f"/jobs/{world.job.id}")
    assert page.status_code == 200 and "This position is closed" in page.get_data(as_text=True)
    assert 'type="application/ld+json"' not in page.get_data(as_text=True)


def test_jobs_closed_by_their_date_leave_the_kept_pages_at_once(redis_app, world):
    from datetime import timedelta

    from app.closing import close_due_jobs_step
    from app.models.base import utcnow

    jobs.update_job(world.recruiter, world.job.id, closes_at=utcnow() + timedelta(hours=1))
    db.session.commit()
    visitor = redis_app.test_client()
    assert world.job.title in visitor.get("/").get_data(as_text=True)
    assert 'type="application/ld+json"' in visitor.get(f"/jobs/{world.job.id}").get_data(as_text=True)
    assert close_due_jobs_step(utcnow() + timedelta(hours=2)) == [world.job.id]
    assert world.job.title not in visitor.get("/").get_data(as_text=True)
    assert "This position is closed" in visitor.get(f"/jobs/{world.job.id}").get_data(as_text=True)


def test_a_new_job_is_on_the_kept_board_and_careers_page_at_once(redis_app, world, factory):
    visitor = redis_app.test_client()
    visitor.get("/")
    visitor.get(f"/companies/{world.company.slug}")
    factory.job(world.recruiter, title="Lighthouse Keeper")
    assert "Lighthouse Keeper" in visitor.get("/").get_data(as_text=True)
    assert "Lighthouse Keeper" in visitor.get(f"/companies/{world.company.slug}").get_data(as_text=True)


def test_a_refused_search_is_not_kept(redis_app, world, count_statements):
    visitor = redis_app.test_client()
    assert visitor.get("/?employment_type=nonsense").status_code == 422
    with count_statements() as log:
        assert visitor.get("/?employment_type=nonsense").status_code == 422
    assert log.count
