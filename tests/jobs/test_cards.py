"""The sweep that posts cards a crash left unposted: exactly once however many callers race
(two sweeps, or the sweep and the request that stored the decision), a crashed poster's claim
taken over only after its lease, and a refused card skipped and discarded, never retried."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from app import ids
from app.blocks.cards import build_decision_card, card_text
from app.db.models import Decision, ScheduledPost
from app.domain import decisions, ledger, lifecycle, poll_service
from app.jobs.cards import GRACE, post_missing_cards
from app.posting import claimed
from app.posting.cards import CARD, card_occurrence, publish_card
from tests.e2e.conftest import ALICE, BOB, GENERAL

OUTSIDE = "C0OUTSIDE"
HISTORY_SCOPES = {"channels:history", "groups:history"}


def store(bot, title: str, decider: str | None = BOB, channel: str = GENERAL) -> int:
    """A decision stored the way a command stores it before ack(), with no card yet."""
    with bot.sessions.begin() as session:
        decision, _ = decisions.open_decision(
            session,
            team_id="T0001",
            declaration=decisions.Declaration(title=title, channel_id=channel, decider_id=decider),
            actor_id=ALICE,
            origin_key=f"test:{title}",
            now=bot.runtime.deps.clock.now(),
        )
    return decision.id


def cards_posted(standin) -> Counter[int]:
    """Decision id -> how many cards Slack accepted for it."""
    found: Counter[int] = Counter()
    for call in standin.calls("chat.postMessage"):
        for block in call.params.get("blocks") or [] if call.ok else []:
            for element in block.get("elements") or []:
                if element.get("action_id") == ids.RECORD_RESOLUTION:
                    found[int(element["value"])] += 1
    return found


def at_once(*calls) -> list:
    """Run the calls on threads released together; their results (or exceptions)."""
    start = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = calls[i]()
        except Exception as exc:  # the caller inspects what each one got
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_sweeps_at_once_post_each_missing_card_exactly_once(bot, standin, clock):
    stored = [store(bot, f"Pick option {n}") for n in range(12)]
    clock.advance(GRACE)
    for _round in range(3):
        results = at_once(post_missing_cards, post_missing_cards)
        assert all(isinstance(r, int) for r in results), results
    assert cards_posted(standin) == Counter({d: 1 for d in stored})
    with bot.sessions() as session:
        assert all(d.card_ts for d in session.scalars(select(Decision)))
        rows = session.scalars(select(ScheduledPost).where(ScheduledPost.kind == CARD)).all()
    assert sorted(int(r.subject) for r in rows) == stored
    assert {(r.status, r.attempts) for r in rows} == {(ledger.SENT, 1)}


def test_the_request_and_the_sweep_racing_for_one_card_post_it_once(bot, standin, clock):
    client = bot.runtime.bolt.client
    for n in range(8):
        decision_id = store(bot, f"Pick the cache {n}")
        clock.advance(GRACE)
        at_once(
            lambda d=decision_id: publish_card(client, bot.sessions, clock, "T0001", d, vet=True),
            post_missing_cards,
        )
        assert cards_posted(standin)[decision_id] == 1
    assert sum(cards_posted(standin).values()) == 8


def test_a_killed_posters_claim_is_taken_over_only_after_its_lease(bot, standin, clock):
    decision_id = store(bot, "Pick the queue")
    with bot.sessions.begin() as session:
        decision = decisions.get_decision(session, "T0001", decision_id)
        held = claimed.claim(
            session,
            clock,
            team_id="T0001",
            kind=CARD,
            subject=str(decision_id),
            occurrence=card_occurrence(decision),
        )
    assert held is not None  # ... and the process that claimed it dies here
    clock.advance(GRACE)
    assert post_missing_cards() == 0, "a claim inside its lease may still be posting"
    assert cards_posted(standin) == Counter()
    clock.advance(claimed.LEASE)
    assert post_missing_cards() == 1
    assert post_missing_cards() == 0
    assert cards_posted(standin) == Counter({decision_id: 1})


def test_a_card_slack_refuses_is_discarded_and_never_retried(bot, standin, clock):
    standin.add_channel(OUTSIDE, "outside", is_member=False)
    refused = store(bot, "Pick the region", channel=OUTSIDE)
    clock.advance(GRACE)
    assert post_missing_cards() == 0
    attempts = len(standin.calls("chat.postMessage"))
    assert post_missing_cards() == 0
    clock.advance(claimed.LEASE * 3)
    assert post_missing_cards() == 0
    assert len(standin.calls("chat.postMessage")) == attempts, "not retried"
    with bot.sessions() as session:
        assert session.get(Decision, refused) is None
        row = session.scalars(select(ScheduledPost)).one()
    assert row.status == ledger.SKIPPED
    told = [
        m for m in standin.ephemerals() + standin.messages() if "Nothing was saved" in m["text"]
    ]
    assert len(told) == 1, "the opener is told once"


def test_a_decider_the_sweep_finds_invalid_is_discarded_and_the_opener_told(bot, standin, clock):
    store(bot, "Pick the broker", decider="U0HELPER")  # an app, not a person
    clock.advance(GRACE)
    assert post_missing_cards() == 0
    assert cards_posted(standin) == Counter()
    with bot.sessions() as session:
        assert session.scalars(select(Decision)).all() == []
    told = [m["text"] for m in standin.ephemerals() + standin.messages()]
    assert any("is an app, not a person" in t for t in told), told


def test_a_request_that_loses_the_claim_posts_nothing_and_raises_nothing(bot, standin, clock):
    decision_id = store(bot, "Pick the logo")
    client = bot.runtime.bolt.client
    clock.advance(GRACE)
    assert post_missing_cards() == 1
    assert publish_card(client, bot.sessions, clock, "T0001", decision_id, vet=True) is not None
    assert cards_posted(standin) == Counter({decision_id: 1})
    assert publish_card(client, bot.sessions, clock, "T0001", decision_id + 1) is None


def cut_off_after_posting(bot, standin, title: str) -> tuple[int, str]:
    """A process claims a card, Slack accepts its post, and the process dies before the ledger
    or the decision learn the message's ts."""
    decision_id = store(bot, title)
    clock = bot.runtime.deps.clock
    with bot.sessions.begin() as session:
        decision = decisions.get_decision(session, "T0001", decision_id)
        held = claimed.claim(
            session,
            clock,
            team_id="T0001",
            kind=CARD,
            subject=str(decision_id),
            occurrence=card_occurrence(decision),
        )
    assert held is not None
    posted = bot.runtime.bolt.client.chat_postMessage(
        channel=GENERAL, text=card_text(decision), blocks=build_decision_card(decision)
    )
    return decision_id, posted["ts"]


