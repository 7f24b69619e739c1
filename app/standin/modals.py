"""Each person's modal view stack, and what the app's acknowledgement of a submission does to it.

Why: Slack keeps a stack of up to 3 views per open modal and changes it as the app answers a
``view_submission``; a stand-in that only hands the ack back to the test lets a bot ship an
answer Slack refuses (an invalid view, errors under a block that is no input) or a flow that
leaves the person looking at the wrong view. Slack's rules, as documented:

- "A modal can hold up to 3 views at a time in a view stack. There is only ever a single view
  visible at a given moment" (docs.slack.dev/surfaces/modals); views.push: "After a modal is
  opened, the app is limited to pushing 2 additional views", refused with
  ``push_limit_reached`` ("Currently the limit is 3"); "the user will go back to the previous
  view after they complete or cancel the pushed view" (docs.slack.dev/reference/methods/
  views.push).
- the ack of a submission (docs.slack.dev/surfaces/modals, on responding to view_submission;
  Bolt's "Update views on submission", docs.slack.dev/tools/bolt-js/concepts/view-submissions):
  empty, the submitted view closes (the one below it, if any, shows again, as views.push says);
  ``response_action: update`` with a ``view`` replaces the submitted view in place (same id
  and stack position, a new hash, as views.update does), ``push`` stacks a new view on it
  (same limit), ``clear`` closes every view of the modal, ``errors`` keeps the view and shows
  each message under the input block it names.
- errors show only under input blocks: keyed to another block, Slack shows the person "We had
  some trouble connecting" instead (slackapi/bolt-js#1267, #544); and only a
  ``view_submission``'s ack is read for a response_action ("Upon receiving a view_submission
  event", quoted by the Bolt maintainer in slackapi/bolt-python#1092), so a response_action in
  any other ack is a bug that does nothing in Slack.
- a view given in an ack is held to the same Block Kit rules as views.update's, and must be a
  modal; an invalid one leaves the modal as it was and shows the person an error.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from app.standin.blockkit import view_errors
from app.standin.state import StandInState

Json = dict[str, Any]
MAX_VIEWS = 3  # views in one modal's stack (views.push: push_limit_reached)
RESPONSE_ACTIONS = ("update", "push", "clear", "errors")


class AckRefused(ValueError):
    """Slack would not do what the app's acknowledgement asks (``problems`` says why); the
    person's modal is left as it was."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def ack_body(body: Any) -> Any:
    """An ack's body as Slack reads it: None when empty, else the JSON it holds (or the text,
    when it is not JSON)."""
    if body is None or isinstance(body, dict):
        return body or None
    text = body.decode() if isinstance(body, bytes) else str(body)
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def submission_problems(body: Any, submitted: Json, depth: int) -> list[str]:
    """What Slack would refuse in the ack ``body`` of a submission of the view ``submitted``
    (as the payload showed it), in a stack ``depth`` views deep; [] when it is fine."""
    if body is None:
        return []
    if not isinstance(body, dict):
        return [f"a submission's ack is empty or a JSON response_action, not {body!r:.80}"]
    action = body.get("response_action")
    if action is None:
        return [f"an ack with {sorted(body)} but no response_action: Slack would not read it"]
    if action not in RESPONSE_ACTIONS:
        return [f"response_action {action!r} is none of {', '.join(RESPONSE_ACTIONS)}"]
    if action in ("update", "push"):
        view = body.get("view")
        problems = [f"response_action {action}: {e}" for e in view_errors(view, home=False)]
        if isinstance(view, dict) and view.get("type") != "modal":
            problems.append(f"response_action {action}: the view must be a modal")
        if action == "push" and depth >= MAX_VIEWS:
            problems.append(f"push_limit_reached: a modal holds at most {MAX_VIEWS} views")
        return problems
    if action == "errors":
        return _errors_problems(body.get("errors"), submitted)
    return []


def _errors_problems(errors: Any, submitted: Json) -> list[str]:
    if not isinstance(errors, dict) or not errors:
        return ["response_action errors needs `errors`: input block_id -> message"]
    inputs = {
        b.get("block_id")
        for b in submitted.get("blocks") or []
        if isinstance(b, dict) and b.get("type") == "input"
    }
    problems = []
    for block_id, message in errors.items():
        if block_id not in inputs:
            problems.append(f"errors names {block_id!r}, which is no input block of the view")
        if not isinstance(message, str) or not message.strip():
            problems.append(f"errors[{block_id!r}] must be a message")
    return problems


