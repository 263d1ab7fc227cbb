"""Sign-up, tokens and the caller."""

from __future__ import annotations

from flask import current_app
from flask_limiter.util import get_remote_address

from app.api.auth import caller, issue_tokens, jwt_required, refresh_access, revoke_current
from app.api.core import BEARER, Blueprint, ProblemSchema
from app.api.lists import no_content
from app.api.problems import PROBLEM_JSON, problem_response
from app.api.schemas.accounts import AccessTokenOut, RegisterIn, TokenIn, TokenOut, UserOut
from app.core.rate_limits import register_limit
from app.errors import TooManyAttempts, Unauthorized
from app.extensions import limiter
from app.services import accounts

blp = Blueprint("api_auth", __name__, url_prefix="/api/v1", tag="Accounts", description="Sign-up and tokens")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _no_store(body: dict) -> tuple[dict, int, dict]:
    """Token answers are never cached (RFC 6749, section 5.1)."""
    return body, 200, {"Cache-Control": "no-store", "Pragma": "no-cache"}


NO_STORE_HEADERS = {
    "Cache-Control": {"description": "`no-store`: never cached.", "schema": {"type": "string"}},
    "Pragma": {"description": "`no-cache`.", "schema": {"type": "string"}},
}
RATE_LIMITED = {
    "schema": ProblemSchema,
    "content_type": PROBLEM_JSON,
    "headers": {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
}


@blp.post("/auth/register")
@register_limit
@blp.arguments(RegisterIn)
@blp.response(201, UserOut)
@blp.alt_response(409, response="CONFLICT")
@blp.alt_response(429, description="Too many sign-ups from this client", **RATE_LIMITED)
def register(data):
    """Create a candidate account (public sign-up never creates staff).

    Sign-ups are rate-limited per client address, web and API together (429 with Retry-After).
    """
    return accounts.register_candidate(email=data["email"], password=data["password"], full_name=data["full_name"])


@blp.post("/auth/token")
@limiter.limit(_login_limit, key_func=get_remote_address, scope="token-ip")
@blp.arguments(TokenIn)
@blp.response(200, TokenOut, headers=NO_STORE_HEADERS)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(429, description="Too many attempts from this client, or failures for this account", **RATE_LIMITED)
def token(data):
    """Exchange an email and password for an access and a refresh token.

    Wrong credentials get the same 401 whether or not the email exists.
    Attempts are rate-limited per client address; after too many failures for one
    account (from any client, web sign-ins included) that account is refused for a
    while, even with the right password (429 with Retry-After).
    """
    try:
        user = accounts.authenticate(data["email"], data["password"])
    except TooManyAttempts as error:
        return problem_response(error.to_problem(), {"Retry-After": str(error.retry_after)})
    if user is None:
        raise Unauthorized("The email or password is wrong.")
    return _no_store(issue_tokens(user))


@blp.post("/auth/refresh")
@jwt_required(refresh=True)
@blp.response(200, AccessTokenOut, headers=NO_STORE_HEADERS)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.doc(security=BEARER, description="Send the refresh token as the bearer token.")
def refresh():
    """A new access token for a refresh token."""
    return _no_store(refresh_access(caller()))


@blp.post("/auth/revoke")
@jwt_required(verify_type=False)
@blp.response(204)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.doc(security=BEARER)
def revoke():
    """Revoke the token presented, and every token issued with it (its access and refresh tokens)."""
    revoke_current()
    return no_content()


@blp.get("/me")
@jwt_required()
@blp.response(200, UserOut)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.doc(security=BEARER)
def me():
    """The caller: id, email, name, role and company."""
    return caller()
