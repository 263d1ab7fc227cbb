from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField


class PickForm(FlaskForm):
    """One per time offered: its id, and the zone the page showed it in (for the confirmation)."""

    slot_id = HiddenField()
    tz = HiddenField()
