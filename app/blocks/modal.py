"""The skeleton every modal shares, and its input rows, so each builder only says what differs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import Block, InputBlock
from slack_sdk.models.views import View


def build_modal(
    callback_id: str | None,
    title: str,
    blocks: Sequence[Block],
    *,
    submit: str | None = None,
    close: str = "Cancel",
    private_metadata: dict[str, Any] | None = None,
) -> View:
    """A modal view; private_metadata (what comes back on submit) is stored as JSON."""
    return View(
        type="modal",
        callback_id=callback_id,
        title=title,
        submit=submit,
        close=close,
        private_metadata=json.dumps(private_metadata) if private_metadata is not None else None,
        blocks=list(blocks),
    )


def input_block(
    block_id: str, label: str, element: Any, *, optional: bool = True, hint: str | None = None
) -> InputBlock:
    """One labelled input; optional unless said otherwise, as most of the bot's fields are."""
    return InputBlock(block_id=block_id, label=label, element=element, optional=optional, hint=hint)
