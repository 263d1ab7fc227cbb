"""Every API error is an RFC 9457 problem document (application/problem+json).

Domain errors carry their own `to_problem()`; HTTP errors raised by Flask,
Werkzeug, webargs or Flask-Limiter are turned into the same shape here, so a
script never has to parse an HTML error page.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, json, request
from werkzeug.exceptions import HTTPException

from app.core.logging import current_request_id
from app.errors import DomainError

PROBLEM_JSON = "application/problem+json"
API_PATH_PREFIX = "/api/"

_SLUGS = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Unauthorized"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    409: ("conflict", "Conflict"),
    413: ("payload-too-large", "Payload too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("validation-failed", "Validation failed"),
    429: ("rate-limited", "Too many requests"),
    500: ("internal-error", "Internal server error"),
    503: ("unavailable", "Service unavailable"),
}

_DETAILS = {
    400: "The request could not be understood.",
    401: "A valid bearer token is required.",
    403: "You are not allowed to do this.",
    404: "There is nothing here.",
    405: "This method is not allowed on this resource.",
    413: "The request body is too large.",
    415: "Send the body as application/json.",
    422: "Some fields are not valid.",
    429: "Too many requests; wait before trying again.",
    500: "An unexpected error happened. It has been logged; please try again.",
}

# Locations webargs nests its messages under; the client only needs the field names.
_LOCATIONS = {"json", "query", "querystring", "form", "files", "json_or_form", "view_args", "path", "headers"}


class ApiProblem(DomainError):
    """An HTTP-level problem raised by the API layer itself (not a business rule)."""

    def __init__(self, status: int, detail: str | None = None, **extra) -> None:
        slug, title = _SLUGS.get(status, ("error", "Error"))
        self.status = status
        self.title = title
        self.type_slug = slug
        super().__init__(detail or _DETAILS.get(status, title), **extra)


def problem(status: int, detail: str | None = None, *, errors=None, headers=None, **extra) -> Response:
    body = ApiProblem(status, detail, errors=errors, **extra).to_problem()
    return problem_response(body, headers)


def problem_response(body: dict, headers=None) -> Response:
    request_id = current_request_id()
    if request_id:  # the same id as the X-Request-ID header and the log lines, for a support request
        body = {**body, "request_id": request_id}
    response = Response(json.dumps(body), status=body["status"], mimetype=PROBLEM_JSON)
    for name, value in dict(headers or {}).items():
        if name.lower() != "content-type":
            response.headers[name] = value
    if body["status"] == 401:
        response.headers.setdefault("WWW-Authenticate", "Bearer")
    return response


def flatten_errors(messages, prefix: str = "") -> dict[str, list[str]]:
    """webargs/marshmallow nest messages by location and field; flatten to {"a.b": [...]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            key = str(key)
            if not prefix and key in _LOCATIONS:
                name = ""
            elif key == "_schema":
                name = prefix or "body"
            else:
                name = f"{prefix}.{key}" if prefix else key
            for field, msgs in flatten_errors(value, name).items():
                flat.setdefault(field, []).extend(msgs)
    elif isinstance(messages, list | tuple):
        for item in messages:
            if isinstance(item, dict | list | tuple):
                for field, msgs in flatten_errors(item, prefix).items():
                    flat.setdefault(field, []).extend(msgs)
            else:
                flat.setdefault(prefix or "body", []).append(str(item))
    else:
        flat.setdefault(prefix or "body", []).append(str(messages))
    return flat


def handle_domain_error(error: DomainError) -> Response:
    return problem_response(error.to_problem())


def handle_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    if status >= 500 and status != 503:
        return problem(500)  # Flask has already logged the original exception
    data = getattr(error, "data", None) or {}
    errors = None
    detail = None
    if "messages" in data:
        errors = flatten_errors(data["messages"])
        if status == 400:
            detail = "The body is not valid JSON."
    elif status == 405:
        detail = f"{request.method} is not allowed here."
    elif status == 429:
        detail = f"Too many requests ({error.description}); wait before trying again."
    headers = dict(error.get_headers())
    headers.update(data.get("headers") or {})
    return problem(status, detail, errors=errors, headers=headers)


def register_blueprint_handlers(bp: Blueprint) -> None:
    bp.register_error_handler(DomainError, handle_domain_error)
    bp.register_error_handler(HTTPException, handle_http_exception)
    # By status too: the app's own handlers for 403/404/405/500 (HTML pages) are
    # registered by status, and Flask prefers a status match over a class match.
    for status in _SLUGS:
        bp.register_error_handler(status, handle_http_exception)


def register_routing_errors(app: Flask) -> None:
    """A URL or method no API route matches has no blueprint to handle it: answer here."""

    @app.before_request
    def _api_routing_error():
        error = request.routing_exception
        if isinstance(error, HTTPException) and (error.code or 0) >= 400 and request.path.startswith(API_PATH_PREFIX):
            return handle_http_exception(error)
        return None
