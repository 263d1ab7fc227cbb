"""The API tests' fixtures (a JSON client, tokens, two companies), shared with the pages' tests here."""

from __future__ import annotations

from tests.api.conftest import api, token, world  # noqa: F401 - fixtures
