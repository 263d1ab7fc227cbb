import pytest

from tests.api.conftest import api, token  # noqa: F401 (the API client and access tokens)
from tests.factories import Factory
from tests.mail.conftest import mail_app  # noqa: F401 (the mail worker's app, for the offer email)


@pytest.fixture
def setup(app):
    factory = Factory()
    acme = factory.tenant()
    other = factory.tenant()
    application = factory.application(factory.candidate("Ada"), acme["job"])
    return {"acme": acme, "other": other, "application": application, "factory": factory}
