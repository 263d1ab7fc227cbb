"""Secure cookies that follow the request's scheme, and saying so when plain HTTP breaks sign-in.

`SESSION_COOKIE_SECURE` (and `REMEMBER_COOKIE_SECURE`) is true, false or "auto".
Auto, the production default, marks the cookie Secure exactly when the request
came over HTTPS. Behind a TLS-terminating proxy the app sees plain HTTP unless
`PROXY_FIX_HOPS` lets it trust the proxy's X-Forwarded-Proto. With `true` on a
plain-HTTP request the browser drops the cookie, so the next form post has no
session and no CSRF token: the sign-in page and the expired-form page explain it.
"""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request

AUTO = "auto"
BLOCKED = (
    "Sign-in cannot work over plain HTTP here: this server marks its session cookie Secure "
    "(SESSION_COOKIE_SECURE=true), so the browser only sends it back over HTTPS (TLS). "
    "Open the site with https://; if a TLS proxy already sits in front of the app, set PROXY_FIX_HOPS "
    "(usually 1) so the app sees that the visit came over HTTPS."
)
UNENCRYPTED = (
    "This server is reached over plain HTTP, so passwords and the session cookie cross the network "
    "unencrypted. Serve it over HTTPS (TLS); if a TLS proxy already sits in front of the app, set "
    "PROXY_FIX_HOPS (usually 1) so the app sees that the visit came over HTTPS."
)


def cookie_secure(app: Flask, key: str = "SESSION_COOKIE_SECURE") -> bool:
    """Whether a cookie set now carries the Secure flag."""
    setting = app.config.get(key, AUTO)
    if setting == AUTO:
        return has_request_context() and request.is_secure
    return bool(setting)


class SchemeAwareSecureCookie:
    """Session interface mixin: resolve "auto" against the current request."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return cookie_secure(app)


def plain_http_problem() -> tuple[str, str] | None:
    """What is wrong with this request's transport, as (kind, message), or None.

    "blocked": cookies are Secure but this request is plain HTTP, so sign-in cannot work.
    "unencrypted": production over plain HTTP with automatic cookies: sign-in works,
    but passwords and the session cookie cross the network in clear.
    """
    if request.is_secure:
        return None
    if cookie_secure(current_app):
        return "blocked", BLOCKED
    if current_app.config.get("SESSION_COOKIE_SECURE") == AUTO and current_app.config.get("ENV_NAME") == "production":
        return "unencrypted", UNENCRYPTED
    return None


def init_app(app: Flask) -> None:
    """Let templates ask about the transport (the sign-in and error pages).

    Flask-Login reads REMEMBER_COOKIE_SECURE as a plain flag, so "auto" is taken
    strictly there (Secure always); the app signs nobody in with remember-me today.
    """
    if app.config.get("REMEMBER_COOKIE_SECURE") == AUTO:
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.jinja_env.globals["plain_http_problem"] = plain_http_problem
