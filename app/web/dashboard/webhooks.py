"""Webhooks (admins): endpoints, their secrets (shown once), the delivery log and replays."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.errors import Conflict, NotFound, ValidationFailed
from app.services import webhooks
from app.web.dashboard import bp
from app.web.dashboard.webhook_forms import ButtonForm, EndpointForm
from app.web.formtools import flash_error, show_errors
from app.web.login import staff_required


def _list_page(form: EndpointForm | None = None, secret: webhooks.WithSecret | None = None, status: int = 200):
    endpoints = webhooks.list_endpoints(current_user)
    if form is None:
        form = EndpointForm(formdata=None)
    del form.active
    return render_template(
        "dashboard/webhooks.html", endpoints=endpoints, form=form, created=secret, max_endpoints=webhooks.MAX_ENDPOINTS
    ), status


def _fields(form: EndpointForm, *, editing: bool) -> dict:
    fields = {"url": form.url.data, "description": form.description.data or "", "event_types": form.event_types.data}
    if editing:
        fields["active"] = bool(form.active.data)
    return fields


@bp.get("/webhooks")
@staff_required
def webhooks_page():
    return _list_page()


@bp.post("/webhooks")
@staff_required
def add_webhook():
    webhooks.list_endpoints(current_user)  # admins only, before reading the form
    form = EndpointForm()
    del form.active
    if form.validate_on_submit():
        try:
            created = webhooks.create_endpoint(current_user, **_fields(form, editing=False))
        except (ValidationFailed, Conflict) as error:
            show_errors(form, error)
            return _list_page(form, status=error.status)
        return _list_page(secret=created, status=201)
    return _list_page(form, status=422)


def _detail(endpoint_id: int, form: EndpointForm | None = None, secret: str | None = None, status: int = 200):
    endpoint = webhooks.get_endpoint(current_user, endpoint_id)
    page = webhooks.deliveries(current_user, endpoint_id, cursor=request.args.get("cursor"))
    if form is None:
        form = EndpointForm(
            formdata=None,
            url=endpoint.url,
            description=endpoint.description,
            event_types=endpoint.types,
            active=endpoint.active,
        )
    form.submit.label.text = "Save"
    more = (
        url_for("dashboard.webhook_page", endpoint_id=endpoint_id, cursor=page.next_cursor)
        if page.next_cursor
        else None
    )
    return render_template(
        "dashboard/webhook.html",
        endpoint=endpoint,
        form=form,
        deliveries=page.items,
        more=more,
        secret=secret,
        button=ButtonForm(formdata=None),
    ), status


@bp.get("/webhooks/<int:endpoint_id>")
@staff_required
def webhook_page(endpoint_id: int):
    return _detail(endpoint_id)


@bp.post("/webhooks/<int:endpoint_id>")
@staff_required
def edit_webhook(endpoint_id: int):
    webhooks.get_endpoint(current_user, endpoint_id)
    form = EndpointForm()
    if form.validate_on_submit():
        try:
            webhooks.update_endpoint(current_user, endpoint_id, **_fields(form, editing=True))
        except ValidationFailed as error:
            show_errors(form, error)
            return _detail(endpoint_id, form, status=error.status)
        flash("The endpoint is saved.", "success")
        return redirect(url_for("dashboard.webhook_page", endpoint_id=endpoint_id))
    return _detail(endpoint_id, form, status=422)


@bp.post("/webhooks/<int:endpoint_id>/rotate-secret")
@staff_required
def rotate_webhook_secret(endpoint_id: int):
    webhooks.get_endpoint(current_user, endpoint_id)
    if not ButtonForm().validate_on_submit():
        flash("That request could not be read; reload the page and try again.", "danger")
        return redirect(url_for("dashboard.webhook_page", endpoint_id=endpoint_id))
    rotated = webhooks.rotate_secret(current_user, endpoint_id)
    return _detail(endpoint_id, secret=rotated.secret)


def _button(endpoint_id: int, action, done: str):
    webhooks.get_endpoint(current_user, endpoint_id)
    if ButtonForm().validate_on_submit():
        try:
            action()
            flash(done, "success")
        except (Conflict, NotFound) as error:
            flash_error(error)
    else:
        flash("That request could not be read; reload the page and try again.", "danger")
    return redirect(url_for("dashboard.webhook_page", endpoint_id=endpoint_id))


@bp.post("/webhooks/<int:endpoint_id>/test")
@staff_required
def test_webhook(endpoint_id: int):
    return _button(endpoint_id, lambda: webhooks.send_test(current_user, endpoint_id), "A test event is on its way.")


@bp.post("/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/replay")
@staff_required
def replay_webhook_delivery(endpoint_id: int, delivery_id: int):
    return _button(
        endpoint_id, lambda: webhooks.replay(current_user, endpoint_id, delivery_id), "The event is sent again."
    )


@bp.post("/webhooks/<int:endpoint_id>/delete")
@staff_required
def delete_webhook(endpoint_id: int):
    webhooks.get_endpoint(current_user, endpoint_id)
    if ButtonForm().validate_on_submit():
        webhooks.delete_endpoint(current_user, endpoint_id)
        flash("The endpoint is deleted.", "success")
        return redirect(url_for("dashboard.webhooks_page"))
    flash("That request could not be read; reload the page and try again.", "danger")
    return redirect(url_for("dashboard.webhook_page", endpoint_id=endpoint_id))
