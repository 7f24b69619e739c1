"""The expertise poll message, its result, and the modal that starts one.

While open the message shows only how many people responded; ratings appear only in the result,
and in an anonymous poll not even there: an anonymous result ranks candidates by nominations and
leaves out scores and self-ratings, because a named candidate's score would give away the
rating they gave themselves.
"""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    SectionBlock,
    UserSelectElement,
)
from slack_sdk.models.views import View

from app import ids
from app.blocks.modal import build_modal
from app.blocks.text import date, escape, truncate, user
from app.db.models import ExpertisePoll
from app.domain.polls import (
    NOMINATION_WEIGHT,
    Choice,
    Outcome,
    level_on_nominations,
    tiebreaker_rule,
)
from app.domain.when import EXAMPLES
from app.vocabulary import Tiebreaker

SHOWN_CANDIDATES = 10
SCORING = (
    f"Score: each nomination by a peer counts {NOMINATION_WEIGHT:g}, "
    "a self-rating counts rating ÷ 5, so peers outweigh self-claims."
)


def poll_text(title: str, closed: bool = False) -> str:
    state = "closed" if closed else "open"
    return truncate(f"Expertise poll ({state}): {escape(title)}", 3000)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def build_poll_message(poll: ExpertisePoll, response_count: int, title: str) -> list[Block]:
    value = str(poll.id)
    privacy = "anonymous: nobody's rating is ever shown" if poll.anonymous else "ratings shown"
    return [
        SectionBlock(
            block_id="poll.question",
            text=MarkdownTextObject(
                text=f":bar_chart: *Expertise poll:* {escape(truncate(title, 200))}\n"
                "How well do you know this area? Rate yourself 1 (barely) to 5 (deeply), "
                "and name anyone you'd defer to."
            ),
        ),
        ActionsBlock(
            block_id="poll.rate",
            elements=[
                ButtonElement(text=str(n), action_id=f"{ids.POLL_RATE}{n}", value=value)
                for n in range(1, 6)
            ],
        ),
        ActionsBlock(
            block_id=f"poll.nominate.{poll.id}",
            elements=[
                UserSelectElement(action_id=ids.POLL_NOMINATE, placeholder="I'd defer to…"),
                ButtonElement(text="Close poll now", action_id=ids.POLL_CLOSE, value=value),
            ],
        ),
        ContextBlock(
            block_id="poll.status",
            elements=[
                MarkdownTextObject(
                    text=f"{_plural(response_count, 'response')} so far · closes "
                    f"{date(poll.closes_at)} · {privacy} · "
                    f"at least {_plural(poll.min_responses, 'response')} needed"
                )
            ],
        ),
    ]


def _candidate_line(rank: int, candidate, anonymous: bool) -> str:
    parts = [f"{rank}. <@{candidate.user_id}>"]
    if not anonymous:
        parts.append(f"score {candidate.score:g}")
    parts.append(_plural(candidate.nominations, "nomination"))
    if not anonymous and candidate.self_rating:
        parts.append(f"self-rated {candidate.self_rating}/5")
    parts.append(f"holds {_plural(candidate.open_decisions, 'open decision')}")
    return " · ".join(parts)


ROLE = {
    "poll_leader": "{who} (the expertise poll's leader) decides",
    "lightest_poll_leader": "{who} (the poll leader, holding the fewest open decisions) decides",
    "steward": "{who} (the steward) decides",
    "rotation_lead": "{who} (the current rotation lead) decides",
    "opener": "{who} (who opened it) decides",
}


def tiebreaker_words(choice: Choice) -> str:
    """Who a tiebreaker rule names and why, e.g. "<@U1> (the steward) decides"."""
    words = ROLE[choice.role].format(who=user(choice.person))
    if choice.nobody_for in (Tiebreaker.STEWARD, Tiebreaker.ROTATION_LEAD):
        words += f" (there is no {choice.nobody_for.value.replace('_', ' ')} to ask)"
    return words


def _level_note(result: Outcome, anonymous: bool) -> str:
    """Why the recommended person leads when others have as many nominations."""
    level = level_on_nominations(result)
    if not level:
        return ""
    top = next(c for c in result.candidates if c.user_id == result.recommended)
    others = ", ".join(user(u) for u in level[:10]) + (" and others" if len(level) > 10 else "")
    count = _plural(top.nominations, "nomination")
    if anonymous:
        return (
            f" {others} also {'has' if len(level) == 1 else 'have'} {count}; the self-ratings "
            f"of those nominated, never shown in an anonymous poll, put {user(top.user_id)} ahead."
        )
    return (
        f" {others} also {'has' if len(level) == 1 else 'have'} {count}; "
        f"{user(top.user_id)} leads on self-rating ({top.self_rating or 0}/5)."
    )


RULE_LABELS = {
    "poll_leader": "the expertise poll's leader",
    "lightest_poll_leader": "the poll leader holding the fewest open decisions",
    "steward": "the steward",
    "rotation_lead": "the rotation lead",
    "opener": "the person who opened it",
}


