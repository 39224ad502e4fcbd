"""The pure three-way plan: code vs graf's record vs live, one test per row of the decision table."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from graf.grafana.kinds import LiveMeta, LiveResource
from graf.grafana.plan import plan
from graf.grafana.record import Record, record_for
from graf.resources import Resource, canonical

KEY = ("dashboard", "d1")


def want(title: str = "Code") -> Resource:
    return Resource("dashboard", "d1", {"uid": "d1", "title": title, "panels": []}, folder="f")


def live(title: str, record: Record | None, *, version: int = 3, locked: str | None = None) -> LiveResource:
    meta = LiveMeta(version=version, updated_by="alice", updated="2026-01-02T03:04:05Z", locked=locked, record=record)
    return LiveResource("dashboard", "d1", {"uid": "d1", "title": title, "panels": []}, folder="f", meta=meta)


def decide(desired: list[Resource], current: LiveResource | None, *, prune: bool = False, force: bool = False):
    state = {KEY: current}
    result = plan(desired, state, {KEY: current.meta.record if current else None}, prune=prune, force=force)
    return [(c.action, c.reason) for c in result.changes]


def test_missing_is_create() -> None:
    assert decide([want()], None) == [("create", "not in Grafana")]


def test_equal_with_matching_record_is_unchanged() -> None:
    pushed = record_for("dashboard", want().body, 3)
    assert decide([want()], live("Code", pushed)) == [("unchanged", "same as code")]


def test_equal_without_record_is_adopt() -> None:
    [(action, reason)] = decide([want()], live("Code", None))
    assert action == "adopt" and "records it as managed" in reason


def test_code_change_over_untouched_live_is_update() -> None:
    pushed = record_for("dashboard", want("Old").body, 3)
    assert decide([want("New")], live("Old", pushed)) == [("update", "code changed since graf's last push")]


def test_recreated_with_the_same_uid_and_version_but_other_content_is_a_conflict() -> None:
    """Deleted in Grafana and re-created with graf's record (version restarts at 1): the version graf
    recorded matches, the content does not; it is not what graf pushed."""
    pushed = record_for("dashboard", want("Old").body, 1, uid="d1")
    [(action, reason)] = decide([want("New")], live("Re-created by hand", pushed, version=1))
    assert action == "conflict" and "edited in Grafana by alice" in reason


def live_copy(title: str, record: Record | None, uid: str = "d1-copy") -> LiveResource:
    meta = LiveMeta(version=1, updated_by="alice", record=record)
    return LiveResource("dashboard", uid, {"uid": uid, "title": title, "panels": []}, folder="f", meta=meta)


def test_save_as_copy_keeps_a_record_of_another_uid_and_is_never_graf_s() -> None:
    """"Save as" copies graf's key into a new dashboard at version 1: bound to d1, it makes the copy nobody's."""
    record = record_for("dashboard", want().body, 1, "shop")
    copy_body = {"uid": "d1-copy", "title": "Code copy", "panels": [], "graf": record.as_json()}
    parsed = Record.from_json(copy_body["graf"], uid="d1-copy")
    assert parsed is None and Record.from_json(copy_body["graf"], uid="d1") == record
    copy = live_copy("Code copy", parsed)
    state = {("dashboard", "d1-copy"): copy}
    for force in (False, True):
        assert plan([], state, {("dashboard", "d1-copy"): parsed}, prune=True, force=force).changes == ()


def test_old_unbound_record_is_pruned_only_while_its_hash_matches() -> None:
    """Records from before the uid binding: deleted when the body is exactly what graf pushed; otherwise an
    edit and a copy look alike, so it is a conflict even with --force."""
    old = Record(hash=record_for("dashboard", want().body).hash, version=1)  # no uid
    state = {KEY: live("Code", old, version=1)}
    assert [c.action for c in plan([], state, {KEY: old}, prune=True).changes] == ["delete"]
    edited = {KEY: live("Edited", old, version=1)}
    [change] = plan([], edited, {KEY: old}, prune=True, force=True).changes
    assert change.action == "conflict" and "graf never deletes it" in change.reason


def test_prune_force_deletes_an_edited_resource_bound_to_its_uid() -> None:
    pushed = record_for("dashboard", want("Old").body, 2, uid="d1")
    [(action, reason)] = decide([], live("Edited", pushed, version=3), prune=True, force=True)
    assert action == "delete" and "--force" in reason


def test_in_code_with_a_record_of_another_uid_is_not_created_by_graf() -> None:
    foreign = Record.from_json(record_for("dashboard", want().body, 1, uid="elsewhere").as_json(), uid="d1")
    [(action, reason)] = decide([want("New")], live("Code", foreign))
    assert foreign is None and action == "conflict" and "graf did not create it" in reason


def test_edit_in_grafana_is_a_conflict_naming_who_and_when() -> None:
    pushed = record_for("dashboard", want("Old").body, 2)
    [(action, reason)] = decide([want("New")], live("Edited in UI", pushed, version=3))
    assert action == "conflict"
    assert reason.startswith("edited in Grafana by alice at 2026-01-02T03:04:05Z since graf pushed it")
    assert "graf export --adopt d1 keeps the edit" in reason and "--force overwrites it" in reason


def test_force_turns_the_conflict_into_an_update() -> None:
    pushed = record_for("dashboard", want("Old").body, 2)
    [(action, reason)] = decide([want("New")], live("Edited in UI", pushed, version=3), force=True)
    assert action == "update" and "--force" in reason


def test_not_created_by_graf_is_a_conflict() -> None:
    [(action, reason)] = decide([want("New")], live("Someone's", None))
    assert action == "conflict" and "graf did not create it" in reason


def test_locked_is_skipped_even_with_force() -> None:
    [(action, reason)] = decide([want("New")], live("Provisioned", None, locked="provisioned"), force=True)
    assert action == "skipped" and reason.startswith("provisioned; differs from code")


def test_not_in_code_and_not_graf_s_is_never_listed() -> None:
    assert decide([], live("Hand made", None), prune=True) == []


def test_not_in_code_but_graf_s_is_deleted_only_with_prune() -> None:
    pushed = record_for("dashboard", want("Old").body, 3)
    assert decide([], live("Old", pushed))[0][0] == "orphan"
    assert decide([], live("Old", pushed), prune=True) == [("delete", "graf-managed, no longer in code")]


def test_prune_of_an_edited_resource_is_a_conflict() -> None:
    pushed = record_for("dashboard", want("Old").body, 2)
    [(action, _)] = decide([], live("Edited", pushed, version=3), prune=True)
    assert action == "conflict"


def test_folders_have_no_marker_and_follow_the_code() -> None:
    folder = Resource("folder", "f", {"uid": "f", "title": "Code"})
    current = LiveResource("folder", "f", {"uid": "f", "title": "Renamed"}, meta=LiveMeta(version=2))
    result = plan([folder], {("folder", "f"): current}, {})
    assert [(c.action, c.reason) for c in result.changes] == [("update", "differs from code")]
    assert plan([], {("folder", "f"): current}, {}, prune=True).changes == ()


def test_plan_is_sorted_in_apply_order() -> None:
    desired = [Resource("dashboard", "a", {"uid": "a", "title": "A"}),
               Resource("folder", "z", {"uid": "z", "title": "Z"}),
               Resource("datasource", "m", {"uid": "m", "name": "M"})]
    assert [c.kind for c in plan(desired, {}, {}).changes] == ["folder", "datasource", "dashboard"]


json_values = st.recursive(st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=5),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                                       max_size=3), max_leaves=8)


@given(st.dictionaries(st.text(min_size=1, max_size=6), json_values, max_size=5))
def test_what_graf_pushed_plans_as_unchanged(extra: dict) -> None:
    body = {**extra, "uid": "d1", "title": "T"}
    desired = Resource("dashboard", "d1", canonical("dashboard", body))
    # What Grafana returns after the push: the marker and server fields added, key order changed.
    returned = {**dict(reversed(list(body.items()))), "id": 7, "version": 1,
                "graf": record_for("dashboard", desired.body, 1).as_json()}
    current = LiveResource("dashboard", "d1", canonical("dashboard", returned),
                           meta=LiveMeta(version=1, record=Record.from_json(returned["graf"])))
    assert current.body == canonical("dashboard", current.body)  # normalise gives a canonical body
    result = plan([desired], {KEY: current}, {KEY: current.meta.record})
    assert [c.action for c in result.changes] == ["unchanged"]


# ---------------------------------------------------------------------------- rule groups' interval

def rule_resource(uid: str, group: str, folder: str = "f") -> Resource:
    return Resource("alert-rule", uid, {"uid": uid, "title": uid, "folderUID": folder, "ruleGroup": group,
                                        "condition": "C", "data": []}, folder=folder)


def live_rule(resource: Resource, *, locked: str | None = None) -> LiveResource:
    pushed = record_for("alert-rule", resource.body)
    return LiveResource("alert-rule", resource.uid, resource.body, folder=resource.folder,
                        meta=LiveMeta(record=pushed, locked=locked))


def group_plan(desired: list[Resource], present: dict[str, LiveResource], groups: dict, interval: int = 30,
               scope=None):
    state = {r.key: present.get(r.uid) for r in desired}
    pushed = {k: (v.meta.record if v else None) for k, v in state.items()}
    return plan(desired, state, pushed, interval=interval, groups=groups, scope=scope)


def test_group_whose_interval_differs_is_one_update_after_its_rules() -> None:
    a, b = rule_resource("a", "http"), rule_resource("b", "http")
    result = group_plan([a, b], {"a": live_rule(a), "b": live_rule(b)}, {("f", "http"): 60})
    assert [(c.kind, c.uid, c.action, c.reason) for c in result.changes] == [
        ("alert-rule", "a", "unchanged", "same as code"), ("alert-rule", "b", "unchanged", "same as code"),
        ("alert-rule-group", "f/http", "update", "evaluation interval 60s → 30s")]
    [change] = result.writes
    assert (change.group.folder, change.group.title, change.group.interval) == ("f", "http", 30)
    assert change.name == "alert-rule-group/f/http" and change.title == "http"
    assert result.pending and result.summary() == "1 to update, 2 unchanged"


def test_group_at_the_wanted_interval_is_no_change() -> None:
    a = rule_resource("a", "http")
    result = group_plan([a], {"a": live_rule(a)}, {("f", "http"): 30})
    assert [c.kind for c in result.changes] == ["alert-rule"] and not result.pending


def test_new_group_gets_grafana_s_default_so_1m_needs_no_write() -> None:
    a = rule_resource("a", "http")
    assert [c.action for c in group_plan([a], {}, {("f", "http"): None}, interval=60).changes] == ["create"]
    [_, group] = group_plan([a], {}, {("f", "http"): None}, interval=30).changes
    assert (group.action, group.reason) == (
        "update", "evaluation interval 60s (Grafana's default for a new group) → 30s")


def test_no_interval_leaves_groups_alone() -> None:
    a = rule_resource("a", "http")
    result = plan([a], {a.key: None}, {}, groups={("f", "http"): 10})
    assert [c.kind for c in result.changes] == ["alert-rule"]


def test_missing_group_whose_rules_are_not_written_is_not_planned() -> None:
    # The rule lives in another group in Grafana and was edited there: a conflict, so nothing creates "http".
    a = rule_resource("a", "http")
    edited = LiveResource("alert-rule", "a", {**a.body, "ruleGroup": "other"}, folder="f",
                          meta=LiveMeta(record=Record(hash="sha256:" + "0" * 64)))
    result = group_plan([a], {"a": edited}, {("f", "http"): None})
    assert [c.action for c in result.changes] == ["conflict"]


def test_group_with_a_file_provisioned_rule_is_skipped() -> None:
    a, b = rule_resource("a", "http"), rule_resource("b", "http")
    result = group_plan([a, b], {"a": live_rule(a), "b": live_rule(b, locked="provisioned from a file")},
                        {("f", "http"): 60})
    group = result.changes[-1]
    assert group.kind == "alert-rule-group" and group.action == "skipped"
    assert "provisioned from a file" in group.reason and not result.writes


def test_group_shared_with_an_environment_wanting_another_interval_is_skipped() -> None:
    from graf.grafana.plan import Scope

    a = rule_resource("a", "http", folder="shared")
    scope = Scope(folder="f", group_intervals={("shared", "http"): frozenset({60})})
    [_, group] = group_plan([a], {"a": live_rule(a)}, {("shared", "http"): 60}, scope=scope).changes
    assert group.action == "skipped" and "another environment on this Grafana" in group.reason
    assert "with 60s" in group.reason
    agreeing = Scope(folder="f", group_intervals={("shared", "http"): frozenset({30})})
    [_, group] = group_plan([a], {"a": live_rule(a)}, {("shared", "http"): 60}, scope=agreeing).changes
    assert group.action == "update"


def test_prune_never_reaches_another_projects_or_environments_resources() -> None:
    """One Grafana, several owners: only this project's resources in this environment's share are pruned."""
    from graf.grafana.plan import Scope

    def orphan(uid: str, project: str | None, folder: str = "f") -> LiveResource:
        body = {"uid": uid, "title": uid, "panels": []}
        record = record_for("dashboard", body, 1, project)
        return LiveResource("dashboard", uid, body, folder=folder, meta=LiveMeta(version=1, record=record))

    state = {("dashboard", r.uid): r for r in (
        orphan("mine", "shop"), orphan("theirs", "billing"), orphan("legacy", None),
        orphan("devs", "shop"), orphan("other-folder", "shop", folder="g"))}
    pushed = {k: v.meta.record for k, v in state.items()}
    scope = Scope(folder="f", others=frozenset({("dashboard", "devs")}), project="shop")
    result = plan([], state, pushed, prune=True, scope=scope)
    assert sorted((c.action, c.uid) for c in result.changes) == [("delete", "legacy"), ("delete", "mine")]


def test_record_names_its_project_and_uid_in_both_forms() -> None:
    record = record_for("dashboard", want().body, 4, "shop")
    assert record.uid == "d1" and Record.from_json(record.as_json()) == record
    assert Record.from_json(record.as_text()) == Record(hash=record.hash, project="shop", uid="d1")
    assert record.as_text() == f"{record.hash} shop uid=d1"
    assert Record.from_json(record_for("dashboard", want().body).as_text()) == Record(hash=record.hash, uid="d1")
    # Records written before the uid binding still read.
    assert Record.from_json(f"{record.hash} shop", uid="d1") == Record(hash=record.hash, project="shop")
    assert Record.from_json(record.as_text(), uid="other") is None


def test_datasource_grafana_made_the_default_on_its_own_is_an_update_not_a_conflict() -> None:
    """The first datasource of an org becomes the default (§5): not an edit, so the recorded version counts."""
    code = Resource("datasource", "loki", {"uid": "loki", "name": "Loki", "type": "loki"})
    pushed = record_for("datasource", code.body, 1, "shop")
    made_default = LiveResource("datasource", "loki", {**code.body, "isDefault": True},
                                meta=LiveMeta(version=1, record=pushed))
    key = ("datasource", "loki")
    # Code as pushed: Grafana's own rewrite is left alone (rewritten_by_grafana); code changed: an update.
    assert [c.action for c in plan([code], {key: made_default}, {key: pushed}).changes] == ["unchanged"]
    changed = Resource("datasource", "loki", {**code.body, "url": "http://loki:3100"})
    assert [c.action for c in plan([changed], {key: made_default}, {key: pushed}).changes] == ["update"]
    saved = LiveResource("datasource", "loki", {**code.body, "isDefault": True},
                         meta=LiveMeta(version=2, record=pushed))
    assert [c.action for c in plan([code], {key: saved}, {key: pushed}).changes] == ["conflict"]


def test_a_resource_that_could_not_be_read_is_unread_never_created_or_deleted() -> None:
    why = "dashboard/d1: Grafana answered 503"
    [change] = plan([want()], {}, {}, unread={KEY: why}).changes
    assert (change.action, change.desired) == ("unread", want()) and why in change.reason
    result = plan([], {}, {}, prune=True, unread={KEY: why})
    assert [c.action for c in result.changes] == ["unread"] and not result.writes and result.unread


def test_a_group_whose_interval_could_not_be_read_is_unread_not_updated() -> None:
    a = rule_resource("a", "http")
    current = live_rule(a)
    result = plan([a], {a.key: current}, {a.key: current.meta.record}, interval=30, groups={},
                  unread={("alert-rule-group", "f/http"): "503"})
    assert [(c.kind, c.action) for c in result.changes] == [("alert-rule", "unchanged"),
                                                            ("alert-rule-group", "unread")]


def test_matching_version_after_graf_s_update_counts_when_grafana_rewrote_the_body() -> None:
    """Version 3 is what graf's own update produced: a body Grafana rewrote on save is still graf's."""
    pushed = record_for("dashboard", want("Old").body, 3, uid="d1")
    assert decide([want("New")], live("Old, rewritten by Grafana", pushed, version=3))[0][0] == "update"
    created = record_for("dashboard", want("Old").body, 1, uid="d1")
    graf_s = LiveResource("dashboard", "d1", {"uid": "d1", "title": "Migrated", "panels": []}, folder="f",
                          meta=LiveMeta(version=1, record=created, graf_manager=True))
    assert plan([want("New")], {KEY: graf_s}, {KEY: created}).changes[0].action == "update"
