"""The feed documents, built with XML libraries (never by joining strings).

Indeed's format wraps text in CDATA sections, which ElementTree cannot write,
so that feed is built with the standard library's minidom; RSS and the sitemap
use ElementTree. Every link is absolute, from BASE_URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.dom import minidom
from xml.etree import ElementTree as ET

from app.services.careers import FeedJob, description_html, job_url, split_location, with_source

# Characters XML 1.0 cannot carry at all (control characters other than tab and newlines).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_MAX_URLS = 50_000

ET.register_namespace("", SITEMAP_NS)
ET.register_namespace("atom", ATOM_NS)

INDEED_JOB_TYPES = {
    "full_time": "fulltime",
    "part_time": "parttime",
    "contract": "contract",
    "internship": "internship",
    "temporary": "temporary",
}


def clean(text: str | None) -> str:
    return _NOT_XML.sub("", text or "")


def rfc822(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def salary_text(job: FeedJob) -> str:
    """ "EUR 50,000 - 60,000 per year", or "" when the salary is not published."""
    if not job.public_salary:
        return ""
    low, high = job.salary_min, job.salary_max
    if low is not None and high is not None:
        amount = f"{low:,}" if low == high else f"{low:,} - {high:,}"
    elif low is not None:
        amount = f"from {low:,}"
    else:
        amount = f"up to {high:,}"
    return f"{job.salary_currency or ''} {amount} per year".strip()


def last_change(jobs: list[FeedJob]) -> datetime:
    """The newest change among the jobs (stable while nothing changes), or now for an empty feed."""
    return max((job.updated_at for job in jobs), default=None) or datetime.now(UTC)


# -- Indeed XML --------------------------------------------------------------------------------------------------


def _cdata(doc: minidom.Document, parent, name: str, text: str) -> None:
    """<name><![CDATA[text]]></name>; a "]]>" inside the text is split across two sections."""
    element = doc.createElement(name)
    pieces = clean(text).split("]]>")
    for index, piece in enumerate(pieces):
        if index < len(pieces) - 1:
            piece += "]]"
        if index > 0:
            piece = ">" + piece
        element.appendChild(doc.createCDATASection(piece))
    parent.appendChild(element)


def _plain(doc: minidom.Document, parent, name: str, text: str) -> None:
    element = doc.createElement(name)
    element.appendChild(doc.createTextNode(clean(text)))
    parent.appendChild(element)


def indeed_xml(jobs: list[FeedJob], *, publisher: str, publisher_url: str) -> bytes:
    doc = minidom.Document()
    source = doc.createElement("source")
    doc.appendChild(source)
    _plain(doc, source, "publisher", publisher)
    _plain(doc, source, "publisherurl", publisher_url)
    _plain(doc, source, "lastBuildDate", rfc822(last_change(jobs)))
    for job in jobs:
        place = split_location(job.location)
        element = doc.createElement("job")
        source.appendChild(element)
        _cdata(doc, element, "title", job.title)
        _cdata(doc, element, "date", rfc822(job.posted_at))
        _cdata(doc, element, "referencenumber", str(job.id))
        _cdata(doc, element, "requisitionid", str(job.id))
        _cdata(doc, element, "url", job_url(job.id, "indeed"))
        _cdata(doc, element, "company", job.company_name)
        _cdata(doc, element, "city", place.city)
        _cdata(doc, element, "country", place.country)
        if job.remote:
            _cdata(doc, element, "remotetype", "Hybrid remote" if place.city and place.country else "Fully remote")
        _cdata(doc, element, "description", description_html(job.description) or job.title)
        _cdata(doc, element, "salary", salary_text(job))
        _cdata(doc, element, "jobtype", INDEED_JOB_TYPES.get(job.employment_type, job.employment_type))
        if job.department:
            _cdata(doc, element, "category", job.department)
        if job.closes_at is not None:
            _cdata(doc, element, "expirationdate", rfc822(job.closes_at))
    return doc.toxml(encoding="utf-8")


# -- RSS 2.0 -------------------------------------------------------------------------------------------------------


def _sub(parent: ET.Element, name: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, name, attrs)
    if text is not None:
        element.text = clean(text)
    return element


def rss_xml(jobs: list[FeedJob], *, title: str, link: str, self_url: str, description: str) -> bytes:
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _sub(rss, "channel")
    _sub(channel, "title", title)
    _sub(channel, "link", link)
    _sub(channel, "description", description)
    _sub(channel, "language", "en")
    _sub(channel, "lastBuildDate", rfc822(last_change(jobs)))
    _sub(channel, f"{{{ATOM_NS}}}link", href=self_url, rel="self", type="application/rss+xml")
    for job in jobs:
        item = _sub(channel, "item")
        page = job_url(job.id)
        _sub(item, "title", f"{job.title} at {job.company_name}")
        _sub(item, "link", with_source(page, "rss"))
        _sub(item, "guid", page, isPermaLink="true")
        _sub(item, "pubDate", rfc822(job.posted_at))
        _sub(item, "description", description_html(job.description) or job.title)
        if job.department:
            _sub(item, "category", job.department)
    return ET.tostring(rss, encoding="utf-8", xml_declaration=True)


# -- sitemaps.org ----------------------------------------------------------------------------------------------------


def sitemap_xml(urls: Iterable[tuple[str, datetime | None]]) -> bytes:
    """<urlset> of (absolute URL, last modified), at most 50,000 URLs (the protocol's limit)."""
    urlset = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for count, (loc, modified) in enumerate(urls):
        if count >= SITEMAP_MAX_URLS:
            break
        url = _sub(urlset, f"{{{SITEMAP_NS}}}url")
        _sub(url, f"{{{SITEMAP_NS}}}loc", loc)
        if modified is not None:
            _sub(url, f"{{{SITEMAP_NS}}}lastmod", modified.astimezone(UTC).isoformat(timespec="seconds"))
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True)
