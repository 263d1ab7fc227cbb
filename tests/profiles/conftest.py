"""Fixtures of the candidate profile, tag and pool tests: the API helpers, a candidate with an application."""

from __future__ import annotations

import pytest

from tests.api.conftest import api, app_with, token, world  # noqa: F401 (fixtures)


@pytest.fixture
def person(factory, world):  # noqa: F811
    """Ada's record at Acme (she applied to Acme's job) and her application."""
    application = factory.application(world["ada"], world["acme"]["job"])
    return application.candidate_id, application.id
