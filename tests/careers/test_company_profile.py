"""The company profile: name, description, website and logo, edited by admins on the dashboard and the API."""

from __future__ import annotations

import io

import pytest

from app.core.storage import get_storage
from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.models import Company
from app.services import companies, logos, resumes
from tests.careers.images import SVG, jpeg, png
from tests.web.conftest import PDF, post


@pytest.fixture
def acme(factory):
    return factory.tenant()


def _logo(data: bytes, name: str = "logo.png") -> logos.LogoUpload:
    return logos.LogoUpload(name, data)


# -- the rules ------------------------------------------------------------------------------------------------------


def test_admins_edit_the_profile_and_the_slug_stays(db, acme):
    company = companies.update_company(
        acme["admin"], acme["company"].id, name="Acme Works", description="We build.\nTogether.",
        website="https://acme.example/jobs",
    )  # fmt: skip
    db.session.commit()
    assert (company.name, company.description, company.website) == (
        "Acme Works",
        "We build.\nTogether.",
        "https://acme.example/jobs",
    )
    assert company.slug == acme["company"].slug
    companies.update_company(acme["admin"], acme["company"].id, website=None, description="")
    assert company.website is None and company.description is None


@pytest.mark.parametrize(
    "website",
    ["javascript:alert(1)", "ftp://acme.example", "acme.example", "https://", "http://[::1", "https://a b.example",
     "data:text/html,hi"],
)  # fmt: skip
def test_only_http_and_https_websites(db, acme, website):
    with pytest.raises(ValidationFailed) as info:
        companies.update_company(acme["admin"], acme["company"].id, website=website)
    assert "website" in info.value.errors


def test_only_the_companys_admins_change_it(db, acme, factory):
    other = factory.tenant()
    for actor in (acme["recruiter"], acme["hiring_manager"], other["admin"], factory.candidate()):
        with pytest.raises(Forbidden):
            companies.update_company(actor, acme["company"].id, name="Taken over")
        with pytest.raises(Forbidden):
            logos.set_logo(actor, acme["company"].id, _logo(png()))
    with pytest.raises(ValidationFailed) as info:
        companies.update_company(acme["admin"], acme["company"].id, slug="mine")
    assert info.value.errors == {"slug": ["Unknown field."]}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (SVG, "SVG"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "SVG"),
        (PDF, "PNG or JPEG"),
        (b"GIF89a" + b"\x00" * 20, "PNG or JPEG"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 30, "PNG or JPEG"),  # a PNG signature with no image header
        (png()[:16], "PNG or JPEG"),
    ],
)
def test_logos_are_checked_by_their_content(db, acme, data, message):
    with pytest.raises(ValidationFailed) as info:
        logos.set_logo(acme["admin"], acme["company"].id, _logo(data, "logo.png"))
    assert message in info.value.errors["logo"][0]


def test_a_logo_over_the_limit_is_refused(make_app, acme):
    small = make_app(LOGO_MAX_BYTES=1024)
    with small.app_context(), pytest.raises(ValidationFailed) as info:
        logos.set_logo(acme["admin"], acme["company"].id, _logo(png(64, 64) + b"\x00" * 2048))
    assert info.value.errors == {"logo": ["Must be at most 1 KB."]}


def test_png_and_jpeg_are_stored_and_a_replaced_logo_is_deleted_after_commit(app, db, acme):
    """Files on disk (the local backend): the replaced one goes only once the change is committed."""
    company = logos.set_logo(acme["admin"], acme["company"].id, _logo(png(), "whatever.gif"))
    db.session.commit()
    first = company.logo_key
    assert company.logo_content_type == "image/png"
    assert get_storage().exists(first)
    logos.set_logo(acme["admin"], acme["company"].id, _logo(jpeg(), "logo.jpg"))
    assert get_storage().exists(first)  # not before the commit
    db.session.commit()
    assert company.logo_content_type == "image/jpeg" and company.logo_key != first
    assert not get_storage().exists(first)
    second = company.logo_key
    logos.remove_logo(acme["admin"], acme["company"].id)
    db.session.rollback()  # a removal that rolls back keeps the file
    assert get_storage().exists(second)


