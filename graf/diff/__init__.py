"""`graf diff`: review-sized semantic diffs of rendered resources.

    semantic.py   diff_sets / diff_resources / diff_resource: two resource sets -> Diff (pure)
    dashboard.py  panels, rows, variables, annotations matched by identity (pure)
    tree.py       structural diff of JSON values, lists matched by identity (pure)
    words.py      inline word diff of long strings (pure)
    model.py      Diff, ResourceDiff, Change: the data every renderer formats
    terminal.py / markdown.py / jsonformat.py   renderers: Diff -> str
    html.py       Diff + both sides -> pages of each changed dashboard before and after (graf.preview draws)
    sources.py    the edges: build folders and JSON files, git revisions
"""

from __future__ import annotations

from graf.diff.jsonformat import render_json
from graf.diff.markdown import render_markdown
from graf.diff.model import Change, Diff, ResourceDiff
from graf.diff.semantic import diff_resource, diff_resources, diff_sets
from graf.diff.terminal import render_terminal

__all__ = [
    "Change", "Diff", "ResourceDiff", "diff_resource", "diff_resources", "diff_sets",
    "render_json", "render_markdown", "render_terminal",
]
