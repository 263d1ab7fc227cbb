"""Fixtures for mentions, notifications and the digest: the web and API worlds and clients, the mail app."""

from __future__ import annotations

from tests.api.conftest import api, token  # noqa: F401  (fixtures)
from tests.mail.conftest import mail_app  # noqa: F401  (fixture)
from tests.web.conftest import as_user, world  # noqa: F401  (fixtures)
