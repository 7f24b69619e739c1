"""Deference check, retro and review blocks: valid Block Kit, within Slack's 50-block cap."""

import json
from datetime import UTC, datetime, timedelta

from app import ids
from app.blocks.reviews import build_deadline_nudge, build_outcome_modal, build_outcome_request
from app.blocks.schedules import build_checkin, build_retro, build_retro_answers
from app.db.models import Decision
from app.domain import alignment
from app.standin.blockkit import message_block_errors, view_errors
from app.vocabulary import Status, Zone

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


def decision(n: int, decider: str | None = None, **kw) -> Decision:
    values = {
        "id": n,
        "team_id": "T1",
        "title": f"Decision <{n}>",
        "channel_id": "C1",
        "status": Status.OPEN,
        "decider_id": decider,
        "zone": Zone.LOCAL,
        "created_by": "U0ALICE",
        "created_at": NOW - timedelta(days=n % 5),
    }
    return Decision(**(values | kw))


def dicts(blocks) -> list[dict]:
    return [b.to_dict() for b in blocks]


def test_checkin_lists_deciders_deadlines_and_buttons_for_undecided():
    found = [
        decision(1, "U0BOB", deadline=NOW + timedelta(days=1)),
        decision(2, deadline=NOW - timedelta(hours=1)),
    ]
    blocks = dicts(build_checkin(found, NOW, rotation_lead="U0CAROL"))
    text = json.dumps(blocks, ensure_ascii=False)
    assert blocks[0]["text"]["text"] == "For today's decisions, who has authority?"
    assert "<@U0BOB>" in text and "_no decider yet_" in text
    assert "deadline passed" in text and "Current rotation lead: <@U0CAROL>" in text
    assert "Decision &lt;2&gt;" in text  # user text is escaped
    actions = [b for b in blocks if b["type"] == "actions"]
    assert len(actions) == 1 and actions[0]["block_id"] == f"{ids.CHECKIN_ASSIGN_BLOCK}2"
    assert message_block_errors(blocks) == []


def test_checkin_summarises_past_fifty_blocks():
    found = [decision(n) for n in range(1, 61)]
    blocks = dicts(build_checkin(found, NOW))
    assert len(blocks) <= 50
    assert message_block_errors(blocks) == []
    assert "more open decisions" in json.dumps(blocks, ensure_ascii=False)
    assert "60 open · 60 with no decider" in json.dumps(blocks, ensure_ascii=False)


def test_empty_checkin_says_so():
    assert "No open decisions" in json.dumps(dicts(build_checkin([], NOW)))


def test_retro_shows_outcomes_asks_for_missing_ones_and_caps_blocks():
    done = [
        decision(1, "U0BOB", status=Status.DECIDED, outcome="worked"),
        decision(2, "U0CAROL", status=Status.DECIDED),
    ]
    text = json.dumps(dicts(build_retro(done, NOW - timedelta(days=7), 9, reviews={2: None})))
    assert "outcome: *Worked*" in text and "outcome missing: <@U0CAROL>" in text
    assert "<@U0CAROL>: how did your decisions turn out?" in text
    assert "Did anyone feel their expertise was overlooked?" in text
    assert "Did anyone feel pressured to defer despite knowing better?" in text
    many = [decision(n, "U0BOB", status=Status.DECIDED) for n in range(1, 700)]
    blocks = dicts(build_retro(many, None, post_id=9))
    assert len(blocks) <= 50 and message_block_errors(blocks) == []
    assert "more. Export" in json.dumps(blocks, ensure_ascii=False)


def test_retro_promises_a_review_dm_only_once_it_was_sent():
    done = [
        decision(1, "U0BOB", status=Status.DECIDED),
        decision(2, "U0CAROL", status=Status.DECIDED),
    ]
    due = NOW + timedelta(days=10)
    text = json.dumps(dicts(build_retro(done, None, 9, reviews={1: None, 2: due})))
    assert "<@U0BOB>: how did your decisions turn out? Your outcome review DM has buttons." in text
    assert "<@U0CAROL>: your outcome review comes by direct message" in text
    assert f"<!date^{int(due.timestamp())}^" in text
    assert "<@U0CAROL>: how did" not in text and "U0CAROL>, <@" not in text
    nothing_sent = json.dumps(dicts(build_retro(done, None, 9, reviews={1: due, 2: due})))
    assert "DM has buttons" not in nothing_sent


def test_retro_asks_whether_the_charter_should_change_when_it_is_systematically_bypassed():
    # hiring: 2 of 3 decisions went to someone else (systematic); design: 1 of 3 did not.
    rows = [
        ("U0BOB", "U0DAN", None, "hiring", 2), ("U0DAN", "U0DAN", None, "hiring", 1),
        ("U0CAROL", "U0CAROL", None, "design", 2), ("U0BOB", "U0CAROL", "U0BOB", "design", 1),
    ]  # fmt: skip
    blocks = dicts(build_retro([], NOW, post_id=9, alignment=alignment.from_rows(rows)))
    text = json.dumps(blocks, ensure_ascii=False)
    assert "of the 6 decisions where the charter or a poll named someone" in text
    assert "*Does the charter still fit?*" in text
    assert "in *hiring* 2 of 3. Should the charter change" in text
    assert len(blocks) <= 50 and message_block_errors(blocks) == []
    calm = alignment.from_rows(rows[1:])  # hiring 0 of 1 bypassed, design 1 of 3
    text = json.dumps(dicts(build_retro([], NOW, post_id=9, alignment=calm)))
    assert "Does the charter still fit?" not in text
    few = alignment.from_rows(rows[:1])
    text = json.dumps(dicts(build_retro([], NOW, post_id=9, alignment=few)))
    assert (
        "not enough data yet. It needs 5 decided decisions" in text and "this period has 2" in text
    )


def test_retro_answers_group_by_question():
    text = json.dumps(
        dicts(build_retro_answers([("overlooked", "yes <!channel>"), ("pressured", "no")]))
    )
    assert text.index("overlooked") < text.index("pressured")
    assert "&lt;!channel&gt;" in text


def test_outcome_request_and_modal_and_deadline_nudge_are_valid():
    d = decision(3, "U0BOB", status=Status.DECIDED, decided_at=NOW, resolution="Use Postgres")
    blocks = dicts(build_outcome_request(d))
    assert message_block_errors(blocks) == []
    buttons = [e["action_id"] for e in blocks[1]["elements"]]
    assert buttons == [f"outcome.{k}" for k in ("worked", "mixed", "did_not_work", "too_early")]
    assert view_errors(build_outcome_modal(d, "mixed").to_dict()) == []
    nudge = dicts(
        build_deadline_nudge(decision(4, deadline=NOW), "<@U0ALICE> (who opened it) decides")
    )
    assert message_block_errors(nudge) == []
    assert ids.APPLY_TIEBREAKER in json.dumps(nudge)
