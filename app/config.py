"""Settings read from the environment and `.env`.

Imports nothing else from `app`, so every room can depend on it without cycles. A missing or
malformed setting becomes one `SettingsError` line naming the variable and what to do, never a
pydantic traceback; tokens are `SecretStr` so they never appear in logs or reprs.
"""

from __future__ import annotations

import logging
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Mode = Literal["socket", "http"]

LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


class SettingsError(Exception):
    """A setting is missing, malformed or refused (a revoked token, a database that does not
    answer); the message is one line meant for the operator: the setting and what to do."""


_TOKEN_PREFIXES = {
    "slack_bot_token": ("xoxb-", "the Bot User OAuth Token (OAuth & Permissions page)"),
    "slack_app_token": ("xapp-", "an App-Level Token with connections:write (Basic Information)"),
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    database_url: str = "sqlite:///deference.db"
    slack_api_url: str = "https://slack.com/api/"
    log_level: str = "INFO"
    port: int = Field(default=3000, ge=0, le=65535)
    # Days after a decision is decided that its decider is asked how it turned out.
    outcome_review_days: int = Field(default=14, ge=1, le=365)
    # OAuth installs: where Slack sends the installer back (must match the app's Redirect URL),
    # and where the install page sends them (Slack's; tests point it at the stand-in).
    slack_oauth_redirect_url: str | None = None
    slack_oauth_authorize_url: str = "https://slack.com/oauth/v2/authorize"
    # How often a process not running the scheduler tries to take it over (PostgreSQL).
    scheduler_retry_seconds: float = Field(default=5.0, gt=0, le=25)
    # How often the scheduler sweeps for everything due (catch-up for jobs made elsewhere).
    scheduler_sweep_seconds: int = Field(default=60, ge=1, le=3600)
    # Scheduled posts per second per workspace (app.posting.pace). Slack documents one message
    # per second per channel and a workspace-wide cap without a figure; lower this if 429s come.
    slack_posts_per_second: float = Field(default=100.0, gt=0, le=1000)

    @field_validator("slack_bot_token", "slack_app_token", mode="after")
    @classmethod
    def _token_prefix(cls, value: SecretStr | None, info) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        prefix, what = _TOKEN_PREFIXES[info.field_name]
        if not value.get_secret_value().startswith(prefix):
            raise ValueError(f"must start with {prefix!r}; use {what}")
        return value

    @field_validator("slack_signing_secret", "slack_client_secret", mode="after")
    @classmethod
    def _blank_is_missing(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is not None and value.get_secret_value() else None

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        value = value.strip()
        if value.startswith("postgres://"):
            value = "postgresql://" + value.removeprefix("postgres://")
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        if not value.startswith(("sqlite:", "postgresql+psycopg:")):
            raise ValueError(
                "must be a sqlite:/// path or a postgresql:// URL, "
                "e.g. postgresql://user@localhost:5432/deference"
            )
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        value = value.strip().upper()
        if value not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return value

    @property
    def oauth_enabled(self) -> bool:
        return bool(self.slack_client_id and self.slack_client_secret)

    def require(self, mode: Mode) -> None:
        """Check that what `mode` needs is present, naming the first thing that is not."""
        if mode == "socket":
            needed = [
                ("slack_bot_token", "set it to the Bot User OAuth Token (xoxb-...)"),
                (
                    "slack_app_token",
                    "set it to an App-Level Token (xapp-...) with connections:write",
                ),
            ]
        else:
            needed = [("slack_signing_secret", "copy it from the app's Basic Information page")]
            if not self.oauth_enabled:
                needed.append(
                    (
                        "slack_bot_token",
                        "set it to the Bot User OAuth Token (xoxb-...), "
                        "or set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for OAuth installs",
                    )
                )
        for name, advice in needed:
            if getattr(self, name) is None:
                raise SettingsError(f"{name.upper()} is not set: {advice}.")


def load_settings(**overrides) -> Settings:
    """Read settings, turning validation errors into one readable line."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{name} is invalid: {message}.") from None


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Alembic announces every plugin it loads at INFO; only its warnings matter to operators.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLogger().level))
    logging.getLogger("matplotlib.font_manager").addFilter(_not_font_cache_notice)


def _not_font_cache_notice(record: logging.LogRecord) -> bool:
    """matplotlib says it is building its font cache (first start, slow disk) at WARNING,
    though nothing is wrong and nothing is to be done; its other warnings still show."""
    return not str(record.msg).startswith("Matplotlib is building the font cache")
