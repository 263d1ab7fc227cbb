"""The notifications API and the caller's settings: paging, the unread filter, marking read, tenancy."""

from __future__ import annotations

from app.extensions import db
from app.models import User
from tests.api.conftest import assert_problem
from tests.notifications.helpers import mention, note


def _many(world, n: int) -> list[int]:
    """`n` mentions of the recruiter by the hiring manager; the note ids, oldest first."""
    return [note(world.hiring_manager, world.application.id, f"#{i} {mention(world.recruiter)}").id for i in range(n)]


def test_a_members_notifications_page_newest_first_and_the_unread_filter(world, api, token):
    note_ids = _many(world, 5)
    bearer = token(world.recruiter)

    first = api.get("/notifications?limit=2", token=bearer)
    assert first.status_code == 200
    body = first.get_json()
    assert [item["note_id"] for item in body["items"]] == note_ids[::-1][:2]
    item = body["items"][0]
    assert item["kind"] == "mention" and item["application_id"] == world.application.id
    assert item["actor_id"] == world.hiring_manager.id and item["actor_name"] == world.hiring_manager.full_name
    assert item["candidate_name"] == world.candidate.full_name and item["job_title"] == world.job.title
    assert item["read_at"] is None
    assert 'rel="next"' in first.headers["Link"]
    seen = [i["id"] for i in body["items"]]
    cursor = body["next_cursor"]
    while cursor:
        page = api.get(f"/notifications?limit=2&cursor={cursor}", token=bearer).get_json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
    assert len(seen) == 5 == len(set(seen)) and seen == sorted(seen, reverse=True)

    assert api.post(f"/notifications/{seen[0]}/read", token=bearer).status_code == 204
    assert api.post(f"/notifications/{seen[0]}/read", token=bearer).status_code == 204  # again: no change
    unread = api.get("/notifications?unread=true", token=bearer).get_json()["items"]
    assert [i["id"] for i in unread] == seen[1:]
    everything = api.get("/notifications", token=bearer).get_json()["items"]
    assert everything[0]["read_at"] is not None

    done = api.post("/notifications/read-all", token=bearer)
    assert done.status_code == 200 and done.get_json() == {"updated": 4}
    assert api.get("/notifications?unread=true", token=bearer).get_json()["items"] == []
    assert api.post("/notifications/read-all", token=bearer).get_json() == {"updated": 0}


def test_nobody_sees_or_marks_anothers_notifications(world, api, token):
    _many(world, 1)
    (mine,) = api.get("/notifications", token=token(world.recruiter)).get_json()["items"]
    for other in (world.admin, world.other_recruiter, world.hiring_manager):
        assert api.get("/notifications", token=token(other)).get_json()["items"] == []
        assert_problem(api.post(f"/notifications/{mine['id']}/read", token=token(other)), 404)
        assert api.post("/notifications/read-all", token=token(other)).get_json() == {"updated": 0}
    assert api.get("/notifications?unread=true", token=token(world.recruiter)).get_json()["items"][0]["read_at"] is None
    assert_problem(api.post("/notifications/2147483647/read", token=token(world.recruiter)), 404)


def test_candidates_have_no_notifications_and_bad_input_is_refused(world, api, token):
    assert_problem(api.get("/notifications", token=token(world.candidate)), 403)
    assert_problem(api.get("/me/settings", token=token(world.candidate)), 403)
    assert_problem(api.get("/notifications"), 401)
    bearer = token(world.recruiter)
    assert_problem(api.get("/notifications?cursor=nope", token=bearer), 422)
    assert_problem(api.get("/notifications?limit=0", token=bearer), 422)
    assert_problem(api.get("/notifications?color=red", token=bearer), 422)


def test_settings_read_and_change_the_digest_of_the_caller_only(world, api, token):
    bearer = token(world.recruiter)
    assert api.get("/me/settings", token=bearer).get_json() == {"digest": True}
    changed = api.patch("/me/settings", token=bearer, json={"digest": False})
    assert changed.status_code == 200 and changed.get_json() == {"digest": False}
    db.session.expire_all()
    assert db.session.get(User, world.recruiter.id).digest_opt_out is True
    assert db.session.get(User, world.admin.id).digest_opt_out is False
    assert api.get("/me/settings", token=bearer).get_json() == {"digest": False}
    for bad in ({"digest": "no"}, {"digest": 0}, {"user_id": world.admin.id}, {"digest": None}):
        body = assert_problem(api.patch("/me/settings", token=bearer, json=bad), 422)
        assert body["errors"]
    assert api.patch("/me/settings", token=bearer, json={}).get_json() == {"digest": False}


def test_a_notes_mentions_are_listed_by_the_notes_api(world, api, token):
    created = api.post(
        f"/applications/{world.application.id}/notes",
        token=token(world.hiring_manager),
        json={"body": f"Ask {mention(world.admin)} and @[X](user:{world.other_admin.id})"},
    )
    assert created.status_code == 201
    body = created.get_json()
    assert body["mentions"] == [world.admin.id]
    assert body["body"] == f"Ask {mention(world.admin)} and @X"
    (told,) = api.get("/notifications", token=token(world.admin)).get_json()["items"]
    assert told["note_id"] == body["id"]
