"""Expertise poll rules: who the room would defer to, as a pure function over ballots.

Scoring (the documented rule):

    score(c) = NOMINATION_WEIGHT * (peer nominations of c) + (c's own self-rating) / 5

with NOMINATION_WEIGHT = 2.0. A self-rating (1-5) adds at most 1.0 while a single nomination by
someone else adds 2.0, so one peer's word outweighs any self-claim: claimed expertise alone never
beats recognised expertise. Nominating yourself is refused at the door and never counts.
Candidates are the people with a score above zero (they rated themselves or were nominated).

The poll *recommends* the single highest scorer. It does not when the top score is shared (a
tie), when fewer ballots than `min_responses` came in, or when nobody is a candidate; then the
decision's tiebreaker names who decides, and the result says so:

- `opener`: the person who opened the decision;
- `poll_leader`: the tied leader holding the fewest open decisions (the opener if still tied or
  if there is no leader);
- `steward`, `rotation_lead`: the steward or the channel's current rotation lead when a
  deadline passes (`who_decides`); inside a poll's own tie, and when there is none, the opener.

Open decisions already held are shown beside each candidate so the room can see their load; they
break ties only under `poll_leader`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field

from app.vocabulary import Tiebreaker

NOMINATION_WEIGHT = 2.0
RATINGS = range(1, 6)


@dataclass(frozen=True)
class Ballot:
    """One voter's ballot. `voter` is None when it cannot be known (anonymous, not nominated)."""

    voter: str | None
    rating: int | None = None
    nominee: str | None = None


@dataclass(frozen=True)
class Candidate:
    user_id: str
    score: float
    nominations: int
    self_rating: int | None
    open_decisions: int


@dataclass(frozen=True)
class Choice:
    """Who a tiebreaker rule named, and in which role: "poll_leader", "lightest_poll_leader" (the
    tied leader holding the fewest open decisions), "steward", "rotation_lead" or "opener".
    `nobody_for` is the rule that had nobody to ask when it fell back to the opener."""

    person: str
    role: str
    nobody_for: Tiebreaker | None = None


@dataclass(frozen=True)
class Outcome:
    candidates: list[Candidate]
    responses: int
    min_responses: int
    recommended: str | None  # who the poll itself settled on; None when it did not
    decider: str | None  # who should decide: the recommendation, or the tiebreaker's choice
    reason: str  # "poll", "tie", "too_few", "no_candidates"
    tiebreaker: str
    tied: list[str] = field(default_factory=list)
    choice: Choice | None = None  # how the tiebreaker chose, when the poll did not settle it
    legacy_note: str = ""  # the words a result stored before blocks made them (older rows)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping) -> Outcome:
        fields = dict(data)
        fields["candidates"] = [Candidate(**c) for c in fields.get("candidates", [])]
        if "note" in fields:
            fields["legacy_note"] = fields.pop("note")
        if fields.get("choice"):
            choice = dict(fields["choice"])
            rule = choice.get("nobody_for")
            fields["choice"] = Choice(**{**choice, "nobody_for": rule and Tiebreaker(rule)})
        return cls(**fields)


