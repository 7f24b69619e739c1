"""The decision log as a static web site: `deference-bot export --format html --out DIR`.

An index with search and filters (status, decider, channel, zone, date) that run in the
browser, one page per decision (history, resolution, outcome, links back to Slack), the
charter and values, and the three charts. Plain files: it opens from the file system with no
server and no network (no CDN, no web fonts), reads on a phone, and works without JavaScript
(everything listed; the filters need it).

Every piece of text comes through Jinja2 with autoescaping on, so a title like
`<script>` is shown, never run; the pages also carry a Content-Security-Policy that allows
only the site's own script and style files, so injected markup could not run script anyway.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session, sessionmaker

from app import charts
from app.exporting import teams_to_export
from app.site.data import Chart, TeamLog, read_team
from app.vocabulary import Status, Zone

STATIC = ("site.css", "site.js")


def write_site(
    sessions: sessionmaker[Session],
    out: Path,
    team: str | None = None,
    now: datetime | None = None,
) -> Path:
    """Write the site into `out` (made if missing) and return its index page. One team: the
    site is `out` itself; several: a page listing them, each team's site in its own folder.
    Raises app.exporting.UnknownTeam for a team the database does not have."""
    now = now or datetime.now(UTC)
    with sessions() as session:
        teams = teams_to_export(session, team)
        logs = [read_team(session, t, now) for t in teams]
    out.mkdir(parents=True, exist_ok=True)
    env = _environment()
    if len(logs) == 1:
        return _write_team(env, logs[0], out)
    for log in logs:
        _write_team(env, log, out / log.team_id)
    _copy_static(out)
    index = out / "index.html"
    _render(env, "teams.html", index, root="", logs=logs, generated=now)
    return index


def write_charts(
    sessions: sessionmaker[Session],
    folder: Path,
    team: str | None = None,
    now: datetime | None = None,
) -> list[Path]:
    """The three charts of the whole log as PNG files in `folder` (made if missing), one set
    per team (prefixed with the team id when there are several); returns their paths. For
    the console, which shows charts by writing them where a person can open them."""
    now = now or datetime.now(UTC)
    with sessions() as session:
        teams = teams_to_export(session, team)
        logs = [read_team(session, t, now) for t in teams]
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for log in logs:
        prefix = f"{log.team_id}-" if len(logs) > 1 else ""
        for chart in draw_charts(log):
            path = folder / f"{prefix}{chart.file}"
            path.write_bytes(chart.png)
            written.append(path)
    return written


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("app.site", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(STATUSES=[s.value for s in Status], ZONES=[z.value for z in Zone])
    return env


def _render(env: Environment, template: str, path: Path, **context) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(env.get_template(template).render(**context), encoding="utf-8")


def _copy_static(folder: Path) -> None:
    for name in STATIC:
        with resources.as_file(resources.files("app.site") / "static" / name) as source:
            shutil.copyfile(source, folder / name)


def _write_team(env: Environment, log: TeamLog, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    _copy_static(folder)
    drawn = draw_charts(log)
    (folder / "charts").mkdir(exist_ok=True)
    for chart in drawn:
        (folder / "charts" / chart.file).write_bytes(chart.png)
    common = {"log": log, "charts": drawn}
    index = folder / "index.html"
    _render(
        env,
        "index.html",
        index,
        root="",
        deciders=_sorted_names(e.decider for e in log.entries),
        channels=_sorted_names(e.channel for e in log.entries),
        **common,
    )
    _render(env, "charter.html", folder / "charter.html", root="", **common)
    _render(env, "charts.html", folder / "charts.html", root="", **common)
    for entry in log.entries:
        _render(
            env,
            "decision.html",
            folder / "decisions" / f"{entry.id}.html",
            root="../",
            entry=entry,
            **common,
        )
    return index


def _sorted_names(found) -> list[str]:
    return sorted({name for name in found if name}, key=str.casefold)


def draw_charts(log: TeamLog) -> list[Chart]:
    """The three charts of the whole log, each with a text alternative that says its data."""
    where = log.team_name
    return [
        Chart(
            "velocity.png",
            "Decision velocity",
            velocity_alt(log.weeks),
            charts.velocity_chart(log.weeks, where),
        ),
        Chart(
            "deciders.png",
            "Decisions per decider",
            deciders_alt(log.deciders),
            charts.deciders_chart(log.deciders, where),
        ),
        Chart(
            "outcomes.png",
            "Outcomes by framework",
            outcomes_alt(log.outcomes),
            charts.outcomes_chart(log.outcomes, where),
        ),
    ]


def velocity_alt(weeks: Sequence[tuple]) -> str:
    if not weeks:
        return "Line chart of decision velocity: no decisions were decided yet."
    points = "; ".join(
        f"week of {day:%d %b %Y}: {duration(float(hours))} ({count} decided)"
        for day, hours, count in weeks
    )
    return f"Line chart of the median time to decide, by week. {points}."


def duration(hours: float) -> str:
    """A median wait in words, each in the unit that suits it (the chart shares one unit)."""
    unit, per = charts.time_unit([hours])
    amount = round(hours / per)
    return f"{amount} {unit.removesuffix('s') if amount == 1 else unit}"


def deciders_alt(rows: Sequence[tuple[str, int]]) -> str:
    if not rows:
        return "Bar chart of decisions per decider: no decisions have a decider yet."
    listed = "; ".join(f"{name}: {count}" for name, count in rows)
    return f"Bar chart of decisions per decider, most first. {listed}."


def outcomes_alt(table: dict[str, dict[str, int]]) -> str:
    if not table:
        return "Stacked bar chart of outcomes by framework: no decided decisions yet."
    parts = []
    for framework in sorted(table):
        counts = ", ".join(
            f"{charts.OUTCOME_LABELS[o].lower()} {table[framework][o]}"
            for o in charts.OUTCOME_ORDER
            if table[framework].get(o)
        )
        parts.append(f"{framework}: {counts}")
    return (
        f"Stacked bar chart of how decided decisions turned out, by framework. {'; '.join(parts)}."
    )
