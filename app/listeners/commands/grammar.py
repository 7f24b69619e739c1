"""What the text after `/decide` asks for. Pure: Slack's escaped text in, an intent out.

With `should_escape: true` Slack sends mentions as `<@U123|name>`, channels as `<#C1|name>`,
groups as `<!subteam^S1|@name>`, and `<`, `>`, `&` typed by people as entities.
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass, field

from app.domain import schedules, when
from app.domain.decisions import TITLE_MAX
from app.domain.errors import InvalidInput
from app.listeners.commands import grammar_charter, grammar_lifecycle

SUBCOMMANDS = (
    "help",
    "log",
    "poll",
    "checkin",
    "retro",
    "stats",
    *grammar_charter.WORDS,
    *grammar_lifecycle.WORDS,
)
# Named in PRODUCT.md and answered honestly until the issue that brings each one lands.
PLANNED: tuple[str, ...] = ()

_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_TRAILING_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>\s*$")
_TRAILING_USER_NAMED = re.compile(r"<@[UW][A-Z0-9]+(?:\|([^>]*))?>\s*$")
_TRAILING_GROUP = re.compile(r"<(!subteam\^[A-Z0-9]+|!here|!channel|!everyone)(?:\|[^>]*)?>\s*$")
_TRAILING_CHANNEL = re.compile(r"<#[CG][A-Z0-9]+(?:\|[^>]*)?>\s*$")
_TRAILING_PLAIN_AT = re.compile(r"(?:^|\s)@([\w.\-]+)\s*$")
_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(?:subteam\^[A-Z0-9]+\|)?([^>|]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<((?:https?|mailto):[^>|]+)(?:\|([^>]*))?>")

EXAMPLE = "`/decide Pick the billing database @bob`"
POLL_EXAMPLE = "`/decide poll Pick the billing database --anonymous --closes 2h --min 3`"
CHECKIN_EXAMPLE = "`/decide checkin 09:30 mon-fri Europe/Berlin`"
RETRO_EXAMPLE = "`/decide retro every 2w fri 16:00`"
_FLAG = re.compile(r"(?:^|\s)(?:--|—)(?=\S)")


@dataclass(frozen=True)
class ShowHelp:
    pass


@dataclass(frozen=True)
class SearchLog:
    words: str


@dataclass(frozen=True)
class OpenForm:
    title: str


@dataclass(frozen=True)
class DeclareNow:
    title: str
    decider_id: str


@dataclass(frozen=True)
class StartPoll:
    topic: str
    closes: when.Spec = field(default_factory=lambda: when.Delay(when.DEFAULT))
    anonymous: bool = False
    min_responses: int = 1


@dataclass(frozen=True)
class ShowSchedule:
    kind: str  # "checkin" | "retro"


@dataclass(frozen=True)
class RemoveSchedule:
    kind: str


@dataclass(frozen=True)
class SetSchedule:
    """A schedule as typed; `tz` None means the caller's Slack time zone."""

    kind: str
    hour: int
    minute: int
    weekdays: tuple[int, ...]
    tz: str | None = None
    every_weeks: int = 1


@dataclass(frozen=True)
class ShowStats:
    whole_team: bool = False
    days: int | None = 30  # None: all time
    chart: bool = False


@dataclass(frozen=True)
class Problem:
    """A mistake; ``usage`` is the subcommand whose usage line applies ("" for declaring,
    None for none)."""

    message: str
    usage: str | None = None


Intent = (
    ShowHelp
    | SearchLog
    | OpenForm
    | DeclareNow
    | StartPoll
    | ShowSchedule
    | RemoveSchedule
    | SetSchedule
    | ShowStats
    | grammar_charter.Intent
    | grammar_lifecycle.Intent
    | Problem
)


def plain_text(text: str) -> str:
    """Like plain_title, keeping line breaks: for a message's text used as context."""
    return "\n".join(plain_title(line) for line in text.splitlines()).strip()


