"""The careers tests use both doors: the API client and token minting, the signed-in web client."""

from tests.api.conftest import api, token  # noqa: F401
from tests.web.conftest import _shared_template_cache, as_user, world  # noqa: F401