# -- served ---------------------------------------------------------------------------------------------------------


def test_the_logo_is_served_with_long_caching_and_nosniff(client, db, acme):
    company = logos.set_logo(acme["admin"], acme["company"].id, _logo(png()))
    db.session.commit()
    response = client.get(f"/logos/{company.logo_key}")
    assert response.status_code == 200
    assert response.get_data() == png()
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in response.headers["Cache-Control"] and "public" in response.headers["Cache-Control"]
    assert "Set-Cookie" not in response.headers


def test_only_current_logos_are_served(client, db, acme, factory):
    company = logos.set_logo(acme["admin"], acme["company"].id, _logo(png()))
    db.session.commit()
    old = company.logo_key
    logos.set_logo(acme["admin"], acme["company"].id, _logo(jpeg()))
    db.session.commit()
    assert client.get(f"/logos/{old}").status_code == 404
    # A resume shares the upload directory; its key is no company's logo.
    job = acme["job"]
    from app.services import applications

    applied = applications.apply(factory.candidate(), job.id, resume=resumes.ResumeUpload("cv.pdf", PDF), consent=True)
    db.session.commit()
    assert client.get(f"/logos/{applied.resume_key}").status_code == 404
    for key in ("../../etc/passwd", "x" * 32, "ABCDEF" * 6):
        assert client.get(f"/logos/{key}").status_code == 404


def test_the_careers_page_shows_the_profile_and_its_open_jobs(client, db, acme, factory):
    companies.update_company(
        acme["admin"], acme["company"].id, description="<b>Builders</b> since 1900", website="https://acme.example"
    )
    company = logos.set_logo(acme["admin"], acme["company"].id, _logo(png()))
    factory.job(acme["recruiter"], title="Hidden draft", status="draft")
    db.session.commit()
    html = client.get(f"/companies/{company.slug}").get_data(as_text=True)
    assert f'src="/logos/{company.logo_key}"' in html
    assert "&lt;b&gt;Builders&lt;/b&gt; since 1900" in html
    assert 'href="https://acme.example"' in html
    assert acme["job"].title in html and "Hidden draft" not in html
    assert f'href="/companies/{company.slug}/feeds/jobs.rss"' in html


# -- the API ----------------------------------------------------------------------------------------------------------


def test_api_patch_the_profile(api, acme, token):
    path = f"/companies/{acme['company'].id}"
    body = {"name": "Acme Works", "website": "https://acme.example", "description": "Hello"}
    response = api.patch(path, json=body, token=token(acme["admin"]))
    assert response.status_code == 200, response.get_data(as_text=True)
    out = response.get_json()
    assert {k: out[k] for k in body} == body and out["logo_url"] is None
    assert api.patch(path, json={"website": "javascript:alert(1)"}, token=token(acme["admin"])).status_code == 422
    assert api.patch(path, json={"slug": "mine"}, token=token(acme["admin"])).status_code == 422
    assert api.patch(path, json={"name": "No"}, token=token(acme["recruiter"])).status_code == 403
    assert api.patch(path, json={"name": "No"}).status_code == 401
    assert api.patch("/companies/2147483647", json={"name": "No"}, token=token(acme["admin"])).status_code == 404


