"""Requests made with an API key: who they act as, and which scope each operation needs.

Runs before every API request (before the idempotency claim, which is scoped to
the key). A request whose bearer credential is a key (`ats_...`) is checked
here; views then see the acting member through `auth.caller()` exactly as
with a token. Operations are grouped by their blueprint: reading needs
`<resource>:read`, anything else `<resource>:write`; blueprints without a
resource (sign-in, members, templates, privacy, keys themselves) refuse keys.
"""

from __future__ import annotations

import re

from flask import Flask, g, has_request_context, request

from app.api.problems import problem
from app.errors import DomainError
from app.services import api_keys, provenance  # noqa: F401  (provenance: names the key on history rows)

ON_BEHALF_OF = "On-Behalf-Of"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Blueprint name -> the resource its operations belong to.
RESOURCES: dict[str, str] = {
    "api_jobs": "jobs",
    "api_pipelines": "jobs",
    "api_questions": "jobs",
    "api_applications": "applications",
    "api_bulk": "applications",
    "api_status_links": "applications",
    "api_replies": "applications",
    "api_candidate_search": "candidates",
    "api_reports": "reports",
    "api_webhooks": "webhooks",
    "api_messages": "applications",
    "api_audit": "audit",
    "api_candidate_profiles": "candidates",
    "api_tags": "candidates",
    "api_pools": "candidates",
    "api_duplicates": "candidates",
    "api_candidate_imports": "candidates",
    "api_interviews": "applications",
    "api_feedback": "applications",
    "api_booking": "applications",
    "api_offers": "applications",
}
# Resources with one scope for every method.
WHOLE_SCOPES = {"webhooks": "webhooks:manage"}


def required_scope(blueprint: str | None, method: str) -> str | None:
    """The scope an operation needs with a key; None: keys may not call it."""
    resource = RESOURCES.get(blueprint or "")
    if resource is None:
        return None
    if resource in WHOLE_SCOPES:
        return WHOLE_SCOPES[resource]
    return f"{resource}:{'read' if method in READ_METHODS else 'write'}"


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    value = value.strip()
    return value if api_keys.looks_like_key(value) else None


def before_request():
    # Reset first: an application context (and its `g`) can outlive one request (tests, CLI).
    g.api_key = g.api_actor = g.api_key_id = None
    if not request.path.startswith("/api/"):
        return None
    secret = _bearer()
    if secret is None:
        return None
    g.api_key_presented = True
    try:
        found = api_keys.authenticate(secret, request.headers.get(ON_BEHALF_OF))
    except DomainError as error:
        return problem(error.status, error.detail)
    if request.url_rule is None:
        return None  # a 404 or 405 answers anyway
    scope = required_scope(request.blueprint, request.method)
    if scope is None:
        return problem(403, "This operation cannot be called with an API key: sign in for a token.")
    if scope not in found.key.scopes:
        return problem(403, f"This API key lacks the scope {scope}.", required_scope=scope)
    g.api_key = found.key
    g.api_key_id = found.key.id  # history rows and notes name it (app/services/provenance.py)
    g.api_actor = found.actor
    return None


def current_key_id() -> int | None:
    """The key of the request being served, if it was made with one (None outside requests)."""
    if not has_request_context():
        return None
    key = g.get("api_key")
    return key.id if key is not None else None


def _openapi_path(rule: str) -> str:
    """/api/v1/jobs/<int(min=1):job_id> -> /api/v1/jobs/{job_id}, as flask-smorest writes paths."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def document(app: Flask, spec) -> None:
    """Each operation a key may call names its scope and accepts the key (called once the paths are registered)."""
    paths = spec._paths  # apispec has no public iterator over registered paths
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rpartition(".")[0]
        operations = paths.get(_openapi_path(rule.rule))
        if not operations:
            continue
        for method in rule.methods or ():
            operation = operations.get(method.lower())
            if operation is None or "x-required-scope" in operation:
                continue
            scope = required_scope(blueprint, method)
            if scope is None:
                continue
            operation["x-required-scope"] = scope
            security = operation.setdefault("security", [])
            if any("bearerAuth" in entry for entry in security):
                security.append({"apiKey": []})


def init_app(app: Flask) -> None:
    app.before_request(before_request)
