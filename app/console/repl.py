"""The console's command loop: type what a workspace member would, see what the bot does."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import TextIO

from app.console.export import export
from app.console.forms import FormFilling
from app.console.render import Control, Screen
from app.console.timekeeping import Timekeeping
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
  export [markdown|csv|json|html] [path]   the decision log, as `deference-bot export` writes it
  quit                  leave (Ctrl-D, or Ctrl-C at the prompt); the database stays as it is
  In a form: answer each field; Enter skips an optional one, Ctrl-C cancels the form."""
Ask = Callable[[str], str | None]  # prompt -> typed line, or None at end of input


class Console(FormFilling, Timekeeping):
    def __init__(self, world: World, out: TextIO, ask: Ask, *, scripted: bool = False) -> None:
        self.world = world
        self.out = out
        self.ask = ask
        self.scripted = scripted
        self.user = "U0ALICE"
        self.channel = "C0GENERAL"
        self.screen = Screen(world.name, world.tz(self.user), channels=world.plain_channel_name)
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
            "export": lambda: self.export(rest),
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
            where = {"channel": self.channel, "message_ts": reply.ephemeral_ts}
            self.show_private(reply.json.get("blocks") or [], reply.json.get("text", ""), where)
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
        if control.message:  # click what the message shows now, not what it showed then
            message = control.message
            kwargs["message"] = self.world.message(message["channel"], message["ts"]) or message
        elif control.ephemeral:  # a message only you can see: Slack sends no copy of it
            where = control.ephemeral
            shown = self.world.standin.ephemeral(where["channel"], where["message_ts"] or "")
            if shown is None:
                self.problem("that private message is gone; run the command again")
                return
            kwargs["ephemeral"] = shown
        elif control.view is not None:  # the Home tab as it is published now
            kwargs["view"] = self.world.standin.home(self.user) or control.view
        else:
            self.problem("that button is not on any message any more")
            return
        reply = self.world.slack.click(self.user, control.action_id, **kwargs)
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
            found = [v for v, t in control.options if choice.lower() in (v.lower(), t.lower())]
            if choice.isdigit() and 1 <= int(choice) <= len(control.options):
                found = [control.options[int(choice) - 1][0]]
            if not found:
                listed = ", ".join(f"{i} {t}" for i, (_, t) in enumerate(control.options, 1))
                self.problem(f"choose one: `{number} 1` … ({listed})")
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

    def export(self, rest: str) -> None:
        """`export [format] [path]`: what `deference-bot export` makes of this database."""
        self.world.settle()
        worked, said = export(self.world.database, rest.split(), self.world.charts.parent)
        if worked:
            self.say_line(f"  {said}")
        else:
            self.problem(said)

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
        self.show_all(self.world.changes())

    def show_all(self, changes: list[Change]) -> None:
        """Each change, then the images among them together, said once how to open."""
        for change in changes:
            if change.kind != "file":
                self.show(change)
        files = [c for c in changes if c.kind == "file"]
        if files:
            self.show_files(files)

    def show_files(self, files: list[Change]) -> None:
        """Images the bot shared (charts): where they were written and how to open them."""
        where = self.world.channel_name(files[0].channel or "")
        self.say_line(f"── {where} · Deference · {len(files)} image(s) " + "─" * 20)
        for change in files:
            self.say_line(f"  🖼 {change.text}")
        first = files[0].text.rsplit(": ", 1)[-1]
        self.say_line(
            f"  Open them in an image viewer or a browser, e.g. `xdg-open {first}` on Linux or "
            f"`open {first}` on macOS; all are in {self.world.charts.resolve()}"
        )

    def show(self, change: Change) -> None:
        if change.kind == "file":
            self.show_files([change])
            return
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
                where = {"channel": change.channel, "message_ts": change.ts}
                self.show_private(change.blocks, change.text, where, updated=change.updated)
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

    def show_private(
        self, blocks: list, text: str, where: dict | None = None, *, updated: bool = False
    ) -> None:
        """An ephemeral message; ``where`` ({"channel", "message_ts"}) lets its buttons work."""
        self.say_line(f"── only you can see this{' · updated' if updated else ''} " + "─" * 30)
        if blocks:
            lines = self.screen.blocks(blocks, ephemeral=where or {"channel": self.channel})
        else:
            lines = [f"  {self.screen_text(text)}"]
        self.say_line("\n".join(lines))

    def screen_text(self, text: str) -> str:
        from app.console.render import mrkdwn

        return mrkdwn(text, self.world.name, self.screen.tz, self.world.plain_channel_name)

    def body(self, blocks: list, text: str, message: dict | None) -> str:
        lines = self.screen.blocks(blocks, message) if blocks else [f"  {self.screen_text(text)}"]
        return "\n".join(lines)

    # -- output ----------------------------------------------------------------------------

    def say_line(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def problem(self, text: str) -> None:
        self.problems += 1 if self.scripted else 0
        self.say_line(f"  ⚠ {text}")
