"""What a team module uses is documented: every public function, class, method and property of
RenderContext and the panel helpers has a docstring."""

from __future__ import annotations

import inspect
from types import ModuleType

import pytest

from graf import context
from graf.dashboards import common, panels


def public_names(module: ModuleType) -> list[tuple[str, object]]:
    out = []
    for name, value in vars(module).items():
        if name.startswith("_") or getattr(value, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(value):
            out.append((name, value))
        elif inspect.isclass(value):
            out.append((name, value))
            out.extend((f"{name}.{attr}", member) for attr, member in vars(value).items()
                       if not attr.startswith("_") and (inspect.isfunction(member) or isinstance(member, property)))
    return out


@pytest.mark.parametrize("module", [context, panels, common], ids=lambda m: m.__name__)
def test_every_public_name_has_a_docstring(module: ModuleType) -> None:
    names = public_names(module)
    assert len(names) >= 5
    assert module.__doc__
    # a dataclass without a docstring gets its signature as __doc__: that is not documentation
    missing = [name for name, value in names
               if not (doc := (inspect.getdoc(value) or "").strip()) or doc.startswith(f"{name}(")]
    assert missing == []
