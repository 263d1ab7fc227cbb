"""Job feeds (Indeed XML, RSS 2.0) and the sitemap, parsed as XML and checked element by element."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import update

from app.extensions import db
from app.models import Job
from app.services import companies, jobs
from tests import bulk

BASE = "https://jobs.example.org"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def site(make_app):
    made = make_app(BASE_URL=BASE + "/")
    with made.app_context():
        yield made


@pytest.fixture
def postings(factory):
    """Two companies: open on-site and remote jobs, a hidden salary, a draft and a closed job."""
    acme, acme_admin = factory.company("Acme & Co")
    companies.update_company(acme_admin, acme.id, website="https://acme.example")
    db.session.commit()
    welder = factory.job(
        acme_admin, title="Welder <senior>", description="Weld.\nSafely & well. ]]> done", location="Lyon, France",
        employment_type="contract", salary_min=40_000, salary_max=55_000, salary_currency="EUR",
        department="Workshop", closes_at=datetime.now(UTC) + timedelta(days=30),
    )  # fmt: skip
    writer = factory.job(
        acme_admin, title="Writer", location="Germany", remote=True, employment_type="part_time",
        salary_min=30_000, salary_currency="EUR", salary_visible=False,
    )  # fmt: skip
    draft = factory.job(acme_admin, title="Secret draft", status="draft")
    closed = factory.job(acme_admin, title="Old closed role")
    jobs.set_job_status(acme_admin, closed.id, "closed")
    globex, globex_admin = factory.company("Globex")
    other = factory.job(globex_admin, title="Globex Analyst", location="Oslo, Norway")
    db.session.commit()
    return {"acme": acme, "globex": globex, "welder": welder, "writer": writer, "draft": draft, "closed": closed,
            "other": other}  # fmt: skip


def parse(data: bytes) -> ET.Element:
    return ET.fromstring(data)  # noqa: S314  (the app's own documents)


def _xml(client, path: str, mimetype: str = "application/xml") -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == mimetype
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    return parse(response.get_data())


def _indeed_jobs(root: ET.Element) -> dict[str, ET.Element]:
    return {job.findtext("title"): job for job in root.findall("job")}


def test_the_indeed_feed(site, postings):
    raw = site.test_client().get("/feeds/jobs.xml").get_data()
    assert b"<![CDATA[Welder <senior>]]>" in raw  # text travels in CDATA sections
    root = _xml(site.test_client(), "/feeds/jobs.xml")
    assert root.tag == "source"
    assert root.findtext("publisher") == "ATS"
    assert root.findtext("publisherurl") == f"{BASE}/"
    assert parsedate_to_datetime(root.findtext("lastBuildDate")).tzinfo is not None
    found = _indeed_jobs(root)
    assert set(found) == {"Welder <senior>", "Writer", "Globex Analyst"}  # no draft, no closed job

    welder = found["Welder <senior>"]
    job = postings["welder"]
    assert parsedate_to_datetime(welder.findtext("date")) == job.opened_at.replace(microsecond=0)
    assert welder.findtext("referencenumber") == str(job.id) == welder.findtext("requisitionid")
    url = urlsplit(welder.findtext("url"))
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{BASE}/jobs/{job.id}"
    assert parse_qs(url.query) == {"utm_source": ["indeed"]}
    assert welder.findtext("company") == "Acme & Co"
    assert (welder.findtext("city"), welder.findtext("country")) == ("Lyon", "France")
    assert welder.findtext("description") == "Weld.<br>\nSafely &amp; well. ]]&gt; done"
    assert welder.findtext("salary") == "EUR 40,000 - 55,000 per year"
    assert welder.findtext("jobtype") == "contract"
    assert welder.findtext("category") == "Workshop"
    assert welder.find("remotetype") is None

    writer = found["Writer"]
    assert writer.findtext("salary") == ""  # not published
    assert writer.findtext("jobtype") == "parttime"
    assert writer.findtext("remotetype") == "Fully remote"
    assert (writer.findtext("city"), writer.findtext("country")) == ("Germany", "")


def test_the_rss_feed(site, postings):
    root = _xml(site.test_client(), "/feeds/jobs.rss", "application/rss+xml")
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("link") == f"{BASE}/"
    assert channel.find("{http://www.w3.org/2005/Atom}link").get("href") == f"{BASE}/feeds/jobs.rss"
    items = {item.findtext("title"): item for item in channel.findall("item")}
    assert set(items) == {"Welder <senior> at Acme & Co", "Writer at Acme & Co", "Globex Analyst at Globex"}
    item = items["Writer at Acme & Co"]
    job = postings["writer"]
    assert item.findtext("link") == f"{BASE}/jobs/{job.id}?utm_source=rss"
    guid = item.find("guid")
    assert guid.text == f"{BASE}/jobs/{job.id}" and guid.get("isPermaLink") == "true"
    assert parsedate_to_datetime(item.findtext("pubDate")) == job.opened_at.replace(microsecond=0)
    assert "30,000" not in ET.tostring(root, encoding="unicode")  # the hidden salary is nowhere


def test_the_sitemap(site, postings):
    root = _xml(site.test_client(), "/sitemap.xml")
    assert root.tag == f"{SM}urlset"
    urls = {url.findtext(f"{SM}loc"): url.findtext(f"{SM}lastmod") for url in root.findall(f"{SM}url")}
    acme, globex = postings["acme"], postings["globex"]
    expected = {f"{BASE}/", f"{BASE}/companies/{acme.slug}", f"{BASE}/companies/{globex.slug}"}
    expected |= {f"{BASE}/jobs/{postings[name].id}" for name in ("welder", "writer", "other")}
    assert set(urls) == expected
    assert all(urls.values())
    welder = postings["welder"]
    assert datetime.fromisoformat(urls[f"{BASE}/jobs/{welder.id}"]) == welder.updated_at.replace(microsecond=0)
    newest = max(postings[name].updated_at for name in ("welder", "writer", "other"))
    assert datetime.fromisoformat(urls[f"{BASE}/"]) == newest.replace(microsecond=0)


def test_a_companys_own_feeds(site, postings):
    client = site.test_client()
    slug = postings["acme"].slug
    root = _xml(client, f"/companies/{slug}/feeds/jobs.xml")
    assert set(_indeed_jobs(root)) == {"Welder <senior>", "Writer"}
    assert root.findtext("publisher") == "Acme & Co" and root.findtext("publisherurl") == "https://acme.example"
    rss = _xml(client, f"/companies/{slug}/feeds/jobs.rss", "application/rss+xml")
    assert rss.find("channel/link").text == f"{BASE}/companies/{slug}"
    titles = {item.findtext("title") for item in rss.iter("item")}
    assert titles == {"Welder <senior> at Acme & Co", "Writer at Acme & Co"}
    globex = _xml(client, f"/companies/{postings['globex'].slug}/feeds/jobs.xml")
    assert set(_indeed_jobs(globex)) == {"Globex Analyst"}
    assert client.get("/companies/no-such-company/feeds/jobs.xml").status_code == 404
    assert client.get("/companies/no-such-company/feeds/jobs.rss").status_code == 404


def test_a_company_without_open_jobs_has_empty_feeds(site, factory):
    company, _ = factory.company()
    client = site.test_client()
    assert _xml(client, f"/companies/{company.slug}/feeds/jobs.xml").findall("job") == []
    rss = _xml(client, f"/companies/{company.slug}/feeds/jobs.rss", "application/rss+xml")
    assert rss.findall("channel/item") == []


def test_a_job_that_closes_leaves_every_feed(site, postings):
    client = site.test_client()
    job = postings["welder"]
    jobs.close_due_jobs(job.closes_at + timedelta(seconds=1))
    db.session.commit()
    assert "Welder <senior>" not in _indeed_jobs(_xml(client, "/feeds/jobs.xml"))
    rss = _xml(client, "/feeds/jobs.rss", "application/rss+xml")
    assert not any(item.findtext("title").startswith("Welder") for item in rss.iter("item"))
    assert f"{BASE}/jobs/{job.id}" not in {loc.text for loc in _xml(client, "/sitemap.xml").iter(f"{SM}loc")}


def test_characters_xml_cannot_carry_are_dropped(site, factory):
    _, admin = factory.company()
    factory.job(admin, title="Bell\x07 ringer", description="Form\x0cfeed")
    raw = site.test_client().get("/feeds/jobs.xml").get_data()
    job = parse(raw).find("job")
    assert job.findtext("title") == "Bell ringer" and job.findtext("description") == "Formfeed"


def test_two_thousand_jobs_in_one_query(site, factory, count_statements):
    company, admin = factory.company()
    bulk.jobs(company.id, admin.id, 2000)
    db.session.remove()
    for path in ("/feeds/jobs.xml", "/feeds/jobs.rss", "/sitemap.xml"):
        with count_statements() as log:
            response = site.test_client().get(path)
        assert response.status_code == 200
        assert log.count == 1, (path, log.report())
    assert len(parse(response.get_data()).findall(f"{SM}url")) == 2000 + 2


def test_feeds_are_kept_for_anonymous_readers_until_jobs_change(redis_app, factory, count_statements):
    company, admin = factory.company()
    factory.job(admin, title="Kept job")
    reader = redis_app.test_client()
    paths = ("/feeds/jobs.xml", "/feeds/jobs.rss", "/sitemap.xml", f"/companies/{company.slug}/feeds/jobs.rss")
    first = {path: reader.get(path).get_data() for path in paths}
    for path in paths:
        with count_statements() as log:
            again = reader.get(f"{path}?anything=1")  # feeds read no query string: one kept answer each
        assert log.count == 0, (path, log.report())
        assert again.get_data() == first[path] and again.headers["X-Content-Type-Options"] == "nosniff"
    factory.job(admin, title="Brand new job")
    for path in paths[:2]:
        assert b"Brand new job" in reader.get(path).get_data()
    db.session.execute(update(Job).where(Job.title == "Kept job").values(status="closed"))
    db.session.commit()
    assert b"Kept job" not in reader.get("/feeds/jobs.xml").get_data()
