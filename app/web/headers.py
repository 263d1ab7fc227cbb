"""Response headers for the web pages (only theirs: the API and other pages keep their own)."""

from __future__ import annotations

from flask import Flask, Response, g, request

WEB_BLUEPRINTS = frozenset({"jobs", "auth", "candidate", "dashboard"})

# Everything comes from this site; Bootstrap's CSS uses data: images and the
# board colours its columns with inline styles. No inline or foreign scripts.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    )
)


def _web_headers(response: Response) -> Response:
    if request.blueprint in WEB_BLUEPRINTS and response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")  # no clickjacking of move buttons
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        user = g.get("_login_user")
        if user is not None and user.is_authenticated:
            # A signed-in page is nobody else's: not kept by caches, not shown by Back after sign-out.
            response.headers["Cache-Control"] = "no-store"
    return response


def init_headers(app: Flask) -> None:
    app.after_request(_web_headers)
