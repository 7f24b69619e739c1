"""describe(): a refusal's sentence with people as mentions and typed text shown literally."""

from __future__ import annotations

import json

from app.blocks.errors import describe
from app.blocks.polls import outcome_note
from app.domain.errors import InvalidInput, NotAllowed, People, Person, UserText
from app.domain.polls import Ballot, Outcome, score_ballots
from app.vocabulary import Tiebreaker


def test_people_become_mentions_and_typed_text_cannot_ping():
    error = NotAllowed(
        "Only {decider}, who decided “{title}”, can say how it turned out.",
        decider=Person("U2"),
        title=UserText("<!channel> {oops} & <@U9>"),
    )
    assert describe(error) == (
        "Only <@U2>, who decided “&lt;!channel&gt; {oops} &amp; <@U9>”, can say how it turned out."
    )
    assert (
        str(error)
        == "Only <@U2>, who decided “<!channel> {oops} & <@U9>”, can say how it turned out."
    )


def test_a_sentence_without_facts_is_escaped_whole_and_braces_are_left_alone():
    assert describe(NotAllowed("“<!here> {x}” is already decided.")) == (
        "“&lt;!here&gt; {x}” is already decided."
    )


def test_field_sentences_share_their_facts_and_keep_their_plain_form_for_forms():
    error = InvalidInput(
        {"members": "{twice} is named twice.", "other": "Name {people}."},
        twice=Person("U1"),
        people=People(("U1", "U2")),
    )
    assert error.errors == {"members": "<@U1> is named twice.", "other": "Name <@U1>, <@U2>."}
    assert describe(error) == "<@U1> is named twice.; Name <@U1>, <@U2>."


def test_a_stored_result_keeps_its_words_across_a_round_trip_and_old_rows_keep_theirs():
    tie = [Ballot("U1", nominee="U2"), Ballot("U2", nominee="U1")]
    outcome = score_ballots(
        tie, {}, min_responses=1, tiebreaker=Tiebreaker.STEWARD, opener="U0", steward=None
    )
    stored = json.loads(json.dumps(outcome.to_json()))
    assert Outcome.from_json(stored) == outcome
    assert outcome_note(Outcome.from_json(stored)) == (
        "Tie between <@U1>, <@U2>: by the tiebreaker rule, <@U0> (who opened it) decides "
        "(there is no steward to ask)."
    )
    old = {**stored, "note": "Tie between <@U1>, <@U2>: the old words."}
    del old["choice"], old["legacy_note"]
    assert outcome_note(Outcome.from_json(old)) == "Tie between <@U1>, <@U2>: the old words."
