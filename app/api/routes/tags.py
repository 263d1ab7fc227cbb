"""The company's tags: list, create, rename, merge, delete."""

from __future__ import annotations

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, ID, Blueprint
from app.api.lists import no_content
from app.api.routes.candidate_profiles import tag_out
from app.api.schemas.profiles import TagIn, TagList, TagMergeIn, TagOut, TagPatch
from app.services import tags

blp = Blueprint("api_tags", __name__, url_prefix="/api/v1", tag="Tags", description="The company's tags")

TAG = f"/tags/<{ID}:tag_id>"


@blp.get("/tags")
@jwt_required()
@blp.response(200, TagList)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def list_tags():
    """The company's tags by name (at most 500; the company's staff)."""
    return {"tags": [tag_out(tag) for tag in tags.list_tags(caller())]}


@blp.post("/tags")
@jwt_required()
@blp.arguments(TagIn)
@blp.response(201, TagOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(409, response="CONFLICT", description="The name exists already, whatever its case.")
@blp.doc(security=BEARER)
def create_tag(data):
    """A new tag (recruiters and admins)."""
    return tag_out(tags.create_tag(caller(), **data))


@blp.patch(TAG)
@jwt_required()
@blp.arguments(TagPatch)
@blp.response(200, TagOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="The new name exists already.")
@blp.doc(security=BEARER)
def update_tag(data, tag_id: int):
    """Rename or recolour a tag (recruiters and admins); candidates keep it."""
    return tag_out(tags.update_tag(caller(), tag_id, **data))


@blp.delete(TAG)
@jwt_required()
@blp.response(204)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def delete_tag(tag_id: int):
    """Delete a tag (recruiters and admins): it comes off every candidate."""
    tags.delete_tag(caller(), tag_id)
    return no_content()


@blp.post(f"{TAG}/merge")
@jwt_required()
@blp.arguments(TagMergeIn)
@blp.response(200, TagOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def merge_tag(data, tag_id: int):
    """Merge a tag into another (recruiters and admins): every candidate carrying it carries `into`,
    and the tag is deleted. Returns the tag kept. 422 when `into` is this tag or not the company's."""
    return tag_out(tags.merge_tag(caller(), tag_id, data["into"]))
