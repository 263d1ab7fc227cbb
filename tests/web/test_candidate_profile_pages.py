"""The candidate profile page, its edit form and tags, the pool pages, and tags on the board's cards."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Application, Candidate
from app.services import pools, tags
from tests.web.conftest import csrf, post


def _profile(world) -> str:
    return f"/dashboard/candidates/{world.application.candidate_id}"


def test_profile_page_shows_applications_and_escapes(as_user, world):
    candidate = db.session.get(Candidate, world.application.candidate_id)
    candidate.full_name = "<b>Cara</b>"
    db.session.commit()
    client = as_user(world.hiring_manager)
    html = client.get(_profile(world)).get_data(as_text=True)
    assert "&lt;b&gt;Cara&lt;/b&gt;" in html and "<b>Cara</b>" not in html
    assert f'/dashboard/applications/{world.application.id}"' in html and world.job.title in html
    assert "Edit details" not in html  # hiring managers read
    forbidden = post(client, _profile(world), {"full_name": "X", "version": "1"})
    assert forbidden.status_code == 403


def test_other_companies_and_candidates_get_404(as_user, world):
    client = as_user(world.other_recruiter)
    assert client.get(_profile(world)).status_code == 404
    assert post(client, f"{_profile(world)}/tags", {"name": "x"}).status_code == 404


def test_edit_with_errors_beside_fields_then_saved(as_user, world):
    client = as_user(world.recruiter)
    bad = post(client, _profile(world), {"full_name": "Cara", "email": "nope", "phone": "+1 12", "version": "1",
                                         "source": "sourced", "github": "ftp://x"})  # fmt: skip
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Not a valid email address." in html and "Not a valid phone number" in html and "http(s)" in html
    kept = post(client, _profile(world), {"full_name": "Cara C", "phone": "030 1234567", "version": "1",
                                          "source": "sourced"})  # fmt: skip
    assert kept.status_code == 200 and "country code" in kept.get_data(as_text=True)
    stale = post(client, _profile(world), {"full_name": "Old", "version": "1", "source": "sourced"})
    assert stale.status_code == 422 and "changed meanwhile" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Candidate, world.application.candidate_id).full_name == "Cara C"


def test_tags_on_the_profile_and_on_the_board_card(as_user, world):
    client = as_user(world.recruiter)
    assert post(client, f"{_profile(world)}/tags", {"name": "Senior <3"}).status_code == 302
    html = client.get(_profile(world)).get_data(as_text=True)
    assert "Senior &lt;3" in html
    board = client.get(f"/dashboard/jobs/{world.job.id}").get_data(as_text=True)
    assert 'class="badge card-tag' in board and "Senior &lt;3" in board
    listed = client.get(f"/dashboard/jobs/{world.job.id}?view=list").get_data(as_text=True)
    assert "Senior &lt;3" in listed
    assert post(client, f"{_profile(world)}/tags/remove", {"name": "senior <3"}).status_code == 302
    assert "card-tag" not in client.get(f"/dashboard/jobs/{world.job.id}").get_data(as_text=True)


def test_board_bulk_bar_tags_the_selected(as_user, world):
    client = as_user(world.recruiter)
    response = client.post(
        f"/dashboard/jobs/{world.job.id}/bulk",
        data={"csrf_token": csrf(client), "ids": [str(world.application.id)], "action": "add_tag", "tag": "Later"},
    )
    assert response.status_code == 302
    found = tags.for_applications(world.company.id, [world.application.id])
    assert found == {world.application.id: [("Later", None)]}


def test_pools_pages_add_from_profile_and_apply_to_a_job(as_user, world, factory):
    client = as_user(world.recruiter)
    made = post(client, "/dashboard/pools", {"name": "Backend <x>", "description": "For later"})
    assert made.status_code == 302
    pool = pools.list_pools(world.recruiter).items[0][0]
    assert "Backend &lt;x&gt;" in client.get("/dashboard/pools").get_data(as_text=True)
    assert post(client, f"{_profile(world)}/pools", {"pool_id": str(pool.id)}).status_code == 302
    page = client.get(f"/dashboard/pools/{pool.id}").get_data(as_text=True)
    assert "Cara Candidate" in page
    other_job = factory.job(world.recruiter, title="Platform")
    candidate_id = world.application.candidate_id
    applied = post(client, f"/dashboard/pools/{pool.id}/members/{candidate_id}/apply", {"job_id": str(other_job.id)})
    assert applied.status_code == 302
    made = db.session.scalar(select(Application).where(Application.job_id == other_job.id))
    assert made.source == "sourced" and made.candidate_id == candidate_id
    again = post(client, f"/dashboard/pools/{pool.id}/members/{candidate_id}/apply", {"job_id": str(other_job.id)})
    assert again.status_code == 302
    follow = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "already in this job" in follow
