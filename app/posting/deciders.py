"""Whether a named person can hold a decision, asked of users.info before their card is posted.

Why in posting: both the request that declared the decision and the sweep that repairs a card
lost in a crash (app.jobs.cards) vet the decider right before posting; listeners re-export it.
The rule is the domain's (app.domain.people), its words the blocks' (app.blocks.replies).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from slack_sdk import WebClient

from app.blocks.replies import unfit_text
from app.domain import people as rules
from app.posting.people import People


def decider_problem(
    client: WebClient,
    user_id: str,
    seen: Callable[[str, Mapping[str, Any] | None], None] | None = None,
    *,
    people: People | None = None,
    team_id: str = "",
) -> str | None:
    """Why this user cannot hold a decision, in words, or None when they can. With `people`
    (the process's cache, per `team_id`) a person seen minutes ago costs no call; `seen` is
    handed the profile Slack answered with when it was asked (the names store keeps the
    person's name; the process's cache hands it over by itself, see wiring)."""
    person = (people or People()).lookup(client, team_id, user_id, seen=seen)
    why = rules.unfit_to_decide(user_id, person.as_profile() if person else None)
    return unfit_text(user_id, why) if why else None
