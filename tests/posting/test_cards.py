"""Posting a decision card, redrawing it, and telling one person something privately."""

from __future__ import annotations

import json

import pytest

from app.blocks.slack_errors import refusal_text
from app.domain import decisions
from app.domain.errors import NotFound
from app.posting.cards import CardNotPosted, post_card, refresh_card
from app.posting.send import tell
from tests.e2e.conftest import ALICE, GENERAL
from tests.posting.conftest import TEAM


def test_post_card_posts_then_remembers_where_with_a_permalink(
    client, standin, sessions, open_decision
):
    decision_id = open_decision()
    decision = post_card(client, sessions, TEAM, decision_id)
    [card] = standin.messages(GENERAL)
    assert "Pick the billing database" in json.dumps(card["blocks"])
    with sessions() as session:
        stored = decisions.get_decision(session, TEAM, decision_id)
    assert stored.card_ts == card["ts"] == decision.card_ts
    assert stored.thread_ts == card["ts"]  # replies to the card go in its thread
    assert (
        stored.permalink
        == f"https://acme.slack.com/archives/{GENERAL}/p{card['ts'].replace('.', '')}"
    )
    assert standin.resolve_permalink(stored.permalink)["ts"] == card["ts"]  # the link opens it
    assert standin.calls("chat.getPermalink") == []  # built from auth.test's url, not asked


@pytest.mark.parametrize(
    ("make_channel", "says"),
    [
        (dict(is_member=False), "/invite @Deference"),
        (dict(is_archived=True), "archived"),
    ],
)
def test_a_refused_card_discards_the_unseen_decision_and_says_why(
    client, standin, sessions, open_decision, make_channel, says
):
    standin.add_channel("C0ELSEWHERE", "elsewhere", **make_channel)
    decision_id = open_decision(channel="C0ELSEWHERE")
    with pytest.raises(CardNotPosted) as refused:
        post_card(client, sessions, TEAM, decision_id)
    assert says in str(refused.value) and "Nothing was saved." in str(refused.value)
    with sessions() as session, pytest.raises(NotFound):
        decisions.get_decision(session, TEAM, decision_id)


def test_a_card_without_a_permalink_is_still_kept(client, standin, sessions, open_decision):
    standin.fail_next("auth.test", status=200, error="internal_error")  # no workspace URL
    decision = post_card(client, sessions, TEAM, open_decision())
    assert decision.card_ts is not None and decision.permalink is None


def test_refresh_card_redraws_in_place_and_reports_refusals(
    client, standin, sessions, open_decision, clock
):
    decision_id = open_decision()
    with sessions() as session:
        never_posted = decisions.get_decision(session, TEAM, decision_id)
    assert refresh_card(client, never_posted) is False
    assert standin.calls("chat.update") == []

    posted = post_card(client, sessions, TEAM, decision_id)
    with sessions.begin() as session:
        decisions.record_resolution(
            session,
            team_id=TEAM,
            decision_id=decision_id,
            actor_id=ALICE,
            resolution="PostgreSQL 16",
            rationale=None,
            now=clock.now(),
            idempotency_key="resolve-1",
        )
        decided = decisions.get_decision(session, TEAM, decision_id)
        session.expunge(decided)
    assert refresh_card(client, decided) is True
    [update] = standin.calls("chat.update")
    assert update.params["ts"] == posted.card_ts
    assert "PostgreSQL 16" in json.dumps(standin.messages(GENERAL)[0]["blocks"])

    standin.fail_next("chat.update", status=200, error="message_not_found")
    assert refresh_card(client, decided) is False


def test_refusal_words_name_the_fix_or_the_code():
    assert "/invite @Deference" in refusal_text("not_in_channel")
    assert "archived" in refusal_text("is_archived")
    assert "`ratelimited`" in refusal_text("ratelimited")
    assert "nobody can invite me" in refusal_text("channel_not_found", "D0ALICEBOB")


def test_tell_prefers_the_response_url(client, standin):
    url = standin.new_response_url(GENERAL, ALICE)
    tell(client, user_id=ALICE, text="Only you see this", response_url=url, channel_id=GENERAL)
    [answer] = standin.responses(ALICE)
    assert answer["payload"]["response_type"] == "ephemeral"
    assert answer["payload"]["text"] == "Only you see this"
    assert standin.calls("chat.postEphemeral") == []


def test_tell_without_a_response_url_is_ephemeral_in_the_channel(client, standin):
    tell(client, user_id=ALICE, text="Only you see this", channel_id=GENERAL)
    [ephemeral] = standin.ephemerals(ALICE)
    assert (ephemeral["channel"], ephemeral["text"]) == (GENERAL, "Only you see this")
    assert standin.calls("chat.postMessage") == []


@pytest.mark.parametrize("channel", ["C0ARCHIVED", "C0NOTMINE"])
def test_tell_falls_back_to_a_direct_message_when_the_channel_refuses(client, standin, channel):
    standin.add_channel("C0ARCHIVED", "archived", is_archived=True)
    standin.add_channel("C0NOTMINE", "notmine", is_member=False)
    tell(client, user_id=ALICE, text="Only you see this", channel_id=channel)
    assert standin.ephemerals(ALICE) == []
    [dm] = standin.calls("chat.postMessage")
    assert (dm.params["channel"], dm.params["text"]) == (ALICE, "Only you see this")


def test_tell_with_nowhere_else_sends_a_direct_message(client, standin):
    tell(client, user_id=ALICE, text="Your poll closed")
    [dm] = standin.calls("chat.postMessage")
    assert dm.params["channel"] == ALICE
