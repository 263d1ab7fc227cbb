import pytest

from app import create_app
from config import ProductionConfig


@pytest.mark.parametrize("secret", ["", "dev", "change-me", "too-short-but-not-default"])
def test_production_refuses_weak_secret_key(secret):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(
            ProductionConfig, {"SECRET_KEY": secret, "JWT_SECRET_KEY": "j" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
        )


def test_production_refuses_weak_jwt_key():
    with pytest.raises(RuntimeError, match="JWT_SECRET_KEY"):
        create_app(
            ProductionConfig, {"SECRET_KEY": "s" * 40, "JWT_SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
        )


def test_production_starts_with_strong_secrets():
    app = create_app(
        ProductionConfig, {"SECRET_KEY": "s" * 40, "JWT_SECRET_KEY": "j" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_public_index_lists_open_jobs(client, factory):
    tenant = factory.tenant()
    factory.job(tenant["recruiter"], status="draft", title="Secret draft")
    factory.job(tenant["recruiter"], title="<script>alert(1)</script>")
    response = client.get("/")
    assert response.status_code == 200
    assert tenant["job"].title.encode() in response.data
    assert b"Secret draft" not in response.data
    assert b"<script>alert(1)</script>" not in response.data
    assert b"&lt;script&gt;" in response.data


def test_forwarded_client_address_is_trusted_only_behind_a_configured_proxy(make_app):
    seen = {}
    for hops in (0, 1):
        app = make_app(PROXY_FIX_HOPS=hops)

        @app.get("/_whoami")
        def whoami():
            from flask import request

            return request.remote_addr or ""

        response = app.test_client().get("/_whoami", headers={"X-Forwarded-For": "203.0.113.9"})
        seen[hops] = response.get_data(as_text=True)
    assert seen == {0: "127.0.0.1", 1: "203.0.113.9"}
