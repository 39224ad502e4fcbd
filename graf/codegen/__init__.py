"""Code generation: a dashboard as the source of a graf dashboard module (`graf export --as python`)."""

from __future__ import annotations

from graf.codegen.dashboard import CodegenError, render_source, target_of, to_python

__all__ = ["CodegenError", "render_source", "target_of", "to_python"]