def test_a_card_posted_by_a_cut_off_attempt_is_read_back_not_posted_again(bot, standin, clock):
    """The manifest's history scopes let the sweep read the channel back."""
    assert {"channels:history", "groups:history"} <= set(standin.scopes)
    decision_id, ts = cut_off_after_posting(bot, standin, "Pick the queue")
    clock.advance(claimed.LEASE + GRACE)
    post_missing_cards()
    assert post_missing_cards() == 0
    assert cards_posted(standin) == Counter({decision_id: 1})
    with bot.sessions() as session:
        assert session.get(Decision, decision_id).card_ts == ts
        assert session.scalars(select(ScheduledPost)).one().message_ts == ts


def test_without_the_history_scopes_a_cut_off_card_is_posted_again_rather_than_never(
    bot, standin, clock
):
    """An install that predates the history scopes (a workspace that never re-approved the
    app): Slack will not say whether the cut-off post went out, and a second card beats a
    declaration nobody sees."""
    standin.scopes = tuple(s for s in standin.scopes if s not in HISTORY_SCOPES)
    decision_id, _ts = cut_off_after_posting(bot, standin, "Pick the queue")
    clock.advance(claimed.LEASE + GRACE)
    assert post_missing_cards() == 1
    assert [c.response["error"] for c in standin.calls("conversations.history")] == [
        "missing_scope"
    ]
    assert cards_posted(standin) == Counter({decision_id: 2})


def test_a_stored_poll_is_posted_once_in_its_card_s_thread_after_the_card(bot, standin, clock):
    """`/decide poll` stores the decision and its poll before the ack; a crash before either
    post leaves both to the sweep, which posts the card first and the poll in its thread."""
    decision_id = store(bot, "Pick the cache", decider=None)
    with bot.sessions.begin() as session:
        poll, _ = poll_service.start_poll(
            session,
            team_id="T0001",
            decision_id=decision_id,
            opened_by=ALICE,
            options=poll_service.PollOptions(clock.now() + timedelta(hours=1), False, 1),
            origin_key="test:poll",
            now=clock.now(),
        )
    clock.advance(GRACE)
    at_once(post_missing_cards, post_missing_cards)
    assert post_missing_cards() == 0
    assert cards_posted(standin) == Counter({decision_id: 1})
    polls = [m for m in standin.messages(GENERAL) if m["text"].startswith("Expertise poll")]
    assert len(polls) == 1
    with bot.sessions() as session:
        card_ts = session.get(Decision, decision_id).card_ts
        stored = poll_service.get_poll(session, "T0001", poll.id)
    assert polls[0]["thread_ts"] == card_ts == stored.thread_ts
    assert stored.message_ts == polls[0]["ts"]


def test_a_superseding_card_the_sweep_posts_is_linked_from_the_card_it_replaces(
    bot, standin, clock
):
    old_id = store(bot, "Pick the queue")
    old = publish_card(bot.runtime.bolt.client, bot.sessions, clock, "T0001", old_id)
    with bot.sessions.begin() as session:
        new, _, _ = lifecycle.supersede(
            session,
            team_id="T0001",
            decision_id=old_id,
            declaration=decisions.Declaration(title="Pick the queue again", channel_id=GENERAL),
            actor_id=ALICE,
            origin_key="crashed-before-posting",
            now=clock.now(),
        )
    clock.advance(GRACE * 2)
    assert post_missing_cards() == 1
    with bot.sessions() as session:
        linked = decisions.get_decision(session, "T0001", old_id)
        posted = decisions.get_decision(session, "T0001", new.id)
    assert linked.superseded_by_link == posted.permalink is not None
    redrawn = standin.messages(GENERAL)[0]
    assert redrawn["ts"] == old.card_ts and f"|#{new.id}>" in str(redrawn["blocks"])
