"""The part of Grafana's alert templating that rules use: `$labels`, `$values` and the humanize functions.

Grafana expands labels and annotations with Go's text/template and Prometheus' template
functions (pkg/services/ngalert/state/template/template.go, funcs.go; prometheus/template/
template.go for humanize*). This reads the actions `{{ $labels.NAME }}`,
`{{ $values.REF.Value }}`, `{{ $values.REF.Labels.NAME }}`, `{{ $value }}` and `{{ FUNC ARG }}` for
FUNC in humanize, humanize1024, humanizePercentage, humanizeDuration, toUpper, toLower, title;
anything else is a `TemplateError` naming the action, never a silent guess.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from graf.ruletest.expressions import Number

_ACTION = re.compile(r"\{\{(-?)\s*(.*?)\s*(-?)\}\}", re.S)


class TemplateError(ValueError):
    pass


@dataclass(frozen=True)
class TemplateData:
    labels: Mapping[str, str]
    values: Mapping[str, Number]
    value: str  # Grafana's $value: the evaluation string


def go_float(v: float) -> str:
    """A float64 as Go's `%v` prints it (strconv 'g', shortest): 0.5, 1e+06, NaN, +Inf."""
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    if v == 0:
        return "-0" if math.copysign(1, v) < 0 else "0"
    digits, exp = _shortest(v)
    sign = "-" if v < 0 else ""
    # strconv/ftoa.go: %g at the shortest precision switches to %e below 1e-4 and from 1e+06 (eprec 6)
    if exp < -4 or exp >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if exp < 0:
        return f"{sign}0.{'0' * (-exp - 1)}{digits}"
    whole = digits[:exp + 1].ljust(exp + 1, "0")
    frac = digits[exp + 1:]
    return f"{sign}{whole}{'.' + frac if frac else ''}"


def _shortest(v: float) -> tuple[str, int]:
    """The shortest decimal digits that round-trip (Python's repr, like Go's) and the decimal exponent."""
    text = f"{abs(v):.17e}"
    for precision in range(1, 18):
        candidate = f"{abs(v):.{precision - 1}e}"
        if float(candidate) == abs(v):
            text = candidate
            break
    mantissa, exp = text.split("e")
    digits = mantissa.replace(".", "").rstrip("0") or "0"
    return digits, int(exp)


def _g4(v: float) -> str:
    """Go's `%.4g`."""
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    return f"{v:.4g}"


def humanize(v: float) -> str:
    if v == 0 or math.isnan(v) or math.isinf(v):
        return _g4(v)
    scaled, prefix = _scaled_down(v, 1000, ("k", "M", "G", "T", "P", "E", "Z", "Y")) if abs(v) >= 1 \
        else _milli_prefixed(v)
    return f"{_g4(scaled)}{prefix}"


def _scaled_down(v: float, base: int, prefixes: tuple[str, ...]) -> tuple[float, str]:
    """A magnitude of 1 or more divided by `base` while it reaches it, with the prefix for that power."""
    prefix = ""
    for p in prefixes:
        if abs(v) < base:
            break
        prefix = p
        v /= base
    return v, prefix


def _milli_prefixed(v: float) -> tuple[float, str]:
    """A magnitude below 1 scaled up by thousands, with its SI prefix (m, u, n, ...), as Prometheus prints it."""
    prefix = ""
    for p in ("m", "u", "n", "p", "f", "a", "z", "y"):
        if abs(v) >= 1:
            break
        prefix = p
        v *= 1000
    return v, prefix


def humanize1024(v: float) -> str:
    if abs(v) <= 1 or math.isnan(v) or math.isinf(v):
        return _g4(v)
    scaled, prefix = _scaled_down(v, 1024, ("ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"))
    return f"{_g4(scaled)}{prefix}"


def humanize_percentage(v: float) -> str:
    return f"{_g4(v * 100)}%"


def humanize_duration(v: float) -> str:
    if math.isnan(v) or math.isinf(v):
        return _g4(v)
    if v == 0:
        return "0s"
    if abs(v) >= 1:
        sign = "-" if v < 0 else ""
        v = abs(v)
        duration = int(v)
        seconds, minutes = duration % 60, duration // 60 % 60
        hours, days = duration // 3600 % 24, duration // 86400
        if days:
            return f"{sign}{days}d {hours}h {minutes}m {seconds}s"
        if hours:
            return f"{sign}{hours}h {minutes}m {seconds}s"
        if minutes:
            return f"{sign}{minutes}m {seconds}s"
        return f"{sign}{_g4(v)}s"
    small, prefix = _milli_prefixed(v)
    return f"{_g4(small)}{prefix}s"


_FUNCS: Mapping[str, Callable[[float], str]] = {
    "humanize": humanize, "humanize1024": humanize1024, "humanizePercentage": humanize_percentage,
    "humanizeDuration": humanize_duration,
}
_STRING_FUNCS: Mapping[str, Callable[[str], str]] = {"toUpper": str.upper, "toLower": str.lower, "title": str.title}


def _operand(text: str, data: TemplateData) -> str | float:
    if text == "$value":
        return data.value
    if text.startswith("$labels."):
        return data.labels.get(text[len("$labels."):], "")  # missingkey=zero: an absent label is ""
    match = re.fullmatch(r"\$values\.([A-Za-z0-9_]+)\.(Value|Labels\.([A-Za-z_][A-Za-z0-9_]*))", text)
    if match:
        number = data.values.get(match.group(1))
        if number is None:
            # No such value (a NoData or Error evaluation has none): Go's template reads a
            # missing map key as the zero value, so `.Value` is 0 and `.Labels.x` is "".
            number = Number((), 0.0)
        if match.group(3):
            return dict(number.labels).get(match.group(3), "")
        return math.nan if number.value is None else number.value
    if re.fullmatch(r'"(?:[^"\\]|\\.)*"', text):
        return text[1:-1]
    raise TemplateError(f"{{{{ {text} }}}} is not supported by graf test")


def expand(template: str, data: TemplateData) -> str:
    """`template` with every action replaced; TemplateError names the first action it cannot do."""
    out = []
    pos = 0
    for match in _ACTION.finditer(template):
        literal = template[pos:match.start()]
        if match.group(1):
            literal = literal.rstrip()
        out.append(literal)
        action = match.group(2)
        parts = action.split(None, 1)
        if len(parts) == 2 and parts[0] in _FUNCS:
            arg = _operand(parts[1].strip(), data)
            try:
                number = float(arg)
            except ValueError:
                raise TemplateError(f"{parts[0]} of {arg!r}: not a number") from None
            out.append(_FUNCS[parts[0]](number))
        elif len(parts) == 2 and parts[0] in _STRING_FUNCS:
            out.append(_STRING_FUNCS[parts[0]](_text(_operand(parts[1].strip(), data))))
        else:
            out.append(_text(_operand(action, data)))
        pos = match.end()
        if match.group(3):
            rest = template[pos:]
            pos += len(rest) - len(rest.lstrip())
    out.append(template[pos:])
    return "".join(out)


def _text(value: str | float) -> str:
    return value if isinstance(value, str) else go_float(value)
