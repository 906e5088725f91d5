# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json

import pytest

from ansible_collections.tickstack.kapacitor.plugins.module_utils import connection
from ansible_collections.tickstack.kapacitor.plugins.module_utils import endpoint
from ansible_collections.tickstack.kapacitor.plugins.module_utils import endpoints
from ansible_collections.tickstack.kapacitor.plugins.module_utils.client import KapacitorError
from ansible_collections.tickstack.kapacitor.plugins.modules import kapacitor_alert_endpoints as module
from ansible_collections.tickstack.kapacitor.tests.unit.plugins.module_utils.fake_kapacitor import FakeKapacitor
from ansible_collections.tickstack.kapacitor.tests.unit.plugins.modules.module_runner import run_main, warnings_of


@pytest.fixture
def kapacitor():
    return FakeKapacitor(file_elements={"slack": [""], "kafka": ["default"]})


def run_module(capsys, monkeypatch, kap, args):
    monkeypatch.setattr(connection, "client_from_module", lambda m: kap)
    return run_main(capsys, module, args)


def prepare(kap):
    kap.post("/config/smtp/", {"set": {"enabled": True, "host": "mail.example", "password": "Sup3r"}})
    kap.post("/config/slack", {"add": {"workspace": "ops", "enabled": True, "channel": "#ops", "url": "https://S3CRET"}})
    kap.requests = []


LIST = [
    {"handler": "smtp", "config": {"enabled": True, "host": "mail.example", "password": "Sup3r"}},
    {"handler": "slack", "name": "ops", "config": {"channel": "#other"}},
    {"handler": "slack", "name": "new", "config": {"enabled": True, "url": "https://N3W"}},
    {"handler": "kafka", "name": "gone", "state": "absent"},
    {"handler": "telegram", "config": {"parse_mode": "HTML"}},
]


def summary(result):
    return [(r["handler"], r["name"], r["changed"], r["operation"], r["changed_options"], r["status"])
            for r in result["endpoints"]]


def test_a_whole_list_in_one_read_one_post_per_change_and_one_read_after(capsys, monkeypatch, kapacitor):
    prepare(kapacitor)
    result = run_module(capsys, monkeypatch, kapacitor, {"endpoints": copy.deepcopy(LIST), "_ansible_diff": True})
    assert result["rc"] == 0 and result["changed"]
    assert summary(result) == [
        ("smtp", None, False, None, [], "unchanged"),
        ("slack", "ops", True, "set", ["channel"], "written"),
        ("slack", "new", True, "add", ["enabled", "url"], "written"),
        ("kafka", "gone", False, None, [], "unchanged"),
        ("telegram", None, True, "set", ["parse_mode"], "written"),
    ]
    assert [r[:2] for r in kapacitor.requests] == [
        ("GET", "/config"), ("POST", "/config/slack/ops"), ("POST", "/config/slack"), ("POST", "/config/telegram/"),
        ("GET", "/config")]
    assert [(r["path"], r["operation"], r["options"]) for r in result["requests"]] == [
        ("/kapacitor/v1/config/slack/ops", "set", ["channel"]), ("/kapacitor/v1/config/slack", "add",
                                                                 ["workspace", "enabled", "url"]),
        ("/kapacitor/v1/config/telegram/", "set", ["parse_mode"])]
    assert result["changed_endpoints"] == ["slack/ops", "slack/new", "telegram"]
    assert [d["before_header"] for d in result["diff"]] == ["slack/ops", "slack/new", "telegram"]
    assert result["endpoints"][2]["endpoint"]["secrets"]["url"] == "set"
    for secret in ("Sup3r", "S3CRET", "N3W"):
        assert secret not in json.dumps(result)

    kapacitor.requests = []
    again = run_module(capsys, monkeypatch, kapacitor, {"endpoints": copy.deepcopy(LIST)})
    assert again["rc"] == 0 and not again["changed"] and again["requests"] == []
    assert kapacitor.requests == [("GET", "/config", None)]


