"""Download my data: the ZIP's content, the link's owner and expiry, the guest's status page, the worker."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, DataRequest, OutboxMessage
from app.models.base import utcnow
from app.services import data_export
from tests.data_requests.conftest import NOTE_WORD, mailed
from tests.guests import apply_as_guest
from tests.web.conftest import csrf, login


def fetch(client, url: str):
    """GET a download and close it (the body streams from an open file)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def built() -> None:
    """Without Redis the sweep builds the pending exports (the periodic task, as `flask tick` runs it)."""
    assert data_export.sweep() >= 1
    db.session.commit()


def _export(app, client, person) -> str:
    assert login(client, person.user).status_code == 302
    response = client.post("/me/privacy/export", data={"csrf_token": csrf(client, "/me/privacy")})
    assert response.status_code == 302
    assert mailed(app, person.user.email, "my-data") == []  # nothing heavy in the request
    built()
    (token,) = mailed(app, person.user.email, "my-data")
    return token


def test_the_zip_holds_the_persons_data_and_files_and_no_staff_notes(app, client, person):
    token = _export(app, client, person)
    response = fetch(client, f"/my-data/{token}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    data = json.loads(archive.read("data.json"))
    assert set(data) == {"generated_at", "records"}
    assert len(data["records"]) == 2
    companies = {record["company"] for record in data["records"]}
    assert companies == {tenant["company"].name for tenant in person.tenants}
    record = data["records"][0]
    assert record["details"]["email"] == person.user.email
    (application,) = record["applications"]
    assert set(application) >= {"job_title", "stage", "stage_history", "answers", "cover_letter",
                                "messages_received", "replies", "consent", "resume"}  # fmt: skip
    assert application["cover_letter"] == "Cover letter 0"
    assert application["stage_history"][0]["to"] == "applied"
    assert application["messages_received"][0]["subject"] == "Hello Ada"
    assert application["consent"]["consented_at"]
    assert application["resume"] in names
    assert archive.read(application["resume"]).startswith(b"%PDF")
    assert len([n for n in names if n.startswith("files/")]) == 2
    everything = b"".join(archive.read(n) for n in names)
    assert NOTE_WORD.encode() not in everything
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("data_request.%"))).all()
    assert sorted(actions) == ["data_request.export_built", "data_request.export_downloaded"]


def test_the_stored_email_keeps_no_link(app, client, person):
    token = _export(app, client, person)
    bodies = db.session.scalars(select(OutboxMessage.text_body).where(OutboxMessage.kind == "data_export")).all()
    assert bodies and all(token not in body for body in bodies)


def test_unknown_expired_or_someone_elses_link_is_not_found(app, client, person, factory):
    token = _export(app, client, person)
    assert fetch(client, f"/my-data/{'x' * 43}").status_code == 404
    other = factory.candidate("Eve")
    intruder = app.test_client()
    assert login(intruder, other).status_code == 302
    assert fetch(intruder, f"/my-data/{token}").status_code == 404
    assert fetch(client, f"/my-data/{token}").status_code == 200
    db.session.execute(db.update(DataRequest).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert fetch(client, f"/my-data/{token}").status_code == 404


def test_the_sweep_removes_expired_exports_and_their_file(app, client, person):
    from app.core.storage import get_storage

    _export(app, client, person)
    row = db.session.scalars(select(DataRequest)).one()
    key = row.file_key
    assert get_storage().exists(key)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert data_export.sweep() == 1
    db.session.commit()
    assert not get_storage().exists(key)
    db.session.refresh(row)
    assert (row.status, row.file_key, row.token_hash) == ("expired", None, None)


def test_a_guest_exports_from_the_status_page(app, client, factory):
    tenant = factory.tenant()
    _submission, link = apply_as_guest(tenant["job"].id, email="guest.export@people.example", name="Gus")
    db.session.commit()
    page = client.get(f"/status/{link}")
    assert b"Download my data" in page.data and b"Erase my data" in page.data
    response = client.post(f"/status/{link}/my-data", data={"csrf_token": csrf(client, f"/status/{link}")})
    assert response.status_code == 302
    built()
    (token,) = mailed(app, "guest.export@people.example", "my-data")
    download = fetch(app.test_client(), f"/my-data/{token}")
    assert download.status_code == 200
    data = json.loads(zipfile.ZipFile(io.BytesIO(download.data)).read("data.json"))
    assert [r["details"]["full_name"] for r in data["records"]] == ["Gus"]


def test_the_forms_need_their_csrf_token(app, client, person):
    assert login(client, person.user).status_code == 302
    assert client.post("/me/privacy/export").status_code == 400
    assert client.post("/me/privacy/erase").status_code == 400
    assert db.session.scalar(select(db.func.count()).select_from(DataRequest)) == 0


@pytest.mark.redis
def test_the_worker_builds_the_export(make_app, factory, redis_url, redis_prefix):
    from tests.data_requests.conftest import make_person
    from tests.mail.conftest import work

    app = make_app(REDIS_URL=redis_url, REDIS_KEY_PREFIX=redis_prefix)
    with app.app_context():
        person = make_person(factory)
        client = app.test_client()
        assert login(client, person.user).status_code == 302
        client.post("/me/privacy/export", data={"csrf_token": csrf(client, "/me/privacy")})
        row = db.session.scalars(select(DataRequest)).one()
        assert row.status == "pending"
        work(app)
        db.session.expire_all()
        assert db.session.get(DataRequest, row.id).status == "ready"
        (token,) = mailed(app, person.user.email, "my-data")
        assert fetch(client, f"/my-data/{token}").status_code == 200
        db.session.remove()
