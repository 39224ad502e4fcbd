"""A `Report` as text (pytest's shape: a line per failing case, then a summary) or as JSON."""

from __future__ import annotations

import json

from graf.errors import PATH_SEPARATOR
from graf.ruletest.run import Outcome, Report, _duration_text


def _title(o: Outcome) -> str:
    return PATH_SEPARATOR.join([o.file, o.env, repr(o.group), f"{o.rule} at {_duration_text(o.eval_time)}"])


def text(report: Report, verbose: bool = False) -> list[str]:
    lines = []
    for o in report.outcomes:
        if o.status in ("failed", "error"):
            label = "FAILED" if o.status == "failed" else "ERROR"
            first, *rest = o.problems or ("",)
            lines.append(f"{label} {_title(o)}: {first}")
            lines += [f"    {p}" for p in rest]
        elif verbose:
            lines.append(f"{o.status.upper()} {_title(o)}" + (f": {o.reason}" if o.reason else ""))
    return lines


def summary(report: Report) -> str:
    parts = [f"{report.count(s)} {s}" for s in ("failed", "error", "passed", "skipped") if report.count(s)]
    files = len(report.files)
    return f"{', '.join(parts) or 'no cases'} in {files} test file{'s' if files != 1 else ''}"


def as_json(report: Report) -> str:
    return json.dumps({
        "files": report.files,
        "summary": {s: report.count(s) for s in ("passed", "failed", "error", "skipped")},
        "cases": [o.as_json() for o in report.outcomes],
    }, indent=2, ensure_ascii=False)
