"""The API keys page: admins make a key (shown once), see it listed by its start, and revoke it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ApiKey
from tests.web.conftest import post

BASE = "/dashboard/api-keys"
SHOWN_KEY = re.compile(r'id="new-key-value"[^>]*value="(ats_[0-9a-f]{8}_[A-Za-z0-9_-]+)"')


def test_admin_makes_a_key_that_works_once_shown_then_revokes_it(world, as_user, client):
    browser = as_user(world.admin)
    made = post(browser, BASE, {"name": "HRIS <sync>", "scopes": ["jobs:read", "applications:read"]})
    html = made.get_data(as_text=True)
    assert made.status_code == 200 and "HRIS &lt;sync&gt;" in html and "HRIS <sync>" not in html
    secret = SHOWN_KEY.search(html).group(1)
    key = db.session.scalar(select(ApiKey).where(ApiKey.company_id == world.company.id))
    assert key.scopes == ["jobs:read", "applications:read"] and secret.startswith(key.prefix)
    listed = browser.get(BASE).get_data(as_text=True)
    assert key.prefix in listed and secret not in listed  # shown once: never again
    with client.application.test_client() as script:
        assert script.get("/api/v1/jobs", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert post(browser, f"{BASE}/{key.id}/revoke").status_code == 302
    with client.application.test_client() as script:
        assert script.get("/api/v1/jobs", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_a_key_without_scopes_or_name_is_refused_beside_the_fields(world, as_user):
    browser = as_user(world.admin)
    response = post(browser, BASE, {"name": "", "scopes": []})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Choose at least one scope" in html and "This field is required." in html
    assert db.session.scalar(select(ApiKey.id)) is None


@pytest.mark.parametrize("role", ["recruiter", "hiring_manager"])
def test_only_admins_see_the_page(world, as_user, role):
    browser = as_user(world.user(role))
    assert browser.get(BASE).status_code == 403
    assert post(browser, BASE, {"name": "x", "scopes": ["jobs:read"]}).status_code == 403


def test_another_companys_key_cannot_be_revoked(world, as_user, factory):
    from app.services import api_keys

    theirs = api_keys.create_key(world.other_admin, name="Theirs", scopes=["jobs:read"]).key
    db.session.commit()
    browser = as_user(world.admin)
    assert post(browser, f"{BASE}/{theirs.id}/revoke").status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiKey, theirs.id).revoked_at is None


def test_forms_need_the_csrf_token(world, as_user):
    browser = as_user(world.admin)
    assert browser.post(BASE, data={"name": "x", "scopes": ["jobs:read"]}).status_code in (400, 422)
    assert db.session.scalar(select(ApiKey.id)) is None
