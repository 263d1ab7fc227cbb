"""Sign-up, tokens and the caller."""

from __future__ import annotations

from flask import current_app, request
from flask_jwt_extended import jwt_required
from flask_limiter.util import get_remote_address

from app.api.auth import caller, issue_tokens, refresh_access, revoke_current
from app.api.core import BEARER, Blueprint, ProblemSchema
from app.api.lists import no_content
from app.api.problems import PROBLEM_JSON
from app.api.schemas.accounts import AccessTokenOut, RegisterIn, TokenIn, TokenOut, UserOut
from app.errors import Unauthorized
from app.extensions import limiter
from app.services import accounts

blp = Blueprint("api_auth", __name__, url_prefix="/api/v1", tag="Accounts", description="Sign-up and tokens")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _email_key() -> str:
    """Attempts for one address count together, whichever client makes them."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # the body's own parse answers 400 for it
        body = None
    email = body.get("email") if isinstance(body, dict) else None
    return "email:" + (email.strip().lower()[:254] if isinstance(email, str) else "")


@blp.post("/auth/register")
@blp.arguments(RegisterIn)
@blp.response(201, UserOut)
def register(data):
    """Create a candidate account (public sign-up never creates staff)."""
    return accounts.register_candidate(email=data["email"], password=data["password"], full_name=data["full_name"])


@blp.post("/auth/token")
@limiter.limit(_login_limit, key_func=get_remote_address, scope="token-ip")
@limiter.limit(_login_limit, key_func=_email_key, scope="token-email")
@blp.arguments(TokenIn)
@blp.response(200, TokenOut)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(
    429,
    schema=ProblemSchema,
    content_type=PROBLEM_JSON,
    description="Too many attempts from this client or for this email",
    headers={"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
)
def token(data):
    """Exchange an email and password for an access and a refresh token.

    Wrong credentials get the same 401 whether or not the email exists.
    Attempts are rate-limited per client address and per email (429 with Retry-After).
    """
    user = accounts.authenticate(data["email"], data["password"])
    if user is None:
        raise Unauthorized("The email or password is wrong.")
    return issue_tokens(user)


@blp.post("/auth/refresh")
@jwt_required(refresh=True)
@blp.response(200, AccessTokenOut)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.doc(security=BEARER, description="Send the refresh token as the bearer token.")
def refresh():
    """A new access token for a refresh token."""
    return refresh_access(caller())


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