class ViewStacks(StandInState):
    """The open modal of each person: view ids, root first (guarded by ``self._cond``)."""

    def _stack_of_view(self, view_id: str) -> list[str] | None:
        """The open stack holding ``view_id``, None when that view is not open."""
        for stack in self._stacks.values():
            if view_id in stack:
                return stack
        return None

    def current_view(self, user: str) -> Json | None:
        """The view ``user`` sees now: the top of their open modal's stack (None: no modal)."""
        with self._cond:
            stack = self._stacks.get(user)
            return copy.deepcopy(self._views[stack[-1]]) if stack else None

    def view_stack(self, user: str) -> list[Json]:
        """The views of ``user``'s open modal, the root first and the visible one last."""
        with self._cond:
            return copy.deepcopy([self._views[v] for v in self._stacks.get(user, [])])

    def errors_shown(self, view_id: str) -> Json:
        """The messages a ``response_action: errors`` put under the view's input blocks."""
        with self._cond:
            return dict((self._view_meta.get(view_id) or {}).get("errors") or {})

    def close_modal(self, user: str) -> list[Json]:
        """The person closes their modal (its ✕): every view of the stack closes. Returns them.
        Slack would then send ``view_closed`` for a view with notify_on_close, which the
        stand-in does not send yet: refused rather than silently skipped."""
        with self._cond:
            closing = [self._views[v] for v in self._stacks.get(user, [])]
            if any(v.get("notify_on_close") for v in closing):
                raise NotImplementedError("view_closed is not modelled: notify_on_close is set")
            self._stacks.pop(user, None)
            self._cond.notify_all()
            return copy.deepcopy(closing)

    def answer_interaction(self, payload: Json, status: int, body: Any) -> None:
        """Do to the person's views what Slack does with the app's HTTP answer ``status`` /
        ``body`` to ``payload``; AckRefused (nothing changed) for what Slack refuses."""
        answer = ack_body(body)
        kind = payload.get("type") or ("slash command" if payload.get("command") else "request")
        if kind != "view_submission":
            if isinstance(answer, dict) and "response_action" in answer:
                said = f"response_action in the ack of a {kind}"
                raise AckRefused([f"{said}: Slack reads it only from a view_submission's ack"])
            return
        if status != 200:
            return  # Slack shows the person an error; the modal stays as it was
        user = str((payload.get("user") or {}).get("id") or "")
        submitted = payload.get("view") or {}
        with self._cond:
            stack = self._stacks.get(user) or []
            on_top = bool(stack) and stack[-1] == submitted.get("id")
            problems = submission_problems(answer, submitted, len(stack) if on_top else 1)
            if problems:
                raise AckRefused(problems)
            if on_top:  # else a repeated submission of a view already answered: nothing to do
                self._answer_submission(user, stack, answer)
            self._cond.notify_all()

    def _answer_submission(self, user: str, stack: list[str], answer: Json | None) -> None:
        """The checked ``answer`` done to ``stack``, whose top view was submitted (callers
        hold the lock; views are built and stored as the views.* methods do, api.py)."""
        answer = answer or {}
        action = answer.get("response_action")
        top = self._views[stack[-1]]
        if action is None:
            stack.pop()
        elif action == "clear":
            stack.clear()
        elif action == "errors":
            self._view_meta[top["id"]]["errors"] = dict(answer["errors"])
        elif action == "update":
            previous, root = top["previous_view_id"], top["root_view_id"]
            updated = self._build_view(answer["view"], top["id"], previous, root)
            self._store_view(_same_place(updated, top), user)
        else:  # push
            pushed = self._build_view(
                answer["view"], self._next_id("V"), top["id"], top["root_view_id"]
            )
            self._store_view(_same_place(pushed, top), user)
            stack.append(pushed["id"])
        if not stack:
            self._stacks.pop(user, None)


def _same_place(view: Json, beside: Json) -> Json:
    """A view shown where ``beside`` is: the same workspace and installing team."""
    for key in ("team_id", "app_installed_team_id", "bot_id"):
        view[key] = beside.get(key)
    return view
