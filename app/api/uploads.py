"""The body of an application: JSON {cover_letter, answers}, or multipart with a `resume` file."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from flask import request
from marshmallow import ValidationError

from app.api.problems import ApiProblem, flatten_errors
from app.api.schemas.applications import ApplyIn
from app.errors import ValidationFailed
from app.services.resumes import ResumeUpload

MULTIPART = "multipart/form-data"


def _load(data: dict) -> dict:
    try:
        return ApplyIn().load(data)
    except ValidationError as error:
        raise ValidationFailed("Some fields are not valid.", errors=flatten_errors(error.messages)) from None


class ApplyBody(NamedTuple):
    cover_letter: str | None = None
    resume: ResumeUpload | None = None
    answers: dict[str, Any] | None = None


def parse_apply_body() -> ApplyBody:
    """The cover letter, resume and answers from whichever body was sent; anything unexpected is refused."""
    if request.mimetype == MULTIPART:
        return _from_multipart()
    if request.is_json:
        try:
            body = json.loads(request.get_data(cache=True) or b"{}")
        except (ValueError, RecursionError):
            raise ApiProblem(400, "The body is not valid JSON.", errors={"body": ["Invalid JSON body."]}) from None
        if not isinstance(body, dict):
            raise ValidationFailed("Send a JSON object.", errors={"body": ["Must be an object."]})
        data = _load(body)
        return ApplyBody(data.get("cover_letter"), None, data.get("answers"))
    if request.content_length or request.headers.get("Transfer-Encoding"):
        raise ApiProblem(415, "Send application/json or multipart/form-data.")
    return ApplyBody()


def _answers_field(text: str) -> Any:
    """Multipart carries the answers as one JSON text field."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise ValidationFailed("Some fields are not valid.", errors={"answers": ["Must be a JSON object."]}) from None


def _from_multipart() -> ApplyBody:
    form, files = request.form, request.files
    if not form and not files and (request.content_length or "boundary" not in request.mimetype_params):
        # Werkzeug reads an unreadable multipart body as an empty form; applying
        # without the resume the client meant to send would lose it for good.
        raise ApiProblem(400, "The multipart body could not be read.")
    errors: dict[str, list[str]] = {}
    for name in sorted((set(form) - {"cover_letter", "answers"}) | (set(files) - {"resume"})):
        errors[name] = ["Unknown field."]
    if "resume" in form:
        errors.setdefault("resume", []).append("Send the resume as a file.")
    for name in ("cover_letter", "answers"):
        if len(form.getlist(name)) > 1:
            errors.setdefault(name, []).append("Send one value.")
    if len(files.getlist("resume")) > 1:
        errors.setdefault("resume", []).append("Send one file.")
    if errors:
        raise ValidationFailed("Some fields are not valid.", errors=errors)
    fields: dict[str, Any] = {key: form[key] for key in form}
    if "answers" in fields:
        fields["answers"] = _answers_field(fields["answers"])
    data = _load(fields)
    upload = files.get("resume")
    resume = ResumeUpload(filename=upload.filename or "resume", data=upload.read()) if upload else None
    return ApplyBody(data.get("cover_letter"), resume, data.get("answers"))
