"""Rejection reasons in the dashboard: the admins' list, and picking one when rejecting."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Application, StageChange
from app.models.pipelines import DEFAULT_REJECTION_REASONS
from app.services import rejection_reasons
from tests.plugins.statements import BUDGET
from tests.web.conftest import csrf, login, post

BASE = "/dashboard/rejection-reasons"


def _offered(user) -> list[str]:
    db.session.expire_all()
    return [reason.label for reason in rejection_reasons.list_reasons(user)]


def _reason(user, label: str):
    db.session.expire_all()
    return next(r for r in rejection_reasons.list_reasons(user, include_archived=True) if r.label == label)


def test_admin_adds_relabels_reorders_archives_and_restores(world, as_user):
    client = as_user(world.admin)
    page = client.get(BASE)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="csrf_token"' in html
    assert [html.index(label) for label in DEFAULT_REJECTION_REASONS] == sorted(
        html.index(label) for label in DEFAULT_REJECTION_REASONS
    )
    assert post(client, BASE, {"label": "Salary expectations too high"}).status_code == 302
    assert _offered(world.admin) == [*DEFAULT_REJECTION_REASONS, "Salary expectations too high"]
    salary = _reason(world.admin, "Salary expectations too high")
    response = post(client, f"{BASE}/{salary.id}", {f"reason-{salary.id}-label": "Salary too high"})
    assert response.status_code == 302
    assert post(client, f"{BASE}/{salary.id}/move", {"direction": "up"}).status_code == 302
    assert post(client, f"{BASE}/{salary.id}/move", {"direction": "up"}).status_code == 302
    first = _reason(world.admin, DEFAULT_REJECTION_REASONS[0])
    assert post(client, f"{BASE}/{first.id}/move", {"direction": "down"}).status_code == 302
    assert _offered(world.admin) == [
        "Skills do not match the role", "Not enough experience", "Salary too high", "Position filled",
        "Candidate withdrew interest"]  # fmt: skip
    assert post(client, f"{BASE}/{first.id}/archive").status_code == 302
    assert "Not enough experience" not in _offered(world.admin)
    html = client.get(BASE).get_data(as_text=True)
    assert "Archived (1)" in html and f"{BASE}/{first.id}/restore" in html
    assert post(client, f"{BASE}/{first.id}/move", {"direction": "up"}).status_code == 302  # archived: refused
    assert "restore it first" in client.get(BASE).get_data(as_text=True)
    assert post(client, f"{BASE}/{first.id}/restore").status_code == 302
    assert "Not enough experience" in _offered(world.admin)


def test_errors_are_shown_beside_the_fields(world, as_user):
    client = as_user(world.admin)
    response = post(client, BASE, {"label": "   "})
    assert response.status_code == 422
    assert re.search(r'id="label-error"[^>]*>This field is required\.', response.get_data(as_text=True))
    response = post(client, BASE, {"label": "x" * 201})
    assert re.search(r'id="label-error"[^>]*>Must be at most 200 characters\.', response.get_data(as_text=True))
    filled = _reason(world.admin, "Position filled")
    response = post(client, f"{BASE}/{filled.id}", {f"reason-{filled.id}-label": "Two\nlines"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(rf'id="reason-{filled.id}-label-error"[^>]*>Must be a single line\.', html)
    assert re.search(r">\s*Two\r?\nlines<|value=\"Two\r?\nlines\"", html)  # what was typed stays
    assert _offered(world.admin) == list(DEFAULT_REJECTION_REASONS)


@pytest.mark.parametrize("who", ["recruiter", "hiring_manager"])
def test_only_admins_edit_the_list(world, as_user, who):
    filled = _reason(world.admin, "Position filled")
    client = as_user(getattr(world, who))
    assert client.get(BASE).status_code == 403
    assert post(client, BASE, {"label": "Mine"}).status_code == 403
    assert post(client, f"{BASE}/{filled.id}", {f"reason-{filled.id}-label": "Mine"}).status_code == 403
    assert post(client, f"{BASE}/{filled.id}/move", {"direction": "up"}).status_code == 403
    assert post(client, f"{BASE}/{filled.id}/archive").status_code == 403
    assert _offered(world.admin) == list(DEFAULT_REJECTION_REASONS)


def test_other_companies_candidates_and_visitors_are_kept_out(world, as_user, app):
    filled = _reason(world.admin, "Position filled")
    outsider = as_user(world.other_admin)
    assert "Position filled" in outsider.get(BASE).get_data(as_text=True)  # their own list
    assert post(outsider, f"{BASE}/{filled.id}", {f"reason-{filled.id}-label": "Mine"}).status_code == 404
    assert post(outsider, f"{BASE}/{filled.id}/move", {"direction": "up"}).status_code == 404
    assert post(outsider, f"{BASE}/{filled.id}/archive").status_code == 404
    assert post(outsider, f"{BASE}/{filled.id}/restore").status_code == 404
    candidate = app.test_client()
    login(candidate, world.candidate)
    assert candidate.get(BASE).status_code == 403
    visitor = app.test_client()
    assert "/auth/login" in visitor.get(BASE).headers["Location"]
    admin = app.test_client()
    login(admin, world.admin)
    assert admin.post(BASE, data={"label": "No token"}).status_code == 400
    assert _offered(world.admin) == list(DEFAULT_REJECTION_REASONS)


# -- Rejecting with a reason -----------------------------------------------------------------------


def _reject_url(world) -> str:
    return f"/dashboard/applications/{world.application.id}/reject"


def _changes(application_id: int) -> list[StageChange]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(StageChange).where(StageChange.application_id == application_id).order_by(StageChange.id)
        )
    )


def test_reject_with_one_of_the_reasons_and_a_private_note(world, as_user, app):
    filled = _reason(world.admin, "Position filled")
    rejection_reasons.archive_reason(world.admin, _reason(world.admin, "Candidate withdrew interest").id)
    theirs = rejection_reasons.create_reason(world.other_admin, label="Their own reason")
    db.session.commit()
    client = as_user(world.recruiter)
    form = client.get(_reject_url(world)).get_data(as_text=True)
    assert f'<option value="{filled.id}">Position filled</option>' in form
    assert "Candidate withdrew interest" not in form and "Their own reason" not in form
    assert "Other, say why" in form and "Private note" in form
    response = post(client, _reject_url(world), {"reason_id": str(filled.id), "note": "Hired internally <b>today</b>"})
    assert response.status_code == 302
    change = _changes(world.application.id)[-1]
    assert (change.to_stage, change.reason_id, change.reason, change.note) == (
        "rejected", filled.id, "Position filled", "Hired internally <b>today</b>")  # fmt: skip
    page = client.get(f"/dashboard/applications/{world.application.id}").get_data(as_text=True)
    assert "Position filled" in page and "Hired internally &lt;b&gt;today&lt;/b&gt;" in page
    # The candidate sees the rejection, never the reason or the note.
    candidate = app.test_client()
    login(candidate, world.candidate)
    mine = candidate.get(f"/me/applications/{world.application.id}").get_data(as_text=True)
    assert "Rejected" in mine and "Position filled" not in mine and "Hired internally" not in mine
    assert theirs.id != filled.id


def test_other_say_why_needs_no_listed_reason(world, as_user):
    client = as_user(world.recruiter)
    response = post(client, _reject_url(world), {"reason_id": "", "reason": "Relocation not possible"})
    assert response.status_code == 302
    change = _changes(world.application.id)[-1]
    assert (change.reason_id, change.reason, change.note) == (None, "Relocation not possible", None)


@pytest.mark.parametrize("which", ["other company", "archived", "unknown"])
def test_a_reason_that_is_not_offered_is_refused_beside_the_field(world, as_user, which):
    if which == "other company":
        reason_id = rejection_reasons.create_reason(world.other_admin, label="Theirs").id
    elif which == "archived":
        reason_id = rejection_reasons.archive_reason(world.admin, _reason(world.admin, "Position filled").id).id
    else:
        reason_id = 99999
    db.session.commit()
    response = post(as_user(world.recruiter), _reject_url(world), {"reason_id": str(reason_id)})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="reason_id-error"[^>]*>Not one of your company&#39;s rejection reasons\.', html)
    assert db.session.get(Application, world.application.id).stage == "applied"


def test_neither_a_reason_nor_a_why_is_refused(world, as_user):
    response = post(as_user(world.recruiter), _reject_url(world), {"reason_id": "", "reason": " ", "note": "Kept"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="reason_id-error"[^>]*>Choose one of your company&#39;s reasons, or say why below\.', html)
    assert re.search(r'id="reason-error"[^>]*>A reason is required to reject\.', html)
    assert re.search(r'name="note"[^>]*>\s*Kept</textarea>', html)
    assert len(_changes(world.application.id)) == 1


def test_pages_stay_within_the_statement_budget(world, as_user, count_statements, factory):
    """(Rejecting itself is measured in tests/test_query_budgets_http.py, where mail is queued as in production.)"""
    client = as_user(world.admin)
    filled = _reason(world.admin, "Position filled").id
    fresh = factory.application(factory.candidate(), world.job).id
    token = csrf(client)
    db.session.remove()
    for method, url, data in (
        ("GET", BASE, None),
        ("POST", BASE, {"label": "Another"}),
        ("POST", f"{BASE}/{filled}", {f"reason-{filled}-label": "Filled"}),
        ("POST", f"{BASE}/{filled}/move", {"direction": "up"}),
        ("POST", f"{BASE}/{filled}/archive", {}),
        ("POST", f"{BASE}/{filled}/restore", {}),
        ("GET", f"/dashboard/applications/{fresh}/reject", None),
    ):
        with count_statements() as log:
            body = {"csrf_token": token, **data} if data is not None else None
            response = client.open(url, method=method, data=body)
        assert response.status_code in (200, 302), (url, response.status_code)
        assert log.count <= BUDGET, f"{method} {url}\n{log.report()}"
        db.session.remove()
