from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SubmitField


class ExportForm(FlaskForm):
    submit = SubmitField("Download my data")


class EraseForm(FlaskForm):
    submit = SubmitField("Erase my data")


class ConfirmEraseForm(FlaskForm):
    submit = SubmitField("Erase my data now")
