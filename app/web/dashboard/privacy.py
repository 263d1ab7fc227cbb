"""The company's privacy notice, edited by its admins; every save is a new version."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app.errors import Conflict, ValidationFailed
from app.models import Role
from app.services import privacy
from app.services.access import require_role
from app.web.dashboard import bp
from app.web.dashboard.candidate_forms import PrivacyNoticeForm
from app.web.formtools import show_errors
from app.web.login import staff_required


@bp.route("/privacy-notice", methods=["GET", "POST"])
@staff_required
def privacy_notice():
    require_role(current_user, Role.ADMIN, action="edit the privacy notice")
    notice = privacy.current_notice(current_user.company_id, current_user.company.name)
    form = PrivacyNoticeForm()
    if form.validate_on_submit():
        try:
            saved = privacy.save_notice(current_user, current_user.company_id, form.text.data)
        except (ValidationFailed, Conflict) as error:
            show_errors(form, error)
        else:
            flash(f"Privacy notice saved as version {saved.version}.", "success")
            return redirect(url_for("dashboard.privacy_notice"))
    elif not form.is_submitted():
        form.text.data = notice.text
    status = 422 if form.errors or form.form_errors else 200
    return render_template("dashboard/privacy_notice.html", form=form, notice=notice), status
