"""The console's command loop: type what a workspace member would, see what the bot does."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import timedelta
from typing import TextIO
from zoneinfo import ZoneInfo

from app.console import modal
from app.console.render import Control, Screen
from app.console.world import ADMINS, CHANNELS, PEOPLE, Change, World

HELP = """\
  /decide ...           run the slash command as Slack would (@name and #channel work)
  say <text>            post a message as yourself (then: shortcut <m#> decide|poll)
  <n> / click <n>       click button number n;  <n> @name or <n> <option> for a picker
  click <label>         click the button with that label drawn last (click "4" for a label 4)
  choose @name          pick a person in the picker drawn last
  as @name, in #channel switch who you are and where you are
  wait 2h | 30m | 1d    move the clock on; anything scheduled runs as it falls due
  at 09:30 [mon]        move the clock to the next such local time
  home                  your App Home tab;  who  people and channels;  help  this list
  quit                  leave (Ctrl-D too); the database stays as it is
  In a form: answer each field; Enter skips an optional one, Ctrl-C cancels the form."""
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Ask = Callable[[str], str | None]  # prompt -> typed line, or None at end of input


class Console:
    def __init__(self, world: World, out: TextIO, ask: Ask, *, scripted: bool = False) -> None:
        self.world = world
        self.out = out
        self.ask = ask
        self.scripted = scripted
        self.user = "U0ALICE"
        self.channel = "C0GENERAL"
        self.screen = Screen(world.name, world.tz(self.user))
        self.said: dict[str, dict] = {}
        self.unread: dict[str, list[Change]] = {}  # direct messages to people not at the keyboard
        self.problems = 0

    # -- the loop --------------------------------------------------------------------------

    def prompt(self) -> str:
        return f"{self.world.name(self.user)} in {self.world.channel_name(self.channel)}> "

    def run(self) -> int:
        self.say_line(f"Deference console · {self.clock_line()} · type `help` for commands")
        while True:
            line = self.ask(self.prompt())
            if line is None or line.strip() in ("quit", "exit"):
                return 0 if not self.problems else 1
            self.handle(line.strip())

    def handle(self, line: str) -> None:
        if not line or line.startswith("#"):
            return
        word, _, rest = line.partition(" ")
        handlers = {
            "help": lambda: self.say_line(HELP),
            "who": self.who,
            "as": lambda: self.switch_user(rest),
            "in": lambda: self.switch_channel(rest),
            "wait": lambda: self.wait(rest),
            "at": lambda: self.at(rest),
            "home": self.home,
            "say": lambda: self.post_as_user(rest),
            "shortcut": lambda: self.shortcut(rest),
            "click": lambda: self.click(rest),
            "choose": lambda: self.choose(rest),
        }
        try:
            if line.startswith("/"):
                self.command(line)
            elif word in handlers:
                handlers[word]()
            elif word.isdigit():
                self.click(line)
            else:
                self.problem(f"I don't know “{word}”. Type `help` for what you can do.")
        except (OSError, ValueError) as failure:  # the stand-in or the bot went away, mostly
            self.problem(f"that did not go through: {failure}")

    # -- acting as a member ----------------------------------------------------------------

    def command(self, line: str) -> None:
        name, _, text = line.partition(" ")
        reply = self.world.slack.command(self.user, self.channel, self.escape(text), command=name)
        self.world.settle()
        if reply.status != 200:
            self.problem(f"the bot answered HTTP {reply.status}: {reply.body[:200]}")
        elif reply.json and (reply.json.get("blocks") or reply.json.get("text")):
            self.show_private(reply.json.get("blocks") or [], reply.json.get("text", ""))
        self.show_changes()

    def escape(self, text: str) -> str:
        """What Slack sends with should_escape: entities, and mentions as <@U…|name>."""
        text = html.escape(text, quote=False)

        def person(match: re.Match) -> str:
            uid = self.world.user_id(match.group(1))
            return f"<@{uid}|{match.group(1)}>" if uid else match.group(0)

        def channel(match: re.Match) -> str:
            cid = self.world.channel_id(match.group(1))
            return f"<#{cid}|{match.group(1)}>" if cid else match.group(0)

        text = re.sub(r"(?<![\w<])@([a-z][\w.-]*)", person, text)
        return re.sub(r"(?<![\w&<])#([a-z][\w-]*)", channel, text)

    def click(self, rest: str) -> None:
        found = self._control(rest.strip())
        if found is None:
            return
        number, control, choice = found
        kwargs = self._choice(number, control, choice)
        if kwargs is None:
            return
        message = control.message
        if message:  # click what the message shows now, not what it showed then
            message = self.world.message(message["channel"], message["ts"]) or message
        if control.view is not None:
            kwargs["view"] = self.world.standin.home(self.user) or control.view
        reply = self.world.slack.click(self.user, control.action_id, message=message, **kwargs)
        self.world.settle()
        if reply.status >= 400:
            self.problem(f"the bot answered HTTP {reply.status}")
        self.show_changes()

    def _control(self, rest: str) -> tuple[str, Control, str] | None:
        """The control `rest` names (by number, or by a button's label) and what was chosen;
        None, with the problem said, when there is no such control."""
        if not rest[:1].isdigit():  # by label: `click Record resolution`, `click "4"`
            label = rest.strip('"')
            found = self.screen.find(
                lambda c: c.kind == "button" and c.label.lower() == label.lower()
            )
            if found is None:
                self.problem(f"no button labelled “{label}” on screen")
                return None
            rest = str(found)
        number, _, choice = rest.partition(" ")
        control = self.screen.controls.get(int(number)) if number.isdigit() else None
        if control is None:
            known = number.isdigit() and int(number) <= self.screen.highest
            self.problem(
                f"button {number} is no longer on screen (its message changed)"
                if known
                else f"there is no button {number or '?'}; type a number shown in [brackets]"
            )
            return None
        if control.kind == "button" and choice:
            self.problem(f"[{number}] is a button: type just `{number}`")
            return None
        return number, control, choice

    def _choice(self, number: str, control: Control, choice: str) -> dict | None:
        """The click's arguments: the button's value, or the person or option picked."""
        if control.kind == "users_select":
            uid = self.world.user_id(choice)
            if uid is None:
                self.problem(f"say who: `{number} @bob`")
                return None
            return {"selected_user": uid}
        if control.kind in ("static_select", "overflow"):
            found = [v for v, t in control.options if choice in (v, t)]
            if not found:
                self.problem(f"choose one of: {', '.join(t for _, t in control.options)}")
                return None
            return {"selected_option": found[0]}
        return {"value": control.value}

    def choose(self, rest: str) -> None:
        """`choose @erin`: the person picker drawn last (e.g. a poll's “I'd defer to…”)."""
        number = self.screen.find(lambda c: c.kind == "users_select")
        if number is None:
            self.problem("there is no person picker on screen")
            return
        self.click(f"{number} {rest.strip()}")

    def post_as_user(self, text: str) -> None:
        key = f"m{len(self.said) + 1}"
        ts = f"{int(self.world.clock.now().timestamp())}.{len(self.said) + 1:06d}"
        self.said[key] = {
            "type": "message",
            "user": self.user,
            "ts": ts,
            "text": self.escape(text),
            "channel": self.channel,
        }
        self.say_line(
            f"  {self.world.name(self.user)}: {text}   "
            f"(message {key}: `shortcut {key} decide` or `shortcut {key} poll`)"
        )

    def shortcut(self, rest: str) -> None:
        from app import ids

        key, _, which = rest.partition(" ")
        callbacks = {"decide": ids.DECIDE_ON_MESSAGE, "poll": ids.POLL_ON_MESSAGE}
        message = self.said.get(key)
        if message is None or which.strip() not in callbacks:
            self.problem("usage: shortcut m1 decide  (or poll), on a message posted with `say`")
            return
        self.world.slack.shortcut(
            self.user, callbacks[which.strip()], message=message, channel=message["channel"]
        )
        self.world.settle()
        self.show_changes()

    # -- the clock, people, places ---------------------------------------------------------

    def clock_line(self) -> str:
        local = self.world.clock.now().astimezone(ZoneInfo(self.world.tz(self.user)))
        return local.strftime("%a %d %b %Y %H:%M ") + self.world.tz(self.user)

    def wait(self, rest: str) -> None:
        match = re.fullmatch(r"(\d+)\s*(m|h|d)", rest.strip())
        if not match:
            self.problem("usage: wait 30m, wait 2h or wait 1d")
            return
        unit = {"m": "minutes", "h": "hours", "d": "days"}[match.group(2)]
        self.world.advance(timedelta(**{unit: int(match.group(1))}))
        self.say_line(f"  ⏩ {self.clock_line()}")
        self.show_changes()

    def at(self, rest: str) -> None:
        match = re.fullmatch(r"(\d{1,2}):(\d{2})(?:\s+(\w{3}))?", rest.strip().lower())
        if (
            not match
            or int(match.group(1)) > 23
            or int(match.group(2)) > 59
            or (match.group(3) and match.group(3) not in DAYS)
        ):
            self.problem("usage: at 09:30, or at 09:30 mon")
            return
        tz = ZoneInfo(self.world.tz(self.user))
        now = self.world.clock.now().astimezone(tz)
        target = now.replace(
            hour=int(match.group(1)), minute=int(match.group(2)), second=0, microsecond=0
        )
        while target <= now or (match.group(3) and DAYS[target.weekday()] != match.group(3)):
            target = (target + timedelta(days=1)).replace(hour=int(match.group(1)))
        self.world.advance(target - now)
        self.say_line(f"  ⏩ {self.clock_line()}")
        self.show_changes()

    def switch_user(self, rest: str) -> None:
        uid = self.world.user_id(rest.strip())
        if uid is None:
            self.problem(f"nobody called {rest.strip() or '?'}; `who` lists the people here")
            return
        self.user = uid
        self.screen.tz = self.world.tz(uid)
        for change in self.unread.pop(uid, []):
            self.show(change)

    def switch_channel(self, rest: str) -> None:
        cid = self.world.channel_id(rest.strip())
        if cid is None:
            self.problem(f"no channel {rest.strip() or '?'}; `who` lists the channels")
            return
        self.channel = cid

    def who(self) -> None:
        people = ", ".join(
            f"@{n} ({tz}{', admin' if uid in ADMINS else ''})" for uid, (n, tz) in PEOPLE.items()
        )
        self.say_line(
            f"  people: {people}\n  channels: " + ", ".join(f"#{c}" for c in CHANNELS.values())
        )

    def home(self) -> None:
        """Open the App Home tab, as clicking the app's name in Slack does."""
        event = {
            "type": "app_home_opened",
            "user": self.user,
            "tab": "home",
            "channel": f"D{self.user[1:]}",
        }
        reply = self.world.slack.event(event)
        self.world.settle()
        if reply.status != 200:
            self.problem(f"the bot answered HTTP {reply.status}")
        others = [c for c in self.world.changes() if c.kind != "home"]
        view = self.world.standin.home(self.user)
        if view is None:
            self.say_line("  (no Home tab has been published for you)")
        else:
            self.say_line("── your App Home " + "─" * 40)
            self.say_line("\n".join(self.screen.blocks(view.get("blocks", []), view=view)))
        for change in others:
            self.show(change)

    # -- showing what the bot did ----------------------------------------------------------

    def show_changes(self) -> None:
        for change in self.world.changes():
            self.show(change)

    def show(self, change: Change) -> None:
        if change.kind == "modal":
            if change.user == self.user and change.view:
                self.fill(change.view)
            return
        if change.kind == "home":
            if change.user == self.user:
                self.say_line("  (your App Home tab was updated: type `home`)")
            return
        if change.kind == "ephemeral":
            if change.user == self.user:
                self.show_private(change.blocks, change.text)
            else:
                self.say_line(f"  (@{self.world.name(change.user)} got a private reply)")
            return
        channel = change.channel or ""
        owner = self.world.dm_owner(channel)
        if owner is not None and owner != self.user:
            name = self.world.name(owner)
            self.unread.setdefault(owner, []).append(change)
            self.say_line(f"  (Deference sent @{name} a direct message; `as @{name}` to read it)")
            return
        where = self.world.channel_name(channel)
        thread = " · in thread" if change.message and change.message.get("thread_ts") else ""
        edited = " · updated" if change.kind == "update" else ""
        self.say_line(f"── {where} · Deference{thread}{edited} " + "─" * 20)
        self.say_line(self.body(change.blocks, change.text, change.message))

    def show_private(self, blocks: list, text: str) -> None:
        self.say_line("── only you can see this " + "─" * 30)
        self.say_line(self.body(blocks, text, None))

    def body(self, blocks: list, text: str, message: dict | None) -> str:
        lines = self.screen.blocks(blocks, message) if blocks else [f"  {text}"]
        return "\n".join(lines)

    # -- forms -----------------------------------------------------------------------------

    def fill(self, view: dict) -> None:
        title = view.get("title", {}).get("text", "Form")
        self.say_line(f"┌─ {title} " + "─" * 30)
        answers: dict = {}
        todo = modal.fields(view)
        while True:
            for field in todo:
                value = self.ask_field(field)
                if value is _CANCELLED:
                    self.say_line("└─ form cancelled")
                    return
                if value is not None:
                    answers[field.block_id] = {field.action_id: value}
            reply = self.world.slack.submit(self.user, view, answers)
            self.world.settle()
            errors = (reply.json or {}).get("errors") if reply.json else None
            if not errors:
                self.say_line("└─ sent")
                self.show_changes()
                return
            for message in errors.values():
                self.say_line(f"│  ⚠ {message}")
            if self.scripted:
                self.problem("the form was refused")
                self.say_line("└─ form closed")
                return
            todo = [f for f in modal.fields(view) if f.block_id in errors]

    def ask_field(self, field: modal.Field):
        while True:
            self.say_line("│ " + modal.prompt(field).replace("\n", "\n│ "))
            typed = self.ask("│ > ")
            if typed is None:
                return _CANCELLED
            try:
                return modal.answer(
                    field,
                    typed,
                    user_id=self.world.user_id,
                    now=self.world.clock.now(),
                    tz=self.world.tz(self.user),
                )
            except modal.BadAnswer as problem:
                self.say_line(f"│  ⚠ {problem}")
                if self.scripted:
                    return None

    # -- output ----------------------------------------------------------------------------

    def say_line(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def problem(self, text: str) -> None:
        self.problems += 1 if self.scripted else 0
        self.say_line(f"  ⚠ {text}")


_CANCELLED = object()
