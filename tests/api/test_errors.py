"""Every API error is application/problem+json, never an HTML page and never a 500 for bad input."""

from __future__ import annotations

from tests.api.conftest import ApiClient, assert_problem
from tests.factories import PASSWORD, Factory

REGISTER = {"email": "a@example.com", "password": PASSWORD, "full_name": "A"}


def test_malformed_json_is_400(api):
    problem = assert_problem(api.post("/auth/register", data="{not json", content_type="application/json"), 400)
    assert problem["errors"] == {"body": ["Invalid JSON body."]}
    assert_problem(api.post("/auth/register", data=b"\xff\xfe{}", content_type="application/json"), 400)
    deep = "[" * 100_000 + "]" * 100_000
    problem = assert_problem(api.post("/auth/register", data=deep, content_type="application/json"), 400)
    assert problem["errors"] == {"body": ["The JSON is nested too deeply."]}


def test_deeply_nested_json_elsewhere_is_400(api, world, token):
    deep = "[" * 100_000 + "]" * 100_000
    assert_problem(api.post("/auth/token", data=deep, content_type="application/json"), 400)
    path = f"/jobs/{world['acme']['job'].id}/applications"
    assert_problem(api.post(path, data=deep, content_type="application/json", token=token(world["ada"])), 400)


def test_wrong_shapes_and_types_are_422(api):
    problem = assert_problem(api.post("/auth/register", json=["a", "b"]), 422)
    assert "body" in problem["errors"]
    assert_problem(api.post("/auth/register", json="just a string"), 422)
    assert_problem(api.post("/auth/register", json=None), 422)
    problem = assert_problem(api.post("/auth/register", json={**REGISTER, "full_name": {"first": "A"}}), 422)
    assert problem["errors"] == {"full_name": ["Not a valid string."]}
    problem = assert_problem(api.post("/auth/register", json={**REGISTER, "full_name": "A\u0000B"}), 422)
    assert problem["errors"] == {"full_name": ["Contains a character that is not allowed."]}
    problem = assert_problem(
        api.post("/auth/register", data='{"email": "\\ud800"}', content_type="application/json"), 422
    )
    assert "email" in problem["errors"]


def test_unknown_fields_are_422_and_nothing_is_written(api, db):
    from sqlalchemy import func, select

    from app.models import User

    problem = assert_problem(api.post("/auth/register", json={**REGISTER, "is_admin": True}), 422)
    assert problem["errors"] == {"is_admin": ["Unknown field."]}
    assert problem["title"] == "Validation failed"
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_non_json_body_is_415(api):
    problem = assert_problem(api.post("/auth/register", data="email=a@example.com", content_type="text/plain"), 415)
    assert problem["type"] == "/problems/unsupported-media-type"
    assert_problem(api.post("/auth/register", data={"email": "a@example.com"}), 415)


def test_oversize_body_is_413(app_with):
    app = app_with(MAX_CONTENT_LENGTH=1024)
    api = ApiClient(app.test_client())
    problem = assert_problem(api.post("/auth/register", json={**REGISTER, "full_name": "x" * 2000}), 413)
    assert problem["type"] == "/problems/payload-too-large"


def test_unknown_path_and_method(api, world, token):
    problem = assert_problem(api.get("/nothing-here"), 404)
    assert problem["type"] == "/problems/not-found"
    assert_problem(api.get("/jobs/abc"), 404)
    assert_problem(api.get("/jobs/0"), 404)
    response = api.delete("/jobs")
    problem = assert_problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert "DELETE" in problem["detail"]
    assert_problem(api.request("PUT", f"/jobs/{world['acme']['job'].id}", token=token(world["acme"]["admin"])), 405)
    assert_problem(api.post("/openapi.json"), 405)


def test_missing_token_is_401_with_a_challenge(api):
    response = api.get("/applications")
    problem = assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "Bearer" in problem["detail"]


def test_server_error_is_a_problem_without_internals(app_with, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    app = app_with(PROPAGATE_EXCEPTIONS=False, UPLOAD_DIR=str(blocker / "uploads"))
    app.logger.disabled = True  # the traceback is logged; the test only needs the answer
    factory = Factory()
    tenant, ada = factory.tenant(), factory.candidate()
    import io

    from app.api.auth import issue_tokens
    from tests.api.conftest import pdf_bytes

    api = ApiClient(app.test_client())
    response = api.post(
        f"/jobs/{tenant['job'].id}/applications",
        token=issue_tokens(ada)["access_token"],
        data={"consent": "true", "resume": (io.BytesIO(pdf_bytes()), "cv.pdf")},
        content_type="multipart/form-data",
    )
    problem = assert_problem(response, 500)
    assert problem["type"] == "/problems/internal-error"
    assert "Traceback" not in response.get_data(as_text=True) and "uploads" not in response.get_data(as_text=True)


def test_web_pages_keep_their_html_errors(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_no_csrf_token_needed_for_bearer_requests(api, app):
    assert app.config["WTF_CSRF_ENABLED"] is True
    assert api.post("/auth/register", json=REGISTER).status_code == 201


def test_problem_documents_carry_the_request_id(api):
    response = api.get("/applications/1", headers={"X-Request-ID": "support-case-42"})
    assert response.status_code == 401
    assert response.headers["X-Request-ID"] == "support-case-42"
    assert response.get_json()["request_id"] == "support-case-42"
    made_up = api.get("/applications/1")
    assert made_up.get_json()["request_id"] == made_up.headers["X-Request-ID"]
