"""promtool's input series: `metric{label="value"}` and the expanding value notation.

The notation, as `promtool test rules` reads it (prometheus/promql/parser/lex.go, "series
description"): values separated by spaces, each one of

    a        one sample              1, -2.5, 1e3, NaN, Inf, -Inf
    _        no sample at this step
    stale    a staleness marker (the series ends here, as when a target disappears)
    a+bxn    n+1 samples a, a+b, ..., a+n*b     (a-bxn counts down)
    axn      n+1 samples a                      (same as a+0xn)
    _xn      n steps without a sample
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

STALE: Literal["stale"] = "stale"
Sample = float | None | Literal["stale"]  # None: no sample at that step

_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|Inf|inf|NaN|nan)"
_EXPAND = re.compile(rf"^({_NUMBER})(?:([-+])({_NUMBER}))?x(\d+)$")
_BLANKS = re.compile(r"^_x(\d+)$")
_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*")
_LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,)?')


class NotationError(ValueError):
    """A series or value string that does not parse; the message says what was expected."""


@dataclass(frozen=True)
class Series:
    labels: tuple[tuple[str, str], ...]  # sorted, `__name__` included when the series names a metric
    samples: tuple[Sample, ...]

    @property
    def text(self) -> str:
        name = dict(self.labels).get("__name__", "")
        rest = ", ".join(f'{k}="{v}"' for k, v in self.labels if k != "__name__")
        return f"{name}{{{rest}}}"


def _number(text: str) -> float:
    return float(text.replace("Inf", "inf").replace("NaN", "nan"))


def expand_values(text: str) -> list[Sample]:
    """`0+1x3 _ stale 5` -> [0, 1, 2, 3, None, "stale", 5]."""
    out: list[Sample] = []
    for token in str(text).split():
        if token == "_":
            out.append(None)
        elif token == STALE:
            out.append(STALE)
        elif blanks := _BLANKS.match(token):
            out.extend([None] * int(blanks.group(1)))
        elif expand := _EXPAND.match(token):
            start, sign, step, count = expand.groups()
            first = _number(start)
            delta = 0.0 if step is None else _number(step) * (-1 if sign == "-" else 1)
            out.extend(first + i * delta for i in range(int(count) + 1))
        elif re.fullmatch(_NUMBER, token):
            out.append(_number(token))
        else:
            raise NotationError(f"cannot read {token!r} (expected a number, _, stale, a+bxn or _xn)")
    if not out:
        raise NotationError("no values")
    return out


def parse_series(text: str) -> tuple[tuple[str, str], ...]:
    """`up{job="node", instance="a:9100"}` -> sorted label pairs with `__name__`."""
    text = str(text).strip()
    labels: dict[str, str] = {}
    name = _NAME.match(text)
    rest = text
    if name:
        labels["__name__"] = name.group(0)
        rest = text[name.end():].strip()
    if rest:
        if not (rest.startswith("{") and rest.endswith("}")):
            raise NotationError(f"cannot read {text!r} (expected metric{{label=\"value\", ...}})")
        body = rest[1:-1]
        pos = 0
        while body[pos:].strip():
            match = _LABEL.match(body, pos)
            if not match:
                raise NotationError(f"cannot read the labels of {text!r} at {body[pos:]!r}")
            key, value = match.group(1), match.group(2)
            if key in labels:
                raise NotationError(f"label {key} twice in {text!r}")
            labels[key] = re.sub(r"\\(.)", lambda m: {"n": "\n"}.get(m.group(1), m.group(1)), value)
            pos = match.end()
            if match.group(3) is None and body[pos:].strip():
                raise NotationError(f"expected a comma after {key}=... in {text!r}")
    if not labels:
        raise NotationError(f"cannot read {text!r} (a series needs a metric name or labels)")
    return tuple(sorted(labels.items()))
