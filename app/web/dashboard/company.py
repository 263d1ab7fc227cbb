"""The company profile in the dashboard (admins): what the careers page, the job pages and the feeds show."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app.errors import ValidationFailed
from app.services import companies, logos
from app.web.dashboard import bp
from app.web.dashboard.forms import CompanyProfileForm
from app.web.formtools import show_errors
from app.web.login import staff_required


@bp.route("/company", methods=["GET", "POST"])
@staff_required
def company_profile():
    company = companies.require_company_admin(current_user, current_user.company_id)
    form = CompanyProfileForm(obj=company)
    if form.validate_on_submit():
        try:
            companies.update_company(current_user, company.id, **form.profile_fields())
            if form.logo.data:
                upload = form.logo.data
                logos.set_logo(current_user, company.id, logos.LogoUpload(upload.filename or "logo", upload.read()))
            elif form.remove_logo.data and company.logo_key:
                logos.remove_logo(current_user, company.id)
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            flash("The company profile is saved.", "success")
            return redirect(url_for("dashboard.company_profile"))
    return render_template("dashboard/company.html", form=form, company=company), 422 if form.errors else 200
