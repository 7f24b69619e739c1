"""Uploading the charts into a channel or thread: velocity, deciders and outcomes always, and
shadow authority, calibration and participation when they have their minimum sample.

Why in posting: `/decide stats … chart` and each retrospective's thread both upload the same
charts; the pictures are drawn in app.charts, the names come from Slack here.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from app import charts
from app.blocks.insight import chart_caption
from app.charts import insight as insight_charts
from app.domain import alignment, calibration, metrics, names, participation, trends

log = logging.getLogger(__name__)
TOP_DECIDERS = 10
TOP_FORECASTERS = 6  # lines on one calibration chart before it stops being readable


def display_name(client: WebClient, user_id: str) -> str:
    """A person's name for a chart label: charts cannot render Slack mentions."""
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError:
        return user_id
    return names.person_name(user) or user_id


def render(
    client: WebClient, sessions: sessionmaker[Session], scope: metrics.Scope, where: str
) -> list[tuple[str, str, bytes, str | None]]:
    """(file name, title, PNG, caption) for each chart; the insight charts have a caption
    that says what they mean and how many decisions, forecasts or polls they rest on."""
    with sessions() as session:
        weeks = trends.weekly_velocity(session, scope)
        concentration = metrics.concentration(session, scope)
        outcomes = trends.outcomes_by_framework(session, scope)
        aligned = alignment.alignment(session, scope)
        aligned_weeks = alignment.weekly(session, scope) if aligned.enough else []
        forecasts = calibration.calibrations(session, scope)  # shared forecasts only
        voices = participation.participation(session, scope, dict(concentration.by_decider))
    looked_up: dict[str, str] = {}

    def name(user_id: str) -> str:
        if user_id not in looked_up:
            looked_up[user_id] = display_name(client, user_id)
        return looked_up[user_id]

    deciders = concentration.by_decider[:TOP_DECIDERS]
    drawn: list[tuple[str, str, bytes, str | None]] = [
        ("velocity.png", "Decision velocity", charts.velocity_chart(weeks, where), None),
        (
            "deciders.png",
            "Decisions per decider",
            charts.deciders_chart([(name(who), n) for who, n in deciders], where),
            None,
        ),
        ("outcomes.png", "Outcomes by framework", charts.outcomes_chart(outcomes, where), None),
    ]
    if aligned.enough:
        png = insight_charts.alignment_chart(aligned_weeks, where)
        drawn.append(
            ("authority.png", "Shadow authority", png, chart_caption("authority", aligned.named))
        )
    # A line per person, then per domain, with five reviewed forecasts; people first.
    series = [(name(c.name), c.bins, c.forecasts, c.brier) for c in forecasts.shown]
    series += [
        (f"{c.name} (domain)", c.bins, c.forecasts, c.brier) for c in forecasts.domains if c.enough
    ]
    series = series[:TOP_FORECASTERS]
    if series:
        count = sum(c.forecasts for c in forecasts.people)  # every shared, reviewed one
        png = insight_charts.calibration_chart(series, where, count)
        drawn.append(("calibration.png", "Calibration", png, chart_caption("calibration", count)))
    if voices.enough:
        rows = [(name(v.user_id), v.answered, v.asked) for v in voices.voices[:TOP_DECIDERS]]
        png = insight_charts.participation_chart(rows, where, voices.asks)
        caption = chart_caption("participation", voices.asks)
        drawn.append(("participation.png", "Whose voice is heard", png, caption))
    with sessions.begin() as session:  # the directory's names, for the exports
        names.remember(
            session,
            scope.team_id,
            datetime.now(UTC),  # only if the team is new, which it cannot be with deciders
            people={who: name for who, name in looked_up.items() if name != who},
            source=names.DIRECTORY,
        )
    return drawn


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
    """One upload with all the charts, so they arrive together under one comment."""
    drawn = render(client, sessions, scope, where)
    uploads = [{"file": png, "filename": name, "title": title} for name, title, png, _ in drawn]
    captions = [f"• {caption}" for *_, caption in drawn if caption]
    client.files_upload_v2(
        channel=channel_id,
        file_uploads=uploads,
        initial_comment="\n".join([comment, *captions]),
        thread_ts=thread_ts,
    )
