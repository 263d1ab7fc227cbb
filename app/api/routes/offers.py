"""Offers on applications: make, change, submit, approve, send, withdraw; approvers; the letter template."""

from __future__ import annotations

from flask import Response, current_app
from marshmallow import RAISE

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, ID, Blueprint
from app.api.lists import LINK_HEADER, no_content, page_response
from app.api.schemas.offers import (
    ApproversIn,
    ApproversOut,
    LetterTemplateIn,
    LetterTemplateOut,
    OfferActionIn,
    OfferIn,
    OfferListArgs,
    OfferOut,
    OfferPage,
    OfferPatch,
)
from app.services import offer_letters, offers

blp = Blueprint(
    "api_offers", __name__, url_prefix="/api/v1", tag="Offers", description="Offers, their approval and the letter"
)

OFFER = f"/offers/<{ID}:offer_id>"
HTML = {"200": {"description": "The letter as an HTML page", "content": {"text/html": {"schema": {"type": "string"}}}}}


def offer_out(offer, history: list[offers.HistoryEntry] | None = None) -> dict:
    out = offers.as_dict(offer)
    if history is not None:
        out["history"] = [
            {"id": e.id, "from_status": e.from_status, "to_status": e.to_status, "by": e.actor_name, "note": e.note,
             "at": e.created_at.isoformat()}
            for e in history
        ]  # fmt: skip
    return out


def _json(body: dict, status: int = 200):
    response = current_app.json.response(body)
    response.status_code = status
    return response


@blp.get(f"/applications/<{ID}:application_id>/offers")
@jwt_required()
@blp.arguments(OfferListArgs, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, OfferPage, headers=LINK_HEADER)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def list_offers(application_id: int, **args):
    """The application's offers, newest first (the company's staff, hiring managers included)."""
    return page_response(offers.list_offers(caller(), application_id, **args), offer_out)


@blp.post(f"/applications/<{ID}:application_id>/offers")
@jwt_required()
@blp.arguments(OfferIn, unknown=RAISE)
@blp.response(201, OfferOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="An offer is open already, or the application is closed.")
@blp.doc(security=BEARER)
def create_offer(data, application_id: int):
    """A draft offer (recruiters and admins): salary, ISO 4217 currency, start date, other terms."""
    return _json(offer_out(offers.create_offer(caller(), application_id, **data)), 201)


@blp.get(OFFER)
@jwt_required()
@blp.response(200, OfferOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def get_offer(offer_id: int):
    """One offer with its history (the company's staff)."""
    offer = offers.get_offer(caller(), offer_id)
    return _json(offer_out(offer, offers.history(offer)))


@blp.patch(OFFER)
@jwt_required()
@blp.arguments(OfferPatch, unknown=RAISE)
@blp.response(200, OfferOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="Sent or final offers keep their terms; stale `version`.")
@blp.doc(security=BEARER)
def update_offer(data, offer_id: int):
    """Change the terms (recruiters and admins); a submitted or approved offer goes back to awaiting approval."""
    version = data.pop("version", None)
    return _json(offer_out(offers.update_offer(caller(), offer_id, expected_version=version, **data)))


def _action(name: str, summary: str, description: str):
    step = getattr(offers, name)

    @jwt_required()
    def view(data, offer_id: int):
        return _json(offer_out(step(caller(), offer_id, note=data.get("note"), expected_version=data.get("version"))))

    view.__name__ = f"{name}_offer"
    view.__doc__ = f"{summary}\n\n{description}"
    view = blp.doc(security=BEARER)(view)
    view = blp.alt_response(409, response="CONFLICT", description="Not in a status this step starts from.")(view)
    view = blp.alt_response(404, response="NOT_FOUND")(view)
    view = blp.alt_response(403, response="FORBIDDEN")(view)
    view = blp.response(200, OfferOut)(view)
    view = blp.arguments(OfferActionIn, unknown=RAISE)(view)
    return blp.post(f"{OFFER}/{name}")(view)


_action("submit", "Submit a draft for approval.", "Recruiters and admins.")
_action(
    "approve",
    "Approve an offer awaiting approval.",
    "An admin of the company or a named approver of the job; not the offer's creator unless the company allows it.",
)
_action("send", "Send an approved offer to the candidate.", "The letter is rendered and kept; the email is queued.")
_action("withdraw", "Withdraw an open offer.", "Recruiters and admins; a sent offer can no longer be accepted.")


@blp.get(f"{OFFER}/letter")
@jwt_required()
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER, responses=HTML)
def offer_letter(offer_id: int):
    """The offer letter: as sent, or (before sending) as the company's template renders it now."""
    return Response(offer_letters.document(offers.letter(caller(), offer_id)), mimetype="text/html")


@blp.get(f"/jobs/<{ID}:job_id>/offer-approvers")
@jwt_required()
@blp.response(200, ApproversOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def list_approvers(job_id: int):
    """The members named to approve the job's offers (admins approve any)."""
    return {"approvers": offers.list_approvers(caller(), job_id)}


@blp.put(f"/jobs/<{ID}:job_id>/offer-approvers")
@jwt_required()
@blp.arguments(ApproversIn, unknown=RAISE)
@blp.response(200, ApproversOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def set_approvers(data, job_id: int):
    """Replace the job's approvers (recruiters and admins): active members of your company."""
    return {"approvers": offers.set_approvers(caller(), job_id, data["user_ids"])}


def _template_out(template: offer_letters.LetterTemplate) -> dict:
    return {
        "body": template.body,
        "custom": template.custom,
        "updated_at": template.updated_at,
        "merge_fields": [{"name": name, "description": text} for name, (text, _) in offer_letters.MERGE_FIELDS.items()],
    }


@blp.get("/offer-letter-template")
@jwt_required()
@blp.response(200, LetterTemplateOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def get_letter_template():
    """The company's offer letter template in effect (the built-in one until an admin saves their own)."""
    return _template_out(offer_letters.get_template(caller()))


@blp.put("/offer-letter-template")
@jwt_required()
@blp.arguments(LetterTemplateIn, unknown=RAISE)
@blp.response(200, LetterTemplateOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def save_letter_template(data):
    """Save the company's own letter (admins); problems are a 422 naming their line."""
    return _template_out(offer_letters.save_template(caller(), data["body"]))


@blp.delete("/offer-letter-template")
@jwt_required()
@blp.response(204)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def reset_letter_template():
    """Back to the built-in letter (admins)."""
    offer_letters.reset_template(caller())
    return no_content()
