# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.tickstack.kapacitor.plugins.module_utils import connection
from ansible_collections.tickstack.kapacitor.plugins.module_utils.client import KapacitorError
from ansible_collections.tickstack.kapacitor.plugins.modules import kapacitor_alert_endpoint as module
from ansible_collections.tickstack.kapacitor.tests.unit.plugins.module_utils.fake_kapacitor import FakeKapacitor
from ansible_collections.tickstack.kapacitor.tests.unit.plugins.modules.module_runner import run_main


@pytest.fixture
def kapacitor(monkeypatch):
    kap = FakeKapacitor(file_elements={"slack": [""]})
    monkeypatch.setattr(connection, "client_from_module", lambda m: kap)
    return kap


def run_module(capsys, args):
    return run_main(capsys, module, args)


def test_create_then_rerun(capsys, kapacitor):
    config = {"enabled": True, "url": "https://hooks.example/T0P-SECRET", "channel": "#ops"}
    args = {"handler": "slack", "name": "ops", "config": config}
    first = run_module(capsys, args)
    assert first["changed"] and first["rc"] == 0 and first["operation"] == "add"
    assert "T0P-SECRET" not in json.dumps(first)
    # ansible-core 2.19 returns the invocation from the module, newer cores add it on the controller.
    if "invocation" in first:
        assert first["invocation"]["module_args"]["config"]["url"] in ("********", "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER")
    assert first["endpoint"]["secrets"]["url"] == "set"
    assert "diff" not in first
    second = run_module(capsys, args)
    assert not second["changed"] and len(kapacitor.posts()) == 1


def test_diff_and_check_mode(capsys, kapacitor):
    result = run_module(capsys, {"handler": "smtp", "config": {"host": "mail.example", "password": "Sup3rSecret!"},
                                 "_ansible_check_mode": True, "_ansible_diff": True})
    assert result["changed"] and kapacitor.posts() == []
    assert result["diff"] == {"before": {"host": "localhost", "password": "<unset>"},
                              "after": {"host": "mail.example", "password": "<set>"}}
    assert "Sup3rSecret!" not in json.dumps(result)


def test_bad_input_fails_before_any_request(capsys, kapacitor):
    config = {"url": "https://hooks.example/S3CRET-URL", "chanel": "#x"}
    result = run_module(capsys, {"handler": "slack", "name": "ops", "config": config})
    assert result["failed"] and "config.chanel: unknown option for handler slack" in result["msg"]
    assert "S3CRET-URL" not in json.dumps(result)
    assert kapacitor.requests == []


@pytest.mark.parametrize("args, message", [
    ({"handler": "smtp", "state": "absent"}, "smtp: state=absent: smtp is not a list of elements"),
    ({"handler": "slack", "name": "", "state": "absent"}, "the unnamed slack workspace"),
    ({"handler": "kafka", "config": {}}, "kafka: name: handler kafka is a list of elements keyed by id"),
    ({"handler": "telegram", "name": "x"}, "telegram 'x': name: handler telegram is not a list"),
    ({"handler": "hipchat"}, "value of handler must be one of"),
    ({"handler": "slack", "name": "x", "update_secrets": "sometimes"}, "value of update_secrets must be one of"),
    ({"handler": "slack", "name": "x", "config": ["enabled"]}, "config"),
    ({"handler": "smtp", "kapacitor_token": "token-value", "kapacitor_username": "someone", "kapacitor_password": "password-value"},
     "mutually exclusive"),
    ({"handler": "smtp", "kapacitor_username": "someone"}, "parameters are required together"),
])
def test_refusals_without_requests(capsys, kapacitor, args, message):
    result = run_module(capsys, args)
    assert result["failed"] and message in result["msg"]
    assert kapacitor.requests == []


def test_deprecated_handler_warns(capsys, kapacitor):
    result = run_module(capsys, {"handler": "pagerduty", "config": {"enabled": False}})
    assert "move to handler=pagerduty2" in json.dumps(result["warnings"]), result["warnings"]


def test_kapacitor_errors_are_reported_with_request_details(capsys, kapacitor, monkeypatch):
    def refuse(path, body):
        raise KapacitorError("POST /kapacitor/v1/config/smtp/: HTTP 400: failed validation: invalid port 0",
                             "POST", "/kapacitor/v1/config/smtp/", 400, "failed validation: invalid port 0")
    monkeypatch.setattr(kapacitor, "post", refuse)
    result = run_module(capsys, {"handler": "smtp", "config": {"port": 0}})
    assert result["failed"] and result["status"] == 400 and result["method"] == "POST"
    assert result["msg"] == "smtp: POST /kapacitor/v1/config/smtp/: HTTP 400: failed validation: invalid port 0"
    assert result["kapacitor_message"] == "failed validation: invalid port 0"


def test_file_defined_element_absent_fails_clearly(capsys, monkeypatch):
    kap = FakeKapacitor(file_elements={"mqtt": ["localhost"]})
    monkeypatch.setattr(connection, "client_from_module", lambda m: kap)
    result = run_module(capsys, {"handler": "mqtt", "name": "localhost", "state": "absent"})
    assert result["failed"] and "is defined in kapacitor.conf" in result["msg"]
    assert "config: {enabled: false}" in result["msg"]


def test_env_fallback_and_defaults(capsys, monkeypatch):
    seen = {}

    def capture(m):
        seen.update(m.params)
        return FakeKapacitor()
    monkeypatch.setattr(connection, "client_from_module", capture)
    monkeypatch.setenv("KAPACITOR_URL", "https://k.example:9092")
    monkeypatch.setenv("KAPACITOR_TOKEN", "env-token-value")
    result = run_module(capsys, {"handler": "teams", "config": {"enabled": False}})
    assert not result["changed"]
    assert seen["kapacitor_url"] == "https://k.example:9092" and seen["kapacitor_token"] == "env-token-value"
    assert seen["timeout"] == 10 and seen["validate_certs"] is True and seen["use_proxy"] is True


def test_empty_env_variables_count_as_unset(capsys, monkeypatch):
    # AWX injects every credential field; blank ones arrive as empty variables.
    seen = {}

    def capture(m):
        seen.update(m.params)
        return FakeKapacitor()
    monkeypatch.setattr(connection, "client_from_module", capture)
    monkeypatch.setenv("KAPACITOR_URL", "")
    monkeypatch.setenv("KAPACITOR_TOKEN", "")
    monkeypatch.setenv("KAPACITOR_USERNAME", "ops")
    monkeypatch.setenv("KAPACITOR_PASSWORD", "env-password-value")
    result = run_module(capsys, {"handler": "teams", "config": {"enabled": False}})
    assert not result.get("failed"), result.get("msg")
    assert seen["kapacitor_token"] is None and seen["kapacitor_username"] == "ops"
    # An empty KAPACITOR_URL is unset: client_from_module then applies http://localhost:9092.
    assert seen["kapacitor_url"] is None
