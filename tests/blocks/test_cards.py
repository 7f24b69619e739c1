from datetime import UTC, datetime

from app import ids
from app.blocks.cards import build_decision_card, card_text
from app.blocks.text import escape
from app.db.models import Decision
from app.vocabulary import Framework, Status, Zone

OPENED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def decision(**fields) -> Decision:
    values = dict(
        id=7,
        team_id="T1",
        title="Pick the billing database",
        channel_id="C1",
        status=Status.OPEN,
        decider_id="U2",
        created_by="U1",
        created_at=OPENED,
        zone=Zone.LOCAL,
        framework=None,
        approach=None,
        reversible=None,
        deadline=None,
        context=None,
        deferred_by="U1",
    )
    values.update(fields)
    return Decision(**values)


def dicts(blocks):
    return [block.to_dict() for block in blocks]


def test_open_card_names_decider_framework_zone_and_opener_with_a_record_button():
    blocks = dicts(build_decision_card(decision(framework=Framework.EXPERTISE)))
    assert blocks[0] == {
        "type": "section",
        "block_id": "card.title",
        "text": {"type": "mrkdwn", "text": ":scales: *Pick the billing database*"},
    }
    fields = [f["text"] for f in blocks[1]["fields"]]
    assert fields[:3] == ["*Decider*\n<@U2>", "*Framework*\nexpertise", "*Zone*\nlocal"]
    meta = blocks[2]
    assert meta["type"] == "context"
    assert ":large_yellow_circle: Open · #7" in meta["elements"][0]["text"]
    assert "Opened by <@U1>" in meta["elements"][1]["text"]
    assert blocks[-1] == {
        "type": "actions",
        "block_id": "card.actions",
        "elements": [
            {
                "type": "button",
                "action_id": "decision.record_resolution",
                "text": {"type": "plain_text", "text": "Record resolution", "emoji": True},
                "value": "7",
                "style": "primary",
            },
            {
                "type": "button",
                "action_id": "decision.run_poll",
                "text": {"type": "plain_text", "text": "Run expertise poll", "emoji": True},
                "value": "7",
            },
            {
                "type": "button",
                "action_id": "decision.consensus_check",
                "text": {"type": "plain_text", "text": "Consensus check", "emoji": True},
                "value": "7",
            },
            {
                "type": "button",
                "action_id": "decision.escalate",
                "text": {"type": "plain_text", "text": "Escalate", "emoji": True},
                "value": "7",
            },
            {
                "type": "overflow",
                "action_id": "decision.more",
                "options": [
                    {"text": {"type": "plain_text", "text": text, "emoji": True}, "value": value}
                    for text, value in (
                        ("Edit", "edit:7"),
                        ("Hand on to someone else", "handoff:7"),
                        ("Cancel (withdraw)", "cancel:7"),
                        ("Supersede with a new decision", "supersede:7"),
                    )
                ],
            },
        ],
    }


def test_card_says_per_charter_names_the_domain_and_the_principle():
    blocks = dicts(
        build_decision_card(
            decision(domain="design", per_charter=True, principle="Craft: Ship small")
        )
    )
    fields = [f["text"] for f in blocks[1]["fields"]]
    assert fields[0] == "*Decider*\n<@U2> (per charter)"
    assert fields[2] == "*Zone*\nlocal · design (per charter)"
    principle = next(b for b in blocks if b.get("block_id") == "card.principle")
    assert principle["elements"][0]["text"] == "Principle in play: Craft: Ship small"


def test_card_after_an_objection_says_the_choice_of_decider_is_reopened():
    blocks = dicts(build_decision_card(decision(decider_id=None, reopened=True)))
    assert blocks[1]["fields"][0]["text"] == (
        "*Decider*\n_no decider yet — reopened after an objection_"
    )
    actions = [e["action_id"] for e in blocks[-1]["elements"]]
    assert actions[:2] == [ids.RECORD_RESOLUTION, ids.RUN_POLL] and len(actions) <= 5