def test_api_logo_upload_and_removal(api, acme, token, app):
    path = f"/companies/{acme['company'].id}/logo"
    auth = token(acme["admin"])
    bad = api.request("PUT", path, data={"logo": (io.BytesIO(SVG), "logo.svg")}, token=auth)
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert "SVG" in bad.get_json()["errors"]["logo"][0]
    missing = api.request("PUT", path, data={}, token=auth, content_type="multipart/form-data")
    assert missing.status_code == 422 and "logo" in missing.get_json()["errors"]
    good = api.request("PUT", path, data={"logo": (io.BytesIO(png()), "logo.png")}, token=auth)
    assert good.status_code == 200, good.get_data(as_text=True)
    url = good.get_json()["logo_url"]
    assert url.startswith(app.config["BASE_URL"].rstrip("/") + "/logos/")
    assert api.client.get(url.removeprefix(app.config["BASE_URL"].rstrip("/"))).get_data() == png()
    assert api.get(f"/companies/{acme['company'].id}").get_json()["logo_url"] == url
    other = api.request("PUT", path, data={"logo": (io.BytesIO(png()), "l.png")}, token=token(acme["recruiter"]))
    assert other.status_code == 403
    removed = api.delete(path, token=auth)
    assert removed.status_code == 200 and removed.get_json()["logo_url"] is None


# -- the dashboard ----------------------------------------------------------------------------------------------


def test_the_dashboard_profile_page_saves_and_shows_errors_beside_fields(world, as_user):
    client = as_user(world.admin)
    page = client.get("/dashboard/company")
    assert page.status_code == 200 and 'name="logo"' in page.get_data(as_text=True)
    data = {"name": world.company.name, "website": "https://acme.example", "description": "Makers."}
    response = post(client, "/dashboard/company", {**data, "logo": (io.BytesIO(png()), "logo.png")})
    assert response.status_code == 302
    db.session.expire_all()
    company = db.session.get(Company, world.company.id)
    assert company.website == "https://acme.example" and company.logo_content_type == "image/png"

    bad = post(client, "/dashboard/company", {**data, "website": "javascript:x", "logo": (io.BytesIO(SVG), "x.svg")})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert 'id="website-error"' in html
    bad = post(client, "/dashboard/company", {**data, "logo": (io.BytesIO(b"GIF89a..."), "x.gif")})
    assert bad.status_code == 422
    assert 'id="logo-error"' in bad.get_data(as_text=True) and "PNG or JPEG" in bad.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Company, world.company.id).logo_content_type == "image/png"  # unchanged

    assert post(client, "/dashboard/company", {**data, "remove_logo": "y"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Company, world.company.id).logo_key is None


def test_the_dashboard_profile_page_sets_the_language_of_candidate_emails(world, as_user):
    client = as_user(world.admin)
    assert 'name="default_language"' in client.get("/dashboard/company").get_data(as_text=True)
    data = {"name": world.company.name, "website": "", "description": ""}
    assert post(client, "/dashboard/company", {**data, "default_language": "De"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Company, world.company.id).default_language == "de"
    bad = post(client, "/dashboard/company", {**data, "default_language": "not a tag"})
    assert bad.status_code == 422 and 'id="default_language-error"' in bad.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Company, world.company.id).default_language == "de"  # unchanged


def test_only_admins_open_the_profile_page(world, as_user):
    assert as_user(world.recruiter).get("/dashboard/company").status_code == 403


def test_logos_live_in_the_database_backend_and_go_with_their_transaction(make_app, acme):
    shared = make_app(STORAGE_BACKEND="database")
    with shared.app_context():
        company = logos.set_logo(acme["admin"], acme["company"].id, _logo(png(), "logo.png"))
        db.session.commit()
        first = company.logo_key
        assert logos.logo_for_key(first) == (png(), "image/png")
        logos.set_logo(acme["admin"], acme["company"].id, _logo(jpeg(), "logo.jpg"))
        db.session.rollback()  # the replacement rolls back: the first logo is still there
        assert get_storage().exists(first)
        company = logos.set_logo(acme["admin"], acme["company"].id, _logo(jpeg(), "logo.jpg"))
        db.session.commit()
        assert not get_storage().exists(first)
        assert logos.logo_for_key(company.logo_key) == (jpeg(), "image/jpeg")
