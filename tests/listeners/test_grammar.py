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
        ("poll Pick it --min 0", "from 1 to 100, e.g. `--min 3`"),
        ("poll Pick it --anon", "Did you mean `--anonymous`?"),
        ("poll Pick it --close 2h", "Did you mean `--closes 2h`?"),
        ("chekin 9:30", "Did you mean `/decide checkin 9:30`?"),
        ("retor every 1w fri 16:00", "Did you mean `/decide retro every 1w fri 16:00`?"),
        ("checkin 9am", "did you mean `09:00`?"),
        ("checkin 09:30 mon-fri Europe/Berln", "did you mean `Europe/Berlin`?"),
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


@pytest.mark.parametrize(
    ("text", "usage"),
    [
        ("chekin 9:30", "checkin"),
        ("lgo", "log"),
        ("poll", "poll"),
        ("poll Pick it --anon", "poll"),
        ("checkin 9am", "checkin"),
        ("retro every 3w fri 16:00", "retro"),
        ("stats forever", "stats"),
        ("Pick <@U1|a> <@U2|b>", ""),
        ("rotation oncall <@U1|a> every 2w", "rotation"),
    ],
)
def test_each_mistake_names_the_one_usage_line_that_applies(text, usage):
    intent = parse(text)
    assert isinstance(intent, Problem)
    assert intent.usage == usage


def test_a_capitalised_title_is_never_taken_for_a_misspelt_subcommand():
    assert parse("Chekin 9:30") == OpenForm(title="Chekin 9:30")
    assert parse("chekin") == Problem(
        "Unknown subcommand “chekin”. Did you mean `/decide checkin`?", "checkin"
    )
    # A lowercase title whose first word is far from every subcommand stays a title.
    assert parse("pick the billing database") == OpenForm(title="pick the billing database")
    # With a decider named, it is a declaration even when the first word looks like one.
    assert isinstance(parse("chekin the backups <@U1|bob>"), DeclareNow)


def test_log_followed_by_a_person_offers_to_declare_instead_of_searching():
    intent = parse("log retention policy <@U0CAROL|carol>")
    assert isinstance(intent, Problem)
    assert "does not search for people" in intent.message
    assert "`/decide Log retention policy @carol`" in intent.message
    assert parse("log retention policy") == SearchLog(words="retention policy")
