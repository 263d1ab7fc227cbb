"""The mail tests' app (real Redis queue, SMTP to aiosmtpd) for the invites."""

from tests.mail.conftest import mail_app  # noqa: F401
