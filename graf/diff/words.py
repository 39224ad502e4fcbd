"""Inline word diffs of long strings (PromQL/LogQL queries, descriptions, text panels)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from graf.diff.model import WordOp

# A string this long (or with a line break) is shown as a word diff rather than old → new.
LONG_STRING = 40
# Below this share of unchanged text a word diff is harder to read than the two strings.
MIN_SIMILARITY = 0.3

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


def is_long(old: object, new: object) -> bool:
    return (isinstance(old, str) and isinstance(new, str)
            and (max(len(old), len(new)) >= LONG_STRING or "\n" in old or "\n" in new))


def word_diff(old: str, new: str) -> tuple[tuple[WordOp, str], ...] | None:
    """Segments `("=", text)`, `("-", removed)`, `("+", added)` in reading order; None when too different.

    Tokens are words, runs of whitespace and single punctuation marks, so `[5m]` → `[1m]`
    shows only `5m` → `1m`.
    """
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if _similarity(matcher, a, b) < MIN_SIMILARITY:
        return None
    segments: list[tuple[WordOp, str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(segments, "=", "".join(a[i1:i2]))
            continue
        if tag in ("replace", "delete"):
            _append(segments, "-", "".join(a[i1:i2]))
        if tag in ("replace", "insert"):
            _append(segments, "+", "".join(b[j1:j2]))
    return tuple(segments)


def _similarity(matcher: SequenceMatcher[str], a: list[str], b: list[str]) -> float:
    """Share of the visible text (whitespace not counted) that is unchanged."""
    def visible(tokens: list[str]) -> int:
        return sum(len(t) for t in tokens if not t.isspace())

    same = sum(visible(a[m.a:m.a + m.size]) for m in matcher.get_matching_blocks())
    total = visible(a) + visible(b)
    return 2 * same / total if total else 1.0


def _append(segments: list[tuple[WordOp, str]], op: WordOp, text: str) -> None:
    if not text:
        return
    if segments and segments[-1][0] == op:
        segments[-1] = (op, segments[-1][1] + text)
    else:
        segments.append((op, text))
