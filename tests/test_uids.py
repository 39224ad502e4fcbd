from __future__ import annotations

import re

from graf.uids import MAX_UID, UID_PATTERN, invalid_characters, is_uid, make_uid


def test_short_uids_are_readable() -> None:
    assert make_uid("shop", "prod", "jvm") == "shop-prod-jvm"
    assert make_uid("shop team", "prod", "node/exporter") == "shop-team-prod-node-exporter"


def test_long_uids_are_cut_with_a_hash_and_never_collide() -> None:
    a = make_uid("a-very-long-project-name", "production-eu-west", "request-latency-by-uri")
    b = make_uid("a-very-long-project-name", "production-eu-west", "request-latency-by-url")
    assert len(a) == len(b) == MAX_UID
    assert a != b
    assert is_uid(a) and re.fullmatch(UID_PATTERN, a)
    assert a == make_uid("a-very-long-project-name", "production-eu-west", "request-latency-by-uri")


def test_the_uid_rule_accepts_and_rejects_like_grafana() -> None:
    assert is_uid("shop-prod_jvm") and is_uid("a" * MAX_UID)
    assert not is_uid("") and not is_uid("a" * (MAX_UID + 1)) and not is_uid("a b") and not is_uid(3)
    assert invalid_characters("a b/c.d-e_f") == [" ", ".", "/"]
    assert invalid_characters("a" * 50) == []
