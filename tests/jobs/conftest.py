import pytest

from app.standin import Workspace
from tests.e2e.conftest import SIGNING_SECRET, standin  # noqa: F401 - shared fixture


@pytest.fixture
def slack_for(standin):  # noqa: F811
    def make(bot):
        return Workspace(standin, bot_url=bot.url, signing_secret=SIGNING_SECRET)

    return make
