"""Error pages for the browser; the API renders problem+json itself."""

from __future__ import annotations

from flask import Flask, render_template

from app.errors import DomainError


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        return render_template("error.html", status=error.status, title=error.title, detail=error.detail), error.status

    for status, title in (
        (403, "Forbidden"),
        (404, "Not found"),
        (405, "Method not allowed"),
        (500, "Something went wrong"),
    ):
        app.register_error_handler(status, _page(status, title))


def _page(status: int, title: str):
    def handler(_error):
        detail = {
            403: "You do not have access to this page.",
            404: "We could not find that page.",
            405: "That action is not available here.",
            500: "An unexpected error happened. It has been logged; please try again.",
        }[status]
        return render_template("error.html", status=status, title=title, detail=detail), status

    return handler
