"""Cleaning free text before it is stored."""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str | None, *, single_line: bool = False) -> str:
    """Drop control characters (PostgreSQL refuses NUL; others garble cards) and normalise.

    NFC keeps "é" typed two ways from becoming two different titles in the log.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", _CONTROL.sub("", text))
    if single_line:
        text = " ".join(text.split())
    return text.strip()
