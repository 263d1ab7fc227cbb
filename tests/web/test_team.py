"""The team page: invitations, roles, deactivation; admins only."""

from __future__ import annotations

from sqlalchemy import select

from app import signals
from app.extensions import db
from app.models import User
from app.services import tokens
from tests.web.conftest import post


def _user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def test_admin_invites_a_member_who_sets_a_password(world, as_user, app):
    invited = []

    def listener(user, invited_by, **_):
        invited.append((user.email, invited_by.id))

    signals.staff_invited.connect(listener)
    try:
        client = as_user(world.admin)
        response = post(
            client,
            "/dashboard/team/invite",
            {"full_name": "Ivy Invited", "email": "IVY@staff.example", "role": "admin"},
        )
    finally:
        signals.staff_invited.disconnect(listener)
    assert response.status_code == 302
    member = _user("ivy@staff.example")
    assert (member.role, member.company_id, member.password_hash) == ("admin", world.company.id, None)
    assert invited == [("ivy@staff.example", world.admin.id)]
    team = client.get("/dashboard/team").get_data(as_text=True)
    assert "Invitation sent to ivy@staff.example" in team and "Invitation pending" in team

    # the emailed link opens the set-password page
    newcomer = app.test_client()
    url = f"/auth/set-password/{tokens.make_token(member, tokens.INVITE)}"
    response = post(newcomer, url, {"password": "ivy password 1", "confirm": "ivy password 1"})
    assert response.headers["Location"] == "/dashboard/"
    assert "Ivy Invited" in newcomer.get("/dashboard/team").get_data(as_text=True)


def test_invite_errors_are_shown_beside_fields(world, as_user):
    client = as_user(world.admin)
    response = post(client, "/dashboard/team/invite", {"full_name": "Dup", "email": world.recruiter.email})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="email-error"' in html and "Already registered." in html
    assert 'value="Dup"' in html

    response = post(client, "/dashboard/team/invite", {"full_name": "", "email": "x@y.example", "role": "owner"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="full_name-error"' in html and 'id="role-error"' in html


def test_admin_changes_a_role_and_deactivates(world, as_user):
    client = as_user(world.admin)
    uid = world.recruiter.id
    response = post(client, f"/dashboard/team/{uid}/role", {f"member-{uid}-role": "hiring_manager"})
    assert response.status_code == 302
    assert _user(world.recruiter.email).role == "hiring_manager"

    post(client, f"/dashboard/team/{uid}/active", {"active": "0"})
    member = _user(world.recruiter.email)
    assert member.active is False
    assert "Deactivated" in client.get("/dashboard/team").get_data(as_text=True)
    post(client, f"/dashboard/team/{uid}/active", {"active": "1"})
    assert _user(world.recruiter.email).active is True


def test_the_last_admin_cannot_step_down(world, as_user):
    client = as_user(world.admin)
    uid = world.admin.id
    response = post(client, f"/dashboard/team/{uid}/role", {f"member-{uid}-role": "recruiter"}, follow_redirects=True)
    assert "at least one active admin" in response.get_data(as_text=True)
    assert _user(world.admin.email).role == "admin"


def test_only_admins_manage_the_team(world, as_user):
    client = as_user(world.recruiter)
    uid = world.hiring_manager.id
    assert client.get("/dashboard/team").status_code == 403
    assert post(client, "/dashboard/team/invite", {"full_name": "X", "email": "x@x.example"}).status_code == 403
    assert post(client, f"/dashboard/team/{uid}/role", {f"member-{uid}-role": "admin"}).status_code == 403
    assert post(client, f"/dashboard/team/{uid}/active", {"active": "0"}).status_code == 403
    assert _user(world.hiring_manager.email).active is True


def test_another_companys_member_is_not_found(world, as_user):
    client = as_user(world.other_admin)
    uid = world.recruiter.id
    assert post(client, f"/dashboard/team/{uid}/active", {"active": "0"}).status_code == 404
    assert post(client, f"/dashboard/team/{uid}/role", {f"member-{uid}-role": "admin"}).status_code == 404
    assert _user(world.recruiter.email).active is True


def test_team_forms_need_csrf(world, as_user):
    client = as_user(world.admin)
    response = client.post(f"/dashboard/team/{world.recruiter.id}/active", data={"active": "0"})
    assert response.status_code == 400
    assert client.post("/dashboard/team/invite", data={"full_name": "X", "email": "x@x.example"}).status_code == 400
    assert _user("x@x.example") is None
