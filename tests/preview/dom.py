"""Reading the panels back out of a page's HTML (a browser's DOM dump or graf's own output)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PanelSeen:
    attrs: dict[str, str]
    classes: set[str]
    title: str = ""
    text: list[str] = field(default_factory=list)
    lines: int = 0  # matplotlib lines drawn (`<g id="line2d_N">` holding a path or dots)

    def grid(self) -> tuple[int, int, int, int]:
        return tuple(int(self.attrs[k]) for k in ("data-x", "data-y", "data-w", "data-h"))  # type: ignore[return-value]

    def measured(self) -> tuple[int, int, int, int]:
        return tuple(int(v) for v in self.attrs["data-measured"].split(","))  # type: ignore[return-value]

    @property
    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())


class _Panels(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.panels: list[PanelSeen] = []
        self.depth = 0  # open elements inside the current panel section
        self.in_title = False
        self.in_line = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "section" and "panel" in found.get("class", "").split():
            self.panels.append(PanelSeen(found, set(found["class"].split())))
            self.depth = 1
            return
        if not self.depth:
            return
        if tag not in ("path", "use", "br", "meta", "img", "rect", "circle", "stop"):
            self.depth += 1
        if tag == "h2" and "title" in found.get("class", ""):
            self.in_title = True
        if tag == "g" and found.get("id", "").startswith("line2d_"):
            self.in_line = self.depth
        if tag in ("path", "use") and self.in_line == self.depth:  # a line's path, or its dots
            self.panels[-1].lines += 1
            self.in_line = -1  # count each line once

    def handle_endtag(self, tag: str) -> None:
        if not self.depth or tag in ("path", "use", "br", "meta", "img", "rect", "circle", "stop"):
            return
        if tag == "h2":
            self.in_title = False
        if self.in_line and tag == "g":
            self.in_line = 0
        self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            return
        if self.in_title:
            self.panels[-1].title += data
        self.panels[-1].text.append(data)


def panels(page: str) -> list[PanelSeen]:
    parser = _Panels()
    parser.feed(page)
    return parser.panels
