"""Forms of the pipeline board (the move menu posts the shared MoveForm)."""

from __future__ import annotations

from wtforms import HiddenField, IntegerField
from wtforms.validators import Optional

from app.web.formtools import SafeForm


class UndoForm(SafeForm):
    change_id = IntegerField(validators=[Optional()])  # the move to take back; refused if anything happened since
    next = HiddenField()
