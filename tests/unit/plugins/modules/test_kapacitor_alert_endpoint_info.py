# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json

import pytest

from ansible_collections.tickstack.kapacitor.plugins.module_utils import compare as C
from ansible_collections.tickstack.kapacitor.plugins.module_utils import endpoint as E
from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers as H
from ansible_collections.tickstack.kapacitor.plugins.module_utils.client import KapacitorError
from ansible_collections.tickstack.kapacitor.plugins.modules import kapacitor_alert_endpoint_info as module
from ansible_collections.tickstack.kapacitor.tests.unit.plugins.module_utils.fake_kapacitor import FakeKapacitor
from ansible_collections.tickstack.kapacitor.tests.unit.plugins.modules.module_runner import run_main


class FakeKapacitorWithConfig(FakeKapacitor):
    """FakeKapacitor plus GET /config (every section at once) and the version header."""

    kapacitor_version = "1.8.3"

    def get(self, path):
        if path != "/config":
            return super(FakeKapacitorWithConfig, self).get(path)
        self.requests.append(("GET", path, None))
        sections = {"hipchat": {"elements": [{"options": {"enabled": False, "token": False}}]}}
        for name, elements in self.sections.items():
            if elements:
                sections[name] = {"elements": [{"options": copy.deepcopy(e)} for e in elements]}
        return {"sections": sections}


@pytest.fixture
def kapacitor():
    return FakeKapacitorWithConfig(file_elements={"slack": [""], "kafka": ["default"]})


def run_module(capsys, monkeypatch, kap, args):
    monkeypatch.setattr(module, "client_from_module", lambda m: kap)
    return run_main(capsys, module, args)


def test_everything_in_one_request(capsys, monkeypatch, kapacitor):
    result = run_module(capsys, monkeypatch, kapacitor, {})
    assert result["rc"] == 0 and not result["changed"]
    assert kapacitor.requests == [("GET", "/config", None)]
    handlers = [e["handler"] for e in result["endpoints"]]
    assert "hipchat" not in handlers
    assert handlers == [h for h in H.HANDLER_NAMES if h not in ("discord", "httppost", "mqtt")]
    assert [s["handler"] for s in result["secrets"]] == handlers
    assert result["kapacitor_version"] == "1.8.3"


def test_without_defaults_only_configured_endpoints_are_left(capsys, monkeypatch, kapacitor):
    kapacitor.post("/config/smtp/", {"set": {"enabled": True, "host": "mail.example", "password": "Sup3r"}})
    kapacitor.post("/config/slack", {"add": {"workspace": "ops", "enabled": True, "url": "https://hooks/S3CRET"}})
    kapacitor.requests = []
    result = run_module(capsys, monkeypatch, kapacitor, {"include_defaults": False})
    assert result["endpoints"] == [
        {"handler": "slack", "name": "ops", "config": {"enabled": True, "default": False, "username": ""}},
        {"handler": "smtp", "config": {"enabled": True, "host": "mail.example"}},
    ]
    assert result["secrets"] == [
        {"handler": "slack", "name": "ops", "set": ["url"], "unset": ["token"]},
        {"handler": "smtp", "set": ["password"], "unset": []},
    ]
    assert "S3CRET" not in json.dumps(result) and "Sup3r" not in json.dumps(result)


def test_one_handler_in_one_request(capsys, monkeypatch, kapacitor):
    kapacitor.post("/config/slack", {"add": {"workspace": "ops", "enabled": True}})
    kapacitor.requests = []
    result = run_module(capsys, monkeypatch, kapacitor, {"handler": "slack", "include_defaults": False})
    assert kapacitor.requests == [("GET", "/config/slack", None)]
    assert [e["name"] for e in result["endpoints"]] == ["", "ops"]


def test_one_element_in_one_request(capsys, monkeypatch, kapacitor):
    result = run_module(capsys, monkeypatch, kapacitor, {"handler": "kafka", "name": "default"})
    assert kapacitor.requests == [("GET", "/config/kafka/default", None)]
    assert [(e["handler"], e["name"]) for e in result["endpoints"]] == [("kafka", "default")]
    assert result["secrets"][0]["unset"] == ["SASLAuth.SASLPassword", "SASLAuth.SASLOAUTHClientSecret",
                                             "SASLAuth.SASLAccessToken"]


