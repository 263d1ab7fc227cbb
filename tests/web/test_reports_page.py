"""The reports page: charts readable without colour, filters with errors beside them, CSV downloads."""

from __future__ import annotations

import csv
import io

import pytest

from app.core.csv_export import safe_cell as cell
from app.extensions import db
from app.services import applications, jobs
from tests.web.conftest import login


@pytest.fixture
def tenant(factory):
    tenant = factory.tenant()
    jobs.update_job(tenant["recruiter"], tenant["job"].id, title='=HYPERLINK("x") <b>Ops</b>')
    for _ in range(2):
        application = factory.application(factory.candidate(), tenant["job"])
        applications.move_stage(tenant["recruiter"], application.id, "screening")
    db.session.commit()
    return tenant


def test_page_shows_charts_with_titles_values_and_patterns(client, tenant):
    login(client, tenant["hiring_manager"])
    response = client.get("/dashboard/reports")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'role="img"' in html and '<title id="funnel-title">' in html and '<desc id="stages-desc">' in html
    assert 'fill="url(#funnel-hatch)"' in html  # a pattern, not only a colour
    assert "2 (100% of previous)" in html  # values are written beside the bars
    assert "&lt;b&gt;Ops&lt;/b&gt;" in html and "<b>Ops</b>" not in html
    assert 'href="/dashboard/reports"' in client.get("/dashboard/").get_data(as_text=True)  # the nav link


def test_bad_filters_are_shown_beside_their_fields(client, tenant):
    login(client, tenant["recruiter"])
    response = client.get("/dashboard/reports?from=2026-02-01&to=2026-01-01&source=tv")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="f-to-error"' in html and "Must be on or after the start date." in html
    assert 'id="f-source-error"' in html
    assert client.get("/dashboard/reports/funnel.csv?from=nope").status_code == 422


def test_csv_downloads_escape_formulas(client, tenant):
    login(client, tenant["admin"])
    response = client.get(f"/dashboard/reports/open-jobs.csv?job_id={tenant['job'].id}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [["job_id", "title", "days_open"], [str(tenant["job"].id), '\'=HYPERLINK("x") <b>Ops</b>', "0.0"]]
    funnel = list(csv.reader(io.StringIO(client.get("/dashboard/reports/funnel.csv").get_data(as_text=True))))
    assert funnel[1:3] == [["Applied", "2", ""], ["Screening", "2", "1.0"]]
    assert client.get("/dashboard/reports/nothing.csv").status_code == 404
    assert [cell(v) for v in ("-1+1", "@SUM(A1)", "+x", "\tx", "plain", -3, None)] == [
        "'-1+1", "'@SUM(A1)", "'+x", "'\tx", "plain", "-3", ""
    ]  # fmt: skip


def test_candidates_cannot_see_reports(client, factory):
    candidate = factory.candidate()
    login(client, candidate)
    assert client.get("/dashboard/reports").status_code in (403, 404)
