"""The diff as GitHub-flavoured markdown, ready to post as a pull-request comment.

Each changed resource is a collapsible `<details>` section with one bullet per change; word
diffs use `<del>`/`<ins>` inside `<code>`. A hidden marker on the first line lets a CI job find
and update its earlier comment. Output is cut, whole sections at a time, to fit GitHub's
comment size limit.
"""

from __future__ import annotations

import html

from graf.diff.model import Change, Diff, ResourceDiff
from graf.diff.text import Style, resource_heading, sentence

MARKER = "<!-- graf-diff -->"
# GitHub rejects comments over 65536 characters; leave room for the heading and the cut notice.
COMMENT_LIMIT = 60_000


# Text inside <code> tags is still parsed as markdown by GitHub (emphasis, `$…$` math, links), so
# these characters, common in queries, are written as character references.
_MARKDOWN_CHARS = str.maketrans({c: f"&#{ord(c)};" for c in "*_$`~\\[]|"})


def _inline(text: str) -> str:
    return html.escape(text, quote=False).translate(_MARKDOWN_CHARS)


def _code(text: str) -> str:
    return f"<code>{_inline(text)}</code>"


MARKDOWN = Style(
    code=_code,
    deleted=lambda t: f"<del>{t}</del>",
    inserted=lambda t: f"<ins>{t}</ins>",
    word_del=lambda t: f"<del>{_inline(t)}</del>",
    word_ins=lambda t: f"<ins>{_inline(t)}</ins>",
    word_same=_inline,
    words_wrap=lambda t: f"<code>{t}</code>",
    text=_inline,
)


def render_markdown(diff: Diff, *, limit: int = COMMENT_LIMIT) -> str:
    """Markdown ending in a newline; sections beyond `limit` characters are left out and counted."""
    head = [MARKER, f"### graf diff: {_code(diff.old_label)} → {_code(diff.new_label)}", ""]
    head.extend(f"> {_inline(note)}" for note in diff.notes)
    if diff.notes:
        head.append("")
    if diff.empty:
        head.append(f"No differences in the rendered resources ({diff.summary()}).")
        return "\n".join(head) + "\n"
    head += [f"**{diff.summary()}**", ""]

    body: list[str] = []
    size = sum(len(line) + 1 for line in head)
    left_out = 0
    for resource in diff.resources:
        section = _section(resource)
        if left_out or size + len(section) > limit:
            left_out += 1
            continue
        body.append(section)
        size += len(section)
    if left_out:
        body.append(f"_…and {left_out} more resource{'s' if left_out > 1 else ''} not shown "
                    "(comment size limit): run `graf diff` locally to see all._\n")
    return "\n".join(head) + "\n" + "\n".join(body)


def _section(resource: ResourceDiff) -> str:
    heading = _inline(resource_heading(resource))
    if resource.status != "changed":
        sign = "➕" if resource.status == "added" else "➖"
        summary = f": {_inline(resource.summary)}" if resource.summary else ""
        return f"{sign} <b>{heading}</b> {resource.status}{summary}\n"
    count = len(resource.changes)
    lines = [f"<details><summary>✏️ <b>{heading}</b>: {count} change{'' if count == 1 else 's'}</summary>", ""]
    lines.extend(f"- {_sentence(change)}" for change in resource.changes)
    lines += ["", "</details>", ""]
    return "\n".join(lines)


def _sentence(change: Change) -> str:
    return sentence(change, MARKDOWN).replace("\n", " ")
