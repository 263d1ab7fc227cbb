"""Friendly error pages for the browser."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.errors import DomainError

PAGES = {
    400: ("Bad request", "The request could not be understood. Go back, check the form and try again."),
    401: ("Please sign in", "You need to sign in to see this page."),
    403: ("Not allowed", "Your account does not have access to this page or action."),
    404: ("Page not found", "We could not find that page. It may have moved, or the link may be mistyped."),
    405: ("Not available", "That action is not available here."),
    413: ("File too large", "The upload is larger than this site accepts. Try a smaller file."),
    429: ("Too many attempts", "Please wait a while before trying again."),
    500: ("Something went wrong", "An unexpected error happened on our side. It has been logged; please try again."),
}
FALLBACK_500 = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Something went wrong</title></head>"
    "<body><h1>Something went wrong</h1><p>Please try again in a moment.</p>"
    "<p><a href='/'>Open jobs</a></p></body></html>"
)


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        title = PAGES[error.status][0] if error.status in PAGES else error.title
        return _render(error.status, title, error.detail, error.errors)

    @app.errorhandler(CSRFError)
    def _csrf_error(_error: CSRFError):
        from app.core.cookies import plain_http_problem

        detail = (
            "For your safety each form carries a token, and this one was missing or out of date. "
            "Go back, reload the page and send the form again."
        )
        problem = plain_http_problem()
        if problem and problem[0] == "blocked":  # the browser never kept the session cookie
            detail = problem[1]
        return _render(400, "This form has expired", detail)

    for status in PAGES:
        app.register_error_handler(status, _http_error)


def _http_error(error: HTTPException | Exception):
    status = error.code if isinstance(error, HTTPException) and error.code in PAGES else 500
    title, detail = PAGES[status]
    if status in (400, 403, 404) and isinstance(error, HTTPException):
        default = type(error).description
        if error.description and error.description != default:
            detail = error.description  # a reason given by the page or a guard (abort(403, description=...))
    if status == 500:
        try:
            return _render(500, title, detail)
        except Exception:  # the page itself failed (the database may be down): stay plain
            return FALLBACK_500, 500
    return _render(status, title, detail)


def _render(status: int, title: str, detail: str, errors: dict[str, list[str]] | None = None):
    return render_template("error.html", status=status, title=title, detail=detail, errors=errors), status
