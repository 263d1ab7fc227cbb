"""API keys of the caller's company (admins, signed in with a token: a key cannot manage keys)."""

from __future__ import annotations

from marshmallow import RAISE

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, ID, Blueprint
from app.api.lists import LINK_HEADER, page_response
from app.api.schemas.api_keys import ApiKeyIn, ApiKeyListArgs, ApiKeyOut, ApiKeyPage, NewApiKeyOut
from app.services import api_keys

blp = Blueprint(
    "api_keys",
    __name__,
    url_prefix="/api/v1",
    tag="API keys",
    description="Credentials for scripts, limited to scopes (admins)",
)

KEY = f"/api-keys/<{ID}:key_id>"


def key_out(key) -> dict:
    return {
        "id": key.id,
        "name": key.name,
        "prefix": key.prefix,
        "scopes": list(key.scopes),
        "state": api_keys.state(key),
        "created_by_id": key.created_by_id,
        "created_at": key.created_at,
        "expires_at": key.expires_at,
        "last_used_at": key.last_used_at,
        "revoked_at": key.revoked_at,
    }


_KEY_OUT = ApiKeyOut()


@blp.get("/api-keys")
@jwt_required()
@blp.arguments(ApiKeyListArgs, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, ApiKeyPage, headers=LINK_HEADER)
@blp.alt_response(403, response="FORBIDDEN")
@blp.doc(security=BEARER)
def list_keys(**args):
    """The company's API keys, newest first, revoked and expired ones included (admins)."""
    return page_response(api_keys.list_keys(caller(), **args), lambda key: _KEY_OUT.dump(key_out(key)))


@blp.post("/api-keys")
@jwt_required()
@blp.arguments(ApiKeyIn)
@blp.response(201, NewApiKeyOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.doc(security=BEARER)
def create_key(data):
    """A new key (admins). The answer holds the whole key, this once; requests made with it act as you."""
    made = api_keys.create_key(caller(), **data)
    return {**key_out(made.key), "key": made.secret}


@blp.get(KEY)
@jwt_required()
@blp.response(200, ApiKeyOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def get_key(key_id: int):
    """One key, without its secret (admins)."""
    return key_out(api_keys.get_key(caller(), key_id))


@blp.delete(KEY)
@jwt_required()
@blp.response(200, ApiKeyOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def revoke_key(key_id: int):
    """Revoke a key at once (admins); it stays listed as revoked."""
    return key_out(api_keys.revoke_key(caller(), key_id))
