# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.tickstack.kapacitor.plugins.module_utils import connection
from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers
from ansible_collections.tickstack.kapacitor.plugins.module_utils.client import KapacitorError
from ansible_collections.tickstack.kapacitor.plugins.modules import kapacitor_alert_endpoint_info as module
from ansible_collections.tickstack.kapacitor.tests.unit.plugins.module_utils.fake_kapacitor import FakeKapacitor
from ansible_collections.tickstack.kapacitor.tests.unit.plugins.modules.module_runner import run_main, warnings_of


@pytest.fixture
def kapacitor():
    return FakeKapacitor(file_elements={"slack": [""], "kafka": ["default"]})


def run_module(capsys, monkeypatch, kap, args):
    monkeypatch.setattr(connection, "client_from_module", lambda m: kap)
    return run_main(capsys, module, args)


def test_everything_in_one_request(capsys, monkeypatch, kapacitor):
    result = run_module(capsys, monkeypatch, kapacitor, {})
    assert result["rc"] == 0 and not result["changed"]
    assert kapacitor.requests == [("GET", "/config", None)]
    names = [e["handler"] for e in result["endpoints"]]
    assert "hipchat" not in names
    assert names == [h for h in handlers.HANDLER_NAMES if h not in ("discord", "httppost", "mqtt")]
    assert [s["handler"] for s in result["secrets"]] == names
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


def test_elements_the_api_cannot_address_are_skipped_with_the_reason(capsys, monkeypatch, kapacitor):
    kapacitor.sections["slack"].append(dict(kapacitor.sections["slack"][0], workspace="prod.eu"))
    result = run_module(capsys, monkeypatch, kapacitor, {"handler": "slack"})
    assert result["rc"] == 0
    assert [e["name"] for e in result["endpoints"]] == [""]
    assert result["skipped"] == [{"handler": "slack", "name": "prod.eu", "reason": result["skipped"][0]["reason"]}]
    assert "cannot update an element whose name has characters" in result["skipped"][0]["reason"]
    assert any("slack/prod.eu" in w for w in warnings_of(result))
