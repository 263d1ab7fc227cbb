"""Talent pools: CRUD, members (many at once, keyset-paged) and applying a member to a job."""

from __future__ import annotations

from flask import current_app

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, ID, Blueprint
from app.api.lists import LINK_HEADER, no_content, page_response
from app.api.render import application_out
from app.api.schemas.applications import ApplicationOut
from app.api.schemas.common import PageArgs
from app.api.schemas.profiles import (
    MembersIn,
    MembersOut,
    PoolApplyIn,
    PoolIn,
    PoolMemberPage,
    PoolOut,
    PoolPage,
    PoolPatch,
)
from app.services import pools

blp = Blueprint("api_pools", __name__, url_prefix="/api/v1", tag="Talent pools", description="Lists of candidates")

POOL = f"/pools/<{ID}:pool_id>"


def pool_out(pool, members: int) -> dict:
    return {
        "id": pool.id,
        "name": pool.name,
        "description": pool.description,
        "members": members,
        "created_at": pool.created_at,
    }


def member_out(row) -> dict:
    member, candidate = row
    return {
        "candidate": {"id": candidate.id, "full_name": candidate.full_name, "email": candidate.email},
        "added_by_id": member.added_by_id,
        "added_at": member.added_at,
    }


def change_out(change: pools.MembersChange) -> dict:
    return {"done": change.done, "unchanged": change.unchanged, "not_found": change.not_found}


@blp.get("/pools")
@jwt_required()
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, PoolPage, headers=LINK_HEADER)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def list_pools(**args):
    """The company's talent pools, newest first, with their member counts."""
    return page_response(pools.list_pools(caller(), **args), lambda row: pool_out(*row))


@blp.post("/pools")
@jwt_required()
@blp.arguments(PoolIn)
@blp.response(201, PoolOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(409, response="CONFLICT", description="A pool of that name exists.")
@blp.doc(security=BEARER)
def create_pool(data):
    """A new talent pool (recruiters and admins)."""
    return pool_out(pools.create_pool(caller(), **data), 0)


@blp.get(POOL)
@jwt_required()
@blp.response(200, PoolOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def get_pool(pool_id: int):
    """One talent pool."""
    return pool_out(*pools.pool_with_count(caller(), pool_id))


@blp.patch(POOL)
@jwt_required()
@blp.arguments(PoolPatch)
@blp.response(200, PoolOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="A pool of that name exists.")
@blp.doc(security=BEARER)
def update_pool(data, pool_id: int):
    """Rename a pool or change its description (recruiters and admins)."""
    pools.update_pool(caller(), pool_id, **data)
    return pool_out(*pools.pool_with_count(caller(), pool_id))


@blp.delete(POOL)
@jwt_required()
@blp.response(204)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def delete_pool(pool_id: int):
    """Delete a pool (recruiters and admins); its candidates stay."""
    pools.delete_pool(caller(), pool_id)
    return no_content()


@blp.get(f"{POOL}/members")
@jwt_required()
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, PoolMemberPage, headers=LINK_HEADER)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def list_members(pool_id: int, **args):
    """The pool's members, last added first."""
    return page_response(pools.members(caller(), pool_id, **args), member_out)


@blp.post(f"{POOL}/members")
@jwt_required()
@blp.arguments(MembersIn)
@blp.response(200, MembersOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def add_members(data, pool_id: int):
    """Add candidates of your company to the pool (at most 500 at once; recruiters and admins)."""
    return change_out(pools.add_members(caller(), pool_id, data["candidate_ids"]))


@blp.delete(f"{POOL}/members")
@jwt_required()
@blp.arguments(MembersIn)
@blp.response(200, MembersOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def remove_members(data, pool_id: int):
    """Take candidates out of the pool (at most 500 at once; recruiters and admins)."""
    return change_out(pools.remove_members(caller(), pool_id, data["candidate_ids"]))


@blp.post(f"{POOL}/members/<{ID}:candidate_id>/apply")
@jwt_required()
@blp.arguments(PoolApplyIn)
@blp.response(201, ApplicationOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="Already in that job's pipeline, or the job is closed.")
@blp.doc(security=BEARER)
def apply_member(data, pool_id: int, candidate_id: int):
    """Put a pool member into a job's pipeline as a "sourced" application (recruiters and admins)."""
    response = current_app.json.response(application_out(pools.apply_member(caller(), pool_id, candidate_id, **data)))
    response.status_code = 201
    return response