def test_decided_card_shows_resolution_and_offers_only_reopen_and_supersede():
    blocks = dicts(
        build_decision_card(
            decision(
                status=Status.DECIDED,
                resolution="Postgres",
                rationale="Known well",
                decided_at=datetime(2026, 11, 24, 10, 0, tzinfo=UTC),
            )
        )
    )
    [actions] = [b for b in blocks if b["type"] == "actions"]
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [
        (ids.REOPEN, "7"),
        (ids.SUPERSEDE, "7"),
    ]
    texts = [b.get("text", {}).get("text", "") for b in blocks]
    assert "*Resolution*\nPostgres" in texts
    assert "*Rationale*\nKnown well" in texts
    assert ":white_check_mark: Decided" in blocks[2]["elements"][0]["text"]


def test_no_decider_yet_is_said_plainly():
    blocks = dicts(build_decision_card(decision(decider_id=None, deferred_by=None)))
    assert blocks[1]["fields"][0]["text"] == "*Decider*\n_no decider yet_"
    assert "no decider yet" in card_text(decision(decider_id=None))


def test_user_text_cannot_ping_or_disguise_links_but_mentions_stay():
    assert escape("<!channel> <https://evil|x> & <@U12>") == (
        "&lt;!channel&gt; &lt;https://evil|x&gt; &amp; <@U12>"
    )
    blocks = dicts(build_decision_card(decision(title="<!channel> now")))
    assert "<!channel>" not in blocks[0]["text"]["text"]


def test_deadline_is_rendered_in_each_readers_time_zone():
    deadline = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    fields = dicts(build_decision_card(decision(deadline=deadline)))[1]["fields"]
    assert fields[5]["text"] == (
        f"*Deadline*\n<!date^{int(deadline.timestamp())}^{{date_short_pretty}} at {{time}}"
        "|2026-11-30 17:00 UTC>"
    )


def test_longest_allowed_values_stay_within_block_limits():
    big = decision(
        title="x" * 200,
        context="y" * 3000,
        status=Status.DECIDED,
        resolution="z" * 3000,
        rationale="w" * 3000,
        decided_at=OPENED,
    )
    for block in dicts(build_decision_card(big)):
        if block["type"] == "section" and "text" in block:
            assert len(block["text"]["text"]) <= 3000


def test_a_cancelled_card_is_struck_through_with_who_and_why_and_can_only_be_reopened():
    change = {"kind": "cancelled", "by": "U1", "at": OPENED.isoformat(), "reason": "Duplicate"}
    blocks = dicts(build_decision_card(decision(status=Status.CANCELLED, last_change=change)))
    assert blocks[0]["text"]["text"] == ":scales: ~*Pick the billing database*~"
    [note] = [b for b in blocks if b.get("block_id") == "card.change"]
    assert note["elements"][0]["text"].startswith(":no_entry_sign: Cancelled by <@U1> <!date^")
    assert note["elements"][0]["text"].endswith(": Duplicate")
    [actions] = [b for b in blocks if b["type"] == "actions"]
    assert [e["action_id"] for e in actions["elements"]] == [ids.REOPEN]


def test_superseded_and_superseding_cards_link_to_each_other():
    old = dicts(
        build_decision_card(
            decision(
                status=Status.SUPERSEDED,
                resolution="MySQL",
                superseded_by_id=9,
                superseded_by_link="https://x.slack.com/archives/C1/p2",
                last_change={"kind": "superseded", "by": "U1", "reason": "Scale changed"},
            )
        )
    )
    [note] = [b for b in old if b.get("block_id") == "card.change"]
    assert note["elements"][0]["text"] == (
        ":arrows_counterclockwise: Superseded by <https://x.slack.com/archives/C1/p2|#9>: "
        "Scale changed"
    )
    assert not [b for b in old if b["type"] == "actions"]  # nothing more can happen to it
    assert "*Resolution*\nMySQL" in [b.get("text", {}).get("text", "") for b in old]
    new = dicts(build_decision_card(decision(id=9, supersedes_id=7, supersedes_link=None)))
    [note] = [b for b in new if b.get("block_id") == "card.change"]
    assert note["elements"][0]["text"] == ":arrow_right_hook: Supersedes #7"


def test_a_handed_on_card_says_who_deferred_to_whom():
    change = {"kind": "handed_on", "by": "U2", "to": "U3", "reason": "Knows it", "at": None}
    blocks = dicts(build_decision_card(decision(decider_id="U3", last_change=change)))
    [note] = [b for b in blocks if b.get("block_id") == "card.change"]
    assert note["elements"][0]["text"] == ":handshake: <@U2> handed it on to <@U3>: Knows it"
