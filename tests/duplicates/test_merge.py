"""Merging two records of one person: preview, merge keeps everything, undo restores exactly, tenancy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from app.extensions import db
from app.models import (
    Application,
    AuditEvent,
    Candidate,
    CandidateMerge,
    CandidateTag,
    DuplicateCandidate,
    Note,
    PoolMember,
    ResumeText,
    StageChange,
)
from app.services import applying, duplicates, pools, tags
from tests.api.conftest import assert_problem

FIELDS = ("full_name", "email", "phone", "location", "links", "user_id", "merged_into_id")


def _snapshot(*ids: int) -> dict:
    """Everything of these records that a merge may touch, by table."""
    db.session.expire_all()
    people = {
        c.id: tuple(getattr(c, f) for f in FIELDS)
        for c in db.session.scalars(select(Candidate).where(Candidate.id.in_(ids)))
    }
    return {
        "people": people,
        "applications": sorted(db.session.execute(select(Application.id, Application.candidate_id)).all()),
        "tags": sorted(db.session.execute(select(CandidateTag.candidate_id, CandidateTag.tag_id)).all()),
        "pools": sorted(db.session.execute(select(PoolMember.id, PoolMember.candidate_id)).all()),
        "resumes": sorted(db.session.execute(select(ResumeText.resume_key, ResumeText.candidate_id)).all()),
    }


@pytest.fixture
def pair(world, add, factory):
    """Two records of Ada at Acme: `keep` (added by staff) and `other` (she applied, with consent)."""
    acme = world["acme"]
    shared = factory.job(acme["recruiter"], title="Shared role")
    keep = add(acme, "Ada Lovelace", email="ada.work@example.com", location="London", job=shared, note="Keep note")
    other_app = factory.application(world["ada"], acme["job"])  # she applied herself: consent on the row
    other = db.session.get(Candidate, other_app.candidate_id)
    recruiter = acme["recruiter"]
    second = applying.add_candidate(recruiter, factory.job(recruiter).id, candidate=other, source="sourced", note="Hi")
    same_job = applying.add_candidate(recruiter, shared.id, candidate=other, source="sourced")
    db.session.execute(update(Candidate).where(Candidate.id == other.id).values(phone="+44 20 7946 0958"))
    db.session.add(
        ResumeText(resume_key="r-other", application_id=second.id, candidate_id=other.id,
                   company_id=other.company_id, text="Ada's resume", status="ok")
    )  # fmt: skip
    tags.tag_candidate(recruiter, keep.id, "Shared")
    tags.tag_candidate(recruiter, other.id, "Shared")
    tags.tag_candidate(recruiter, other.id, "Python")
    mine = pools.create_pool(recruiter, name="Mine")
    theirs = pools.create_pool(recruiter, name="Theirs")
    pools.add_members(recruiter, mine.id, [keep.id, other.id])
    pools.add_members(recruiter, theirs.id, [other.id])
    db.session.commit()
    return {
        "keep": keep.id, "other": other.id, "moved": sorted([other_app.id, second.id]), "same_job": same_job.id,
        "keep_app": db.session.scalar(select(Application.id).where(Application.candidate_id == keep.id)),
        "pool": mine.id,
    }  # fmt: skip


def test_preview_then_merge_keeps_everything_and_undo_restores_exactly(api, token, world, pair):
    access = token(world["acme"]["recruiter"])
    keep, other = pair["keep"], pair["other"]
    before = _snapshot(keep, other)
    consent = db.session.scalar(select(Application.consented_at).where(Application.id == pair["moved"][0]))
    assert consent is not None
    notes = sorted(db.session.scalars(select(Note.id).join(Application).where(Application.candidate_id == other)))
    history = sorted(db.session.scalars(select(StageChange.id).where(StageChange.application_id.in_(pair["moved"]))))

    preview = api.get(f"/candidates/{keep}/merge-preview?other_id={other}", token=access)
    assert preview.status_code == 200, preview.get_json()
    body = preview.get_json()
    conflicts = {c["field"]: (c["keep_value"], c["other_value"], c["kept"]) for c in body["conflicts"]}
    assert conflicts["email"][2] == "keep" and conflicts["phone"] == (None, "+44 20 7946 0958", "other")
    assert set(conflicts) == {"full_name", "email", "phone"}  # her own record has no location to differ
    assert body["applications_moving"] == 2 and body["same_jobs"] == ["Shared role"]
    assert "both applications are kept" in body["notes"][0]

    merged = api.post(f"/candidates/{keep}/merge", token=access, json={"other_id": other, "fields": {"email": "other"}})
    assert merged.status_code == 201, merged.get_json()
    record = merged.get_json()
    assert sorted(record["moved"]["applications"]) == pair["moved"]
    assert record["moved"]["resume_texts"] == ["r-other"]
    assert record["moved"]["fields"]["email"] == {"old": "ada.work@example.com", "new": world["ada"].email}
    assert record["moved"]["other"] == {"email": world["ada"].email}

    profile = api.get(f"/candidates/{keep}", token=access).get_json()
    # Every application of both records shows on the kept profile, the one left on the merged record too.
    listed = {a["id"]: a["merged_from_id"] for a in profile["applications"]}
    assert listed == {pair["keep_app"]: None, **dict.fromkeys(pair["moved"]), pair["same_job"]: other}
    assert profile["email"] == world["ada"].email and profile["phone"] == "+44 20 7946 0958"
    assert profile["full_name"] == "Ada Lovelace" and profile["location"] == "London"
    assert sorted(t["name"] for t in profile["tags"]) == ["Python", "Shared"]
    assert sorted(p["name"] for p in profile["pools"]) == ["Mine", "Theirs"]
    assert {h["id"] for h in profile["history"]} >= set(history)
    moved_notes = db.session.scalars(select(Note.id).join(Application).where(Application.candidate_id == keep))
    assert set(notes) <= set(moved_notes)
    assert db.session.scalar(select(Application.consented_at).where(Application.id == pair["moved"][0])) == consent
    # Both applications to the shared job are kept; the other's stays with the tombstone.
    assert db.session.get(Application, pair["same_job"]).candidate_id == other
    tombstone = db.session.get(Candidate, other)
    assert tombstone.merged_into_id == keep and tombstone.email is None
    members = api.get(f"/pools/{pair['pool']}/members", token=access).get_json()["items"]
    assert [m["candidate"]["id"] for m in members] == [keep]  # the tombstone's own membership is not listed
    listed = api.get("/candidates?limit=100", token=access).get_json()["items"]
    assert keep in {c["id"] for c in listed} and other not in {c["id"] for c in listed}
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(keep))).all()
    assert "candidate.merged" in actions
    assert_problem(api.post(f"/candidates/{keep}/merge", token=access, json={"other_id": other}), 409)

    undone = api.post(f"/merges/{record['id']}/undo", token=access)
    assert undone.status_code == 200, undone.get_json()
    assert undone.get_json()["undone_at"] is not None
    assert _snapshot(keep, other) == before
    assert "candidate.merge_undone" in db.session.scalars(select(AuditEvent.action)).all()
    assert_problem(api.post(f"/merges/{record['id']}/undo", token=access), 409)


def test_undo_is_refused_when_no_longer_safe(api, token, world, add, pair, app):
    access = token(world["acme"]["recruiter"])
    keep, other = pair["keep"], pair["other"]

    def merge(a, b) -> int:
        response = api.post(f"/candidates/{a}/merge", token=access, json={"other_id": b})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    # Merged again: the kept record went into a third one.
    first = merge(keep, other)
    third = add(world["acme"], "Ada Third").id
    second = merge(third, keep)
    body = assert_problem(api.post(f"/merges/{first}/undo", token=access), 409)
    assert "merged again" in body["detail"]
    assert api.post(f"/merges/{second}/undo", token=access).status_code == 200
    # A moved application deleted since.
    db.session.execute(delete(Application).where(Application.id == pair["moved"][0]))
    db.session.commit()
    body = assert_problem(api.post(f"/merges/{first}/undo", token=access), 409)
    assert "deleted or moved" in body["detail"]
    assert db.session.get(Candidate, other).merged_into_id == keep  # nothing of the refused undo stayed


def test_undo_is_refused_after_an_edit_or_too_late(api, token, world, pair):
    access = token(world["acme"]["recruiter"])
    keep, other = pair["keep"], pair["other"]
    record = api.post(f"/candidates/{keep}/merge", token=access, json={"other_id": other}).get_json()
    db.session.execute(update(Candidate).where(Candidate.id == keep).values(phone="+33 1 23 45 67 89"))
    db.session.commit()
    assert "edited since" in assert_problem(api.post(f"/merges/{record['id']}/undo", token=access), 409)["detail"]
    db.session.execute(update(Candidate).where(Candidate.id == keep).values(phone="+44 20 7946 0958"))
    merged = db.session.get(CandidateMerge, record["id"])
    merged.merged_at -= timedelta(days=31)
    db.session.commit()
    assert "30 days" in assert_problem(api.post(f"/merges/{record['id']}/undo", token=access), 409)["detail"]


def test_roles_itself_and_bad_choices(api, token, world, pair):
    keep, other = pair["keep"], pair["other"]
    manager = token(world["acme"]["hiring_manager"])
    assert api.get(f"/candidates/{keep}/merge-preview?other_id={other}", token=manager).status_code == 200
    assert_problem(api.post(f"/candidates/{keep}/merge", token=manager, json={"other_id": other}), 403)
    admin = token(world["acme"]["admin"])
    assert_problem(api.post(f"/candidates/{keep}/merge", token=admin, json={"other_id": keep}), 422)
    assert_problem(api.get(f"/candidates/{keep}/merge-preview?other_id={keep}", token=admin), 422)
    bad = api.post(f"/candidates/{keep}/merge", token=admin, json={"other_id": other, "fields": {"source": "other"}})
    assert "fields.source" in assert_problem(bad, 422)["errors"]
    assert_problem(api.post(f"/candidates/{keep}/merge", token=admin, json={"other_id": other, "x": 1}), 422)


def test_another_companys_records_are_not_found_anywhere(api, token, world, add, pair):
    keep, other = pair["keep"], pair["other"]
    foreign = add(world["globex"], "Ada Lovelace", email="ada.work@example.com").id
    acme = token(world["acme"]["admin"])
    globex = token(world["globex"]["admin"])
    add(world["acme"], "Pat One", phone="+33 1 23 45 67 89")
    add(world["acme"], "Pat Two", phone="+33123456789")
    duplicates.find_all()
    db.session.commit()
    proposal = db.session.scalars(select(DuplicateCandidate.id)).one()
    record = api.post(f"/candidates/{keep}/merge", token=acme, json={"other_id": other}).get_json()
    checks = [
        api.get(f"/candidates/{keep}/merge-preview?other_id={other}", token=globex),
        api.post(f"/candidates/{keep}/merge", token=globex, json={"other_id": other}),
        api.post(f"/candidates/{foreign}/merge", token=globex, json={"other_id": keep}),
        api.post(f"/candidates/{keep}/merge", token=acme, json={"other_id": foreign}),
        api.get(f"/candidates/{keep}/duplicates", token=globex),
        api.post(f"/duplicates/{proposal}/dismiss", token=globex),
        api.post(f"/merges/{record['id']}/undo", token=globex),
    ]
    for response in checks:
        assert_problem(response, 404)
    assert api.get("/duplicates", token=globex).get_json()["items"] == []


def test_list_candidate_proposals_and_dismiss(api, token, world, add):
    acme = world["acme"]
    a = add(acme, "Pat One", phone="+44 20 7946 0958")
    b = add(acme, "Pat Two", phone="+442079460958")
    c = add(acme, "Kim One", email="kim@example.com", linkedin="https://linkedin.com/in/kim")
    d = add(acme, "Kim Two", linkedin="https://www.linkedin.com/in/Kim/")
    duplicates.find_all()
    db.session.commit()
    access = token(acme["hiring_manager"])
    first = api.get("/duplicates?limit=1", token=access)
    assert first.status_code == 200 and 'rel="next"' in first.headers["Link"]
    (newest,) = first.get_json()["items"]
    rest = api.get(f"/duplicates?limit=1&cursor={first.get_json()['next_cursor']}", token=access).get_json()
    ids = {(p["candidate_a"]["id"], p["candidate_b"]["id"]) for p in [newest, *rest["items"]]}
    assert ids == {(a.id, b.id), (c.id, d.id)} and rest["next_cursor"] is None
    mine = api.get(f"/candidates/{a.id}/duplicates", token=access).get_json()["items"]
    assert [p["reasons"] for p in mine] == [["phone"]]
    assert_problem(api.post(f"/duplicates/{mine[0]['id']}/dismiss", token=access), 403)
    dismissed = api.post(f"/duplicates/{mine[0]['id']}/dismiss", token=token(acme["recruiter"]))
    assert dismissed.status_code == 200 and dismissed.get_json()["status"] == "dismissed"
    assert api.get(f"/candidates/{a.id}/duplicates", token=access).get_json()["items"] == []
    assert len(api.get("/duplicates", token=access).get_json()["items"]) == 1
