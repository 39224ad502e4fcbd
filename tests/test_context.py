from __future__ import annotations

import re

from graf.context import MAX_UID, make_uid


def test_short_uids_are_readable() -> None:
    assert make_uid("shop", "prod", "jvm") == "shop-prod-jvm"
    assert make_uid("shop team", "prod", "node/exporter") == "shop-team-prod-node-exporter"


def test_long_uids_are_cut_with_a_hash_and_never_collide() -> None:
    a = make_uid("a-very-long-project-name", "production-eu-west", "request-latency-by-uri")
    b = make_uid("a-very-long-project-name", "production-eu-west", "request-latency-by-url")
    assert len(a) == len(b) == MAX_UID
    assert a != b
    assert re.fullmatch(r"[A-Za-z0-9_-]+", a)
    assert a == make_uid("a-very-long-project-name", "production-eu-west", "request-latency-by-uri")
