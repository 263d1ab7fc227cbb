"""flask-smorest wiring: the Api object, a Blueprint with our parser, the spec's error shape."""

from __future__ import annotations

import http

import marshmallow as ma
from flask import Request
from flask_smorest import Api as _Api
from flask_smorest import Blueprint as _Blueprint
from flask_smorest.utils import prepare_response
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request

from app.api.problems import PROBLEM_JSON, register_blueprint_handlers

# Primary keys are 32-bit integers; a larger id in a path can only be "not found".
ID = "int(min=1, max=2147483647)"
BEARER = [{"bearerAuth": []}]
OPTIONAL_BEARER = [{}, {"bearerAuth": []}]


class ProblemSchema(ma.Schema):
    """application/problem+json (RFC 9457)."""

    type = ma.fields.String(required=True, metadata={"example": "/problems/not-found"})
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String(required=True)
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={"description": "Field name (dotted for nested fields) to its messages, on validation errors."},
    )
    request_id = ma.fields.String(
        metadata={"description": "The request's X-Request-ID: quote it when asking about this error."}
    )
    current_stage = ma.fields.String(metadata={"description": "On a refused stage move: the stage now."})
    allowed = ma.fields.List(ma.fields.String(), metadata={"description": "On an illegal move: the moves possible."})
    version = ma.fields.Integer(metadata={"description": "On a stale move: the application's version now."})


class ApiParser(FlaskParser):
    """JSON bodies must say they are JSON: anything else with a body is 415, never silently empty."""

    def _raw_load_json(self, req: Request):
        if not is_json_request(req):
            if req.content_length or req.headers.get("Transfer-Encoding"):
                abort(415)
            return core.missing
        try:
            return core.parse_json(req.get_data(cache=True))
        except RecursionError:
            abort(400, messages={"json": ["The JSON is nested too deeply."]})


class Blueprint(_Blueprint):
    """An API blueprint: our parser, and problem+json for every error raised inside it."""

    ARGUMENTS_PARSER = ApiParser()

    def __init__(self, *args, tag: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tag = tag  # the section of the docs; the name stays unique among all blueprints
        register_blueprint_handlers(self)

    def route(self, rule, *, parameters=None, tags=None, **options):
        return super().route(rule, parameters=parameters, tags=tags or [self.tag], **options)


class Api(_Api):
    """The spec's error responses are problem+json; error handlers live on our blueprints only."""

    ERROR_SCHEMA = ProblemSchema

    def register_blueprint(self, blp: Blueprint, *, parameters=None, **options) -> None:
        """As flask-smorest does, but the docs section is named by `blp.tag`."""
        self._app.extensions["flask-smorest"]["blp_name_to_api"][blp.name] = self
        self._app.register_blueprint(blp, **options)
        blp.register_views_in_doc(self, self._app, self.spec, name=blp.name, parameters=parameters)
        self.spec.tag({"name": blp.tag, "description": blp.description})

    def _register_error_handlers(self):
        # flask-smorest would answer every HTTP error of the whole app (web pages
        # included) with its own JSON; the API's handlers are per blueprint instead.
        return None

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "An error, as application/problem+json", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)
