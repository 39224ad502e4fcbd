"""`graf validate FILE_OR_DIR... --jobs N` on many files: each worker reads and checks its own share.

The parent never holds the dashboards (1,000 large ones are a gigabyte of Python objects), and a
worker holds one at a time: it reads a file, checks it, keeps the findings and a stub of the
resource (kind, uid, title, file) and drops the rest. With the verdict cache on (graf.validate.verdicts)
a file whose bytes and path were checked before is not parsed at all. One rule needs every resource
at once, G103 (a uid used twice: identity.uid_is_unique, and v2.identity for v2 files): workers
leave it out, and the parent adds it from the stubs, with the message those rules write, at the
path the worker worked out from the real body, in the place the sort by (path, rule) gives it.
The findings are those of the one-process run, in the same order (tests/validate/test_verdict_cache.py).
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from graf.jsoninput import BadJSON, read_bounded
from graf.resources import Kind, Resource
from graf.validate.findings import CODES, Finding
from graf.validate.load import load_entries, load_read

CHUNK = 32  # files between two saves of what a worker learnt
_TITLE_KEYS = ("title", "name", "apiVersion")


class Stub(NamedTuple):
    kind: Kind
    uid: Any
    body: dict[str, Any]  # only what Resource.title reads
    source: str
    uid_path: str  # where a G103 finding about this resource points


class Share(NamedTuple):
    load_findings: list[Finding]
    skipped: list[Path]
    stubs: list[Stub]
    findings: list[list[Finding]]  # per resource, without G103


def validate_files(files: Sequence[tuple[Path, bool]], jobs: int) -> tuple[list[Finding], int, list[Path]]:
    """(findings, resources, skipped files) of `files`, read and checked in `jobs` forked workers."""
    context = multiprocessing.get_context("fork")
    size = -(-len(files) // jobs)
    pipes, workers = [], []
    for start in range(0, len(files), size):
        mine, theirs = context.Pipe(duplex=False)
        worker = context.Process(target=_worker, args=(files[start:start + size], theirs), daemon=True)
        worker.start()
        theirs.close()
        pipes.append(mine)
        workers.append(worker)
    try:
        shares = [pipe.recv() for pipe in pipes]
    finally:
        for pipe in pipes:
            pipe.close()
        for worker in workers:
            worker.join(timeout=5)
            if worker.is_alive():
                worker.terminate()
    for share in shares:
        if isinstance(share, BaseException):
            raise share
    stubs = [stub for share in shares for stub in share.stubs]
    per_resource = [found for share in shares for found in share.findings]
    _add_duplicates(stubs, per_resource)
    load_findings = [f for share in shares for f in share.load_findings]
    return (load_findings + [f for found in per_resource for f in found], len(stubs),
            [p for share in shares for p in share.skipped])


def _add_duplicates(stubs: list[Stub], per_resource: list[list[Finding]]) -> None:
    """G103 as identity.uid_is_unique and v2.identity write it, into each resource's sorted findings."""
    from graf.validate.context import uid_space

    resources = [Resource(s.kind, s.uid, s.body, source=s.source) for s in stubs]
    counts = Counter((uid_space(r.kind), r.uid) for r in resources)
    for resource, stub, found in zip(resources, stubs, per_resource, strict=True):
        if not resource.uid or counts[(uid_space(resource.kind), resource.uid)] < 2:
            continue
        others = [r for r in resources if r is not resource and r.uid == resource.uid
                  and uid_space(r.kind) == uid_space(resource.kind)]
        named = ", ".join(f"{r.kind} {r.title!r}" + (f" ({r.source})" if r.source else "") for r in others)
        found.append(Finding(stub.uid_path, "G103", CODES["G103"].severity,
                             f"uid {resource.uid!r} is also used by {named}"))
        found.sort(key=lambda f: (f.path, f.rule))


def _stub(resource: Resource, uid_path: str) -> Stub:
    body = {k: resource.body[k] for k in _TITLE_KEYS if k in resource.body}
    spec = resource.body.get("spec")
    if isinstance(spec, dict) and "title" in spec:
        body["spec"] = {"title": spec["title"]}
    return Stub(resource.kind, resource.uid, body, resource.source, uid_path)


