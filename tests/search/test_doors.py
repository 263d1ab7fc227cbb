"""The API list and export, the dashboard page and the navigation's search box."""

from __future__ import annotations

import csv
import io

from app.api.auth import issue_tokens
from app.core.csv_export import safe_cell as cell
from app.extensions import db
from tests.search.conftest import add
from tests.web.conftest import login


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {issue_tokens(user)['access_token']}"}


def test_api_search_ranks_marks_and_stays_in_the_company(people, client):
    a = people["a"]
    response = client.get("/api/v1/candidates?q=kafka", headers=bearer(a["hiring_manager"]))
    assert response.status_code == 200
    (item,) = response.get_json()["items"]
    assert item["id"] == people["ids"]["margarethe"]
    assert "<mark>" in item["snippet_html"] and item["rank"] > 0
    listing = client.get("/api/v1/candidates?limit=2", headers=bearer(a["recruiter"])).get_json()
    assert len(listing["items"]) == 2 and listing["next_cursor"]
    assert people["ids"]["rival"] not in {i["id"] for i in listing["items"]}


def test_api_validation_is_a_clean_422(people, client):
    headers = bearer(people["a"]["recruiter"])
    for query in ("stage=nope", "source=moon", "applied_from=2026-02-01&applied_to=2026-01-01", "cursor=zzz", "x=1"):
        response = client.get(f"/api/v1/candidates?{query}", headers=headers)
        assert response.status_code == 422, query
        assert response.mimetype == "application/problem+json"
    response = client.get("/api/v1/candidates?q=" + "-" * 10 + "%22%22+or", headers=headers)
    assert response.status_code == 200 and response.get_json()["items"] == []


def test_candidates_may_not_list(people, client, factory):
    response = client.get("/api/v1/candidates", headers=bearer(factory.candidate()))
    assert response.status_code == 403


def test_cells_that_look_like_formulas_are_quoted():
    for value in ("=1+1", "+44 20", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert cell(value) == "'" + value
    assert cell("Ada") == "Ada" and cell(None) == ""


def test_export_is_the_search_as_csv_with_formulas_defused(people, client):
    a = people["a"]
    add(a["recruiter"], a["job"], "evil", '=HYPERLINK("http://x")', None, None, "@cmd kafka")
    from app.search.tasks import sweep

    sweep()
    response = client.get("/api/v1/candidates/export.csv?q=kafka", headers=bearer(a["recruiter"]))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["id", "full_name", "email"]
    names = {row[1] for row in rows[1:]}
    assert names == {"Margarethe Kowalczyk", '\'=HYPERLINK("http://x")'}
    everyone = client.get("/api/v1/candidates/export.csv", headers=bearer(a["recruiter"])).get_data(as_text=True)
    assert "Zebulon" not in everyone and everyone.count("\r\n") == 7  # header and six people


def test_the_dashboard_page_shows_marked_snippets_and_links_profiles(people, client):
    a = people["a"]
    login(client, a["hiring_manager"])
    page = client.get("/dashboard/candidates?q=accessibility")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'href="/dashboard/candidates/{people["ids"]["ingrid"]}"' in html
    assert "<mark>accessibility</mark>" in html
    assert "Zebulon" not in html and "Margarethe" not in html
    assert 'action="/dashboard/candidates"' in html  # the navigation's search box
    bad = client.get("/dashboard/candidates?stage=nope")
    assert bad.status_code == 422 and "Across jobs, a category" in bad.get_data(as_text=True)
    export = client.get("/dashboard/candidates/export.csv?q=accessibility")
    assert export.mimetype == "text/csv" and "Ingrid Okonkwo" in export.get_data(as_text=True)


def test_after_commit_jobs_go_to_the_search_queue(app_with_redis, factory):
    """With Redis, a staff add queues extraction and indexing after the commit; the worker runs them."""
    from rq import Queue

    from app.redis_client import redis_client
    from app.search.queue import queue_name
    from tests.search.documents import reportlab_pdf

    app = app_with_redis
    queue = Queue(queue_name(app), connection=redis_client(app))
    queue.empty()
    t = factory.tenant()
    from app.services import applying
    from app.services.candidates import CandidateDetails
    from app.services.resumes import ResumeUpload

    applying.add_candidate(
        t["recruiter"],
        t["job"].id,
        details=CandidateDetails(full_name="Queued Person", email="queued@people.example"),
        source="sourced",
        resume=ResumeUpload("cv.pdf", reportlab_pdf("Queued Person\nOrnithology expert")),
    )
    assert queue.count == 0  # nothing before the commit
    db.session.commit()
    assert queue.count == 3  # the resume's extraction, the candidate's indexing, the duplicates check
    from app.mail.worker import make_worker

    make_worker(app).work(burst=True)
    from app.services.candidate_search import search

    assert [h.full_name for h in search(t["recruiter"], q="ornithology").items] == ["Queued Person"]
