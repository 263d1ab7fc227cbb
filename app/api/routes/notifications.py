"""The caller's notifications (mentions in notes, candidates' replies) and their own settings."""

from __future__ import annotations

from marshmallow import RAISE

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, ID, Blueprint
from app.api.lists import LINK_HEADER, no_content, page_response
from app.api.schemas.notifications import (
    NotificationListArgs,
    NotificationOut,
    NotificationPage,
    ReadAllOut,
    SettingsOut,
    SettingsPatch,
)
from app.services import notifications

blp = Blueprint(
    "api_notifications",
    __name__,
    url_prefix="/api/v1",
    tag="Notifications",
    description="What the caller is told about, and the caller's own settings (company staff)",
)

_OUT = NotificationOut()


@blp.get("/notifications")
@jwt_required()
@blp.arguments(NotificationListArgs, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, NotificationPage, headers=LINK_HEADER)
@blp.alt_response(403, response="FORBIDDEN")
@blp.doc(security=BEARER)
def list_notifications(**args):
    """The caller's notifications, newest first (`unread=true`: only unread ones)."""
    return page_response(notifications.page(caller(), **args), _OUT.dump)


@blp.post(f"/notifications/<{ID}:notification_id>/read")
@jwt_required()
@blp.response(204)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def read_notification(notification_id: int):
    """Mark one of the caller's notifications read (again: no change)."""
    notifications.mark_read(caller(), notification_id)
    return no_content()


@blp.post("/notifications/read-all")
@jwt_required()
@blp.response(200, ReadAllOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.doc(security=BEARER)
def read_all_notifications():
    """Mark every unread notification of the caller read."""
    return {"updated": notifications.mark_all_read(caller())}


@blp.get("/me/settings")
@jwt_required()
@blp.response(200, SettingsOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.doc(security=BEARER)
def get_settings():
    """The caller's own settings."""
    return notifications.get_settings(caller())


@blp.patch("/me/settings")
@jwt_required()
@blp.arguments(SettingsPatch)
@blp.response(200, SettingsOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.doc(security=BEARER)
def update_settings(data):
    """Change the caller's own settings (`digest`: the daily digest email on or off)."""
    return notifications.update_settings(caller(), **data)