def test_the_verdict_of_each_entry_is_the_singular_modules(kapacitor):
    """Each entry is planned exactly as kapacitor_alert_endpoint plans it, with both update_secrets values."""
    prepare(kapacitor)
    checked = endpoints.check_entries(copy.deepcopy(LIST))
    for update_secrets in ("when_unset", "always"):
        kap = copy.deepcopy(kapacitor)
        together = endpoints.run(kap, checked, update_secrets, False, True, lambda w: None)["endpoints"]
        for entry, verdict in zip(checked, together):
            alone = endpoint.run(copy.deepcopy(kapacitor), entry.handler, entry.name, entry.desired, entry.state,
                                 update_secrets, check_mode=True)
            assert (verdict["changed"], verdict["operation"], verdict["changed_options"]) == (
                alone["changed"], alone["operation"], alone["changed_options"]), (entry.handler.name, entry.name)
        assert kap.posts() == []
    # `always` sends the secret given, so the matching smtp entry then differs.
    result = endpoints.run(copy.deepcopy(kapacitor), checked, "always", False, True, lambda w: None)
    assert result["endpoints"][0]["changed_options"] == ["password"]


def test_every_wrong_entry_is_refused_before_any_request(capsys, monkeypatch, kapacitor):
    entries = [
        {"handler": "slack", "name": "ops", "config": {"chanel": "#x", "url": "https://TYPO-S3CRET"}},
        {"handler": "smtp", "config": {"port": "many"}},
        {"handler": "smtp", "name": "x"},
        {"handler": "slak", "config": {"url": "https://UNKNOWN-S3CRET"}},
        {"handler": "smtp", "confg": {}},
        {"handler": "slack", "name": "ops", "state": "absent"},
        {"handler": "smtp", "state": "present", "reset_options": ["port"]},
        "a string",
    ]
    result = run_module(capsys, monkeypatch, kapacitor, {"endpoints": entries})
    assert result["failed"] and kapacitor.requests == [] and not result["changed"]
    msg = result["msg"]
    assert msg.startswith("item 1 (slack 'ops'): config.chanel: unknown option for handler slack")
    for part in ("item 2 (smtp): config.port: expected", "item 3 (smtp 'x'): name: handler smtp is not a list",
                 "item 4 (slak): handler: expected one of alerta", "item 5 (smtp): unknown key confg",
                 "item 6 (slack 'ops'): the same endpoint as item 1", "item 7 (smtp): reset_options: only with",
                 "item 8: expected a dict"):
        assert part in msg
    assert "S3CRET" not in json.dumps(result)


def test_an_unnamed_workspace_change_beside_named_ones_writes_nothing(capsys, monkeypatch, kapacitor):
    prepare(kapacitor)
    result = run_module(capsys, monkeypatch, kapacitor, {"endpoints": [
        {"handler": "smtp", "config": {"port": 2525}},
        {"handler": "slack", "name": "", "config": {"channel": "#all"}}]})
    assert result["failed"] and "nothing was written: item 2 (slack ''): slack: Kapacitor applies" in result["msg"]
    assert kapacitor.requests == [("GET", "/config", None)]


class FailingKapacitor(FakeKapacitor):
    """Refuses the POST to one path."""

    fail_path = None

    def post(self, path, body, write=True):
        if path == self.fail_path:
            self.requests.append(("POST", path, copy.deepcopy(body)))
            raise KapacitorError("POST /kapacitor/v1%s: HTTP 400: bad" % path, "POST", "/kapacitor/v1" + path, 400,
                                 "failed to override configuration", "http")
        return super(FailingKapacitor, self).post(path, body, write)


def test_a_failure_mid_list_names_written_failed_and_not_tried(capsys, monkeypatch):
    kap = FailingKapacitor()
    kap.fail_path = "/config/smtp/"
    entries = [{"handler": "telegram", "config": {"chat_id": "1"}},
               {"handler": "smtp", "config": {"port": 2525}},
               {"handler": "pagerduty2", "config": {"enabled": True}},
               {"handler": "victorops", "config": {}}]
    result = run_module(capsys, monkeypatch, kap, {"endpoints": entries})
    assert result["failed"] and result["changed"]
    assert result["written"] == ["telegram"] and result["failed_endpoint"] == "smtp"
    assert result["not_tried"] == ["pagerduty2"]
    assert (result["method"], result["path"], result["status"]) == ("POST", "/kapacitor/v1/config/smtp/", 400)
    assert "item 2 (smtp): POST /kapacitor/v1/config/smtp/: HTTP 400" in result["msg"]
    assert "Written before it: telegram. Not tried: pagerduty2." in result["msg"]
    assert [r["status"] for r in result["endpoints"]] == ["written", "failed", "not_tried", "unchanged"]
    assert [r[1] for r in kap.posts()] == ["/config/telegram/", "/config/smtp/"]
    # Kapacitor was read again to report what it holds.
    assert kap.requests[-1] == ("GET", "/config", None)


