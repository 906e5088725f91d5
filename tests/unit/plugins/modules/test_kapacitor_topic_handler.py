# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kapacitor_topic_handler, kapacitor_topic_handlers and kapacitor_topic_handler_info, run through main()."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json

import pytest

from ansible_collections.tickstack.kapacitor.plugins.module_utils import connection
from ansible_collections.tickstack.kapacitor.plugins.modules import kapacitor_topic_handler
from ansible_collections.tickstack.kapacitor.plugins.modules import kapacitor_topic_handler_info
from ansible_collections.tickstack.kapacitor.plugins.modules import kapacitor_topic_handlers
from ansible_collections.tickstack.kapacitor.tests.unit.plugins.module_utils.fake_topics import FakeTopics
from ansible_collections.tickstack.kapacitor.tests.unit.plugins.modules.module_runner import run_main

RK = "pd-R0UTING-key-77"


@pytest.fixture
def kap():
    return FakeTopics()


def run(capsys, monkeypatch, kap, module, args):
    monkeypatch.setattr(connection, "client_from_module", lambda m: kap)
    return run_main(capsys, module, args)


def one(capsys, monkeypatch, kap, **args):
    return run(capsys, monkeypatch, kap, kapacitor_topic_handler, args)


PD = dict(topic="disk", id="pd", kind="pagerduty2", options={"routing_key": RK}, match="level() == CRITICAL")


def methods(kap):
    return [(m, p) for m, p, _b in kap.requests]


# ---------------------------------------------------------------------------------------------
# One handler

def test_create_then_nothing_then_replace_then_delete(capsys, monkeypatch, kap):
    created = one(capsys, monkeypatch, kap, _ansible_diff=True, **PD)
    assert created["rc"] == 0 and created["changed"] and created["operation"] == "create"
    assert created["changed_options"] == ["kind", "match", "routing_key"]
    assert methods(kap) == [("GET", "/alerts/topics/disk/handlers/pd"), ("POST", "/alerts/topics/disk/handlers")]
    assert kap.requests[1][2] == {"id": "pd", "kind": "pagerduty2", "options": {"routing-key": RK},
                                  "match": "level() == CRITICAL"}
    assert created["handler"] == {"topic": "disk", "id": "pd", "exists": True, "kind": "pagerduty2",
                                  "options": {"routing_key": "<set>"}, "match": "level() == CRITICAL"}
    assert created["diff"] == {"before": {}, "after": {"kind": "pagerduty2", "options": {"routing_key": "<set>"},
                                                       "match": "level() == CRITICAL"}}
    assert RK not in json.dumps(created)

    kap.requests = []
    again = one(capsys, monkeypatch, kap, **PD)
    assert not again["changed"] and again["operation"] is None and methods(kap) == [
        ("GET", "/alerts/topics/disk/handlers/pd")]

    kap.requests = []
    replaced = one(capsys, monkeypatch, kap, _ansible_diff=True, topic="disk", id="pd", kind="pagerduty2",
                   options={"routing_key": RK + "-new"}, match=PD["match"])
    assert replaced["changed"] and replaced["operation"] == "replace" and replaced["changed_options"] == ["routing_key"]
    assert methods(kap) == [("GET", "/alerts/topics/disk/handlers/pd"), ("PUT", "/alerts/topics/disk/handlers/pd")]
    assert replaced["diff"]["before"]["options"] == {"routing_key": "<set>"}
    assert replaced["diff"]["after"]["options"] == {"routing_key": "<changed>"}
    assert RK not in json.dumps(replaced)

    kap.requests = []
    gone = one(capsys, monkeypatch, kap, topic="disk", id="pd", state="absent")
    assert gone["changed"] and gone["operation"] == "delete" and not gone["handler"]["exists"]
    assert methods(kap) == [("GET", "/alerts/topics/disk/handlers/pd"), ("DELETE", "/alerts/topics/disk/handlers/pd")]
    kap.requests = []
    again = one(capsys, monkeypatch, kap, topic="disk", id="pd", state="absent")
    assert not again["changed"] and methods(kap) == [("GET", "/alerts/topics/disk/handlers/pd")]


