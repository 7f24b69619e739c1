import pytest

from app.standin import Workspace
from tests.e2e.conftest import SIGNING_SECRET, bot, standin  # noqa: F401 - shared fixtures


@pytest.fixture
def slack_for(standin):  # noqa: F811
    def make(bot):  # noqa: F811
        return Workspace(standin, bot_url=bot.url, signing_secret=SIGNING_SECRET)

    return make