def test_purge_removes_unlisted_elements_of_listed_handlers_only(capsys, monkeypatch, kapacitor):
    prepare(kapacitor)
    kapacitor.post("/config/slack", {"add": {"workspace": "old", "enabled": True}})
    kapacitor.post("/config/kafka", {"add": {"id": "extra", "enabled": True}})
    kapacitor.requests = []
    result = run_module(capsys, monkeypatch, kapacitor, {"purge": True, "endpoints": [
        {"handler": "slack", "name": "ops", "config": {"channel": "#ops"}}]})
    assert result["rc"] == 0 and result["changed"]
    assert [(p["handler"], p["name"], p["changed"]) for p in result["purged"]] == [("slack", "old", True)]
    assert [r[:2] for r in kapacitor.posts()] == [("POST", "/config/slack")]
    assert kapacitor.posts()[0][2] == {"remove": ["old"]}
    names = [e["workspace"] for e in kapacitor.sections["slack"]]
    assert names == ["", "ops"] and [e["id"] for e in kapacitor.sections["kafka"]] == ["default", "extra"]


def test_purge_leaves_a_kapacitor_conf_element_with_a_warning(capsys, monkeypatch, kapacitor):
    result = run_module(capsys, monkeypatch, kapacitor, {"purge": True, "endpoints": [
        {"handler": "kafka", "name": "events", "config": {"enabled": True}}]})
    assert result["rc"] == 0
    purged = dict(((p["handler"], p["name"]), p) for p in result["purged"])
    assert purged[("kafka", "default")]["changed"] is False
    assert any("kafka/default defined in kapacitor.conf" in w for w in warnings_of(result))


def test_reset_drops_overrides_and_reports_a_change_only_when_values_differ(capsys, monkeypatch, kapacitor):
    prepare(kapacitor)
    result = run_module(capsys, monkeypatch, kapacitor, {"endpoints": [
        {"handler": "smtp", "state": "reset", "reset_options": ["host"]},
        {"handler": "slack", "name": "ops", "state": "reset"}]})
    assert result["rc"] == 0 and result["changed"]
    assert [(r["operation"], r["changed"]) for r in result["endpoints"]] == [("delete", True), ("remove", True)]
    assert [r[1:] for r in kapacitor.posts()] == [
        ("/config/smtp/", {"delete": ["host"]}), ("/config/slack", {"remove": ["ops"]})]
    again = run_module(capsys, monkeypatch, kapacitor, {"endpoints": [
        {"handler": "smtp", "state": "reset", "reset_options": ["host"]},
        {"handler": "slack", "name": "ops", "state": "reset"}]})
    assert again["rc"] == 0 and not again["changed"], again
    # The smtp reset is sent again (Kapacitor cannot tell whether an override exists); the removed element is gone.
    assert [r["operation"] for r in again["endpoints"]] == ["delete", None]


def test_check_mode_sends_nothing_and_says_a_reset_cannot_be_predicted(capsys, monkeypatch, kapacitor):
    prepare(kapacitor)
    result = run_module(capsys, monkeypatch, kapacitor, {"_ansible_check_mode": True, "endpoints": copy.deepcopy(LIST) + [
        {"handler": "zenoss", "state": "reset"}]})
    assert result["rc"] == 0 and result["changed"] and kapacitor.posts() == []
    assert [r["status"] for r in result["endpoints"]] == [
        "unchanged", "would_write", "would_write", "unchanged", "would_write", "would_write"]
    assert result["endpoints"][5]["changed"] is False
    assert any("check mode cannot tell" in w for w in warnings_of(result))


def test_name_null_means_no_name(capsys, monkeypatch, kapacitor):
    result = run_module(capsys, monkeypatch, kapacitor, {"endpoints": [
        {"handler": "smtp", "name": None, "config": {"port": 2525}, "test_options": {"subject": "x"}}]})
    assert result["rc"] == 0 and result["changed_endpoints"] == ["smtp"]
    assert result["endpoints"][0]["name"] is None
