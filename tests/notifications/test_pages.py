"""The notifications page, the unread count in the navigation, the settings page and the note form's members."""

from __future__ import annotations

import re

from app.extensions import db
from app.models import User
from app.services import companies
from tests.notifications.helpers import mention, note, notifications_of
from tests.web.conftest import csrf, post


def _digest_checked(html: str) -> bool:
    (tag,) = re.findall(r'<input[^>]*id="digest"[^>]*>', html)
    return " checked" in tag


def _unread_badge(html: str) -> str | None:
    found = re.search(r'id="nav-unread">([^<]*)<', html)
    return found.group(1) if found else None


def test_the_navigation_counts_unread_notifications_and_the_list_links_to_the_note(world, as_user):
    made = note(world.hiring_manager, world.application.id, f"{mention(world.recruiter)} <b>look</b>")
    client = as_user(world.recruiter)
    home = client.get("/dashboard/").get_data(as_text=True)
    assert _unread_badge(home) == "1"

    page = client.get("/dashboard/notifications").get_data(as_text=True)
    target = f"/dashboard/applications/{world.application.id}#note-{made.id}"
    assert f'href="{target}"' in page
    assert world.hiring_manager.full_name in page and world.candidate.full_name in page
    (told,) = notifications_of(world.recruiter)
    opened = client.post(f"/dashboard/notifications/{told.id}/read", data={"csrf_token": csrf(client), "next": target})
    assert opened.status_code == 302 and opened.headers["Location"] == target
    assert notifications_of(world.recruiter)[0].read_at is not None
    assert _unread_badge(client.get("/dashboard/").get_data(as_text=True)) is None


def test_open_refuses_to_go_off_site_and_others_notifications_are_not_found(world, as_user):
    note(world.hiring_manager, world.application.id, mention(world.recruiter))
    (told,) = notifications_of(world.recruiter)
    client = as_user(world.admin)
    assert post(client, f"/dashboard/notifications/{told.id}/read").status_code == 404
    assert post(client, "/dashboard/notifications/read-all").status_code == 302
    assert notifications_of(world.recruiter)[0].read_at is None
    assert f"notification-{told.id}" not in client.get("/dashboard/notifications").get_data(as_text=True)

    client.post("/auth/logout", data={"csrf_token": csrf(client)})
    client = as_user(world.recruiter)
    off_site = post(client, f"/dashboard/notifications/{told.id}/read", {"next": "https://evil.example/"})
    assert off_site.status_code == 302 and off_site.headers["Location"] == "/dashboard/notifications"


def test_mark_all_read_the_unread_filter_and_paging(world, as_user):
    for i in range(25):
        note(world.hiring_manager, world.application.id, f"{i} {mention(world.recruiter)}")
    client = as_user(world.recruiter)
    assert _unread_badge(client.get("/dashboard/").get_data(as_text=True)) == "25"
    first = client.get("/dashboard/notifications?unread=1").get_data(as_text=True)
    assert first.count('class="badge text-bg-warning me-1">New') == 20
    cursor = re.search(r'cursor=([^"&]+)"', first).group(1)
    second = client.get(f"/dashboard/notifications?unread=1&cursor={cursor}").get_data(as_text=True)
    assert second.count('class="badge text-bg-warning me-1">New') == 5
    assert client.get("/dashboard/notifications?cursor=forged").status_code == 400

    done = post(client, "/dashboard/notifications/read-all")
    assert done.status_code == 302
    html = client.get("/dashboard/notifications?unread=1").get_data(as_text=True)
    assert "Marked 25 notification(s) read." in html and "No unread notifications." in html
    assert _unread_badge(html) is None


def test_the_settings_page_turns_the_digest_off_and_on(world, as_user):
    client = as_user(world.hiring_manager)
    page = client.get("/dashboard/settings").get_data(as_text=True)
    assert _digest_checked(page)
    assert post(client, "/dashboard/settings", {}).status_code == 302  # unchecked: off
    db.session.expire_all()
    assert db.session.get(User, world.hiring_manager.id).digest_opt_out is True
    assert not _digest_checked(client.get("/dashboard/settings").get_data(as_text=True))
    assert post(client, "/dashboard/settings", {"digest": "y"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, world.hiring_manager.id).digest_opt_out is False
    assert client.post("/dashboard/settings", data={"digest": "y"}).status_code == 400  # no CSRF token


def test_the_note_forms_member_list_is_the_companys_active_staff(world, factory, as_user):
    departed = factory.staff(world.company, world.admin, "recruiter")
    companies.update_member(world.admin, world.company.id, departed.id, active=False)
    db.session.commit()
    client = as_user(world.hiring_manager)
    members = client.get("/dashboard/mentions/members").get_json()["members"]
    assert sorted(m["id"] for m in members) == sorted([world.admin.id, world.recruiter.id, world.hiring_manager.id])
    page = client.get(f"/dashboard/applications/{world.application.id}").get_data(as_text=True)
    assert 'data-mentions-url="/dashboard/mentions/members"' in page and "/static/js/mentions.js" in page


def test_candidates_and_visitors_do_not_get_the_pages(world, as_user):
    anonymous = as_user(None)
    assert anonymous.get("/dashboard/notifications").status_code == 302
    client = as_user(world.candidate)
    for url in ("/dashboard/notifications", "/dashboard/settings", "/dashboard/mentions/members"):
        assert client.get(url).status_code == 403
