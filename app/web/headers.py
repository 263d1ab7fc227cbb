"""Security headers on every answer the app gives, whichever blueprint (or none) made it.

Every HTML page (the web door, the mail page, the API docs, the error pages
for unknown URLs and refused methods) gets the same Content-Security-Policy,
frame and referrer rules; every answer, JSON included, says nosniff. A page
shown to a signed-in user is not kept by caches.
"""

from __future__ import annotations

from flask import Flask, Response, g

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

HTML_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "SAMEORIGIN",  # no clickjacking of move buttons
}
EVERY_ANSWER_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _signed_in() -> bool:
    user = g.get("_login_user")
    return user is not None and user.is_authenticated


def security_headers(response: Response) -> Response:
    for name, value in EVERY_ANSWER_HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html":
        for name, value in HTML_HEADERS.items():
            response.headers.setdefault(name, value)
        if _signed_in():
            # A signed-in page is nobody else's: not kept by caches, not shown by Back after sign-out.
            response.headers["Cache-Control"] = "no-store"
    return response


def init_headers(app: Flask) -> None:
    app.after_request(security_headers)
