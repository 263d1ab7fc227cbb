"""The whole hiring flow over the API, as a script would drive it (the README walks the same path)."""

from __future__ import annotations

import io

from app.extensions import db
from app.models import User
from app.services import accounts, tokens
from tests.api.conftest import assert_problem, pdf_bytes
from tests.factories import PASSWORD


def _token(api, email: str, password: str = PASSWORD) -> dict:
    response = api.post("/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _accept_invitation(user_id: int, password: str) -> None:
    """What the link in the invitation email does."""
    user = db.session.get(User, user_id)
    accounts.set_password_with_token(tokens.make_token(user, tokens.INVITE), tokens.INVITE, password)
    db.session.commit()


def test_hiring_flow_end_to_end(api):
    # A company signs up; its admin gets a token.
    signup = {"name": "Acme", "admin": {"email": "admin@acme.example", "password": PASSWORD, "full_name": "Alice"}}
    company = api.post("/companies", json=signup).get_json()["company"]
    admin = _token(api, "admin@acme.example")
    # This flow hires without an offer (offers have their own flow in tests/offers): the admin says so.
    settings = {"hire_requires_offer": False}
    assert api.patch(f"/companies/{company['id']}", json=settings, token=admin["access_token"]).status_code == 200

    # The admin invites a recruiter, who accepts and signs in.
    invite = {"email": "rita@acme.example", "full_name": "Rita", "role": "recruiter"}
    recruiter_id = api.post(f"/companies/{company['id']}/members", json=invite, token=admin["access_token"]).get_json()[
        "id"
    ]
    _accept_invitation(recruiter_id, "rita's own password")
    recruiter = _token(api, "rita@acme.example", "rita's own password")["access_token"]

    # A candidate registers and signs in.
    assert api.post(
        "/auth/register", json={"email": "ada@example.com", "password": PASSWORD, "full_name": "Ada"}
    ).status_code == 201  # fmt: skip
    candidate = _token(api, "ada@example.com")

    # The recruiter creates a job and opens it; it is on the public board.
    job = api.post("/jobs", json={"title": "Analyst", "location": "London"}, token=recruiter).get_json()
    assert job["status"] == "draft"
    assert api.patch(f"/jobs/{job['id']}", json={"status": "open"}, token=recruiter).get_json()["status"] == "open"
    assert [j["id"] for j in api.get("/jobs").get_json()["items"]] == [job["id"]]

    # The candidate applies with a PDF.
    application = api.post(
        f"/jobs/{job['id']}/applications",
        token=candidate["access_token"],
        data={
            "cover_letter": "I love numbers.",
            "consent": "true",
            "resume": (io.BytesIO(pdf_bytes("Ada")), "ada.pdf"),
        },
        content_type="multipart/form-data",
    ).get_json()
    assert application["stage"] == "applied"

    # The recruiter moves it all the way to hired, guarding each move with the version read.
    for stage in ("screening", "interview", "offer", "hired"):
        current = api.get(f"/applications/{application['id']}", token=recruiter).get_json()
        moved = api.post(
            f"/applications/{application['id']}/transitions",
            json={"to": stage, "note": f"on to {stage}", "version": current["version"]},
            token=recruiter,
        )
        assert moved.status_code == 200 and moved.get_json()["stage"] == stage

    # History, oldest first; the candidate sees the moves but not the notes.
    history = api.get(f"/applications/{application['id']}/history", token=recruiter).get_json()
    assert [h["to_stage"] for h in history] == ["applied", "screening", "interview", "offer", "hired"]
    assert history[-1]["actor"]["full_name"] == "Rita" and history[-1]["note"] == "on to hired"
    mine = api.get(f"/applications/{application['id']}/history", token=candidate["access_token"]).get_json()
    assert [h["note"] for h in mine] == [None] * 5

    # The resume comes back as it went in.
    resume = api.get(f"/applications/{application['id']}/resume", token=recruiter)
    assert resume.data == pdf_bytes("Ada") and resume.mimetype == "application/pdf"
    resume.close()

    # Tokens revoked: they stop working at once.
    for pair in (admin, candidate):
        assert api.post("/auth/revoke", token=pair["access_token"]).status_code == 204
        assert_problem(api.get("/me", token=pair["access_token"]), 401)
        assert_problem(api.post("/auth/refresh", token=pair["refresh_token"]), 401)
