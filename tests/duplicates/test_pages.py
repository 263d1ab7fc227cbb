"""The Duplicates page, the merge screen, dismissing, undoing, and the notice on the profile."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Application, Candidate, CandidateMerge, DuplicateCandidate
from app.services import duplicates
from tests.web.conftest import csrf, login, post


def _found(world, add):
    acme = world["acme"]
    a = add(acme, "Pat <b>One</b>", phone="+44 20 7946 0958", location="London")
    b = add(acme, "Pat Two", phone="+442079460958", email="pat@example.com")
    duplicates.find_all()
    db.session.commit()
    return a, b, db.session.scalars(select(DuplicateCandidate)).one()


def test_list_merge_with_a_choice_and_undo(client, world, add):
    a, b, _proposal = _found(world, add)
    login(client, world["acme"]["recruiter"])
    html = client.get("/dashboard/duplicates").get_data(as_text=True)
    assert "Same phone" in html and "Pat &lt;b&gt;One&lt;/b&gt;" in html and "<b>One</b>" not in html
    profile = client.get(f"/dashboard/candidates/{a.id}").get_data(as_text=True)
    assert 'id="duplicates-notice"' in profile and "Pat Two" in profile
    screen = client.get(f"/dashboard/candidates/{a.id}/merge?other_id={b.id}")
    assert screen.status_code == 200
    page = screen.get_data(as_text=True)
    assert 'id="conflict-full_name"' in page and 'id="conflict-email"' in page and 'id="conflict-location"' not in page
    token = csrf(client, f"/dashboard/candidates/{a.id}/merge?other_id={b.id}")
    bad = client.post(
        f"/dashboard/candidates/{a.id}/merge",
        data={"csrf_token": token, "other_id": str(b.id), "full_name": "theirs"},
    )
    assert bad.status_code == 422 and "Not a valid choice" in bad.get_data(as_text=True)
    done = client.post(
        f"/dashboard/candidates/{a.id}/merge",
        data={"csrf_token": token, "other_id": str(b.id), "full_name": "other", "email": "other"},
    )
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/dashboard/candidates/{a.id}")
    db.session.expire_all()
    kept = db.session.get(Candidate, a.id)
    assert (kept.full_name, kept.email, kept.location) == ("Pat Two", "pat@example.com", "London")
    assert db.session.scalar(select(Application.candidate_id).where(Application.candidate_id == b.id)) is None
    tombstone = client.get(f"/dashboard/candidates/{b.id}").get_data(as_text=True)
    assert 'id="merged-notice"' in tombstone
    history = client.get("/dashboard/duplicates").get_data(as_text=True)
    record = db.session.scalars(select(CandidateMerge)).one()
    assert f'id="merge-{record.id}"' in history and "Undo" in history and "No possible duplicates open" in history
    undone = post(client, f"/dashboard/merges/{record.id}/undo")
    assert undone.status_code == 302
    db.session.expire_all()
    assert db.session.get(Candidate, a.id).full_name == "Pat <b>One</b>"
    assert db.session.get(Candidate, b.id).email == "pat@example.com"
    again = post(client, f"/dashboard/merges/{record.id}/undo", follow_redirects=True)
    assert "already undone" in again.get_data(as_text=True)


def test_dismiss_roles_and_tenancy(client, world, add):
    a, b, proposal = _found(world, add)
    login(client, world["acme"]["hiring_manager"])
    assert "Compare and merge" not in client.get("/dashboard/duplicates").get_data(as_text=True)
    assert post(client, f"/dashboard/duplicates/{proposal.id}/dismiss").status_code == 403
    assert post(client, f"/dashboard/candidates/{a.id}/merge", {"other_id": str(b.id)}).status_code == 403
    client.post("/auth/logout", data={"csrf_token": csrf(client)})
    login(client, world["globex"]["admin"])
    assert client.get(f"/dashboard/candidates/{a.id}/merge?other_id={b.id}").status_code == 404
    assert post(client, f"/dashboard/duplicates/{proposal.id}/dismiss").status_code == 404
    assert post(client, f"/dashboard/candidates/{a.id}/merge", {"other_id": str(b.id)}).status_code == 404
    assert "No possible duplicates open" in client.get("/dashboard/duplicates").get_data(as_text=True)
    client.post("/auth/logout", data={"csrf_token": csrf(client)})
    login(client, world["acme"]["admin"])
    assert client.get(f"/dashboard/candidates/{a.id}/merge?other_id={a.id}").status_code == 422
    assert post(client, f"/dashboard/duplicates/{proposal.id}/dismiss").status_code == 302
    db.session.expire_all()
    assert db.session.get(DuplicateCandidate, proposal.id).status == "dismissed"


def test_the_kept_profile_shows_the_application_left_on_the_merged_record(client, world, add, factory):
    """Both applied to one job: the merge leaves one application on the merged record; the profile lists it."""
    from app.services import merging

    acme = world["acme"]
    shared = factory.job(acme["recruiter"], title="Shared role")
    a = add(acme, "Pat One", email="pat.one@example.com", job=shared)
    b = add(acme, "Pat Two", email="pat.two@example.com", job=shared)
    left = db.session.scalar(select(Application.id).where(Application.candidate_id == b.id))
    merging.merge(acme["recruiter"], a.id, b.id)
    db.session.commit()
    login(client, acme["recruiter"])
    profile = client.get(f"/dashboard/candidates/{a.id}").get_data(as_text=True)
    assert f'id="profile-application-{left}"' in profile and f"from merged record #{b.id}" in profile