def test_a_missing_element_gives_no_endpoint(capsys, monkeypatch, kapacitor):
    result = run_module(capsys, monkeypatch, kapacitor, {"handler": "kafka", "name": "nope"})
    assert result["rc"] == 0 and result["endpoints"] == [] and result["secrets"] == []


def test_an_empty_list_handler_gives_no_endpoint(capsys, monkeypatch, kapacitor):
    result = run_module(capsys, monkeypatch, kapacitor, {"handler": "mqtt"})
    assert result["rc"] == 0 and result["endpoints"] == []


@pytest.mark.parametrize("args, message", [
    ({"name": "ops"}, "missing parameter(s) required by 'name': handler"),
    ({"handler": "smtp", "name": "x"}, "smtp: name: handler smtp is not a list of elements"),
    ({"handler": "kafka", "name": "a b"}, "may only contain letters"),
    ({"handler": "hipchat"}, "value of handler must be one of"),
])
def test_refusals_without_requests(capsys, monkeypatch, kapacitor, args, message):
    result = run_module(capsys, monkeypatch, kapacitor, args)
    assert result["failed"] and message in result["msg"]
    assert kapacitor.requests == []


def test_a_failed_read_reports_the_request(capsys, monkeypatch, kapacitor):
    def refuse(path):
        raise KapacitorError("GET /kapacitor/v1/config: HTTP 403: config override service is not enabled",
                             "GET", "/kapacitor/v1/config", 403, "config override service is not enabled")
    monkeypatch.setattr(kapacitor, "get", refuse)
    result = run_module(capsys, monkeypatch, kapacitor, {})
    assert result["failed"] and result["status"] == 403 and result["path"] == "/kapacitor/v1/config"


def test_unknown_options_warn(capsys, monkeypatch, kapacitor):
    kapacitor.sections["telegram"][0]["brand-new"] = True
    result = run_module(capsys, monkeypatch, kapacitor, {"handler": "telegram"})
    assert "brand_new" not in result["endpoints"][0]["config"]
    assert "left out: telegram (brand-new)" in json.dumps(result["warnings"])


# ---------------------------------------------------------------------------------------------
# compare: a whole list checked and compared from one read


def prepare(kap):
    kap.post("/config/smtp/", {"set": {"enabled": True, "host": "mail.example", "password": "Sup3r"}})
    kap.post("/config/slack", {"add": {"workspace": "ops", "enabled": True, "channel": "#ops", "url": "https://S3CRET"}})
    kap.requests = []


LIST = [
    {"handler": "smtp", "config": {"enabled": True, "host": "mail.example", "password": "Sup3r"}},
    {"handler": "slack", "name": "ops", "config": {"channel": "#other"}},
    {"handler": "slack", "name": "new", "config": {"enabled": True, "url": "https://N3W"}},
    {"handler": "kafka", "name": "default", "state": "absent"},
    {"handler": "kafka", "name": "gone", "state": "absent"},
    {"handler": "telegram", "config": {"parse_mode": "HTML"}},
]


def test_compare_tells_what_each_entry_would_change_from_one_read(capsys, monkeypatch, kapacitor):
    prepare(kapacitor)
    result = run_module(capsys, monkeypatch, kapacitor, {"compare": copy.deepcopy(LIST)})
    assert result["rc"] == 0 and not result["changed"]
    assert kapacitor.requests == [("GET", "/config", None)]
    assert [(c["handler"], c["name"], c["changed"], c["operation"], c["changed_options"])
            for c in result["comparison"]] == [
        ("smtp", None, False, None, []),
        ("slack", "ops", True, "set", ["channel"]),
        ("slack", "new", True, "add", ["enabled", "url"]),
        ("kafka", "default", True, "remove", []),
        ("kafka", "gone", False, None, []),
        ("telegram", None, True, "set", ["parse_mode"]),
    ]
    assert result["comparison"][1]["endpoint"]["config"]["channel"] == "#ops"
    assert result["comparison"][1]["endpoint"]["secrets"] == {"url": "set", "token": "unset"}
    assert result["comparison"][2]["endpoint"]["exists"] is False
    assert "endpoints" not in result and "secrets" not in result
    for secret in ("Sup3r", "S3CRET", "N3W"):
        assert secret not in json.dumps(result)


