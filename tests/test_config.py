import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from dotenv import dotenv_values

import config
from app import create_app
from config import ProductionConfig

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("secret", ["", "dev", "change-me", "too-short-but-not-default"])
def test_production_refuses_weak_secret_key(secret):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(
            ProductionConfig,
            {
                "SECRET_KEY": secret,
                "JWT_SECRET_KEY": "j" * 40,
                "WEBHOOK_SECRET_KEY": "w" * 40,
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
            },
        )


def test_production_refuses_weak_jwt_key():
    with pytest.raises(RuntimeError, match="JWT_SECRET_KEY"):
        create_app(
            ProductionConfig, {"SECRET_KEY": "s" * 40, "JWT_SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
        )


def test_production_starts_with_strong_secrets():
    app = create_app(
        ProductionConfig,
        {
            "SECRET_KEY": "s" * 40,
            "JWT_SECRET_KEY": "j" * 40,
            "WEBHOOK_SECRET_KEY": "w" * 40,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
        },
    )
    assert app.config["SESSION_COOKIE_SECURE"] == "auto"  # Secure when the request came over HTTPS
    assert app.config["PUBLIC_COMPANY_SIGNUP"] is False


def test_production_refuses_a_missing_webhook_secret_key():
    with pytest.raises(RuntimeError, match="WEBHOOK_SECRET_KEY"):
        create_app(
            ProductionConfig,
            {"SECRET_KEY": "s" * 40, "JWT_SECRET_KEY": "j" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"},
        )


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


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_variable_means_the_default(monkeypatch, value):
    for name in ("S", "I", "F", "B", "P", "C"):
        monkeypatch.setenv(name, value)
    assert config._str("S", "fallback") == "fallback"
    assert config._int("I", 25) == 25
    assert config._float("F", 5.0) == 5.0
    assert config._bool("B", True) is True and config._bool("B", False) is False
    assert config._path("P", Path("/srv/ats")) == Path("/srv/ats")
    assert config._cookie_secure("C", "auto") == "auto"


def test_readers_parse_set_values(monkeypatch):
    monkeypatch.setenv("I", " 587 ")
    monkeypatch.setenv("B", "Off")
    monkeypatch.setenv("C", "AUTO")
    monkeypatch.setenv("S", "keep  spaces ")
    assert config._int("I", 25) == 587
    assert config._bool("B", True) is False
    assert config._cookie_secure("C", False) == "auto"
    assert config._str("S") == "keep  spaces "  # passwords are taken as written
    monkeypatch.setenv("C", "true")
    assert config._cookie_secure("C", "auto") is True


@pytest.mark.parametrize(("reader", "value"), [(config._int, "5O"), (config._bool, "maybe"), (config._float, "x")])
def test_a_mistyped_value_is_refused_by_name(monkeypatch, reader, value):
    monkeypatch.setenv("SMTP_PORT", value)
    with pytest.raises(RuntimeError, match="SMTP_PORT"):
        reader("SMTP_PORT", 1)


def test_relative_paths_are_taken_from_the_project(monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", "var/instance")
    assert config._path("INSTANCE_PATH", Path("/unused")) == ROOT / "var" / "instance"
    monkeypatch.setenv("INSTANCE_PATH", "/srv/ats")
    assert config._path("INSTANCE_PATH", Path("/unused")) == Path("/srv/ats")


def _config_under(env: dict[str, str], *names: str, cls: str = "DevelopmentConfig") -> dict:
    """Import config.py in a fresh interpreter with exactly this environment."""
    code = f"import json, config; c = config.{cls}; print(json.dumps({{n: getattr(c, n) for n in {names!r}}}))"
    base = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp")}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_the_committed_env_example_is_a_working_development_setup():
    env = {key: value or "" for key, value in dotenv_values(ROOT / ".env.example").items()}
    assert env["APP_ENV"] == "development" and env["INSTANCE_PATH"] == "" and env["UPLOAD_DIR"] == ""
    seen = _config_under(
        env,
        "INSTANCE_DIR",
        "UPLOAD_DIR",
        "SQLALCHEMY_DATABASE_URI",
        "BASE_URL",
        "MAIL_BACKEND",
        "SMTP_PORT",
        "PUBLIC_COMPANY_SIGNUP",
        "SESSION_COOKIE_SECURE",
        "SECRET_KEY",
    )
    assert seen["INSTANCE_DIR"] == str(ROOT / "instance")
    assert seen["UPLOAD_DIR"] == str(ROOT / "instance" / "uploads")
    assert seen["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{ROOT / 'instance' / 'ats.db'}"
    assert seen["BASE_URL"] == "http://127.0.0.1:5000"
    assert seen["MAIL_BACKEND"] == "file" and seen["SMTP_PORT"] == 25
    assert seen["PUBLIC_COMPANY_SIGNUP"] is True and seen["SESSION_COOKIE_SECURE"] is False
    assert len(seen["SECRET_KEY"]) > 0


def test_production_example_defaults():
    env = {key: value or "" for key, value in dotenv_values(ROOT / ".env.production.example").items()}
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "BASE_URL", "SMTP_HOST", "PROXY_FIX_HOPS"} <= env.keys()
    seen = _config_under(
        env, "SESSION_COOKIE_SECURE", "PUBLIC_COMPANY_SIGNUP", "MAIL_BACKEND", "PROXY_FIX_HOPS", cls="ProductionConfig"
    )
    assert seen == {
        "SESSION_COOKIE_SECURE": "auto",
        "PUBLIC_COMPANY_SIGNUP": False,
        "MAIL_BACKEND": "smtp",
        "PROXY_FIX_HOPS": 1,
    }


def test_base_url_follows_the_address_make_run_serves_on():
    seen = _config_under({"FLASK_RUN_HOST": "0.0.0.0", "FLASK_RUN_PORT": "8123"}, "BASE_URL")  # noqa: S104
    assert seen["BASE_URL"] == "http://127.0.0.1:8123"
    seen = _config_under({"FLASK_RUN_PORT": "8123", "BASE_URL": "https://ats.example/"}, "BASE_URL")
    assert seen["BASE_URL"] == "https://ats.example"