def score_ballots(
    ballots: Iterable[Ballot],
    open_load: Mapping[str, int],
    *,
    min_responses: int,
    tiebreaker: Tiebreaker,
    opener: str,
    steward: str | None = None,
    rotation_lead: str | None = None,
) -> Outcome:
    """Rank candidates and say who should decide. Pure: same ballots, same answer.

    `steward` and `rotation_lead` are who those tiebreaker rules name today, if anyone."""
    people_now = {"steward": steward, "rotation_lead": rotation_lead}
    ballots = [b for b in ballots if b.rating is not None or b.nominee is not None]
    nominations: Counter[str] = Counter(
        b.nominee for b in ballots if b.nominee is not None and b.nominee != b.voter
    )
    self_ratings = {b.voter: b.rating for b in ballots if b.voter and b.rating in RATINGS}
    people = set(nominations) | set(self_ratings)
    candidates = sorted(
        (
            Candidate(
                user_id=person,
                score=round(
                    NOMINATION_WEIGHT * nominations[person] + (self_ratings.get(person) or 0) / 5,
                    2,
                ),
                nominations=nominations[person],
                self_rating=self_ratings.get(person),
                open_decisions=open_load.get(person, 0),
            )
            for person in people
        ),
        key=lambda c: (-c.score, c.open_decisions, c.user_id),
    )
    common = {
        "candidates": candidates,
        "responses": len(ballots),
        "min_responses": min_responses,
        "tiebreaker": tiebreaker.value,
    }
    if not candidates:
        return _tiebreak("no_candidates", [], common, tiebreaker, opener, **people_now)
    leaders = [c for c in candidates if c.score == candidates[0].score]
    if len(ballots) < min_responses:
        return _tiebreak("too_few", leaders, common, tiebreaker, opener, **people_now)
    if len(leaders) > 1:
        return _tiebreak("tie", leaders, common, tiebreaker, opener, **people_now)
    top = candidates[0].user_id
    return Outcome(**common, recommended=top, decider=top, reason="poll")


def _tiebreak(
    reason: str,
    leaders: list[Candidate],
    common: dict,
    rule: Tiebreaker,
    opener: str,
    **people_now: str | None,
) -> Outcome:
    decider, choice = who_decides(rule, opener, **people_now)
    if rule is Tiebreaker.POLL_LEADER and leaders:
        fewest = min(c.open_decisions for c in leaders)
        lightest = [c for c in leaders if c.open_decisions == fewest]
        if len(lightest) == 1:
            decider = lightest[0].user_id
            choice = Choice(decider, "lightest_poll_leader")
    tied = [c.user_id for c in leaders] if reason == "tie" else []
    return Outcome(
        **common, recommended=None, decider=decider, reason=reason, tied=tied, choice=choice
    )


def who_decides(
    rule: Tiebreaker,
    opener: str,
    poll_leader: str | None = None,
    *,
    steward: str | None = None,
    rotation_lead: str | None = None,
) -> tuple[str, Choice]:
    """The person a tiebreaker rule names outside a poll's own tie (a deadline that passed),
    and how it chose them. `poll_leader` is who a closed poll pointed to, if any; `steward` and
    `rotation_lead` are the team's steward and the channel's current lead."""
    if rule is Tiebreaker.POLL_LEADER and poll_leader:
        return poll_leader, Choice(poll_leader, "poll_leader")
    if rule is Tiebreaker.STEWARD and steward:
        return steward, Choice(steward, "steward")
    if rule is Tiebreaker.ROTATION_LEAD and rotation_lead:
        return rotation_lead, Choice(rotation_lead, "rotation_lead")
    missing = rule if rule in (Tiebreaker.STEWARD, Tiebreaker.ROTATION_LEAD) else None
    return opener, Choice(opener, "opener", missing)


def tiebreaker_rule(outcome: Outcome) -> str:
    """The rule that named a poll's decider when the poll did not settle it ("steward",
    "lightest_poll_leader", ...): how the card and the stats label that decider."""
    return outcome.choice.role if outcome.choice is not None else outcome.tiebreaker


def level_on_nominations(outcome: Outcome) -> list[str]:
    """The other candidates with as many peer nominations as the one the poll recommends.

    The recommendation then rests on self-ratings, which an anonymous poll never shows, so the
    result must say so or it reads as arbitrary. Empty when nominations alone decided."""
    if outcome.reason != "poll" or not outcome.recommended:
        return []
    top = next((c for c in outcome.candidates if c.user_id == outcome.recommended), None)
    if top is None:
        return []
    return [
        c.user_id
        for c in outcome.candidates
        if c.user_id != top.user_id and c.nominations == top.nominations
    ]
