"""The links sent by email: the token is the key, pages are never cached nor sent as a Referer."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user

from app.core.storage import get_storage
from app.core.storage.base import FileMissing
from app.downloads import attachment
from app.errors import NotFound
from app.services import data_requests
from app.web.data_requests import bp
from app.web.data_requests.forms import ConfirmEraseForm
from app.web.login import end_session


@bp.after_request
def _private(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/my-data/<token>")
def download(token: str):
    row = data_requests.open_export(token, current_user)
    try:
        stored = get_storage().open(row.file_key)
    except (FileMissing, ValueError):
        raise NotFound("This export is no longer available.") from None
    data_requests.record_download(row)
    from app.extensions import db

    db.session.commit()
    return attachment(stored.file, "my-data.zip", "application/zip", stored.size)


@bp.get("/erase-me/<token>")
def confirm_erasure(token: str):
    data_requests.open_erasure(token)
    return render_template("data_requests/confirm_erase.html", token=token, form=ConfirmEraseForm())


@bp.post("/erase-me/<token>")
def erase(token: str):
    form = ConfirmEraseForm()
    if not form.validate_on_submit():
        data_requests.open_erasure(token)
        return redirect(url_for("data_requests.confirm_erasure", token=token))
    result = data_requests.confirm_erasure(token)
    from app.extensions import db

    db.session.commit()
    if current_user.is_authenticated and current_user.is_candidate:
        end_session()
    return render_template("data_requests/erased.html", result=result)
