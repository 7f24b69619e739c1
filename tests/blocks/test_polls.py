from datetime import UTC, datetime

from app import ids
from app.blocks.polls import build_poll_message, build_poll_modal, build_poll_result
from app.db.models import ExpertisePoll
from app.domain.polls import Ballot, score_ballots
from app.vocabulary import Tiebreaker


def dicts(blocks):
    return [b.to_dict() for b in blocks]


def poll(**fields):
    defaults = dict(
        id=4,
        anonymous=False,
        min_responses=2,
        closes_at=datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
    )
    return ExpertisePoll(**{**defaults, **fields})


def test_open_poll_shows_buttons_picker_and_only_a_count():
    blocks = dicts(build_poll_message(poll(), 3, "Pick <the> queue"))
    assert "Pick &lt;the&gt; queue" in blocks[0]["text"]["text"]
    assert [e["action_id"] for e in blocks[1]["elements"]] == [
        f"{ids.POLL_RATE}{n}" for n in range(1, 6)
    ]
    assert {e["value"] for e in blocks[1]["elements"]} == {"4"}
    picker, close = blocks[2]["elements"]
    assert blocks[2]["block_id"] == "poll.nominate.4"
    assert (picker["type"], picker["action_id"]) == ("users_select", ids.POLL_NOMINATE)
    assert (close["action_id"], close["value"]) == (ids.POLL_CLOSE, "4")
    status = blocks[3]["elements"][0]["text"]
    assert status.startswith("3 responses so far · closes <!date^1795510800^")
    assert "at least 2 responses needed" in status


def outcome():
    ballots = [Ballot("U1", 2, "U2"), Ballot("U2", 4), Ballot("U3", 3, "U2")]
    return score_ballots(
        ballots, {"U2": 1}, min_responses=1, tiebreaker=Tiebreaker.OPENER, opener="U1"
    )


def test_result_ranks_with_scores_and_offers_one_click():
    blocks = dicts(build_poll_result(outcome(), False, poll_id=4, title="t", decider_name="bob"))
    ranking = blocks[1]["text"]["text"].splitlines()
    assert ranking[0] == (
        "1. <@U2> · score 4.8 · 2 nominations · self-rated 4/5 · holds 1 open decision"
    )
    assert blocks[2]["text"]["text"] == "*Defer to <@U2>.*"
    button = blocks[-1]["elements"][0]
    assert (button["action_id"], button["value"]) == (ids.POLL_ADOPT, "4")
    assert button["text"]["text"] == "Make @bob the decider"


def test_anonymous_result_hides_scores_and_self_ratings():
    text = str(dicts(build_poll_result(outcome(), True, poll_id=4, title="t")))
    assert "<@U2>" in text and "2 nominations" in text
    assert "score 4.8" not in text and "self-rated" not in text


def test_adopted_result_has_no_button():
    blocks = dicts(build_poll_result(outcome(), False, poll_id=4, title="t", adopted=True))
    assert blocks[-1]["block_id"] == "poll.result.adopted"
    assert not [b for b in blocks if b["type"] == "actions"]


def test_modal_has_a_topic_only_for_new_decisions():
    with_topic = build_poll_modal({"channel": "C1"}, topic="Kafka?").to_dict()
    without = build_poll_modal({"decision_id": 4}).to_dict()
    assert with_topic["blocks"][0]["block_id"] == ids.TOPIC
    assert [b["block_id"] for b in without["blocks"]] == [
        ids.CLOSES,
        ids.MIN_RESPONSES,
        ids.ANONYMOUS,
    ]
    assert without["callback_id"] == ids.POLL_VIEW
