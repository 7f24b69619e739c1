import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.listeners.commands.grammar import (
    DeclareNow,
    Intent,
    OpenForm,
    Problem,
    SearchLog,
    ShowHelp,
    parse,
    plain_text,
)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("", OpenForm("")),
        ("   ", OpenForm("")),
        ("help", ShowHelp()),
        ("log", SearchLog("")),
        ("log billing  db", SearchLog("billing db")),
        ("Pick the billing database", OpenForm("Pick the billing database")),
        ("Pick the billing database <@U123|bob>", DeclareNow("Pick the billing database", "U123")),
        ("Pick the billing database <@U123>", DeclareNow("Pick the billing database", "U123")),
        ("Ask <@U1|ann> about the DB <@U2|bob>", DeclareNow("Ask <@U1> about the DB", "U2")),
        ("Log retention policy <@U2|bob>", DeclareNow("Log retention policy", "U2")),
        ("A &lt;b&gt; &amp; c", OpenForm("A <b> & c")),
        ("Move <#C1|general> to <https://x.io|the wiki>", OpenForm("Move #general to the wiki")),
        ("Ping <!here> about it", OpenForm("Ping @here about it")),
        ("hiring", OpenForm("hiring")),
    ],
)
def test_parse(text, intent):
    assert parse(text) == intent


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("<@U1|bob>", "Say what needs deciding"),
        ("Pick <@U1|a> <@U2|b>", "Name one decider"),
        ("Pick <!subteam^S1|@eng>", "one person, not a group"),
        ("Pick <#C1|general>", "one person, not a group"),
        ("Pick the db @bob", "couldn't tell who “@bob”"),
        ("lgo", "Did you mean `/decide log`"),
        ("hlep", "Did you mean `/decide help`"),
        ("x" * 201 + " <@U1|a>", "keep it to 200"),
        ("rotation oncall <@U1|a> every 2w", "at least two people"),
        ("poll", "Say what the poll is about"),
        ("poll Pick it --closes soon", "closing time"),
        ("poll Pick it --min 0", "`--min N` (1-100)"),
        ("poll Pick it --sure", "I don't understand `--sure`"),
    ],
)
def test_problems_say_what_is_wrong(text, says):
    intent = parse(text)
    assert isinstance(intent, Problem)
    assert says in intent.message


def test_plain_text_keeps_lines():
    assert plain_text("first &amp; <@U1|a>\n\nsecond") == "first & <@U1>\n\nsecond"


@given(st.text(max_size=400))
def test_any_text_parses_to_an_intent_without_raising(text):
    intent = parse(text)
    # Every word of /decide is an intent; what matters is that nothing raises or overflows.
    assert isinstance(intent, Intent)
    if isinstance(intent, DeclareNow):
        assert intent.title and len(intent.title) <= 200
