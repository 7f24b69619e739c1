"""The one place errors end up: logged once, and the user told plainly what happened."""

from __future__ import annotations

import json
import logging
import secrets

from slack_bolt import Ack, App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.blocks.errors import describe
from app.blocks.messages import build_error, build_notice
from app.domain.errors import DomainError
from app.domain.storage import StorageFailure, storage_failure
from app.listeners.deps import Deps
from app.listeners.payloads import BadPayload
from app.posting.send import explain_slack_error, tell

log = logging.getLogger("app.errors")


def user_message(error: Exception, reference: str) -> str:
    if isinstance(error, DomainError):
        return describe(error)
    failure = storage_failure(error)
    if failure is StorageFailure.UNAVAILABLE:
        return (
            "The database isn't answering right now, so nothing was saved. "
            "Please try again in a minute."
        )
    if failure is StorageFailure.FAILED:
        return f"Something went wrong while saving, so nothing was saved (ref `{reference}`)."
    if isinstance(error, SlackApiError):
        return explain_slack_error(error)
    return (
        "Sorry, something went wrong on my side and that didn't work. Please try again; "
        f"if it keeps happening, tell your workspace admin (ref `{reference}`)."
    )


class StickyAck(Ack):
    """An ack whose answer, once given, stays given.

    When a listener raises after ack(), Bolt's thread runner sets `ack.response = None` before
    its request thread (polling every 10 ms) has sent the answer; a fast failure then turns into
    a 3-second wait and a 404 for Slack. The error handler has already told the user; the
    acknowledgement itself must still go out.
    """

    @property
    def response(self) -> BoltResponse | None:
        return self._response

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        if value is not None or getattr(self, "_response", None) is None:
            self._response = value


def register(app: App, deps: Deps) -> None:
    @app.middleware
    def keep_acknowledgements(context, next) -> None:
        context["ack"] = StickyAck()
        next()

    @app.error
    def handle_error(
        error: Exception, body: dict, response: BoltResponse | None, client: WebClient
    ) -> BoltResponse | None:
        reference = secrets.token_hex(4)
        if isinstance(error, BadPayload):
            log.warning("refused a malformed payload (ref %s): %s", reference, error)
            if response is not None:  # not acknowledged yet: answer the request itself
                return BoltResponse(status=400, body="malformed payload")
            return None
        if _is_spent_trigger(error):
            # Slack redelivered a click whose modal is already open (or we answered too late):
            # the person already has the modal or will click again; a message would confuse.
            log.warning("trigger_id already used or expired (ref %s)", reference)
            return None
        if isinstance(error, DomainError):
            log.info("refused (ref %s): %s", reference, error)
        else:
            log.error("listener failed (ref %s)", reference, exc_info=error)
        text = user_message(error, reference)
        blocks = build_error(text) if not isinstance(error, DomainError) else build_notice(text)
        if response is not None:
            return _answer_in_ack(body, text, blocks)
        _tell_afterwards(client, deps, body, text, blocks, reference)
        return None


def _is_spent_trigger(error: Exception) -> bool:
    return isinstance(error, SlackApiError) and error.response.get("error") in {
        "expired_trigger_id",
        "exchanged_trigger_id",
        "invalid_trigger_id",  # a garbled or forged payload: nobody is waiting for a modal
    }


def _answer_in_ack(body: dict, text: str, blocks) -> BoltResponse:
    """The listener failed before ack(): make the HTTP answer itself say what happened."""
    if body.get("command"):
        payload = {
            "response_type": "ephemeral",
            "text": text,
            "blocks": [block.to_dict() for block in blocks],
        }
        return BoltResponse(
            status=200, body=json.dumps(payload), headers={"content-type": "application/json"}
        )
    if body.get("type") == "view_submission":
        first_input = next(
            (
                b.get("block_id")
                for b in body.get("view", {}).get("blocks", [])
                if b.get("type") == "input" and b.get("block_id")
            ),
            None,
        )
        if first_input:
            payload = {"response_action": "errors", "errors": {first_input: text[:150]}}
            return BoltResponse(
                status=200, body=json.dumps(payload), headers={"content-type": "application/json"}
            )
    return BoltResponse(status=200, body="")


def _tell_afterwards(client, deps: Deps, body: dict, text: str, blocks, reference: str) -> None:
    user_id = body.get("user_id") or (body.get("user") or {}).get("id")
    if not isinstance(user_id, str):
        return
    channel_id = body.get("channel_id") or (body.get("channel") or {}).get("id")
    try:
        tell(
            client,
            user_id=user_id,
            text=text,
            blocks=blocks,
            response_url=deps.trusted_response_url(body.get("response_url")),
            channel_id=channel_id if isinstance(channel_id, str) else None,
        )
    except Exception:
        log.exception("could not tell %s about error ref %s", user_id, reference)
