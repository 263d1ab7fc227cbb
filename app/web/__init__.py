"""The browser front door: the public job board, candidate pages and the staff dashboard."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the web blueprints, sign-in and server-side sessions."""
    from app.core import cookies
    from app.web.auth import bp as auth_bp
    from app.web.booking import bp as booking_bp
    from app.web.candidate import bp as candidate_bp
    from app.web.dashboard import bp as dashboard_bp
    from app.web.data_requests import bp as data_requests_bp
    from app.web.headers import init_headers
    from app.web.helpers import init_templates
    from app.web.jobs import bp as jobs_bp
    from app.web.login import init_login
    from app.web.sessions import init_sessions
    from app.web.status import bp as status_bp

    init_sessions(app)
    cookies.init_app(app)
    init_login(app)
    init_templates(app)
    init_headers(app)
    app.register_blueprint(jobs_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(candidate_bp, url_prefix="/me")
    app.register_blueprint(dashboard_bp, url_prefix="/dashboard")
    app.register_blueprint(status_bp, url_prefix="/status")
    app.register_blueprint(booking_bp, url_prefix="/book")
    app.register_blueprint(data_requests_bp)
