"""Uploading the three charts (velocity, deciders, outcomes) into a channel or thread.

Why in posting: `/decide stats … chart` and each retrospective's thread both upload the same
three charts; the pictures are drawn in app.charts, the names come from Slack here.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from app import charts
from app.domain import metrics, names, trends

log = logging.getLogger(__name__)
TOP_DECIDERS = 10


def display_name(client: WebClient, user_id: str) -> str:
    """A person's name for a chart label: charts cannot render Slack mentions."""
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError:
        return user_id
    return names.person_name(user) or user_id


def render(
    client: WebClient, sessions: sessionmaker[Session], scope: metrics.Scope, where: str
) -> list[tuple[str, str, bytes]]:
    """(file name, title, PNG) for each chart."""
    with sessions() as session:
        weeks = trends.weekly_velocity(session, scope)
        deciders = metrics.concentration(session, scope).by_decider[:TOP_DECIDERS]
        outcomes = trends.outcomes_by_framework(session, scope)
    named = [(display_name(client, who), count) for who, count in deciders]
    looked_up = {who: name for (who, _), (name, _) in zip(deciders, named, strict=True)}
    with sessions.begin() as session:  # the directory's names, for the exports
        names.remember(
            session,
            scope.team_id,
            datetime.now(UTC),  # only if the team is new, which it cannot be with deciders
            people={who: name for who, name in looked_up.items() if name != who},
            source=names.DIRECTORY,
        )
    return [
        ("velocity.png", "Decision velocity", charts.velocity_chart(weeks, where)),
        ("deciders.png", "Decisions per decider", charts.deciders_chart(named, where)),
        ("outcomes.png", "Outcomes by framework", charts.outcomes_chart(outcomes, where)),
    ]


def post_charts(
    client: WebClient,
    sessions: sessionmaker[Session],
    scope: metrics.Scope,
    *,
    channel_id: str,
    where: str,
    comment: str,
    thread_ts: str | None = None,
) -> None:
    """One upload with all three charts, so they arrive together under one comment."""
    uploads = [
        {"file": png, "filename": name, "title": title}
        for name, title, png in render(client, sessions, scope, where)
    ]
    client.files_upload_v2(
        channel=channel_id, file_uploads=uploads, initial_comment=comment, thread_ts=thread_ts
    )
