"""Feeds and the sitemap: open jobs only, absolute links from BASE_URL, kept like the public search."""

from __future__ import annotations

from flask import Response, current_app, url_for

from app.feeds import bp
from app.feeds.documents import indeed_xml, last_change, rss_xml, sitemap_xml
from app.public_cache import cached_for_anonymous
from app.services import careers, companies

XML = "application/xml"
RSS = "application/rss+xml"
# Feeds can be large (every open job with its description): kept up to this size, keyed by path alone.
kept = cached_for_anonymous("jobs", max_bytes_setting="PUBLIC_CACHE_MAX_FEED_BYTES", by_query=False)


def _publisher() -> str:
    return current_app.config.get("FEED_PUBLISHER") or "ATS"


@bp.after_request
def _headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


@bp.get("/feeds/jobs.xml")
@kept
def indeed():
    """Every open job, in the XML format job boards such as Indeed ingest."""
    jobs = careers.open_jobs_for_feeds()
    body = indeed_xml(jobs, publisher=_publisher(), publisher_url=careers.absolute(url_for("jobs.board")))
    return Response(body, mimetype=XML)


@bp.get("/feeds/jobs.rss")
@kept
def rss():
    jobs = careers.open_jobs_for_feeds()
    body = rss_xml(
        jobs,
        title=f"Open jobs · {_publisher()}",
        link=careers.absolute(url_for("jobs.board")),
        self_url=careers.absolute(url_for("feeds.rss")),
        description="Open positions from every company hiring here.",
    )
    return Response(body, mimetype=RSS)


@bp.get("/companies/<slug>/feeds/jobs.xml")
@kept
def company_indeed(slug: str):
    company = companies.get_company_by_slug(slug)
    jobs = careers.open_jobs_for_feeds(company.id)
    body = indeed_xml(jobs, publisher=company.name, publisher_url=company.website or careers.careers_url(slug))
    return Response(body, mimetype=XML)


@bp.get("/companies/<slug>/feeds/jobs.rss")
@kept
def company_rss(slug: str):
    company = companies.get_company_by_slug(slug)
    jobs = careers.open_jobs_for_feeds(company.id)
    body = rss_xml(
        jobs,
        title=f"Jobs at {company.name}",
        link=careers.careers_url(slug),
        self_url=careers.absolute(url_for("feeds.company_rss", slug=slug)),
        description=f"Open positions at {company.name}.",
    )
    return Response(body, mimetype=RSS)


@bp.get("/sitemap.xml")
@kept
def sitemap():
    """The board, each careers page with open jobs, and every open job's page (with their last change)."""
    jobs = careers.open_jobs_for_feeds()
    by_company: dict[str, list] = {}
    for job in jobs:
        by_company.setdefault(job.company_slug, []).append(job)
    urls = [(careers.absolute(url_for("jobs.board")), last_change(jobs) if jobs else None)]
    urls += [(careers.careers_url(slug), last_change(owned)) for slug, owned in sorted(by_company.items())]
    urls += [(careers.job_url(job.id), job.updated_at) for job in jobs]
    return Response(sitemap_xml(urls), mimetype=XML)
