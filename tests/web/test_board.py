"""The public job board, job pages and careers pages."""

from __future__ import annotations

import re

from app.extensions import db


def test_board_lists_open_jobs_only_and_escapes_titles(client, factory):
    tenant = factory.tenant()
    factory.job(tenant["recruiter"], status="draft", title="Secret draft")
    factory.job(tenant["recruiter"], status="closed", title="Old closed job")
    factory.job(tenant["recruiter"], title="<script>alert('x')</script>", description="<b>bold</b>")
    html = client.get("/").get_data(as_text=True)
    assert tenant["job"].title in html
    assert "Secret draft" not in html and "Old closed job" not in html
    assert "<script>alert('x')</script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html


def test_board_search_and_filters(client, factory):
    tenant = factory.tenant()
    recruiter = tenant["recruiter"]
    factory.job(recruiter, title="Python developer", location="Berlin", remote=True, employment_type="full_time")
    factory.job(recruiter, title="Python intern", location="Paris", remote=False, employment_type="internship")
    factory.job(recruiter, title="Accountant", location="Berlin", remote=False, employment_type="part_time")

    def titles(query: str) -> set[str]:
        html = client.get(f"/?{query}").get_data(as_text=True)
        return {t for t in ("Python developer", "Python intern", "Accountant") if t in html}

    assert titles("q=python") == {"Python developer", "Python intern"}
    assert titles("location=berlin") == {"Python developer", "Accountant"}
    assert titles("remote=yes") == {"Python developer"}
    assert titles("remote=no&location=berlin") == {"Accountant"}
    assert titles("employment_type=internship") == {"Python intern"}
    html = client.get("/?q=python&location=Berlin").get_data(as_text=True)
    assert 'value="python"' in html and 'value="Berlin"' in html  # the search stays in the form


def test_board_rejects_unknown_filter_values_beside_the_field(client, factory):
    factory.tenant()
    response = client.get("/?employment_type=forever&remote=maybe")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="employment_type-error"' in html and 'id="remote-error"' in html


def test_board_pages_with_a_cursor_keeping_the_filters(client, app, factory):
    tenant = factory.tenant()
    for n in range(25):
        factory.job(tenant["recruiter"], title=f"Paged role {n:02d}")
    first = client.get("/?q=Paged").get_data(as_text=True)
    assert "Paged role 24" in first and "Paged role 04" not in first
    match = re.search(r'href="(/\?cursor=[^"]+)"', first.replace("&amp;", "&"))
    assert match and "q=Paged" in match.group(1)
    second = client.get(match.group(1)).get_data(as_text=True)
    assert "Paged role 04" in second and "Paged role 24" not in second
    assert client.get("/?cursor=not-a-cursor").status_code == 422


def test_job_page_shows_description_as_text(client, factory):
    tenant = factory.tenant()
    job = factory.job(
        tenant["recruiter"],
        title="Writer",
        description="Line one\n<img src=x onerror=alert(1)>\nLine three",
        salary_min=40000,
        salary_max=50000,
        salary_currency="EUR",
    )
    html = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img src=x" not in html
    assert 'class="pre-wrap job-description">Line one\n' in html  # line breaks kept, shown by CSS
    assert "EUR 40,000 to 50,000" in html
    assert "Apply now" in html


def test_drafts_are_not_found_publicly_and_closed_jobs_say_so(client, factory, as_user):
    tenant = factory.tenant()
    draft = factory.job(tenant["recruiter"], status="draft")
    closed = factory.job(tenant["recruiter"], status="closed")
    assert client.get(f"/jobs/{draft.id}").status_code == 404
    page = client.get(f"/jobs/{closed.id}")
    assert page.status_code == 200 and "This position is closed" in page.get_data(as_text=True)
    assert client.get("/jobs/999999").status_code == 404
    # the company's own staff can preview it
    assert as_user(tenant["recruiter"]).get(f"/jobs/{draft.id}").status_code == 200


def test_careers_page_lists_the_companys_open_jobs(client, factory):
    tenant = factory.tenant()
    other = factory.tenant()
    company = tenant["company"]
    company.description = "We <3 robots"
    company.website = "javascript:alert(1)"
    db.session.commit()
    html = client.get(f"/companies/{company.slug}").get_data(as_text=True)
    assert tenant["job"].title in html
    assert other["job"].title not in html
    assert "We &lt;3 robots" in html
    assert "javascript:" not in html  # not a safe link: shown nowhere as an href
    assert client.get("/companies/no-such-company").status_code == 404


def test_static_assets_are_served_locally(client):
    html = client.get("/").get_data(as_text=True)
    assert "cdn.jsdelivr" not in html and "https://" not in html.split("<body")[0]
    for asset in (
        "/bootstrap/static/css/bootstrap.min.css",
        "/bootstrap/static/js/bootstrap.min.js",
        "/static/css/app.css",
    ):
        with client.get(asset) as response:
            assert response.status_code == 200


def test_healthz_still_answers(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
