"""`graf validate FILE_OR_DIR... --jobs N` on many files: each worker reads and checks its own share.

The parent never holds the dashboards (1,000 large ones are a gigabyte of Python objects): it lists
the files and forks N workers, each given a contiguous share. One rule needs all of them at once,
G103 (a uid used twice), so a worker first sends a stub of each resource it read (kind, uid,
title, file); the parent hands every worker the stubs of all shares, in file order; a worker then
validates its own resources in a context holding its real resources and the others' stubs, in the
place each file has in the whole list. The findings, concatenated in share order, are those of the
one-process run (tests/validate/test_verdict_cache.py compares them).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from graf.resources import Resource
from graf.validate.findings import Finding
from graf.validate.load import load_entries

_TITLE_KEYS = ("title", "name", "apiVersion")


def validate_files(files: Sequence[tuple[Path, bool]],
                   jobs: int) -> tuple[list[Finding], list[Finding], int, list[Path]]:
    """(load findings, rule findings, resources, skipped files) of `files`, read and checked in `jobs` workers."""
    context = multiprocessing.get_context("fork")
    size = -(-len(files) // jobs)
    shares = [files[start:start + size] for start in range(0, len(files), size)]
    pipes, workers = [], []
    for share in shares:
        mine, theirs = context.Pipe()
        worker = context.Process(target=_worker, args=(share, theirs), daemon=True)
        worker.start()
        theirs.close()
        pipes.append(mine)
        workers.append(worker)
    try:
        read = [pipe.recv() for pipe in pipes]
        for answer in read:
            if isinstance(answer, BaseException):
                raise answer
        stubs = [stub for _, _, share_stubs in read for stub in share_stubs]
        offset = 0
        for pipe, (_, _, share_stubs) in zip(pipes, read, strict=True):
            pipe.send((stubs, offset))
            offset += len(share_stubs)
        found = [pipe.recv() for pipe in pipes]
    finally:
        for pipe in pipes:
            pipe.close()
        for worker in workers:
            worker.join(timeout=5)
            if worker.is_alive():
                worker.terminate()
    if any(isinstance(f, BaseException) for f in found):
        raise next(f for f in found if isinstance(f, BaseException))
    load_findings = [f for share_findings, _, _ in read for f in share_findings]
    skipped = [p for _, share_skipped, _ in read for p in share_skipped]
    return load_findings, [f for share in found for f in share], len(stubs), skipped


def _stub(resource: Resource) -> tuple[str, str, dict[str, Any], str]:
    body = {k: resource.body[k] for k in _TITLE_KEYS if k in resource.body}
    spec = resource.body.get("spec")
    if isinstance(spec, dict) and "title" in spec:
        body["spec"] = {"title": spec["title"]}
    return resource.kind, resource.uid, body, resource.source


def _worker(share: Sequence[tuple[Path, bool]], pipe: Any) -> None:
    from graf.diff._gc import gc_held
    from graf.validate import _validate, verdicts
    from graf.validate.context import ValidationContext
    from graf.validate.rules import RULES

    try:
        with gc_held():
            loaded = load_entries(share)
        pipe.send((loaded.findings, loaded.skipped, [_stub(r) for r in loaded.resources]))
        stubs, offset = pipe.recv()
        others = [Resource(kind, uid, body, source=source) for kind, uid, body, source in stubs]
        resources = [*others[:offset], *loaded.resources, *others[offset + len(loaded.resources):]]
        found: Any = _validate(loaded.resources, ValidationContext.standalone(resources), RULES)
        verdicts.save()
    except BaseException as exc:  # handed to the parent, which raises it: a worker never dies silently
        found = RuntimeError(f"validate worker: {type(exc).__name__}: {exc}")
    try:
        pipe.send(found)
        pipe.close()
    except OSError:
        pass  # the parent has gone (it failed on another worker's answer)
