"""The key a decision's title is compared by: its content words, without the framing.

"Pick the billing database" and "Which database should billing use?" ask the same question;
what they share is "billing database". Titles are mostly framing ("pick the", "should we",
"which … for"), and trigram similarity over raw titles rates "Pick the billing database"
closer to "Pick the hiring process" than to its own rewording. So each title is stored with
its key (`Decision.title_key`): lower-cased words, framing and function words dropped, a
plural "s" taken off. PostgreSQL indexes the key with pg_trgm; SQLite ranks it with
`trigram_similarity`, which computes exactly what pg_trgm's similarity() does.

It lives beside the models because the stored key must follow every write of a title (the
model's @validates), like a generated column; the rule of what counts as similar enough, and
which decisions are compared, is app/domain/similar.py.
"""

from __future__ import annotations

import re

KEY_MAX = 200
_WORD = re.compile(r"[^\W_]+")
# Words that frame a question rather than say what it is about.
_FRAMING_WORDS = """
    a about above after again against ahead all am an and any are as at be before being between
    both but by can choose choosing chose chosen could decide decided deciding decision did do
    does doing done for from go going had has have how i if in into is it its let lets make me
    my need needs new next now of on one or our ours out over pick picking please s select
    selecting settle shall should so some that the their them then there these they this those
    to too us use using versus via vs want was we were what when where whether which who whom
    why will with would you your
"""
FRAMING = frozenset(_FRAMING_WORDS.split())


def _stem(word: str) -> str:
    """A plural "s" off ("databases" -> "database"); "ss" and short words stay."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def title_key(title: str | None) -> str:
    """The words a title is compared by; all its words when it is nothing but framing."""
    words = _WORD.findall((title or "").lower())
    content = [_stem(w) for w in words if w not in FRAMING]
    return " ".join(content or words)[:KEY_MAX].strip()


def trigrams(text: str) -> frozenset[str]:
    """pg_trgm's trigrams: each alphanumeric word, lower-cased, padded with two spaces in front
    and one behind, cut into every run of three characters."""
    found: set[str] = set()
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        found.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(found)


def trigram_similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(a, b): shared trigrams over all trigrams of either."""
    left, right = trigrams(a), trigrams(b)
    if not left or not right:
        return 0.0
    shared = len(left & right)
    return shared / (len(left) + len(right) - shared)