def test_compare_agrees_with_kapacitor_alert_endpoint(kapacitor):
    """Each entry's verdict is what kapacitor_alert_endpoint itself decides in check mode."""
    prepare(kapacitor)
    checked = C.check_entries(copy.deepcopy(LIST))
    elements = dict((name, [{"options": copy.deepcopy(o)} for o in options])
                    for name, options in kapacitor.sections.items())
    for update_secrets in ("when_unset", "always"):
        compared = C.compare(checked, elements, update_secrets)
        for (handler, name, desired, state), verdict in zip(checked, compared):
            alone = E.run(kapacitor, handler, name, desired, state, update_secrets, check_mode=True)
            assert (verdict["changed"], verdict["operation"], verdict["changed_options"]) == (
                alone["changed"], alone["operation"], alone["changed_options"]), (handler.name, name, update_secrets)
    # `always` sends the secret given, so the matching smtp entry then differs.
    assert C.compare(checked, elements, "always")[0]["changed_options"] == ["password"]


def test_compare_refuses_every_wrong_entry_before_any_request(capsys, monkeypatch, kapacitor):
    entries = [
        {"handler": "slack", "name": "ops", "config": {"chanel": "#x", "url": "https://TYPO-S3CRET"}},
        {"handler": "smtp", "config": {"port": "many"}},
        {"handler": "smtp", "name": "x"},
        {"handler": "slak", "config": {"url": "https://UNKNOWN-S3CRET"}},
        {"handler": "smtp", "confg": {}},
        {"handler": "slack", "name": "ops", "state": "absent"},
    ]
    result = run_module(capsys, monkeypatch, kapacitor, {"compare": entries})
    assert result["failed"] and kapacitor.requests == []
    msg = result["msg"]
    assert msg.startswith("compare: item 1 (slack 'ops'): config.chanel: unknown option for handler slack")
    for part in ("item 2 (smtp): config.port: expected", "item 3 (smtp 'x'): name: handler smtp is not a list",
                 "item 4 (slak): handler: expected one of alerta", "item 5 (smtp): unknown key confg",
                 "item 6 (slack 'ops'): the same endpoint as item 1"):
        assert part in msg
    assert "S3CRET" not in json.dumps(result)


def test_compare_refuses_a_change_of_the_unnamed_workspace_beside_named_ones(capsys, monkeypatch, kapacitor):
    prepare(kapacitor)
    result = run_module(capsys, monkeypatch, kapacitor, {"compare": [
        {"handler": "slack", "name": "", "config": {"channel": "#all"}}]})
    assert result["failed"] and "compare: item 1: slack: Kapacitor applies a change of the unnamed" in result["msg"]
    assert kapacitor.requests == [("GET", "/config", None)]


def test_compare_and_handler_are_exclusive(capsys, monkeypatch, kapacitor):
    result = run_module(capsys, monkeypatch, kapacitor, {"compare": [], "handler": "smtp"})
    assert result["failed"] and "mutually exclusive" in result["msg"] and kapacitor.requests == []


def test_compare_of_a_handler_this_kapacitor_lacks_leaves_it_to_the_endpoint_module(capsys, monkeypatch, kapacitor):
    del kapacitor.sections["zenoss"]
    result = run_module(capsys, monkeypatch, kapacitor, {"compare": [{"handler": "zenoss", "config": {"enabled": True}}]})
    assert result["rc"] == 0
    assert result["comparison"][0]["changed"] is True and result["comparison"][0]["operation"] is None


def test_compare_entries_that_are_not_dicts_are_refused_without_leaking(capsys, monkeypatch, kapacitor):
    result = run_module(capsys, monkeypatch, kapacitor, {"compare": [
        {"handler": "slack", "name": "ops", "config": {"url": "https://S3CRET"}}, "smtp"]})
    assert result["failed"] and "compare" in result["msg"] and kapacitor.requests == []
    assert "S3CRET" not in json.dumps(result)
