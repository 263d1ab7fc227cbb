"""The JSON front door: /api/v1, JWT-authenticated, documented by OpenAPI.

Handlers parse input with marshmallow schemas, call a service with the caller,
and render the result; the rules live in the services.
"""

from __future__ import annotations

from flask import Flask

SECURITY_SCHEME = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
API_KEY_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "ats_ API key",
    "description": "An API key made by an admin (`/api-keys`), limited to its scopes; each operation names the "
    "scope it needs in `x-required-scope`. Send `On-Behalf-Of: <member id or email>` to act as that member.",
}
DESCRIPTION = """Drive the hiring flow from scripts.

Get a token with `POST /api/v1/auth/token` and send it as `Authorization: Bearer <access_token>`,
or send an API key made by an admin (`Authorization: Bearer ats_...`), limited to its scopes.
Errors are `application/problem+json` (type, title, status, detail, and `errors` by field on
validation). Lists take `limit` (at most 100) and `cursor`, and answer `{items, next_cursor}` with a
`Link: <...>; rel="next"` header.
"""


def init_app(app: Flask) -> None:
    """Register the API blueprints, JWT, the OpenAPI document and the API's error handling."""
    from app.api import idempotency, key_auth, rate_limits
    from app.api.auth import init_jwt
    from app.api.core import Api
    from app.api.docs import bp as docs_bp
    from app.api.problems import register_routing_errors
    from app.api.routes import api_keys as api_keys_routes
    from app.api.routes import (
        applications,
        auth,
        bulk,
        candidate_profiles,
        companies,
        duplicates,
        jobs,
        offers,
        pipelines,
        pools,
        privacy,
        questions,
        reports,
        status_links,
        tags,
    )
    from app.api.routes import audit as audit_routes
    from app.api.routes import booking as booking_routes
    from app.api.routes import candidate_search as candidates
    from app.api.routes import eeo as eeo_routes
    from app.api.routes import email_templates as templates
    from app.api.routes import feedback as feedback_routes
    from app.api.routes import imports as imports_routes
    from app.api.routes import interviews as interviews_routes
    from app.api.routes import messages as messages_routes
    from app.api.routes import notifications as notifications_routes
    from app.api.routes import replies as replies_routes
    from app.api.routes import retention as retention_routes
    from app.api.routes import webhooks as webhooks_routes
    from app.extensions import csrf
    from app.webhooks import openapi as webhooks_openapi

    init_jwt(app)
    key_auth.init_app(app)  # before the idempotency claim, which is scoped to the key
    idempotency.init_app(app)
    api = Api(app, spec_kwargs={"info": {"description": DESCRIPTION}})
    api.spec.components.security_scheme("bearerAuth", SECURITY_SCHEME)
    api.spec.components.security_scheme("apiKey", API_KEY_SCHEME)
    modules = (
        auth,
        companies,
        jobs,
        applications,
        bulk,
        pipelines,
        questions,
        privacy,
        status_links,
        templates,
        reports,
        candidate_profiles,
        tags,
        pools,
        duplicates,
        offers,
    )
    for module in modules:
        csrf.exempt(module.blp)  # bearer tokens, no cookies: nothing to forge
        api.register_blueprint(module.blp)
    for blp in (api_keys_routes.blp, audit_routes.blp, retention_routes.blp):
        csrf.exempt(blp)
        api.register_blueprint(blp)
    csrf.exempt(replies_routes.blp)  # replies by email (app/services/replies.py)
    api.register_blueprint(replies_routes.blp)
    csrf.exempt(messages_routes.blp)  # messages to candidates and the activity timeline (app/services/messages.py)
    api.register_blueprint(messages_routes.blp)
    csrf.exempt(candidates.blp)
    api.register_blueprint(candidates.blp)
    csrf.exempt(notifications_routes.blp)  # notifications and the caller's settings
    api.register_blueprint(notifications_routes.blp)
    csrf.exempt(webhooks_routes.blp)  # webhooks and the event feed (app/services/webhooks.py)
    api.register_blueprint(webhooks_routes.blp)
    csrf.exempt(interviews_routes.blp)  # interviews, interview plans, calendar feeds (app/services/interviews.py)
    api.register_blueprint(interviews_routes.blp)
    csrf.exempt(feedback_routes.blp)  # interview scorecards (app/services/feedback.py)
    api.register_blueprint(feedback_routes.blp)
    csrf.exempt(booking_routes.blp)  # interview times offered to candidates (app/services/booking.py)
    api.register_blueprint(booking_routes.blp)
    csrf.exempt(eeo_routes.blp)  # equal-opportunity questions and aggregates (app/services/eeo.py)
    api.register_blueprint(eeo_routes.blp)
    csrf.exempt(imports_routes.blp)  # candidate imports (app/services/candidate_imports.py)
    api.register_blueprint(imports_routes.blp)
    rate_limits.apply(app)  # every API blueprint registered above
    idempotency.document(api.spec)
    key_auth.document(app, api.spec)
    webhooks_openapi.document(api.spec)
    app.register_blueprint(docs_bp)
    register_routing_errors(app)
