"""Filling a modal at the console: every field asked in turn, sent as Slack sends a view
submission, asked again while the bot flags fields; Ctrl-C cancels the form only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from app.console import modal
from app.console.render import mrkdwn
from app.standin import AckRefused

if TYPE_CHECKING:
    from app.console.render import Screen
    from app.console.world import World

_CANCELLED = object()


class FormFilling:
    """The form half of the console (mixed into Console, which provides these)."""

    world: World
    screen: Screen
    scripted: bool
    ask: Callable[[str], str | None]
    say_line: Callable[[str], None]
    problem: Callable[[str], None]
    show_changes: Callable[[], None]

    def fill(self, view: dict, answers: dict[str, object] | None = None) -> None:
        """Answer a modal's fields, send it, and while the bot flags fields (Slack keeps the
        form open then) go through the whole form again: flagged fields say what is wrong,
        Enter keeps what was typed. Ctrl-C (or Ctrl-D) cancels the form, not the console.
        ``answers``: what was typed in a form this one replaced, kept where the same fields
        come back (Slack keeps input blocks with the same block_id and action_id)."""
        title = view.get("title", {}).get("text", "Form")
        self.say_line(f"┌─ {title} " + "─" * 30)
        for line in modal.notes(view):
            self.say_line(f"│ {mrkdwn(line, self.world.name, self.screen.tz)}")
        fields = {f.block_id: f for f in modal.fields(view)}
        answers = {b: v for b, v in (answers or {}).items() if b in fields}
        errors: dict[str, str] = {}
        while True:
            if not self._answer_all(view, answers, errors):
                self.say_line("\n└─ form cancelled (nothing was sent)")
                return
            state = {b: {fields[b].action_id: v} for b, v in answers.items()}
            try:
                reply = self.world.slack.submit(self.user, view, state)
            except AckRefused as refused:  # Slack shows "We had some trouble connecting"
                self.world.settle()
                self.problem(f"Slack refused the bot's answer to the form: {refused}")
                self.say_line("└─ the form stays open in Slack, with an error at its top")
                return
            self.world.settle()
            errors = (reply.json or {}).get("errors") or {}
            if not errors:
                self.say_line("└─ sent")
                if (reply.json or {}).get("response_action") in ("update", "push"):
                    self._show_next_view(answers)
                self.show_changes()
                return
            if self.scripted:
                for message in errors.values():
                    self.say_line(f"│  ⚠ {message}")
                self.problem("the form was refused")
                self.say_line("└─ form closed")
                return
            self.say_line(
                f"│ ⚠ The form is still open: {len(errors)} field(s) to fix. Every field is "
                "asked again; Enter keeps your answer, Ctrl-C cancels the form."
            )

    def _show_next_view(self, answers: dict[str, object]) -> None:
        """A form answered with another view (``response_action`` update or push): what the
        person now sees, as the stand-in stored it. A form again (the declaration headed by
        similar decisions) is filled in turn, keeping what was typed; a view with nothing to
        fill ("Answers sent") is drawn once, then closed, as the person would."""
        view = self.world.standin.current_view(self.user)
        if view is None:
            return
        if modal.fields(view):
            self.fill(view, answers)
            return
        title = view.get("title", {}).get("text", "")
        self.say_line(f"┌─ {title} " + "─" * 30)
        self.say_line("\n".join("│" + line[1:] for line in self.screen.blocks(view["blocks"])))
        self.say_line("└─")
        self.world.standin.close_modal(self.user)

    def _answer_all(self, view: dict, answers: dict, errors: dict[str, str]) -> bool:
        """Ask every field, updating ``answers``; False when the person cancelled."""
        for field in modal.fields(view):
            if field.block_id in errors:
                self.say_line(f"│  ⚠ {errors[field.block_id]}")
            try:
                value = self.ask_field(field, answers.get(field.block_id))
            except KeyboardInterrupt:  # Ctrl-C: the form, not the console
                return False
            if value is _CANCELLED:
                return False
            if value is None:
                answers.pop(field.block_id, None)
            else:
                answers[field.block_id] = value
        return True

    def ask_field(self, field: modal.Field, current: object = None):
        """The value to send for ``field``, None to leave it empty, or _CANCELLED."""
        shown = self._shown(field, current)
        while True:
            self.say_line("│ " + modal.prompt(field, shown).replace("\n", "\n│ "))
            typed = self.ask("│ > ")
            if typed is None:
                return _CANCELLED
            if not typed.strip() and current is not None:
                return current
            try:
                value = modal.answer(
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
                continue
            if value is None and not field.optional:  # Slack's client asks before sending
                if self.scripted:  # and sends nothing while it is empty: nobody here to ask
                    self.problem(f"“{field.label}” is required")
                    return _CANCELLED
                self.say_line("│  ⚠ This field is required: type an answer (Ctrl-C cancels).")
                continue
            return value

    def _shown(self, field: modal.Field, current: object) -> str | None:
        """How the current answer reads on screen (a person by name), if there is one."""
        if current is None:
            return None
        if field.kind == modal.USER:
            return "@" + self.world.name(str(current))
        if field.kind == modal.CHOICE:
            return next((t for v, t in field.options if v == current), str(current))
        if field.kind == modal.CHOICES and isinstance(current, list):
            return ", ".join(t for v, t in field.options if v in current)
        if field.kind == modal.WHEN and isinstance(current, int):
            local = datetime.fromtimestamp(current, UTC).astimezone(ZoneInfo(self.screen.tz))
            return local.strftime("%Y-%m-%d %H:%M")
        return str(current).replace("\n", "\\n")
