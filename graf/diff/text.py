"""One sentence per `Change`, shared by the terminal and markdown renderers.

A `Style` says how to mark up paths, values and word-diff segments; the sentences are the same
in every format: `panel "Heap used" › targets[A].expr: "5m" → "1m"`, `panel "GC" moved from
(0,8) to (12,8)`, `variable "app" renamed to "application"`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graf.diff.model import MISSING, Change, ResourceDiff

# Values longer than this are cut with "…" (the JSON format always carries them whole).
VALUE_LIMIT = 120
SIGNS = {"added": "+", "removed": "-"}


def _same(text: str) -> str:
    return text


@dataclass(frozen=True)
class Style:
    code: Callable[[str], str] = _same  # a path or a literal value, already formatted
    deleted: Callable[[str], str] = _same  # removed text (old value, word-diff deletion)
    inserted: Callable[[str], str] = _same  # added text
    word_del: Callable[[str], str] = lambda t: f"[-{t}-]"
    word_ins: Callable[[str], str] = lambda t: f"{{+{t}+}}"
    word_same: Callable[[str], str] = _same  # unchanged text of a word diff
    words_wrap: Callable[[str], str] = _same  # around a whole word diff
    text: Callable[[str], str] = _same  # any other text taken from the data (notes, names)


PLAIN = Style()


def sign(change: Change) -> str:
    return SIGNS.get(change.op, "~")


def sentence(change: Change, style: Style = PLAIN) -> str:
    """The change as one line of text (no sign, no indent)."""
    where = style.code(change.where) if change.where else ""
    op = change.op
    if op == "changed":
        if change.words is not None:
            return f"{where}: {_words(change, style)}"
        before, after = style.deleted(style.code(value(change.old))), style.inserted(style.code(value(change.new)))
        return f"{where}: {before} → {after}"
    if op in ("added", "removed"):
        item = change.new if op == "added" else change.old
        if change.path:  # a key or list item inside the resource
            shown = style.inserted if op == "added" else style.deleted
            return f"{where} {op}: {shown(style.code(value(item)))}"
        return f"{where} {op}" + (f": {style.text(change.note)}" if change.note else "")
    if op == "moved":
        rows = f" ({style.text(change.note)})" if change.note else ""
        if change.old == change.new:
            return f"{where} moved from {style.text(change.note.replace(' → ', ' to '))}"
        return f"{where} moved from {_xy(change.old)} to {_xy(change.new)}{rows}"
    if op == "resized":
        return f"{where} resized from {_wh(change.old)} to {_wh(change.new)}"
    if op == "renamed":
        return f"{where} renamed to {style.code(json.dumps(change.new, ensure_ascii=False))}"
    if op == "reordered":
        before, after = (style.text(", ".join(map(str, v))) for v in (change.old, change.new))
        return f"{where} reordered: {before} → {after}"
    if op == "shifted":
        direction = "down" if change.new > 0 else "up"
        names = ", ".join(change.old[:3]) + (", …" if len(change.old) > 3 else "")
        return f"{change.subject} moved {direction} by {abs(change.new)}: {style.text(names)}"
    if op == "renumbered":
        renumbered = [f"{name} {before} → {after}" for name, before, after in change.old[:3]]
        more = ", …" if len(change.old) > 3 else ""
        return f"{change.subject} got new ids: {style.text(', '.join(renumbered) + more)}"
    raise ValueError(f"unknown change op {op!r}")


def resource_heading(resource: ResourceDiff) -> str:
    """`dashboard/shop-prod-jvm "JVM" (prod)`."""
    title = f' "{resource.title}"' if resource.title and resource.title != resource.uid else ""
    env = f" ({resource.env})" if resource.env else ""
    return f"{resource.name}{title}{env}"


def value(item: Any, limit: int = VALUE_LIMIT) -> str:
    """A value as compact JSON, cut to `limit` characters; line breaks shown as ⏎."""
    if item is MISSING:
        return "(none)"
    text = json.dumps(item, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _words(change: Change, style: Style) -> str:
    parts = []
    for op, text in change.words or ():
        shown = text.replace("\n", "⏎")
        parts.append(style.word_del(shown) if op == "-" else style.word_ins(shown) if op == "+"
                     else style.word_same(shown))
    return style.words_wrap("".join(parts))


def _xy(pos: Any) -> str:
    return f"({pos[0]},{pos[1]})" if pos else "(no position)"


def _wh(size: Any) -> str:
    return f"{size[0]}×{size[1]}" if size else "(no size)"
