"""The API tests' fixtures (a JSON client, tokens, two companies) and the mail tests' app (real Redis
queue, SMTP to aiosmtpd) for the invites."""

from tests.api.conftest import api, token, world  # noqa: F401 - fixtures
from tests.mail.conftest import mail_app  # noqa: F401 - fixture
