"""Hostile URLs never reach the database: huge ids are not found, a NUL byte is a bad request.

Every URL rule the app has is walked, so a route added later is covered too.
On PostgreSQL an id of 2**31 or a NUL in text fails inside the database (a
500 before these guards); SQLite merely finds nothing, so this file matters
most in the PostgreSQL run, and runs in both.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from app.core.converters import INT32_MAX, Int32Converter, Int64Converter
from tests.web.conftest import csrf, login

HUGE_IDS = (2**31, 2**63, 10**400)
ARGUMENT = re.compile(r"<(?:(?P<converter>[a-z0-9]+)(?:\([^)]*\))?:)?(?P<name>[a-z_]+)>")
NUL_QUERY = "q=%00abc&location=ab%00&cursor=%00&status=%00&stage=%00&next=%00&%00=1"
SKIPPED_ENDPOINTS = {"static", "bootstrap.static"}


def _rules(app: Flask) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint not in SKIPPED_ENDPOINTS]


def _is_web(rule: Rule) -> bool:
    return not rule.rule.startswith("/api/")


def _methods(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


def _path(rule: Rule, *, number: str, text: str) -> str:
    """The rule's path with every int argument set to `number` and every other argument to `text`."""

    def fill(match: re.Match) -> str:
        return number if match.group("converter") == "int" else text

    return ARGUMENT.sub(fill, rule.rule)


def _int_rules(app: Flask) -> list[Rule]:
    return [rule for rule in _rules(app) if any(c == "int" for c, _ in _converters(rule))]


def _converters(rule: Rule) -> list[tuple[str | None, str]]:
    return [(m.group("converter"), m.group("name")) for m in ARGUMENT.finditer(rule.rule)]


@pytest.fixture
def clients(app, world) -> dict[str, tuple[FlaskClient, str]]:
    """An anonymous visitor, a candidate and a company admin, each with a CSRF token for its session."""
    made = {}
    for name, user in (("anonymous", None), ("candidate", world.candidate), ("admin", world.admin)):
        client = app.test_client()
        if user is not None:
            assert login(client, user).status_code == 302
        made[name] = (client, csrf(client))
    return made


def _send(client: FlaskClient, token: str, method: str, url: str):
    data = {"csrf_token": token} if method in {"POST", "PUT", "PATCH", "DELETE"} else None
    return client.open(url, method=method, data=data)


def test_every_rule_with_an_id_is_walked(app):
    """The walk below is not empty: the web door's id routes are all there."""
    endpoints = {rule.endpoint for rule in _int_rules(app)}
    for endpoint in (
        "jobs.job",
        "jobs.apply",
        "dashboard.job",
        "dashboard.edit_job",
        "dashboard.application",
        "dashboard.move",
        "candidate.application",
        "mail_admin.retry",
    ):
        assert endpoint in endpoints


@pytest.mark.parametrize("who", ["anonymous", "candidate", "admin"])
def test_ids_beyond_the_column_are_not_found_on_every_route(app, clients, who):
    client, token = clients[who]
    failures = []
    for rule in _int_rules(app):
        for number in HUGE_IDS:
            url = _path(rule, number=str(number), text="x")
            for method in _methods(rule):
                response = _send(client, token, method, url)
                # 405 when a rule of the same shape takes other methods (Werkzeug checks those first).
                if response.status_code not in (404, 405):
                    failures.append((method, url[:80], response.status_code))
    assert failures == []


@pytest.mark.parametrize("who", ["anonymous", "candidate", "admin"])
def test_a_nul_in_a_path_or_query_is_never_a_server_error(app, clients, who):
    client, token = clients[who]
    failures = []
    for rule in _rules(app):
        variants = [_path(rule, number="1%00", text="a%00b")] if _converters(rule) else []
        variants.append(_path(rule, number="1", text="a") + "?" + NUL_QUERY)
        for url in variants:
            for method in _methods(rule):
                response = _send(client, token, method, url)
                # The web door answers one plain 400 page; the API's schemas refuse the field (4xx).
                expected_web = response.status_code == 400 and response.mimetype == "text/html"
                if response.status_code >= 500 or (_is_web(rule) and not expected_web):
                    failures.append((method, url[:80], response.status_code))
    assert failures == []


@pytest.mark.parametrize(
    "url",
    ["/?q=%00abc", "/?location=ab%00", "/companies/%00", "/jobs/1%00", "/?%00=1", "/dashboard/mail?status=%00"],
)
def test_the_nul_page_says_what_is_wrong(client, url):
    response = client.get(url)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "contains a character that is not allowed" in html
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_the_largest_stored_id_still_routes(app, world, client):
    """The bound is the column's: 2**31 - 1 is a real (missing) id, found or not by the view itself."""
    assert client.get(f"/jobs/{world.job.id}").status_code == 200
    assert client.get(f"/jobs/{INT32_MAX}").status_code == 404
    adapter = app.url_map.bind("localhost")
    assert adapter.match(f"/jobs/{INT32_MAX}") == ("jobs.job", {"job_id": INT32_MAX})
    assert adapter.match(f"/api/v1/jobs/{INT32_MAX}")[1] == {"job_id": INT32_MAX}


def test_converters_keep_werkzeugs_options(app):
    converter = Int32Converter(app.url_map, min=1, max=10**12)
    assert converter.max == INT32_MAX  # a wider max than the column is narrowed to it
    assert converter.min == 1
    signed = Int32Converter(app.url_map, signed=True)
    assert (signed.min, signed.max) == (-(2**31), INT32_MAX)
    assert Int64Converter(app.url_map).max == 2**63 - 1
    assert app.url_map.converters["int"] is Int32Converter
