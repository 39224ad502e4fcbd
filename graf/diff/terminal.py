"""The diff for a terminal: one line per change, ANSI colour only when asked (the CLI asks on a TTY)."""

from __future__ import annotations

from collections.abc import Callable

from graf.diff.model import Diff
from graf.diff.text import PLAIN, Style, resource_heading, sentence, sign

_RED, _GREEN, _YELLOW, _BOLD, _DIM, _RESET = "\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[1m", "\x1b[2m", "\x1b[0m"
_SIGN_COLOUR = {"+": _GREEN, "-": _RED, "~": _YELLOW}


def _colour(code: str) -> Callable[[str], str]:
    return lambda text: f"{code}{text}{_RESET}"


COLOUR = Style(
    deleted=_colour(_RED), inserted=_colour(_GREEN),
    word_del=_colour(_RED + "\x1b[9m"), word_ins=_colour(_GREEN + "\x1b[4m"),
)


def render_terminal(diff: Diff, *, colour: bool = False) -> str:
    """Text ending in a newline: a heading per resource, an indented line per change, then the summary."""
    style = COLOUR if colour else PLAIN

    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if colour else text

    lines = [paint(_DIM, f"graf diff: {diff.old_label} → {diff.new_label}")]
    lines.extend(paint(_DIM, f"note: {note}") for note in diff.notes)
    for resource in diff.resources:
        mark = {"added": "+", "removed": "-"}.get(resource.status, "~")
        heading = f"{mark} {resource_heading(resource)}"
        if resource.status != "changed":
            heading += f" {resource.status}" + (f": {resource.summary}" if resource.summary else "")
        lines.append(paint(_BOLD + _SIGN_COLOUR[mark], heading))
        for change in resource.changes:
            mark = sign(change)
            lines.append(f"    {paint(_SIGN_COLOUR[mark], mark)} {sentence(change, style)}")
    if diff.empty:
        lines.append(f"no differences ({diff.summary()})")
    else:
        lines.append(diff.summary())
    return "\n".join(lines) + "\n"
