"""Short replies the listeners send, in words and Slack mentions."""

from __future__ import annotations

from app.blocks.text import escape
from app.domain.people import Unfit

UNFIT = {
    Unfit.UNKNOWN: "I can't find that person in this workspace; pick a teammate.",
    Unfit.APP: "<@{user}> is an app, not a person; pick a teammate to decide.",
    Unfit.GONE: "<@{user}> is no longer in this workspace; pick someone who is.",
}


def unfit_text(user_id: str, why: Unfit) -> str:
    return UNFIT[why].format(user=user_id)


def tiebreaker_applied_text(decider_id: str | None, title: str, actor_id: str) -> str:
    return (
        f"By the tiebreaker rule, <@{decider_id}> now decides “{escape(title)}” "
        f"(applied by <@{actor_id}>)."
    )


def rotation_adjusted_text(lead_id: str, name: str) -> str:
    return f"Done. <@{lead_id}> leads `{escape(name)}` now; I told the channel."


def steward_now_text(steward_id: str | None, example: str) -> str:
    if steward_id:
        return f"<@{steward_id}> is the steward."
    return "Nobody is the steward yet. " + example


def steward_named_text(
    steward_id: str | None, rotation: str | None, next_review: str | None
) -> str:
    text = f"<@{steward_id}> is now the steward."
    if rotation:
        text += f" The role follows the `{escape(rotation)}` rotation's lead."
    if next_review:
        text += f" Reviewed every quarter; next review {next_review}."
    return text


def charts_comment(where: str, period: str, asked_by: str) -> str:
    return f"Decision charts for {where} ({period}), asked for by <@{asked_by}>."
