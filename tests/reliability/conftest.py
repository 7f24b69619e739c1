"""Reliability tests drive the same real HTTP bot as tests/e2e; its fixtures are reused here."""

from tests.e2e.conftest import bot, errors_logged, slack, standin  # noqa: F401
