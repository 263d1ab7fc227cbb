"""The audit log page: admins filter and download it as CSV; nobody else sees it."""

from __future__ import annotations

import csv
import io

import pytest

from app.extensions import db
from app.services import api_keys

BASE = "/dashboard/audit"


def test_admin_reads_filters_and_downloads_the_log(world, as_user):
    api_keys.create_key(world.admin, name='=HYPERLINK("http://evil.example")', scopes=["jobs:read"])
    db.session.commit()
    browser = as_user(world.admin)
    page = browser.get(BASE)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "api_key.created" in html and "auth.sign_in" in html
    assert "=HYPERLINK(&#34;http://evil.example&#34;)" in html or "=HYPERLINK(&quot;" in html
    filtered = browser.get(BASE, query_string={"action": "api_key.created"}).get_data(as_text=True)
    assert "api_key.created" in filtered and "<code>auth.sign_in</code>" not in filtered
    download = browser.get(f"{BASE}.csv", query_string={"action": "api_key.created"})
    assert download.status_code == 200 and download.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
    assert rows[0][:3] == ["id", "time", "action"] and [row[2] for row in rows[1:]] == ["api_key.created"]
    assert "'=HYPERLINK" in rows[1][10]  # the details cell cannot run as a formula
    logged = browser.get(BASE, query_string={"action": "audit.exported"}).get_data(as_text=True)
    assert "audit.exported" in logged  # the download itself is recorded


def test_bad_dates_are_shown_beside_the_field(world, as_user):
    response = as_user(world.admin).get(BASE, query_string={"from": "yesterday"})
    assert response.status_code == 422 and "Use a date as YYYY-MM-DD." in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["recruiter", "hiring_manager"])
def test_only_admins_see_it(world, as_user, role):
    browser = as_user(world.user(role))
    assert browser.get(BASE).status_code == 403
    assert browser.get(f"{BASE}.csv").status_code == 403


def test_another_companys_rows_never_show(world, as_user):
    api_keys.create_key(world.other_admin, name="Theirs only", scopes=["jobs:read"])
    db.session.commit()
    assert "Theirs only" not in as_user(world.admin).get(BASE).get_data(as_text=True)