def test_check_mode_sends_nothing_and_predicts_the_real_result(capsys, monkeypatch, kap):
    args = dict(topic="cpu", id="agg", kind="aggregate", options={"interval": "1m30s", "topic": "cpu-summary"})
    predicted = one(capsys, monkeypatch, kap, _ansible_check_mode=True, _ansible_diff=True, **args)
    assert predicted["changed"] and kap.writes == 0 and methods(kap) == [("GET", "/alerts/topics/cpu/handlers/agg")]
    real = one(capsys, monkeypatch, kap, _ansible_diff=True, **args)
    assert kap.writes == 1 and kap.specs[("cpu", "agg")]["options"] == {"interval": 90000000000, "topic": "cpu-summary"}
    for key in ("changed", "operation", "changed_options", "handler", "diff"):
        assert predicted[key] == real[key], key
    assert real["handler"]["options"] == {"interval": "1m30s", "topic": "cpu-summary"}


def test_a_handler_made_by_hand_in_other_spellings_is_recognised(capsys, monkeypatch, kap):
    kap.add("app", "k", "kafka", {"Cluster": "default", "TOPIC": "alerts", "disablePartitionById": False})
    kap.add("app", "p", "post", {"url": "http://hooks.example", "timeout": 10000000000.0})
    assert not one(capsys, monkeypatch, kap, topic="app", id="k", kind="kafka",
                   options={"cluster": "default", "topic": "alerts"})["changed"]
    assert not one(capsys, monkeypatch, kap, topic="app", id="p", kind="post",
                   options={"url": "http://hooks.example", "timeout": "10s", "skip-ssl-verification": False})["changed"]
    assert kap.writes == 0


def test_a_secret_left_out_keeps_its_value_and_an_empty_one_clears_it(capsys, monkeypatch, kap):
    kap.add("disk", "pd", "pagerduty2", {"routing-key": RK})
    kept = one(capsys, monkeypatch, kap, topic="disk", id="pd", kind="pagerduty2", options={})
    assert not kept["changed"] and kept["kept_secrets"] == ["routing_key"] and kap.writes == 0
    changed = one(capsys, monkeypatch, kap, topic="disk", id="pd", kind="pagerduty2",
                  options={"links": [{"href": "h", "text": "t"}]})
    assert changed["changed_options"] == ["links"] and kap.specs[("disk", "pd")]["options"]["routing-key"] == RK
    cleared = one(capsys, monkeypatch, kap, topic="disk", id="pd", kind="pagerduty2", options={"routing_key": ""})
    assert cleared["changed_options"] == ["routing_key", "links"]
    assert kap.specs[("disk", "pd")]["options"] == {"routing-key": ""}


@pytest.mark.parametrize("args, message", [
    (dict(topic="cpu", id="h/x", kind="slack"), "id: 'h/x' may only contain"),
    (dict(topic="cpu", id="h", kind="slack", options={"chanel": "#a"}), "options.chanel: unknown option for kind slack"),
    (dict(topic="cpu", id="h", kind="aggregate", options={"topic": "x"}), "needs a positive interval"),
    (dict(topic="cpu", id="h", kind="kafka", options={"topic": "x"}), "a kafka handler needs cluster"),
    (dict(topic="cpu", id="h", kind="log", options={"path": "rel.log"}), "needs an absolute path"),
    (dict(topic="cpu", id="h", kind="slack", options={"channel": ["#a"]}), "options.channel"),
    (dict(topic="cpu", id="h", kind="email"), "value of kind must be one of"),
    (dict(topic="cpu", id="h"), "state is present but all of the following are missing: kind"),
])
def test_bad_input_is_refused_before_any_request(capsys, monkeypatch, kap, args, message):
    out = one(capsys, monkeypatch, kap, **args)
    assert out["failed"] and message in out["msg"], out["msg"]
    assert kap.requests == []


