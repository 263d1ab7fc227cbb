"""The first invitation on a development server says where its email went."""

from __future__ import annotations

import os
from pathlib import Path

from tests.web.conftest import post


def test_invite_says_where_file_backend_mail_is_written(world, as_user, app, tmp_path):
    app.config["MAIL_BACKEND"] = "file"
    app.instance_path = str(tmp_path)
    client = as_user(world.admin)
    response = post(
        client, "/dashboard/team/invite", {"full_name": "Fay File", "email": "fay@staff.example", "role": "recruiter"}
    )
    assert response.status_code == 302
    team = client.get("/dashboard/team").get_data(as_text=True)
    folder = os.path.join(str(tmp_path), "mail")
    assert "Invitation sent to fay@staff.example" in team
    assert f"Emails are not sent on this server: each one is written as an .eml file to {folder}" in team
    written = os.listdir(folder)
    assert written and all(name.endswith(".eml") for name in written)
    texts = [Path(folder, name).read_text() for name in written]
    assert any("fay@staff.example" in text and "/auth/set-password/" in text for text in texts)


def test_invite_with_smtp_says_nothing_about_files(world, as_user, app):
    assert app.config["MAIL_BACKEND"] == "memory"
    client = as_user(world.admin)
    post(client, "/dashboard/team/invite", {"full_name": "Sam Smtp", "email": "sam@staff.example", "role": "recruiter"})
    team = client.get("/dashboard/team").get_data(as_text=True)
    assert "Invitation sent to sam@staff.example" in team and ".eml" not in team
