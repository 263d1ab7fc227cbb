"""Bulk actions on applications: move, reject or annotate many at once, and undo a bulk move."""

from __future__ import annotations

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, Blueprint
from app.api.schemas.bulk import BulkIn, BulkOut
from app.errors import ValidationFailed
from app.services import bulk

blp = Blueprint("api_bulk", __name__, url_prefix="/api/v1", tag="Bulk actions", description="Many applications at once")


def bulk_out(result: bulk.BulkResult) -> dict:
    return {
        "batch_id": result.batch_id,
        "succeeded": [item.as_dict() for item in result.succeeded],
        "failed": [item.as_dict() for item in result.failed],
    }


@blp.post("/applications/bulk")
@jwt_required()
@blp.arguments(BulkIn)
@blp.response(200, BulkOut)
@blp.alt_response(403, response="FORBIDDEN", description="Moves by a hiring manager; anything by a candidate.")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY", description="Bad input: nothing was done.")
@blp.doc(security=BEARER)
def run(data):
    """Move, reject, add a note to or email many applications of your company at once.

    `move` (to the stage `to`) and `reject` (`reason`, `reason_id` or both) are for
    recruiters and admins; `note` and `email` (`subject` and `body` with merge fields
    filled per candidate, optionally `send_at`) for the company's staff. Each application gets its
    own history row and its own candidate email, as a single move would. Each one
    either goes through or is listed in `failed` with a `code`; the others are done
    all the same. Ids of other companies' applications read as `not_found`. Bad
    input (an unknown action, over the limit, an id twice, a rejection without a
    reason) is a 422 and nothing is done. Within the undo window the moves can be
    taken back together with `POST /applications/bulk/{batch_id}/undo`.
    """
    if "applications" in data:
        field, items = "applications", [(item["id"], item["version"]) for item in data["applications"]]
    else:
        field, items = "ids", data["ids"]
    try:
        result = bulk.run(
            caller(),
            action=data["action"],
            items=items,
            to=data.get("to"),
            reason=data.get("reason"),
            reason_id=data.get("reason_id"),
            note=data.get("note"),
            subject=data.get("subject"),
            body=data.get("body"),
            send_at=data.get("send_at"),
            tag=data.get("tag"),
        )
    except ValidationFailed as error:
        if error.errors and "ids" in error.errors and field != "ids":
            error.errors[field] = error.errors.pop("ids")
        raise
    return bulk_out(result)


@blp.post("/applications/bulk/<batch_id>/undo")
@jwt_required()
@blp.response(200, BulkOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def undo(batch_id: str):
    """Take back the moves of one bulk action (`batch_id` from its answer), within the undo window.

    Each application goes back to the stage it came from when it still may, as with
    `POST /applications/{id}/undo`: only the person who made the moves, while nothing
    else happened to it and its email still waits (a waiting email is withdrawn).
    The others are listed in `failed` (`not_undoable`, with the reason). The undo
    rows share the `batch_id` of this answer.
    """
    return bulk_out(bulk.undo_batch(caller(), batch_id))
