import json
from datetime import UTC, datetime

from app import ids
from app.blocks.messages import build_error, build_help, build_log_results
from app.blocks.modals import DeclarePrefill, build_declare_modal, build_resolve_modal
from app.db.models import Decision
from app.vocabulary import Status, Zone


def test_declare_modal_has_every_field_and_carries_where_it_came_from():
    view = build_declare_modal(
        DeclarePrefill(title="Pick db"),
        channel_id="C1",
        thread_ts="1.2",
        response_url="https://hooks.slack.com/x",
    ).to_dict()
    assert view["callback_id"] == ids.DECLARE_VIEW
    assert len(view["title"]["text"]) <= 24
    assert json.loads(view["private_metadata"]) == {
        "channel": "C1",
        "thread_ts": "1.2",
        "response_url": "https://hooks.slack.com/x",
    }
    by_block = {b["block_id"]: b for b in view["blocks"]}
    assert list(by_block) == [
        ids.TITLE,
        ids.DECIDER,
        ids.FRAMEWORK,
        ids.APPROACH,
        ids.ZONE,
        ids.REVERSIBLE,
        ids.DEADLINE,
        ids.TIEBREAKER,
        ids.CONTEXT,
    ]
    assert by_block[ids.TITLE]["element"] == {
        "type": "plain_text_input",
        "action_id": "value",
        "initial_value": "Pick db",
        "max_length": 200,
        "placeholder": {
            "type": "plain_text",
            "text": "e.g. Pick the billing database",
            "emoji": True,
        },
    }
    assert by_block[ids.TITLE]["optional"] is False
    assert by_block[ids.DECIDER]["element"]["type"] == "users_select"
    assert by_block[ids.DEADLINE]["element"]["type"] == "datetimepicker"
    assert by_block[ids.ZONE]["element"]["initial_option"]["value"] == "local"
    assert by_block[ids.TIEBREAKER]["element"]["initial_option"]["value"] == "opener"
    assert [o["value"] for o in by_block[ids.TIEBREAKER]["element"]["options"]] == [
        "opener",
        "poll_leader",
        "steward",
        "rotation_lead",
    ]
    assert [o["value"] for o in by_block[ids.FRAMEWORK]["element"]["options"]] == [
        "expertise",
        "situational",
        "rotating",
    ]


def test_resolve_modal_points_at_its_decision():
    decision = Decision(
        id=42, title="Pick db", status=Status.OPEN, zone=Zone.LOCAL, decider_id="U1"
    )
    view = build_resolve_modal(decision).to_dict()
    assert view["callback_id"] == ids.RESOLVE_VIEW
    assert json.loads(view["private_metadata"]) == {"decision_id": 42}
    inputs = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
    assert inputs == [
        ids.RESOLUTION,
        ids.RATIONALE,
        ids.FORECAST,
        ids.FORECAST_CONFIDENCE,
        ids.FORECAST_SHARE,
    ]


def test_resolve_modal_asks_who_decided_when_nobody_was_named():
    decision = Decision(id=42, title="Pick db", status=Status.OPEN, zone=Zone.LOCAL)
    view = build_resolve_modal(decision, recorder="U7").to_dict()
    by_block = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert list(by_block)[:3] == [ids.RESOLUTION, ids.DECIDER, ids.RATIONALE]
    assert by_block[ids.DECIDER]["element"]["initial_user"] == "U7"
    assert by_block[ids.DECIDER]["optional"] is False


def test_log_results_link_to_cards_and_say_how_many_more():
    rows = [
        Decision(
            id=i,
            title=f"Decision {i}",
            status=Status.OPEN,
            zone=Zone.LOCAL,
            decider_id="U2",
            created_at=datetime(2026, 11, 1, tzinfo=UTC),
            permalink=f"https://acme.slack.com/archives/C1/p{i}",
        )
        for i in range(20)
    ]
    blocks = [b.to_dict() for b in build_log_results(rows, "billing", total=57)]
    assert len(blocks) <= 50
    assert blocks[1]["text"]["text"].startswith(
        "<https://acme.slack.com/archives/C1/p0|Decision 0>"
    )
    assert "Showing the newest 20 of 57" in blocks[-1]["elements"][0]["text"]


def test_log_says_which_decision_superseded_one_and_which_it_replaced():
    old = Decision(
        id=3,
        title="Use Redis",
        status=Status.SUPERSEDED,
        zone=Zone.LOCAL,
        decider_id="U2",
        created_at=datetime(2026, 11, 1, tzinfo=UTC),
        superseded_by_id=9,
        superseded_by_link="https://acme.slack.com/archives/C1/p9",
    )
    new = Decision(
        id=9,
        title="Use Postgres",
        status=Status.OPEN,
        zone=Zone.LOCAL,
        decider_id="U2",
        created_at=datetime(2026, 11, 2, tzinfo=UTC),
        supersedes_id=3,
    )
    lines = [b.to_dict()["text"]["text"] for b in build_log_results([new, old], "", total=2)[1:]]
    assert "superseded by <https://acme.slack.com/archives/C1/p9|#9>" in lines[1]
    assert "replaces #3" in lines[0] and "superseded" not in lines[0]


def test_empty_log_says_so():
    [block] = [b.to_dict() for b in build_log_results([], "zzz", total=0)]
    assert "No decisions matching “zzz” yet" in block["text"]["text"]


def test_help_and_error_show_usage():
    usage = build_help()[1].to_dict()["text"]["text"]
    assert "`/decide log [words]`" in usage
    assert [b.to_dict() for b in build_error("Unknown subcommand")] == [
        {"type": "section", "text": {"type": "mrkdwn", "text": ":warning: Unknown subcommand"}}
    ]
    error = [b.to_dict() for b in build_error("Unknown subcommand", usage="checkin")]
    line = error[1]["text"]["text"]
    assert line.startswith("`/decide checkin &lt;09:30&gt;") and "\n" not in line  # one line
    assert "`/decide help` lists every command." in str(error[2])
    declaring = build_error("Name one decider", usage="")[1].to_dict()["text"]["text"]
    assert declaring.count("\n") == 2 and "`/decide &lt;title&gt; @person`" in declaring
