"""GET /api/v1/companies/{id}/members pages like every other list: {items, next_cursor}, limit and cursor."""

from __future__ import annotations

import base64

from tests.api.conftest import assert_problem


def _members_path(company_id: int) -> str:
    return f"/companies/{company_id}/members"


def test_members_come_in_keyset_pages_newest_first(api, world, token, factory):
    acme = world["acme"]
    extra = [factory.staff(acme["company"], acme["admin"], "recruiter") for _ in range(3)]
    everyone = [acme["admin"], acme["recruiter"], acme["hiring_manager"], *extra]
    expected = sorted((user.id for user in everyone), reverse=True)
    path = _members_path(acme["company"].id)

    seen: list[int] = []
    url = f"{path}?limit=2"
    pages = 0
    while url:
        response = api.get(url, token=token(acme["admin"]))
        assert response.status_code == 200
        body = response.get_json()
        assert set(body) == {"items", "next_cursor"}
        assert len(body["items"]) <= 2
        seen += [item["id"] for item in body["items"]]
        pages += 1
        if body["next_cursor"]:
            link = response.headers["Link"]
            assert link.endswith('>; rel="next"') and f"cursor={body['next_cursor']}" in link and "limit=2" in link
            url = f"{path}?limit=2&cursor={body['next_cursor']}"
        else:
            assert "Link" not in response.headers
            url = None
    assert seen == expected  # every member once, newest first, nobody from another company
    assert pages == 3


def test_a_member_item_keeps_its_fields(api, world, token):
    acme = world["acme"]
    body = api.get(_members_path(acme["company"].id), token=token(acme["recruiter"])).get_json()
    item = next(item for item in body["items"] if item["id"] == acme["recruiter"].id)
    assert item["role"] == "recruiter" and item["company"]["id"] == acme["company"].id
    assert {"last_login_at", "invitation_pending", "email", "full_name"} <= set(item)
    assert body["next_cursor"] is None  # three members fit the default page


def test_bad_paging_arguments_are_refused(api, world, token):
    acme = world["acme"]
    path = _members_path(acme["company"].id)
    admin = token(acme["admin"])
    huge = base64.urlsafe_b64encode(b"id:2147483648").decode().rstrip("=")
    for query, field in (
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("cursor=not-a-cursor", "cursor"),
        (f"cursor={huge}", "cursor"),
        ("cursor=%00", "cursor"),
        ("role=admin", "role"),  # unknown arguments are refused, never ignored
    ):
        problem = assert_problem(api.get(f"{path}?{query}", token=admin), 422)
        assert field in problem["errors"], query


def test_another_company_still_sees_nothing(api, world, token):
    path = _members_path(world["acme"]["company"].id)
    assert_problem(api.get(f"{path}?limit=1", token=token(world["globex"]["admin"])), 404)


def test_the_document_describes_the_page(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/companies/{company_id}/members"]["get"]
    assert {p["name"] for p in operation["parameters"] if p["in"] == "query"} == {"limit", "cursor"}
    response = operation["responses"]["200"]
    assert response["content"]["application/json"]["schema"]["$ref"].endswith("/MemberPage")
    assert "Link" in response["headers"]
    page = spec["components"]["schemas"]["MemberPage"]
    assert page["properties"]["items"]["items"]["$ref"].endswith("/MemberOut")
