"""Text that cannot ping: every builder in app.blocks, driven with hostile user text.

Whatever a person typed (a title, a reason, a rotation's name, a value, a report...) must never
reach Slack as a live broadcast (`<!channel>`, `<!here>`, `<!everyone>`), a user-group mention
(`<!subteam^…>`) or a link whose label hides its address; a bare `<@U123>` stays live.

`BUILDERS` names every public builder of app.blocks with a way to call it; a new builder that is
not listed fails `test_every_builder_is_driven`, so none escapes the attack.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import app.blocks
from app.blocks import (
    canvas,
    cards,
    charter,
    declare_extras,
    escalation,
    feedback,
    forecasts,
    home,
    insight,
    lifecycle,
    lifecycle_forms,
    messages,
    modal,
    modals,
    polls,
    replies,
    reviews,
    rotations,
    schedules,
    similar,
    slack_errors,
    stats,
    steps,
)
from app.blocks.errors import describe
from app.blocks.polls import tiebreaker_words
from app.blocks.text import escape
from app.db.models import Charter, CharterDomain, Decision, ExpertisePoll, Rotation
from app.domain import alignment, calibration, metrics, participation, permissions
from app.domain.authority import Authority, Source
from app.domain.canvas import DomainLine, LeadLine, Mirror
from app.domain.errors import InvalidInput, NotAllowed, NotFound, Person, UserText
from app.domain.home import DomainHolder, Home, HomeData, Page, RotationLead
from app.domain.insight import Insight
from app.domain.people import Unfit
from app.domain.polls import Ballot, score_ballots, who_decides
from app.domain.schedules import Recurrence
from app.domain.similar import SimilarDecision
from app.vocabulary import Action, Framework, Status, Tiebreaker, Zone

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PERMALINK = "https://acme.slack.com/archives/C1/p1700000000000100"
TRUSTED_ADDRESSES = {PERMALINK}

HOSTILE = [
    "<!channel>",
    "<!here> now",
    "<!everyone>",
    "<!channel|channel>",
    "&lt;!here&gt;",
    "&lt;!channel&gt; urgent",
    "<!subteam^S123|@team>",
    "<!subteam^S123>",
    "<https://evil.example|click>",
    "<http://evil.example|https://good.example>",
    "<mailto:x@evil.example|y>",
    "<mailto:x|y>",
    "<<!channel>>",
    "<!<!here>>",
    "<!chan<!here>nel>",
    "<!channel",
    "!channel>",
    "<",
    ">",
    "&",
    "&amp;lt;!channel&amp;gt;",
    "&#60;!channel&#62;",
    "\uff1c!channel\uff1e",  # fullwidth lookalikes
    "\u2039!here\u203a",
    "\ufe64!everyone\ufe65",
    "<!date^0^{date}|x>",
    "<@U123|<!channel>>",
    "<#C123|<!here>>",
    "*bold* <!here> _it_",
    "<!channel> urgent <@U123>",
]
hostile = st.one_of(
    st.sampled_from(HOSTILE),
    st.lists(st.sampled_from([*HOSTILE, " ", "x", "<", ">", "|", "!", "@"]), max_size=6).map(
        "".join
    ),
    st.text(alphabet="<>!&;|^@#:/ltgampchnerUSC123x ", max_size=40),
)

SAMPLE = "<!channel> ping <@U123> <https://evil.example|click>"


def decision(text: str, **fields) -> Decision:
    values = dict(
        id=7,
        team_id="T1",
        title=text,
        channel_id="C1",
        status=Status.DECIDED,
        decider_id="U2",
        created_by="U1",
        created_at=NOW - timedelta(days=3),
        decided_at=NOW - timedelta(days=1),
        deadline=NOW + timedelta(days=1),
        zone=Zone.LOCAL,
        framework=Framework.EXPERTISE,
        approach=None,
        reversible=True,
        context=text,
        principle=text,
        domain=text,
        per_charter=False,
        resolution=text,
        rationale=text,
        outcome="worked",
        outcome_note=text,
        deferred_by="U1",
        permalink=PERMALINK,
        tiebreaker=Tiebreaker.OPENER,
    )
    values.update(fields)
    return Decision(**values)


def poll(**fields) -> ExpertisePoll:
    values = dict(id=4, anonymous=False, min_responses=2, closes_at=NOW + timedelta(hours=2))
    return ExpertisePoll(**{**values, **fields})


def the_charter(text: str) -> Charter:
    return Charter(
        version=1,
        editors="people",
        editor_ids=["U3"],
        values=[{"name": text, "principles": [text, text]}],
        steward_id="U4",
        escalation_contact="U5",
    )


def domains(text: str) -> list[CharterDomain]:
    return [
        CharterDomain(id=1, name=text, authority_id="U2", zone=Zone.LOCAL),
        CharterDomain(id=2, name=text, rotation_id=9, zone=Zone.CENTRE),
    ]


def dashboard() -> metrics.Dashboard:
    return metrics.Dashboard(
        scope=metrics.Scope("T1"),
        opened=3,
        velocity=metrics.Velocity(2, timedelta(hours=2), timedelta(hours=5)),
        concentration=metrics.Concentration(3, [("U2", 3)], 1.0, 0.0),
        formal_lead_share=0.5,
        expertise_share=0.5,
        escalation_rate=0.1,
        objections=1,
        outcome_coverage=0.5,
        worked_share=0.5,
        open_load=[("U2", 20)],
        polls=1,
        poll_responses=2.0,
    )


def forecast(t: str) -> Decision:
    return decision(t, forecast=t, forecast_confidence=80, forecast_by="U2", forecast_shared=True)


def found(t: str, enough: bool = True) -> Insight:
    """Figures whose domain names are hostile text (people type them into the charter)."""
    n = 6 if enough else 1
    rows = [("U1", "U2", "U3", t, n), ("U2", "U2", None, t + "x", n), ("U3", None, "U3", None, n)]
    scores = {80: [1.0, 0.0, 1.0, 0.5, 1.0, 1.0]}
    return Insight(
        alignment=alignment.from_rows(rows),
        calibration=calibration.Calibrations(
            people=[calibration.calibrate("U1", scores)],
            domains=[calibration.calibrate(t, scores)] if enough else [],
            mine=calibration.calibrate("U1", scores if enough else {80: [1.0]}),
            pending=1,
        ),
        participation=participation.Participation(
            asks=6 if enough else 1,
            voices=[participation.Voice(u, 1, 6, 3) for u in ("U1", "U2", "U3")],
            anonymous_polls=1,
            anonymous_ballots=4,
            hidden=[("U4", 4, 1)],
        ),
    )


def outcome(rule: Tiebreaker = Tiebreaker.STEWARD):
    ballots = [Ballot("U1", nominee="U2"), Ballot("U2", nominee="U1")]
    return score_ballots(ballots, {}, min_responses=1, tiebreaker=rule, opener="U1", steward="U9")


def settled():
    return score_ballots(
        [Ballot("U1", 5)], {}, min_responses=1, tiebreaker=Tiebreaker.OPENER, opener="U1"
    )


def level():
    """A recommendation level on nominations with another candidate."""
    ballots = [Ballot("U1", nominee="U2"), Ballot("U4", nominee="U3"), Ballot("U2", rating=4)]
    return score_ballots(ballots, {}, min_responses=1, tiebreaker=Tiebreaker.OPENER, opener="U1")


def who(text: str) -> str:
    return tiebreaker_words(who_decides(Tiebreaker.STEWARD, "U1")[1])


def errors(text: str) -> list[str]:
    """What the error handler would show for refusals that carry typed text."""
    return [
        describe(NotAllowed("“{title}” is already decided.", title=UserText(text))),
        describe(
            NotAllowed(
                "Only {opener}, who opened “{title}”, can do that.",
                opener=Person("U1"),
                title=UserText(text),
            )
        ),
        describe(NotFound("No decision called “{title}”.", title=UserText(text))),
        describe(InvalidInput({"title": "“{title}” is too long."}, title=UserText(text))),
        *refusals(text),
    ]


def refusals(text: str) -> list[str]:
    """Every refusal of the permission table (app.domain.permissions) about a decision titled
    `text`, as the error handler shows it: each status, condition and role sentence."""
    nobody = permissions.Actor("U9", can_see=False)
    people = {"decider_id": "U1", "opener_id": "U2", "poll_starter": "U3"}
    subjects = [
        permissions.Subject(title=text, status=Status.DECIDED, **people),
        permissions.Subject(
            title=text,
            zone=Zone.CENTRE,
            poll_open=True,
            settled_by_poll=True,
            what="the values",
            editor_ids=("U4",),
            steward_id="U5",
            **people,
        ),
        permissions.Subject(title=text, opener_id="U2", poll_starter="U3", steward_rotates=True),
    ]
    said = []
    for action in Action:
        for subject in subjects:
            try:
                permissions.check(action, nobody, subject)
            except NotAllowed as refused:
                said.append(describe(refused))
    return said


def leads(text: str) -> list[RotationLead]:
    return [RotationLead(text, "C1", "U1")]


def holders(text: str) -> list[DomainHolder]:
    return [
        DomainHolder(text, "U2", False, Zone.LOCAL),
        DomainHolder(text, None, True, Zone.CENTRE),
    ]


def similar_ones(text: str) -> list[SimilarDecision]:
    common = dict(title=text, created_by="U1", created_at=NOW, score=0.5)
    return [
        SimilarDecision(12, status=Status.DECIDED, decider_id="U2", decided_at=NOW,
                        permalink=PERMALINK, **common),
        SimilarDecision(13, status=Status.OPEN, decider_id=None, decided_at=None,
                        permalink=None, **common),
        SimilarDecision(14, status=Status.ESCALATED, decider_id="U3", decided_at=None,
                        permalink=PERMALINK, **common),
    ]  # fmt: skip


def rotation_view(text: str) -> rotations.RotationView:
    return rotations.RotationView(text, ("U1", "U2"), 14, "UTC", "U1", "U2", date(2026, 12, 1))


def changed(text: str, kind: str = "cancelled", status: Status = Status.CANCELLED) -> Decision:
    """A decision whose last change (and supersession) carries hostile text as its reason."""
    change = {"kind": kind, "by": "U1", "to": "U3", "at": NOW.isoformat(), "reason": text}
    return decision(
        text,
        status=status,
        last_change=change,
        superseded_by_id=9,
        superseded_by_link=PERMALINK,
        supersedes_id=5,
        supersedes_link=None,
    )


BUILDERS = {
    steps.similar_problem: lambda t: steps.similar_problem(similar_ones(t)),
    steps.step_problem: lambda t: [
        steps.step_problem(code, t, user_id="U1", channel_id="C1") for code in steps.STEP_PROBLEMS
    ],
    canvas.canvas_parts: lambda t: [
        part
        for _, part in canvas.canvas_parts(
            Mirror(
                (DomainLine(t, "U1", None, "local", "U2"), DomainLine(t, None, t, "centre", None)),
                "U2",
                ((t, (t, t)),),
                (LeadLine(t, "C1", "U3"),),
                "U4",
            )
        )
    ],
    steps.authority_note: lambda t: [
        steps.authority_note(Authority(t, "U1", source, rotation_name=t, domains=(t,), known=k))
        for source in Source
        for k in (True, False)
    ],
    similar.similar_line: lambda t: [similar.similar_line(d) for d in similar_ones(t)],
    similar.build_similar_notice: lambda t: similar.build_similar_notice(
        similar_ones(t), declare_value="v", supersede_values={12: "v"}
    ),
    similar.build_similar_form_head: lambda t: similar.build_similar_form_head(similar_ones(t)),
    cards.build_decision_card: lambda t: [
        *cards.build_decision_card(decision(t)),
        *cards.build_decision_card(
            decision(t, status=Status.OPEN, decider_id=None, objected_by="U4", objection=t)
        ),
        *cards.build_decision_card(decision(t, decider_rule="steward")),
        *cards.build_decision_card(changed(t)),
        *cards.build_decision_card(changed(t, "superseded", Status.SUPERSEDED)),
    ],
    lifecycle.build_change_note: lambda t: lifecycle.build_change_note(
        changed(t, "handed_on", Status.OPEN)
    ),
    lifecycle.change_lines: lambda t: lifecycle.change_lines(changed(t, "reopened", Status.OPEN)),
    lifecycle.lifecycle_menu: lambda t: lifecycle.lifecycle_menu(decision(t, status=Status.OPEN)),
    lifecycle.lifecycle_buttons: lambda t: lifecycle.lifecycle_buttons(decision(t)),
    lifecycle.lifecycle_verbs: lambda t: list(lifecycle.lifecycle_verbs(decision(t))),
    lifecycle.handoff_text: lambda t: lifecycle.handoff_text(decision(t), "U1"),
    lifecycle.build_handoff_notice: lambda t: lifecycle.build_handoff_notice(
        changed(t, "handed_on", Status.OPEN), "U1"
    ),
    lifecycle.change_notice_text: lambda t: lifecycle.change_notice_text(
        "cancel", changed(t), "U1"
    ),
    lifecycle.build_change_notice: lambda t: lifecycle.build_change_notice(
        "supersede", changed(t, "superseded", Status.SUPERSEDED), "U1"
    ),
    lifecycle.poll_withdrawn_text: lambda t: lifecycle.poll_withdrawn_text(changed(t)),
    lifecycle.build_poll_withdrawn: lambda t: lifecycle.build_poll_withdrawn(
        changed(t, "superseded", Status.SUPERSEDED)
    ),
    lifecycle.lifecycle_done_text: lambda t: lifecycle.lifecycle_done_text(
        "supersede", decision(t)
    ),
    lifecycle_forms.build_edit_modal: lambda t: lifecycle_forms.build_edit_modal(decision(t)),
    lifecycle_forms.build_handoff_modal: lambda t: lifecycle_forms.build_handoff_modal(decision(t)),
    lifecycle_forms.build_reason_modal: lambda t: lifecycle_forms.build_reason_modal(
        "cancel", decision(t)
    ),
    lifecycle_forms.build_supersede_modal: lambda t: lifecycle_forms.build_supersede_modal(
        decision(t), t
    ),
    cards.card_text: lambda t: cards.card_text(decision(t)),
    charter.build_charter: lambda t: charter.build_charter(
        the_charter(t), domains(t), {9: t}, ["U6"], "U4"
    ),
    charter.build_charter_modal: lambda t: charter.build_charter_modal(
        the_charter(t),
        domains(t),
        [Rotation(id=9, name=t, channel_id="C1", members=["U1", "U2"])],
        ["U6"],
    ),
    charter.build_values_modal: lambda t: charter.build_values_modal(the_charter(t)),
    # Domain names are at most 40 characters and principle keys are "value.principle" numbers
    # (the option values Slack hands back); the texts shown are the typed ones.
    declare_extras.build_declare_extras: lambda t: declare_extras.build_declare_extras(
        [t[:40], t[:39] + "2"], [("1.1", t), ("1.2", t)]
    ),
    declare_extras.principle_input: lambda t: declare_extras.principle_input([("1.1", t)]),
    escalation.build_consensus_check: lambda t: escalation.build_consensus_check(
        3, "U2", ["U3"], "U4", t, asked_by="U5"
    ),
    escalation.build_objection_modal: lambda t: escalation.build_objection_modal(3, "U2", t),
    escalation.objection_text: lambda t: escalation.objection_text(decision(t), "U2", "U4", t),
    escalation.objection_withdrawn_text: lambda t: (
        escalation.objection_withdrawn_text(decision(t), "U4", "U2")
        + escalation.objection_withdrawn_text(decision(t), "U4", None)
    ),
    escalation.consensus_question: lambda t: escalation.consensus_question("U2"),
    escalation.build_escalate_modal: lambda t: escalation.build_escalate_modal(
        decision(t), Zone.CENTRE
    ),
    escalation.build_escalation_notice: lambda t: escalation.build_escalation_notice(
        decision(t), "U3", t
    ),
    escalation.escalation_text: lambda t: escalation.escalation_text(decision(t), "U3", t),
    feedback.build_feedback_modal: lambda t: feedback.build_feedback_modal([decision(t)]),
    feedback.build_feedback_sent: lambda t: feedback.build_feedback_sent(),
    feedback.build_steward_report: lambda t: feedback.build_steward_report(
        next(iter(feedback.KINDS)), t, decision(t)
    ),
    feedback.steward_text: lambda t: feedback.steward_text(next(iter(feedback.KINDS))),
    home.build_home: lambda t: home.build_home(
        HomeData(
            mine=Page([decision(t, status=Status.OPEN)], 9),
            polls=Page([(poll(), t)], 9),
            outcomes=Page([decision(t)], 9),
            recent=Page([decision(t, permalink=None)], 9),
        ),
        dashboard(),
        extra=home.build_team_context(leads(t), holders(t)),
    ),
    home.build_team_context: lambda t: home.build_team_context(leads(t), holders(t)),
    home.build_home_tab: lambda t: home.build_home_tab(
        Home(
            data=HomeData(
                mine=Page([decision(t, status=Status.OPEN)], 1),
                polls=Page([(poll(), t)], 1),
                outcomes=Page([decision(t)], 1),
                recent=Page([decision(t)], 1),
            ),
            board=dashboard(),
            leads=leads(t),
            domains=holders(t),
            insight=found(t),
        )
    ),
    modal.build_modal: lambda t: modal.build_modal(
        "cb", "Title", [modal.input_block("b", "Label", {"type": "plain_text_input"})]
    ),
    modal.input_block: lambda t: [modal.input_block("b", "Label", {"type": "plain_text_input"})],
    replies.unfit_text: lambda t: "".join(replies.unfit_text("U2", why) for why in Unfit),
    replies.tiebreaker_applied_text: lambda t: replies.tiebreaker_applied_text("U2", t, "U1"),
    replies.rotation_adjusted_text: lambda t: replies.rotation_adjusted_text("U2", t),
    replies.steward_now_text: lambda t: (
        replies.steward_now_text("U4", "x") + replies.steward_now_text(None, "x")
    ),
    replies.steward_named_text: lambda t: replies.steward_named_text("U4", t, "1 Dec"),
    replies.charts_comment: lambda t: replies.charts_comment("<#C1>", "last 30 days", "U1"),
    slack_errors.refusal_text: lambda t: (
        slack_errors.refusal_text("channel_not_found", "D1") + slack_errors.refusal_text(t[:30])
    ),
    messages.build_error: lambda t: [b for e in errors(t) for b in messages.build_error(e)],
    messages.build_help: lambda t: messages.build_help(),
    messages.build_log_results: lambda t: messages.build_log_results(
        [decision(t), decision(t, permalink=None)], t, 200
    ),
    messages.build_notice: lambda t: [b for e in errors(t) for b in messages.build_notice(e)],
    modals.build_declare_modal: lambda t: modals.build_declare_modal(
        modals.DeclarePrefill(title=t, context=t, decider_id="U2"), channel_id="C1"
    ),
    modals.build_resolve_modal: lambda t: modals.build_resolve_modal(decision(t), [("1.1", t)]),
    polls.build_poll_message: lambda t: polls.build_poll_message(poll(), 3, t),
    polls.build_poll_modal: lambda t: polls.build_poll_modal({"channel": "C1"}, topic=t),
    polls.build_poll_result: lambda t: [
        *polls.build_poll_result(outcome(), False, poll_id=4, title=t, decider_name=t),
        *polls.build_poll_result(outcome(Tiebreaker.OPENER), True, poll_id=4, title=t),
        *polls.build_poll_result(settled(), False, poll_id=4, title=t, adopted=True),
    ],
    polls.outcome_note: lambda t: (
        polls.outcome_note(outcome())
        + polls.outcome_note(settled())
        + polls.outcome_note(level(), anonymous=True)
        + polls.outcome_note(level())
    ),
    polls.poll_text: lambda t: polls.poll_text(t) + polls.poll_text(t, closed=True),
    reviews.build_deadline_nudge: lambda t: [
        *reviews.build_deadline_nudge(decision(t), who(t)),
        *reviews.build_deadline_nudge(decision(t), None),
    ],
    reviews.build_outcome_modal: lambda t: reviews.build_outcome_modal(decision(t), "worked"),
    reviews.build_outcome_recorded: lambda t: reviews.build_outcome_recorded(forecast(t), 0.04),
    reviews.build_outcome_request: lambda t: reviews.build_outcome_request(decision(t)),
    reviews.build_retro_modal: lambda t: reviews.build_retro_modal(5),
    reviews.deadline_text: lambda t: (
        reviews.deadline_text(decision(t), who(t)) + reviews.deadline_text(decision(t), None)
    ),
    reviews.outcome_request_text: lambda t: reviews.outcome_request_text(decision(t)),
    rotations.build_handoff: lambda t: [
        *rotations.build_handoff(t, "U1", "U2", [decision(t)], date(2026, 12, 1), "UTC"),
        *rotations.build_handoff(
            t,
            "U1",
            "U2",
            [decision(t)],
            date(2026, 12, 1),
            "UTC",
            rotations.adjustment_words(t, "U1", "skip"),
        ),
        *rotations.build_handoff(
            t, "U2", "U2", [], date(2026, 12, 1), "UTC", rotations.adjustment_words(t, "U1", "skip")
        ),
    ],
    rotations.adjustment_words: lambda t: " ".join(
        rotations.adjustment_words(t, "U1", kind, skipped="U2", user="U3", other="U4", until=None)
        for kind in ("skip", "swap", "away")
    ),
    rotations.build_rotations: lambda t: rotations.build_rotations([rotation_view(t)]),
    rotations.handoff_text: lambda t: rotations.handoff_text(t, "U1", "U2"),
    rotations.rotation_line: lambda t: rotations.rotation_line(rotation_view(t)),
    schedules.build_checkin: lambda t: schedules.build_checkin(
        [decision(t, status=Status.OPEN), decision(t, decider_id=None)], NOW, "U3"
    ),
    schedules.build_retro: lambda t: [
        *schedules.build_retro([decision(t)], NOW, 5, found(t).alignment),
        *schedules.build_retro([decision(t, outcome=None)], NOW, 5, reviews={7: None}),
        *schedules.build_retro([decision(t, outcome=None)], NOW, 5, reviews={7: NOW}),
    ],
    forecasts.forecast_line: lambda t: forecasts.forecast_line(forecast(t)),
    forecasts.forecast_kept_text: lambda t: forecasts.forecast_kept_text(forecast(t)),
    forecasts.build_forecast_kept: lambda t: forecasts.build_forecast_kept(forecast(t)),
    insight.build_insight: lambda t: (
        insight.build_insight(found(t)) + insight.build_insight(found(t, enough=False))
    ),
    insight.alignment_lines: lambda t: "".join(
        line for e in (True, False) for line in insight.alignment_lines(found(t, e).alignment)
    ),
    insight.calibration_lines: lambda t: "".join(
        line for e in (True, False) for line in insight.calibration_lines(found(t, e).calibration)
    ),
    insight.participation_lines: lambda t: "".join(
        line
        for e in (True, False)
        for line in insight.participation_lines(found(t, e).participation)
    ),
    insight.retro_question: lambda t: insight.retro_question(found(t).alignment) or "",
    schedules.build_retro_answers: lambda t: schedules.build_retro_answers([(t, t)]),
    schedules.build_retro_answers_sent: lambda t: schedules.build_retro_answers_sent(),
    schedules.checkin_text: lambda t: schedules.checkin_text(3),
    schedules.schedule_set_text: lambda t: schedules.schedule_set_text(
        "retro", "U1", "Runs at 16:00.", changed=True
    ),
    schedules.schedule_removed_text: lambda t: schedules.schedule_removed_text("checkin", "U1"),
    schedules.set_by_text: lambda t: schedules.set_by_text("U1"),
    schedules.not_announced_text: lambda t: schedules.not_announced_text(t),
    schedules.describe_schedule: lambda t: schedules.describe_schedule(
        "checkin", Recurrence(9, 30, (0, 1), "UTC"), NOW
    ),
    stats.build_stats: lambda t: stats.build_stats(
        dashboard(), "the team", "last 30 days", found(t)
    ),
    stats.figures: lambda t: stats.figures(dashboard()),
    stats.warnings: lambda t: stats.warnings(dashboard()),
}
# Helpers that never see a person's text: numbers, dates, ids and the escaping itself.
NOT_BUILDERS = {
    "app.blocks.insight.chart_caption",
    # Message metadata is never shown to people: programs read the title as it was typed.
    "app.blocks.card_events.card_metadata",
    "app.blocks.canvas.canvas_ready",  # takes no typed text
    "app.blocks.canvas.canvas_refused",  # Slack's error codes, escaped where shown
    "app.blocks.rotations.midnight",
    "app.blocks.polls.rule_label",
    "app.blocks.stats.duration",
    "app.blocks.stats.percent",
    "app.blocks.text.date",
    "app.blocks.text.decision_link",  # a number and a permalink the bot itself stored
    "app.blocks.text.escape",
    "app.blocks.text.truncate",
    "app.blocks.text.user",
    "app.blocks.slack_errors.conversation_kind",
    "app.blocks.messages.usage_line",
}


def public_functions() -> set[str]:
    found = set()
    for module_info in pkgutil.iter_modules(app.blocks.__path__):
        module = importlib.import_module(f"app.blocks.{module_info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                found.add(f"{module.__name__}.{name}")
    return found


def test_every_builder_is_driven():
    driven = {f"{f.__module__}.{f.__name__}" for f in BUILDERS}
    errors_module = {"app.blocks.errors.describe", "app.blocks.polls.tiebreaker_words"}
    assert public_functions() - NOT_BUILDERS - errors_module == driven


# Keys whose strings Slack never shows as text: what a form field starts with (the person edits
# and submits it; escaping would turn "<" into "&lt;" in their title) and what an option or a
# button hands back to the app.
NOT_SHOWN = {"initial_value", "value"}


def sent(built) -> str:
    """Everything Slack would show from what a builder made, as JSON."""
    items = built if isinstance(built, list) else [built]
    return json.dumps([shown(i if isinstance(i, str) else i.to_dict()) for i in items])


def shown(data):
    if isinstance(data, dict):
        return {k: shown(v) for k, v in data.items() if k not in NOT_SHOWN}
    if isinstance(data, list):
        return [shown(v) for v in data]
    return data


# `<` opens markup in Slack; an entity (`&lt;`) does not. Markup the bot itself makes:
# a person or channel, a date, a link to a trusted address.
MARKUP = re.compile(r"<([^<>]*)>")
LIVE_PERSON_OR_CHANNEL = re.compile(r"(@[UW][A-Z0-9]+|#C[A-Z0-9]+)")


def live_problems(payload: str) -> list[str]:
    problems = []
    for inner in MARKUP.findall(payload):
        if LIVE_PERSON_OR_CHANNEL.fullmatch(inner):
            continue
        if inner.startswith("!date^") and re.fullmatch(r"!date\^\d+\^[^|]+\|[^|]+", inner):
            continue
        address, _, _label = inner.partition("|")
        if address in TRUSTED_ADDRESSES:
            continue
        problems.append(f"<{inner}>")
    return problems


# As many texts as the Hypothesis profile says (tests/conftest.py): each drives every builder.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=hostile)
def test_no_builder_lets_typed_text_ping_or_mask_a_link(text):
    for builder, call in BUILDERS.items():
        payload = sent(call(text))
        assert not live_problems(payload), (builder.__name__, text, live_problems(payload))
        for broadcast in ("<!channel", "<!here", "<!everyone", "<!subteam"):
            assert broadcast not in payload, (builder.__name__, text)


def test_a_typed_mention_of_one_person_survives_where_the_text_is_shown():
    shown = 0
    for builder, call in BUILDERS.items():
        payload = sent(call(SAMPLE))
        if "ping" not in payload:
            continue  # this builder does not show typed text
        shown += 1
        assert "<@U123>" in payload, builder.__name__
        assert "&lt;!channel&gt;" in payload, builder.__name__
        assert not live_problems(payload), builder.__name__
    assert shown >= 25


def test_escape_keeps_one_person_and_one_channel_live_and_nothing_else():
    assert escape("<@U123> <@W9AB> <#C42>") == "<@U123> <@W9AB> <#C42>"
    assert escape("<!here> <@U1|x> <#C1|y> <!subteam^S1>") == (
        "&lt;!here&gt; &lt;@U1|x&gt; &lt;#C1|y&gt; &lt;!subteam^S1&gt;"
    )
    assert escape("&lt;!channel&gt;") == "&amp;lt;!channel&amp;gt;"
