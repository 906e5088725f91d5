# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.tickstack.kapacitor.plugins.module_utils import connection
from ansible_collections.tickstack.kapacitor.plugins.module_utils.client import KapacitorError
from ansible_collections.tickstack.kapacitor.plugins.modules import kapacitor_test_alert as module
from ansible_collections.tickstack.kapacitor.tests.unit.plugins.modules.module_runner import run_main


class FakeServiceTests:
    """Answers service tests with a scripted {success, message}; GETs from a dict of element paths."""

    def __init__(self, answer=None, elements=None):
        self.answer = answer if answer is not None else {"success": True, "message": ""}
        self.elements = elements or {}
        self.requests = []
        self.writes = 0

    def get_or_none(self, path):
        self.requests.append(("GET", path, None))
        return self.elements.get(path)

    def post(self, path, body, write=True):
        self.requests.append(("POST", path, body))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def run_module(capsys, monkeypatch, kapacitor, args):
    monkeypatch.setattr(connection, "client_from_module", lambda m: kapacitor)
    return run_main(capsys, module, args)


def test_success_is_changed_and_returns_what_was_sent(capsys, monkeypatch):
    kap = FakeServiceTests()
    result = run_module(capsys, monkeypatch, kap, {"handler": "kafka", "name": "events",
                                                   "options": {"topic": "t", "message": "hello"}})
    assert result["rc"] == 0 and result["changed"] and result["success"] and result["message"] == ""
    assert kap.requests == [("POST", "/service-tests/kafka", {"cluster": "events", "topic": "t", "message": "hello"})]
    assert result["options"] == {"cluster": "events", "topic": "t", "message": "hello"}
    assert result["handler"] == "kafka" and result["name"] == "events"


def test_no_options_sends_an_empty_object(capsys, monkeypatch):
    kap = FakeServiceTests()
    result = run_module(capsys, monkeypatch, kap, {"handler": "smtp"})
    assert result["changed"] and kap.requests == [("POST", "/service-tests/smtp", {})]


def test_a_failed_test_fails_with_kapacitors_message_and_a_hint(capsys, monkeypatch):
    kap = FakeServiceTests({"success": False, "message": "service is not enabled"})
    result = run_module(capsys, monkeypatch, kap, {"handler": "telegram", "options": {"message": "m"}})
    assert result["failed"] and not result["changed"] and result["success"] is False
    assert result["message"] == "service is not enabled"
    assert result["msg"].startswith("telegram: the test alert failed: service is not enabled: the endpoint is disabled")
    assert "config: {enabled: true}" in result["hint"]


def test_check_mode_sends_nothing_and_says_what_would_be_sent(capsys, monkeypatch):
    kap = FakeServiceTests()
    result = run_module(capsys, monkeypatch, kap, {"handler": "slack", "name": "ops", "_ansible_check_mode": True})
    assert result["changed"] and kap.requests == []
    assert result["options"] == {"workspace": "ops", "channel": ""} and "success" not in result


def test_httppost_reads_the_endpoint_and_masks_its_headers(capsys, monkeypatch):
    element = {"options": {"endpoint": "hook", "url": "http://hooks.example/a", "headers": {"X-Token": "H3ADER-S3CRET"},
                           "basic-auth": True}}
    kap = FakeServiceTests(elements={"/config/httppost/hook": element})
    result = run_module(capsys, monkeypatch, kap, {"handler": "httppost", "name": "hook"})
    assert result["changed"]
    assert kap.requests[0] == ("GET", "/config/httppost/hook", None)
    assert kap.requests[1] == ("POST", "/service-tests/httppost", {"endpoint": "hook", "url": "http://hooks.example/a",
                                                                   "headers": {"X-Token": "H3ADER-S3CRET"}})
    assert result["options"]["headers"] == {"X-Token": "<set>"}
    assert "H3ADER-S3CRET" not in json.dumps(result)


def test_httppost_of_an_unknown_endpoint_fails_before_sending(capsys, monkeypatch):
    kap = FakeServiceTests()
    result = run_module(capsys, monkeypatch, kap, {"handler": "httppost", "name": "nope"})
    assert result["failed"] and "Kapacitor has no httppost endpoint 'nope' to test" in result["msg"]
    assert [r[0] for r in kap.requests] == ["GET"]


def test_secret_test_options_are_masked_everywhere(capsys, monkeypatch):
    kap = FakeServiceTests()
    result = run_module(capsys, monkeypatch, kap, {"handler": "pushover", "options": {"user_key": "US3R-KEY-S3CRET"}})
    assert kap.requests[0][2] == {"user-key": "US3R-KEY-S3CRET"}
    assert result["options"] == {"user-key": "<set>"}
    assert "US3R-KEY-S3CRET" not in json.dumps(result)


@pytest.mark.parametrize("args, message", [
    ({"handler": "slack", "options": {"chanel": "#x"}}, "slack: options.chanel: unknown test option for handler slack"),
    ({"handler": "kafka"}, "kafka: name: required for handler kafka"),
    ({"handler": "smtp", "name": "x"}, "handler smtp is not a list"),
    ({"handler": "mqtt", "name": "plant"}, "options.topic: required for handler mqtt"),
    ({"handler": "slack", "options": {"level": "loud"}}, "options.level: 'loud' is not allowed"),
    ({"handler": "slack", "options": {"workspace": "ops"}}, "the slack element is chosen with name"),
    ({"handler": "hipchat"}, "value of handler must be one of"),
])
def test_bad_input_fails_before_any_request(capsys, monkeypatch, args, message):
    kap = FakeServiceTests()
    result = run_module(capsys, monkeypatch, kap, args)
    assert result["failed"] and message in result["msg"]
    assert kap.requests == []


def test_a_refused_request_reports_method_path_and_status(capsys, monkeypatch):
    error = KapacitorError("POST /kapacitor/v1/service-tests/mqtt: HTTP 400: failed to decode JSON body:invalid QoS",
                           "POST", "/kapacitor/v1/service-tests/mqtt", 400, "failed to decode JSON body:invalid QoS")
    result = run_module(capsys, monkeypatch, FakeServiceTests(error), {"handler": "mqtt", "options": {"topic": "t"}})
    assert result["failed"] and result["status"] == 400 and result["method"] == "POST"
    assert result["msg"].startswith("mqtt: POST /kapacitor/v1/service-tests/mqtt: HTTP 400")


def test_an_answer_without_success_flag_fails(capsys, monkeypatch):
    result = run_module(capsys, monkeypatch, FakeServiceTests({"unexpected": 1}), {"handler": "talk"})
    assert result["failed"] and "no success flag" in result["msg"]
