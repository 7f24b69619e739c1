import logging

import pytest

from app.config import SettingsError, configure_logging, load_settings


def test_defaults_are_sqlite_in_the_working_directory_and_slack_api():
    settings = load_settings()
    assert settings.database_url == "sqlite:///deference.db"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.port == 3000


def test_reads_dotenv_file(tmp_path):
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-from-file\nLOG_LEVEL=debug\n")
    settings = load_settings()
    assert settings.slack_bot_token.get_secret_value() == "xoxb-from-file"
    assert settings.log_level == "DEBUG"


def test_postgres_urls_use_psycopg(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db:5432/deference")
    assert load_settings().database_url == "postgresql+psycopg://u@db:5432/deference"


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        (
            "SLACK_BOT_TOKEN",
            "xoxp-user-token",
            "SLACK_BOT_TOKEN is invalid: must start with 'xoxb-'",
        ),
        ("SLACK_APP_TOKEN", "xoxb-wrong", "SLACK_APP_TOKEN is invalid: must start with 'xapp-'"),
        ("PORT", "eighty", "PORT is invalid"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL is invalid: must be a sqlite:///"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL is invalid: must be one of"),
        ("SLACK_API_URL", "slack.com", "SLACK_API_URL is invalid"),
    ],
)
def test_malformed_setting_is_one_line_naming_it(monkeypatch, name, value, says):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as failed:
        load_settings()
    message = str(failed.value)
    assert message.startswith(says)
    assert "\n" not in message
    if name.endswith("TOKEN"):
        assert value not in message  # never echo a token back


def test_each_mode_names_what_it_is_missing(monkeypatch):
    with pytest.raises(SettingsError, match=r"^SLACK_BOT_TOKEN is not set"):
        load_settings().require("socket")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    with pytest.raises(SettingsError, match=r"^SLACK_APP_TOKEN is not set"):
        load_settings().require("socket")
    with pytest.raises(SettingsError, match=r"^SLACK_SIGNING_SECRET is not set"):
        load_settings().require("http")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    load_settings().require("http")


def test_tokens_never_appear_in_repr(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "signing-very-secret")
    settings = load_settings()
    shown = repr(settings) + str(settings) + str(settings.model_dump())
    assert "very-secret" not in shown


def test_matplotlib_building_its_font_cache_is_no_warning():
    configure_logging("INFO")
    fonts = logging.getLogger("matplotlib.font_manager")
    seen: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = seen.append  # the logger's own handler: past its filters, before the root's
    level, fonts.level = fonts.level, logging.WARNING  # whatever other tests left behind
    fonts.addHandler(handler)
    try:
        fonts.warning("Matplotlib is building the font cache; this may take a moment.")
        fonts.warning("findfont: Font family 'Nope' not found.")
    finally:
        fonts.removeHandler(handler)
        fonts.setLevel(level)
    assert [r.getMessage() for r in seen] == ["findfont: Font family 'Nope' not found."]