def rule_label(rule: str) -> str:
    """How a decider chosen by a tiebreaker is labelled: the rule, never "expertise"."""
    return f"tiebreaker: {RULE_LABELS.get(rule, rule.replace('_', ' '))}"


WHY = {
    "tie": "Tie between {tied}",
    "too_few": "Only {responses} of the {min_responses} responses needed came in",
    "no_candidates": "Nobody rated themselves or was nominated",
}


def outcome_note(result: Outcome, anonymous: bool = False) -> str:
    """What the poll recommends (and why, when nominations alone did not separate the leaders),
    or why the tiebreaker chose instead and whom."""
    if result.reason == "poll" and result.decider:
        return f"Defer to {user(result.decider)}." + _level_note(result, anonymous)
    if result.choice is None:  # stored before the words moved here
        return result.legacy_note
    why = WHY[result.reason].format(
        tied=", ".join(user(u) for u in result.tied),
        responses=result.responses,
        min_responses=result.min_responses,
    )
    return f"{why}: by the tiebreaker rule, {tiebreaker_words(result.choice)}."


def build_poll_result(
    result: Outcome,
    anonymous: bool,
    *,
    poll_id: int,
    title: str,
    adopted: bool = False,
    decider_name: str | None = None,
) -> list[Block]:
    lines = [
        _candidate_line(rank, c, anonymous)
        for rank, c in enumerate(result.candidates[:SHOWN_CANDIDATES], start=1)
    ]
    if len(result.candidates) > SHOWN_CANDIDATES:
        lines.append(f"…and {len(result.candidates) - SHOWN_CANDIDATES} more")
    blocks: list[Block] = [
        SectionBlock(
            block_id="poll.result.title",
            text=MarkdownTextObject(
                text=f":bar_chart: *Expertise poll closed:* {escape(truncate(title, 200))}"
            ),
        ),
        SectionBlock(
            block_id="poll.result.ranking",
            text=MarkdownTextObject(
                text=truncate(
                    "\n".join(lines) or "_Nobody rated themselves or was nominated._", 3000
                )
            ),
        ),
        SectionBlock(
            block_id="poll.result.recommendation",
            text=MarkdownTextObject(text=truncate(f"*{outcome_note(result, anonymous)}*", 3000)),
        ),
        ContextBlock(
            block_id="poll.result.meta",
            elements=[
                MarkdownTextObject(
                    text=f"{_plural(result.responses, 'response')}"
                    + (" · anonymous" if anonymous else "")
                    + f" · {SCORING}"
                )
            ],
        ),
    ]
    if adopted and result.decider:
        blocks.append(
            ContextBlock(
                block_id="poll.result.adopted",
                elements=[
                    MarkdownTextObject(
                        text=f":white_check_mark: <@{result.decider}> is now the decider "
                        + (
                            "(framework: expertise)."
                            if result.reason == "poll"
                            else f"({rule_label(tiebreaker_rule(result))})."
                        )
                    )
                ],
            )
        )
    elif result.decider:
        who = f"@{escape(decider_name)}" if decider_name else "them"
        blocks.append(
            ActionsBlock(
                block_id="poll.result.actions",
                elements=[
                    ButtonElement(
                        text=truncate(f"Make {who} the decider", 75),
                        action_id=ids.POLL_ADOPT,
                        value=str(poll_id),
                        style="primary",
                    )
                ],
            )
        )
    return blocks


def build_poll_modal(metadata: dict, *, topic: str | None = None) -> View:
    """Poll options. A topic field appears only when the poll also opens a new decision."""
    blocks: list[Block] = []
    if topic is not None:
        blocks.append(
            InputBlock(
                block_id=ids.TOPIC,
                label="What needs deciding?",
                element=PlainTextInputElement(
                    action_id=ids.VALUE, initial_value=truncate(topic, 200) or None, max_length=200
                ),
            )
        )
    blocks += [
        InputBlock(
            block_id=ids.CLOSES,
            label="Close after",
            element=PlainTextInputElement(action_id=ids.VALUE, initial_value="24h"),
            hint=f"For example {EXAMPLES.replace('`', '')} (your time zone).",
        ),
        InputBlock(
            block_id=ids.MIN_RESPONSES,
            label="Responses needed",
            element=NumberInputElement(
                action_id=ids.VALUE,
                is_decimal_allowed=False,
                initial_value="1",
                min_value="1",
                max_value="100",
            ),
        ),
        InputBlock(
            block_id=ids.ANONYMOUS,
            label="Privacy",
            optional=True,
            element=CheckboxesElement(
                action_id=ids.VALUE,
                options=[Option(value="yes", text="Anonymous: never show who rated what")],
            ),
        ),
    ]
    return build_modal(
        ids.POLL_VIEW, "Expertise poll", blocks, submit="Start poll", private_metadata=metadata
    )