def plain_title(text: str) -> str:
    """Slack's escaped text as the person typed it, with user mentions kept as <@U…>."""
    text = _USER.sub(lambda m: f"\x00{m.group(1)}\x00", text)
    text = _CHANNEL.sub(lambda m: f"#{m.group(2) or m.group(1)}", text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = _SPECIAL.sub(lambda m: m.group(2) or f"@{m.group(1)}", text)
    text = html.unescape(text)
    text = re.sub(r"\x00([UW][A-Z0-9]+)\x00", r"<@\1>", text)
    return " ".join(text.split())


def parse(text: str) -> Intent:
    """What the words ask for; a Problem names the subcommand whose usage line applies."""
    intent = _parse((text or "").strip())
    if isinstance(intent, Problem) and intent.usage is None:
        word = (text or "").strip().partition(" ")[0]
        usage = word if word in SUBCOMMANDS else ""
        return Problem(intent.message, usage)
    return intent


def _parse(text: str) -> Intent:
    if not text:
        return OpenForm(title="")
    # Subcommands are lowercase words; "Log retention policy @bob" is a title.
    word, _, rest = text.partition(" ")
    if word == "help":
        return ShowHelp()
    if word == "log":
        return _search(rest)
    if word == "poll":
        return _poll(rest)
    if word in ("checkin", "retro"):
        return _schedule(word, rest)
    if word == "stats":
        return _stats(rest)
    if (family := _family(word, rest)) is not None:
        return family
    if word in PLANNED:
        return Problem(
            f"`/decide {word}` is not available in this version of Deference yet. "
            "Here is what you can do today:"
        )
    return _declaration(text)


def _search(rest: str) -> Intent:
    """`log [words]`; words ending in a person read as a declaration typed in lowercase."""
    if match := _TRAILING_USER_NAMED.search(rest):
        declared = _declaration(f"Log {rest}")
        if isinstance(declared, DeclareNow):
            who = f"@{match.group(1)}" if match.group(1) else "@…"
            return Problem(
                f"`/decide log` searches the decision log; it does not search for people. To "
                f"declare “log {plain_title(rest[: match.start()])}” with {who} deciding, "
                f"start with a capital letter: `/decide {escape_code(declared.title)} {who}`",
                "",
            )
    return SearchLog(words=plain_title(rest))


def _misspelt_subcommand(text: str) -> Problem | None:
    """`chekin 9:30`: a lowercase first word one slip away from a subcommand, followed by
    what that subcommand reads, is a typo rather than a title. A title that means it
    starts with a capital letter (the way out the answer offers)."""
    word, _, rest = text.partition(" ")
    if not word.islower() or word in SUBCOMMANDS or _TRAILING_USER.search(text):
        return None
    close = difflib.get_close_matches(word, SUBCOMMANDS + PLANNED, n=1, cutoff=0.8)
    if not close or isinstance(_parse(f"{close[0]} {rest}".strip()), Problem):
        return None
    meant = f"{close[0]} {escape_code(plain_title(rest))}".strip()
    title = escape_code(word.capitalize() + (f" {plain_title(rest)}" if rest else ""))
    return Problem(
        f"Unknown subcommand “{word}”. Did you mean `/decide {meant}`? (For a decision with "
        f"that title, start it with a capital letter: `/decide {title}`.)",
        close[0],
    )


def _family(word: str, rest: str) -> Intent | None:
    """The charter's words and a decision's life (edit, cancel...), parsed by their modules."""
    try:
        if word in grammar_charter.WORDS:
            return grammar_charter.parse(word, rest)
        if grammar_lifecycle.applies(word, rest):
            return grammar_lifecycle.parse(word, rest)
    except (grammar_charter.Refused, grammar_lifecycle.Refused) as exc:
        return Problem(str(exc))
    return None


def _declaration(text: str) -> Intent:
    """A title, maybe a decider at the end, unless it is a misspelt subcommand."""
    typo = _misspelt_subcommand(text) if " " in text else None
    return typo or _title_and_decider(text)


def _title_and_decider(text: str) -> Intent:
    decider: str | None = None
    if match := _TRAILING_USER.search(text):
        decider = match.group(1)
        text = text[: match.start()].rstrip()
        if _TRAILING_USER.search(text):
            return Problem(f"Name one decider, at the end: {EXAMPLE}.")
    elif _TRAILING_GROUP.search(text) or _TRAILING_CHANNEL.search(text):
        return Problem(f"The decider must be one person, not a group or channel: {EXAMPLE}.")
    elif match := _TRAILING_PLAIN_AT.search(text):
        return Problem(
            f"I couldn't tell who “@{match.group(1)}” is. Pick the person from Slack's "
            "autocomplete so the mention turns into a link, then send again."
        )

    title = plain_title(text)
    if not title and decider:
        return Problem(f"Say what needs deciding before naming the decider: {EXAMPLE}.")
    if len(title) > TITLE_MAX:
        return Problem(
            f"That title has {len(title)} characters; keep it to {TITLE_MAX} and put the "
            "detail in the form's context field (`/decide` with no text opens it)."
        )
    if decider is None and " " not in title and title.lower() not in SUBCOMMANDS:
        close = difflib.get_close_matches(title.lower(), SUBCOMMANDS + PLANNED, n=1, cutoff=0.66)
        if close:
            return Problem(
                f"Unknown subcommand “{title}”. Did you mean `/decide {close[0]}`?", close[0]
            )
    if decider:
        return DeclareNow(title=title, decider_id=decider)
    return OpenForm(title=title)


def _poll(text: str) -> Intent:
    """`<topic> [--anonymous] [--closes 30m|2h|tomorrow 10:00] [--min N]`, flags after the topic."""
    topic, *flags = _FLAG.split(text.strip())
    topic = plain_title(topic)
    if not topic:
        return Problem(f"Say what the poll is about: {POLL_EXAMPLE}.")
    if len(topic) > TITLE_MAX:
        return Problem(f"Keep the topic to {TITLE_MAX} characters: {POLL_EXAMPLE}.")
    options: dict = {}
    for flag in flags:
        name, _, value = html.unescape(flag).strip().partition(" ")
        value = value.strip()
        if name == "anonymous" and not value:
            options["anonymous"] = True
        elif name == "closes" and value:
            try:
                options["closes"] = when.parse(value)
            except InvalidInput as exc:
                return Problem(f"{exc} For example: {POLL_EXAMPLE}.")
        elif name == "min" and value.isdigit() and 1 <= int(value) <= 100:
            options["min_responses"] = int(value)
        else:
            return Problem(_poll_flag_problem(name, value, flag))
    return StartPoll(topic=topic, **options)


POLL_FLAGS = {"anonymous": "--anonymous", "closes": "--closes 2h", "min": "--min 3"}


def _poll_flag_problem(name: str, value: str, flag: str) -> str:
    """What was wrong with one `--flag`, with the flag that was probably meant."""
    if name == "min":
        return f"`--min` takes a number of responses from 1 to 100, e.g. `--min 3`, not “{value}”."
    if name in POLL_FLAGS:
        return f"Give `--{name}` its value, e.g. `{POLL_FLAGS[name]}`: {POLL_EXAMPLE}."
    close = [f for f in POLL_FLAGS if f.startswith(name.lower()) and name] or (
        difflib.get_close_matches(name.lower(), POLL_FLAGS, n=1, cutoff=0.6)
    )
    hint = f" Did you mean `{POLL_FLAGS[close[0]]}`?" if close else ""
    return (
        f"I don't understand `--{escape_code(flag.strip())}`.{hint} The options are "
        f"`--anonymous`, `--closes 30m|2h|tomorrow 10:00` and `--min N` (1-100), "
        f"after the topic: {POLL_EXAMPLE}."
    )


def _schedule(kind: str, text: str) -> Intent:
    """`checkin [<time> [weekdays] [tz] | off]`, `retro [[every] 1w|2w|4w <weekday> <time> [tz]
    | off]`."""
    words = html.unescape(text).split()
    if not words:
        return ShowSchedule(kind)
    if words == ["off"]:
        return RemoveSchedule(kind)
    example = CHECKIN_EXAMPLE if kind == "checkin" else RETRO_EXAMPLE
    try:
        if kind == "checkin":
            return _checkin(words)
        return _retro(words)
    except InvalidInput as exc:
        return Problem(f"{exc} For example: {example}.")


def _checkin(words: list[str]) -> SetSchedule:
    hour, minute = schedules.parse_time(words[0])
    rest = words[1:]
    days = schedules.NAMED["weekdays"]
    if rest and ("/" not in rest[0] and rest[0].upper() not in ("UTC", "GMT")):
        days = schedules.parse_weekdays(rest.pop(0))
    tz = schedules.parse_tz(rest.pop(0)) if rest else None
    if rest:
        raise InvalidInput({"extra": f"I don't understand “{' '.join(rest)}”."})
    return SetSchedule("checkin", hour, minute, days, tz)


def _retro(words: list[str]) -> SetSchedule:
    if words[0].lower() == "every":
        words = words[1:]
    if len(words) < 3:
        raise InvalidInput({"retro": "Say how often, which day and what time."})
    every = schedules.parse_every(words[0])
    day = schedules.parse_weekdays(words[1])
    if len(day) != 1:
        raise InvalidInput({"weekday": f"Pick one weekday, not “{words[1]}”."})
    hour, minute = schedules.parse_time(words[2])
    tz = schedules.parse_tz(words[3]) if len(words) > 3 else None
    if len(words) > 4:
        raise InvalidInput({"extra": f"I don't understand “{' '.join(words[4:])}”."})
    return SetSchedule("retro", hour, minute, day, tz, every)


def escape_code(text: str) -> str:
    return text.replace("`", "'")[:60]


STATS_EXAMPLE = "`/decide stats team 90d chart`"
_PERIOD = re.compile(r"^(\d{1,4})d$")


def _stats(rest: str) -> Intent:
    """`stats [channel|team] [30d|90d|all] [chart]`, in any order."""
    whole_team, days, chart = False, 30, False
    for word in rest.lower().split():
        if word in ("channel", "team"):
            whole_team = word == "team"
        elif word == "all":
            days = None
        elif word == "chart":
            chart = True
        elif (match := _PERIOD.match(word)) and 0 < int(match.group(1)) <= 3650:
            days = int(match.group(1))
        else:
            return Problem(
                f"I can't read “{word}” in `/decide stats`. For example: {STATS_EXAMPLE}."
            )
    return ShowStats(whole_team=whole_team, days=days, chart=chart)
