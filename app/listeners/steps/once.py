"""Every workflow step run completes or fails exactly once, whatever Slack redelivers.

Slack may deliver one `function_executed` event several times (a retry after a slow answer,
two at once). Before acting, a run claims its ledger row (kind `step`, the step's callback_id,
the `function_execution_id`: app.posting.claimed), so of two deliveries only one acts; what it
does is keyed on the execution id too (a decision's origin, an outcome's event), so even a run
taken over after its lease (a crashed process) changes nothing twice, and Slack itself refuses
a second completion, which is then only logged.

A step's work returns its outputs or raises StepFailed (or a domain refusal) with a sentence a
workflow builder can act on; anything unexpected fails the run with a plain sentence too, then
goes on to the one error handler (app.listeners.errors).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, Complete, Fail
from slack_sdk.errors import SlackApiError

from app.blocks.errors import describe
from app.domain import ledger
from app.domain.errors import DomainError
from app.listeners.deps import Deps
from app.posting.cards import CardNotPosted
from app.posting.claimed import claim

log = logging.getLogger(__name__)

STEP = "step"  # the ledger kind of a workflow step run
UNEXPECTED = (
    "Deference hit an error on its side and did nothing. Run the workflow again in a minute; "
    "if it keeps failing, tell your Slack admin (the app's logs say more)."
)


class StepFailed(Exception):
    """An input the step cannot use: the message says which and what to put there."""


Work = Callable[[], dict[str, Any]]


def run_once(
    title: str,
    body: dict,
    context: BoltContext,
    deps: Deps,
    complete: Complete,
    fail: Fail,
    work: Work,
) -> None:
    """Claim this run, do `work`, then complete with its outputs or fail with a sentence."""
    event = body["event"]
    execution_id = str(event["function_execution_id"])
    team = context.get("workspace")
    if not team:  # no workspace to keep it under (app.listeners.inject): nothing can be done
        log.warning("step run %s names no workspace; failing it", execution_id)
        _end(fail, execution_id, error=f"{title}: {UNEXPECTED}")
        return
    with deps.sessions.begin() as session:
        held = claim(
            session,
            deps.clock,
            team_id=team,
            kind=STEP,
            subject=str(event["function"]["callback_id"]),
            occurrence=execution_id,
        )
    if held is None:
        log.info("step run %s is handled by another delivery", execution_id)
        return
    try:
        outputs = work()
    except StepFailed as exc:
        _end(fail, execution_id, error=f"{title}: {exc}")
    except DomainError as exc:
        _end(fail, execution_id, error=f"{title}: {describe(exc)}")
    except CardNotPosted as exc:
        _end(fail, execution_id, error=f"{title}: {exc.said_in(None)}")
    except Exception:
        _end(fail, execution_id, error=f"{title}: {UNEXPECTED}")
        _done(deps, held.post_id)
        raise
    else:
        try:
            _end(complete, execution_id, outputs=outputs)
        except SlackApiError:  # Slack refused our outputs: the run must still end
            _end(fail, execution_id, error=f"{title}: {UNEXPECTED}")
            _done(deps, held.post_id)
            raise
    _done(deps, held.post_id)


def _end(finish: Complete | Fail, execution_id: str, **answer: Any) -> None:
    try:
        finish(**answer)
    except SlackApiError as exc:
        if exc.response.get("error") != "execution_not_in_running_state":
            raise
        log.info("step run %s was already completed; Slack kept the first answer", execution_id)


def _done(deps: Deps, post_id: int) -> None:
    with deps.sessions.begin() as session:
        ledger.finish(session, post_id, now=deps.clock.now())
