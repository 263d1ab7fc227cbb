"""The tag-management page: counts, add, rename, merge, delete with its confirmation; escaping, CSRF, tenancy."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import CandidateTag, Tag
from app.services import tags
from tests.web.conftest import login, post

BASE = "/dashboard/tags"


def _names(world) -> dict[str, int]:
    db.session.expire_all()
    return {tag.name: count for tag, count in tags.list_with_counts(world.recruiter)}


def _tag(world, name: str) -> Tag:
    db.session.expire_all()
    return tags.find(world.company.id, name)


def test_counts_add_rename_merge_delete(world, as_user):
    candidate_id = world.application.candidate_id
    tags.tag_candidate(world.recruiter, candidate_id, "Golang <b>")
    tags.tag_candidate(world.recruiter, candidate_id, "Go")
    tags.create_tag(world.other_recruiter, name="Secret rival tag")
    db.session.commit()
    client = as_user(world.recruiter)
    page = client.get(BASE)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="csrf_token"' in html
    assert "Golang &lt;b&gt;" in html and "<b>" not in html and "1 candidate" in html
    assert "Secret rival tag" not in html
    assert post(client, BASE, {"name": "Kotlin"}).status_code == 302
    assert _names(world) == {"Go": 1, "Golang <b>": 1, "Kotlin": 0}
    kotlin = _tag(world, "kotlin")
    assert post(client, f"{BASE}/{kotlin.id}", {f"tag-{kotlin.id}-name": "Kotlin 2"}).status_code == 302
    golang, go = _tag(world, "golang <b>"), _tag(world, "go")
    merged = post(client, f"{BASE}/{golang.id}/merge", {f"merge-{golang.id}-into": str(go.id)}, follow_redirects=True)
    assert "is merged into “Go”" in merged.get_data(as_text=True)
    assert _names(world) == {"Go": 1, "Kotlin 2": 0}
    confirm = client.get(f"{BASE}/{go.id}/delete").get_data(as_text=True)
    assert "1 candidate</strong> carries “Go”" in confirm
    done = post(client, f"{BASE}/{go.id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "it came off 1 candidate." in done
    assert _names(world) == {"Kotlin 2": 0}
    assert db.session.scalars(select(CandidateTag)).all() == []


def test_messages_beside_the_fields(world, as_user):
    tags.create_tag(world.recruiter, name="Senior")
    junior = tags.create_tag(world.recruiter, name="Junior")
    db.session.commit()
    client = as_user(world.recruiter)
    empty = post(client, BASE, {"name": "   "})
    assert empty.status_code == 422 and 'id="name-error"' in empty.get_data(as_text=True)
    taken = post(client, BASE, {"name": "SENIOR"})
    assert taken.status_code == 409 and "That tag exists already." in taken.get_data(as_text=True)
    renamed = post(client, f"{BASE}/{junior.id}", {f"tag-{junior.id}-name": "senior"})
    html = renamed.get_data(as_text=True)
    assert renamed.status_code == 409 and f'id="tag-{junior.id}-name-error"' in html
    bad = post(client, f"{BASE}/{junior.id}/merge", {f"merge-{junior.id}-into": str(junior.id)})
    assert bad.status_code == 422 and f'id="merge-{junior.id}-into-error"' in bad.get_data(as_text=True)
    assert _names(world) == {"Junior": 0, "Senior": 0}


def _client(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def test_csrf_roles_and_tenancy(app, world, as_user):
    tag = tags.create_tag(world.recruiter, name="Remote")
    db.session.commit()
    client = as_user(world.recruiter)
    assert client.post(BASE, data={"name": "No token"}).status_code in (400, 422)
    assert client.post(f"{BASE}/{tag.id}/delete").status_code in (302, 400)
    assert _names(world) == {"Remote": 0}
    manager = _client(app, world.hiring_manager)
    assert manager.get(BASE).status_code == 403
    assert post(manager, f"{BASE}/{tag.id}/delete").status_code == 403
    rival = _client(app, world.other_recruiter)
    assert rival.get(f"{BASE}/{tag.id}/delete").status_code == 404
    assert post(rival, f"{BASE}/{tag.id}/delete").status_code == 404
    assert post(rival, f"{BASE}/{tag.id}", {f"tag-{tag.id}-name": "Mine"}).status_code == 404
    assert post(rival, f"{BASE}/{tag.id}/merge", {f"merge-{tag.id}-into": "1"}).status_code == 404
    assert _names(world) == {"Remote": 0}