def _check(share: Sequence[tuple[Path, bool]]) -> Share:
    """Each file on its own (G103 aside, a file's findings depend on nothing else), from the verdict
    cache when its bytes and path were checked before."""
    from graf.validate import verdicts

    out = Share([], [], [], [])
    for count, (file, named) in enumerate(share, 1):
        raw = _read(file)
        digest = verdicts.key("file", hashlib.sha256(raw).hexdigest()[:32], str(file), named) \
            if raw is not None and verdicts.enabled() else None
        known: Any = verdicts.lookup(digest) if digest is not None else verdicts.MISSING
        try:
            result = _result(known)
        except (TypeError, ValueError):  # not cached, or not in the shape this code writes: checked again
            known = _one(file, named, raw)
            result = _result(known)
            if digest is not None:
                verdicts.remember(digest, known)
        load_findings, skipped, stub, findings = result
        out.load_findings.extend(load_findings)
        if skipped:
            out.skipped.append(file)
        if stub is not None:
            out.stubs.append(stub)
            out.findings.append(findings)
        if count % CHUNK == 0:
            verdicts.save()  # a worker stopped midway keeps what it learnt
    return out


def _result(known: Any) -> tuple[list[Finding], bool, Stub | None, list[Finding]]:
    """A file's verdict as `_one` writes it, back in objects; TypeError or ValueError when it is not one."""
    load_findings, skipped, stub, findings = known
    stub_ok = stub is None or (isinstance(stub, tuple) and len(stub) == len(Stub._fields) and isinstance(stub[2], dict))
    if not isinstance(skipped, bool) or not stub_ok:
        raise ValueError("not a file verdict")
    return ([Finding(*_four(f)) for f in load_findings], skipped, None if stub is None else Stub(*stub),
            [Finding(*_four(f)) for f in findings])


def _four(finding: Any) -> tuple[str, str, Any, str]:
    if not (isinstance(finding, tuple) and len(finding) == 4 and all(isinstance(x, str) for x in finding)):
        raise ValueError("not a finding")
    return finding


def _read(file: Path) -> bytes | None:
    """The bytes of a regular file, read once for its cache key and its parse; None for a pipe or
    /dev/stdin (read once, by the loader) or a file that cannot be read (the loader says why)."""
    try:
        return read_bounded(file) if file.is_file() else None
    except (OSError, BadJSON):
        return None


def _one(file: Path, named: bool, raw: bytes | None = None) -> tuple[Any, ...]:
    """(load findings, skipped, stub or None, findings without G103) of one file, as plain tuples."""
    from graf.gcpause import gc_held
    from graf.validate import _validate, v2
    from graf.validate.context import ValidationContext
    from graf.validate.rules import RULES
    from graf.validate.rules.v2 import _NAME

    with gc_held():
        loaded = load_entries([(file, named)]) if raw is None else load_read(file, raw, named)
    stub: tuple[Any, ...] | None = None
    findings: tuple[tuple[str, str, str, str], ...] = ()
    for resource in loaded.resources:  # at most one
        ctx = ValidationContext.standalone([resource])
        findings = tuple(_plain(f) for f in _validate([resource], ctx, RULES) if f.rule != "G103")
        where = _NAME if resource.kind == "dashboard" and v2.is_v2(resource.body) else ("uid",)
        stub = tuple(_stub(resource, ctx.path(resource, where)))
    return tuple(_plain(f) for f in loaded.findings), bool(loaded.skipped), stub, findings


def _plain(finding: Finding) -> tuple[str, str, str, str]:
    return finding.path, finding.rule, finding.severity, finding.message


def _worker(share: Sequence[tuple[Path, bool]], pipe: Any) -> None:
    from graf.validate import verdicts

    try:
        answer: Any = _check(share)
        verdicts.save()
    except BaseException as exc:  # handed to the parent, which raises it: a worker never dies silently
        answer = RuntimeError(f"validate worker: {type(exc).__name__}: {exc}")
    try:
        pipe.send(answer)
        pipe.close()
    except OSError:
        pass  # the parent has gone
