"""Property-based run of the API against its own OpenAPI document (schemathesis).

Every operation gets generated requests, fitting the document and breaking it,
sent as an admin and as a candidate. No answer may be a 5xx, and every answer
must match the document: a documented status, the documented content type and
a body that fits its schema. Generation is derandomised so a run is repeatable.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.api.auth import issue_tokens

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "10"))  # per operation, per role, per mode


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("role", ["admin", "candidate"])
def test_api_conforms_to_its_document(app, factory, role, mode):
    tenant = factory.tenant()
    candidate = factory.candidate()
    factory.application(candidate, tenant["job"])  # so some generated ids exist
    user = tenant["admin"] if role == "admin" else candidate
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    ran = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            nonlocal ran
            ran += 1
            # A fresh token each time: a generated call to /auth/revoke must not silence the rest.
            token = issue_tokens(user)["access_token"]
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

        check()
    assert ran >= len(list(schema.get_all_operations()))
    print(f"schemathesis: {ran} cases ({role}, {mode.value})")