def test_kapacitors_refusal_is_reported_with_method_path_status_and_message(capsys, monkeypatch, kap):
    out = one(capsys, monkeypatch, kap, topic="app", id="k", kind="kafka", options={"cluster": "nope"})
    assert out["failed"] and not out["changed"]
    assert (out["method"], out["path"], out["status"]) == ("POST", "/kapacitor/v1/alerts/topics/app/handlers", 500)
    assert out["kapacitor_message"] == 'failed to create handler: unknown cluster "nope"'
    assert out["msg"].startswith("topic handler 'k' of topic 'app': ")


def test_a_handler_of_a_disabled_kind_is_refused(capsys, monkeypatch, kap):
    kap.specs[("cpu", "h")] = {"id": "", "kind": "", "options": None, "match": ""}
    out = one(capsys, monkeypatch, kap, topic="cpu", id="h", kind="slack")
    assert out["failed"] and "kind is disabled" in out["msg"] and kap.writes == 0


# ---------------------------------------------------------------------------------------------
# A list

LIST = [
    dict(topic="cpu", id="slack-cpu", kind="slack", options={"channel": "#cpu"}),
    dict(topic="disk", id="pd", kind="pagerduty2", options={"routing_key": RK}),
    dict(topic="cpu", id="log", kind="log", options={"path": "/var/log/cpu.log"}),
]


def many(capsys, monkeypatch, kap, **args):
    return run(capsys, monkeypatch, kap, kapacitor_topic_handlers, args)


def test_a_list_reads_each_topic_once_and_writes_what_differs(capsys, monkeypatch, kap):
    kap.add("cpu", "log", "log", {"path": "/var/log/cpu.log"})
    out = many(capsys, monkeypatch, kap, handlers=copy.deepcopy(LIST), _ansible_diff=True)
    assert out["rc"] == 0 and out["changed"]
    assert methods(kap) == [("GET", "/alerts/topics/cpu/handlers"), ("GET", "/alerts/topics/disk/handlers"),
                            ("POST", "/alerts/topics/cpu/handlers"), ("POST", "/alerts/topics/disk/handlers")]
    assert [(h["topic"], h["id"], h["status"]) for h in out["handlers"]] == [
        ("cpu", "slack-cpu", "written"), ("disk", "pd", "written"), ("cpu", "log", "unchanged")]
    assert out["changed_handlers"] == ["cpu/slack-cpu", "disk/pd"]
    assert [d["before_header"] for d in out["diff"]] == ["cpu/slack-cpu", "disk/pd"]
    assert out["requests"][1] == {"method": "POST", "path": "/kapacitor/v1/alerts/topics/disk/handlers",
                                  "operation": "create", "options": ["kind", "routing_key"], "status": 200}
    assert RK not in json.dumps(out)

    kap.requests = []
    again = many(capsys, monkeypatch, kap, handlers=copy.deepcopy(LIST))
    assert not again["changed"] and again["requests"] == [] and [m for m, _p in methods(kap)] == ["GET", "GET"]


def test_purge_removes_the_unlisted_handlers_of_listed_topics_only(capsys, monkeypatch, kap):
    kap.add("cpu", "old", "log", {"path": "/tmp/old.log"})
    kap.add("mem", "other", "log", {"path": "/tmp/mem.log"})
    out = many(capsys, monkeypatch, kap, handlers=[LIST[0]], purge=True)
    assert [(p["topic"], p["id"], p["operation"], p["status"]) for p in out["purged"]] == [
        ("cpu", "old", "delete", "written")]
    assert ("cpu", "old") not in kap.specs and ("mem", "other") in kap.specs
    assert methods(kap)[-1] == ("DELETE", "/alerts/topics/cpu/handlers/old")


def test_a_failure_mid_list_names_written_failed_and_not_tried(capsys, monkeypatch, kap):
    kap.failures[("POST", "/alerts/topics/disk/handlers")] = (500, "failed to create handler: boom")
    out = many(capsys, monkeypatch, kap, handlers=copy.deepcopy(LIST))
    assert out["failed"] and out["changed"]
    assert (out["written"], out["failed_handler"], out["not_tried"]) == (["cpu/slack-cpu"], "disk/pd", ["cpu/log"])
    assert (out["method"], out["path"], out["status"]) == ("POST", "/kapacitor/v1/alerts/topics/disk/handlers", 500)
    assert [h["status"] for h in out["handlers"]] == ["written", "failed", "not_tried"]
    assert "Written before it: cpu/slack-cpu. Not tried: cpu/log." in out["msg"]
    del kap.failures[("POST", "/alerts/topics/disk/handlers")]
    again = many(capsys, monkeypatch, kap, handlers=copy.deepcopy(LIST))
    assert again["changed_handlers"] == ["disk/pd", "cpu/log"]


def test_every_wrong_entry_and_a_duplicate_are_named_before_any_request(capsys, monkeypatch, kap):
    bad = [LIST[0], dict(topic="cpu", id="x", kind="slack", options={"chanel": "#a"}), "junk", dict(LIST[0], match="x"),
           dict(topic="cpu", id="y", kind="slack", extra="zz-extra")]
    out = many(capsys, monkeypatch, kap, handlers=bad)
    assert out["failed"] and kap.requests == []
    for text in ("item 2 (cpu/x): options.chanel", "item 3: expected a dict", "item 4 (cpu/slack-cpu): the same handler as"
                 " item 1", "item 5 (cpu/y): unknown key extra"):
        assert text in out["msg"], out["msg"]


def test_check_mode_of_a_list(capsys, monkeypatch, kap):
    out = many(capsys, monkeypatch, kap, handlers=copy.deepcopy(LIST), _ansible_check_mode=True)
    assert out["changed"] and kap.writes == 0 and [h["status"] for h in out["handlers"]] == ["would_write"] * 3


# ---------------------------------------------------------------------------------------------
# Reading and adoption

def test_info_returns_the_input_shape_without_secrets_and_applying_it_changes_nothing(capsys, monkeypatch, kap):
    kap.add("disk", "pd", "pagerduty2", {"routing-key": RK}, "changed()")
    kap.add("cpu", "agg", "aggregate", {"interval": 60000000000, "topic": "summary", "id": "x"})
    kap.add("app", "p", "post", {"URL": "http://h", "headers": {"Authorization": "Bearer " + RK}})
    out = run(capsys, monkeypatch, kap, kapacitor_topic_handler_info, {})
    assert out["rc"] == 0 and out["topics"] == ["app", "cpu", "disk"]
    assert out["handlers"] == [
        {"topic": "app", "id": "p", "kind": "post", "options": {"url": "http://h"}, "match": ""},
        {"topic": "cpu", "id": "agg", "kind": "aggregate", "options": {"interval": "1m0s", "topic": "summary",
                                                                       "id": "x"}, "match": ""},
        {"topic": "disk", "id": "pd", "kind": "pagerduty2", "options": {}, "match": "changed()"}]
    assert [s["set"] for s in out["secrets"]] == [["headers"], [], ["routing_key"]]
    assert RK not in json.dumps(out)
    kap.requests = []
    applied = many(capsys, monkeypatch, kap, handlers=out["handlers"])
    assert not applied["changed"] and kap.writes == 0
    only = run(capsys, monkeypatch, kap, kapacitor_topic_handler_info, {"topic": "cpu"})
    assert [h["id"] for h in only["handlers"]] == ["agg"] and methods(kap)[-1] == ("GET", "/alerts/topics/cpu/handlers")
