# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.tickstack.kapacitor.plugins.module_utils import endpoint
from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers
from ansible_collections.tickstack.kapacitor.plugins.module_utils import values
from ansible_collections.tickstack.kapacitor.plugins.module_utils.client import KapacitorError
from ansible_collections.tickstack.kapacitor.tests.unit.plugins.module_utils.fake_kapacitor import FakeKapacitor


def run(kap, handler, name, config, state="present", update_secrets="when_unset", check_mode=False):
    h = handlers.get_handler(handler)
    desired = values.check_config(h, config)
    return endpoint.run(kap, h, name, desired, state, update_secrets, check_mode)


def test_non_list_update_sends_one_set_on_the_trailing_slash_path_then_nothing():
    kap = FakeKapacitor()
    result = run(kap, "smtp", None, {"enabled": True, "port": "587", "idle_timeout": "60s", "to": ["a@example.com"]})
    assert result["changed"] and result["operation"] == "set"
    sent = {"set": {"enabled": True, "port": 587, "idle-timeout": "1m0s", "to": ["a@example.com"]}}
    assert kap.posts() == [("POST", "/config/smtp/", sent)]
    assert result["endpoint"]["config"]["idle_timeout"] == "1m0s"
    kap.requests = []
    again = run(kap, "smtp", None, {"enabled": True, "port": 587, "idle_timeout": "1m", "to": ["a@example.com"]})
    assert not again["changed"] and kap.posts() == []
    assert [r[0] for r in kap.requests] == ["GET"]


def test_only_the_differing_options_are_sent():
    kap = FakeKapacitor()
    run(kap, "telegram", None, {"enabled": True, "chat_id": "1"})
    kap.requests = []
    result = run(kap, "telegram", None, {"enabled": True, "chat_id": "2"})
    assert kap.posts() == [("POST", "/config/telegram/", {"set": {"chat-id": "2"}})]
    assert result["changed_options"] == ["chat_id"]


def test_empty_list_equals_unset_list():
    kap = FakeKapacitor()
    assert not run(kap, "sensu", None, {"handlers": []})["changed"]


def test_new_list_element_is_added_with_key_and_every_option_given():
    kap = FakeKapacitor()
    result = run(kap, "slack", "ops", {"enabled": True, "url": "https://hooks.example/x", "channel": "#ops"})
    sent = {"add": {"workspace": "ops", "enabled": True, "url": "https://hooks.example/x", "channel": "#ops"}}
    assert kap.posts() == [("POST", "/config/slack", sent)]
    assert result["operation"] == "add"
    assert result["endpoint"]["secrets"]["url"] == "set"
    assert "url" not in result["endpoint"]["config"]
    assert result["endpoint"]["config"]["username"] == ""  # add starts from zero values
    kap.requests = []
    again = run(kap, "slack", "ops", {"enabled": True, "url": "https://hooks.example/x", "channel": "#ops"})
    assert not again["changed"] and kap.posts() == []


def test_existing_list_element_gets_set_on_its_path_without_the_key():
    kap = FakeKapacitor(file_elements={"kafka": ["main"]})
    result = run(kap, "kafka", "main", {"brokers": ["k:9092"], "batch_size": 10})
    assert kap.posts() == [("POST", "/config/kafka/main", {"set": {"brokers": ["k:9092"], "batch-size": 10}})]
    assert result["operation"] == "set"


def test_redacted_secret_when_unset_and_always():
    kap = FakeKapacitor()
    first = run(kap, "pagerduty2", None, {"routing_key": "rk-1"})
    assert first["changed"]
    kap.requests = []
    second = run(kap, "pagerduty2", None, {"routing_key": "rk-2"})
    assert not second["changed"] and kap.posts() == []
    always = run(kap, "pagerduty2", None, {"routing_key": "rk-2"}, update_secrets="always")
    assert always["changed"] and kap.posts() == [("POST", "/config/pagerduty2/", {"set": {"routing-key": "rk-2"}})]
    assert always["diff"] == {"before": {"routing_key": "<set>"}, "after": {"routing_key": "<changed>"}}


def test_empty_secret_clears_only_when_set():
    kap = FakeKapacitor()
    assert not run(kap, "victorops", None, {"api_key": ""})["changed"]
    run(kap, "victorops", None, {"api_key": "k"})
    kap.requests = []
    result = run(kap, "victorops", None, {"api_key": ""}, update_secrets="always")
    assert kap.posts() == [("POST", "/config/victorops/", {"set": {"api-key": ""}})]
    assert result["endpoint"]["secrets"]["api_key"] == "unset"
    assert result["diff"]["after"]["api_key"] == "<unset>"


def test_snmptrap_community_default_counts_as_set():
    kap = FakeKapacitor()
    assert not run(kap, "snmptrap", None, {"community": "private"})["changed"]
    assert run(kap, "snmptrap", None, {"community": "private"}, update_secrets="always")["changed"]


def test_sensitive_values_compare_by_value_and_never_show():
    kap = FakeKapacitor()
    result = run(kap, "teams", None, {"channel_url": "https://outlook.example/webhook/SECRET1"})
    assert result["changed"]
    assert "SECRET1" not in repr(result)
    assert result["endpoint"]["secrets"] == {"channel_url": "set"}
    assert not run(kap, "teams", None, {"channel_url": "https://outlook.example/webhook/SECRET1"})["changed"]
    changed = run(kap, "teams", None, {"channel_url": "https://outlook.example/webhook/SECRET2"})
    assert changed["diff"] == {"before": {"channel_url": "<set>"}, "after": {"channel_url": "<changed>"}}


def test_kafka_sasl_merges_per_field_and_masks_secrets():
    kap = FakeKapacitor(file_elements={"kafka": ["main"]})
    result = run(kap, "kafka", "main", {"SASLAuth": {"SASLUsername": "u", "SASLPassword": "pw-SECRET",
                                                     "SASLMechanism": "PLAIN", "SASLOAUTHExpiryMargin": "10s"}})
    # ExpiryMargin already equals Kapacitor's default (10s as nanoseconds): not sent.
    sent = kap.posts()[-1][2]["set"]["SASLAuth"]
    assert (sent["SASLUsername"], sent["SASLPassword"], sent["SASLMechanism"]) == ("u", "pw-SECRET", "PLAIN")
    # Unchanged fields go too, null ones never; the nanosecond duration goes as a Go duration string.
    assert sent["SASLOAUTHExpiryMargin"] == "10s" and "SASLVersion" not in sent and sent["SASLGSSAPIRealm"] == ""
    assert "pw-SECRET" not in repr(result)
    assert result["endpoint"]["secrets"]["SASLAuth.SASLPassword"] == "set"
    assert result["endpoint"]["config"]["SASLAuth"]["SASLUsername"] == "u"
    kap.requests = []
    assert not run(kap, "kafka", "main", {"SASLAuth": {"SASLPassword": "pw-SECRET"}})["changed"]


def test_zenoss_severity_map_sends_every_key_with_a_change():
    kap = FakeKapacitor()
    result = run(kap, "zenoss", None, {"severity_map": {"ok": "Clear", "critical": 5}})
    # Every field goes with the change: Kapacitor replaces the stored override of the option.
    assert kap.posts() == [("POST", "/config/zenoss/", {"set": {"severity-map": {
        "ok": "Clear", "info": "Info", "warning": "Warning", "critical": 5}}})]
    assert result["endpoint"]["config"]["severity_map"] == {"ok": "Clear", "info": "Info", "warning": "Warning",
                                                            "critical": 5}


def test_httppost_headers_replace_and_basic_auth_is_redacted():
    kap = FakeKapacitor()
    run(kap, "httppost", "hook", {"url": "http://h", "headers": {"A": "1", "B": "2"},
                                  "basic_auth": {"username": "u", "password": "p-SECRET"}})
    kap.requests = []
    result = run(kap, "httppost", "hook", {"headers": {"A": "1"}, "basic_auth": {"username": "u", "password": "x"}})
    assert kap.posts() == [("POST", "/config/httppost/hook", {"set": {"headers": {"A": "1"}}})]
    assert result["endpoint"]["secrets"] == {"headers.A": "set", "basic_auth": "set"}
    assert "1" not in result["endpoint"]["config"].get("headers", {}).values()
    assert result["diff"] == {"before": {"headers": {"A": "<set>", "B": "<set>"}, "basic_auth": "<set>"},
                              "after": {"headers": {"A": "<set>"}, "basic_auth": "<set>"}}


def test_check_mode_sends_nothing_and_predicts():
    kap = FakeKapacitor()
    result = run(kap, "mqtt", "plant", {"enabled": True, "url": "tcp://m:1883", "password": "pw"}, check_mode=True)
    assert result["changed"] and result["operation"] == "add" and kap.posts() == []
    assert result["endpoint"]["exists"] and result["endpoint"]["config"]["url"] == "tcp://m:1883"
    assert result["endpoint"]["secrets"]["password"] == "set"
    assert result["diff"]["before"] == {} and result["diff"]["after"]["password"] == "<set>"
    run(kap, "mqtt", "plant", {"enabled": True, "url": "tcp://m:1883"})
    kap.requests = []
    gone = run(kap, "mqtt", "plant", {}, state="absent", check_mode=True)
    assert gone["changed"] and not gone["endpoint"]["exists"] and kap.posts() == []


def test_absent_removes_an_api_element_then_changes_nothing():
    kap = FakeKapacitor()
    run(kap, "httppost", "hook", {"url": "http://h"})
    kap.requests = []
    result = run(kap, "httppost", "hook", {}, state="absent")
    assert kap.posts() == [("POST", "/config/httppost", {"remove": ["hook"]})]
    assert result["changed"] and not result["endpoint"]["exists"]
    kap.requests = []
    again = run(kap, "httppost", "hook", {}, state="absent")
    assert not again["changed"] and kap.posts() == []


def test_absent_on_a_file_element_fails_and_restores_its_values():
    kap = FakeKapacitor(file_elements={"kafka": ["conf"]})
    run(kap, "kafka", "conf", {"brokers": ["k:9092"], "batch_size": 7})
    kap.requests = []
    with pytest.raises(endpoint.EndpointError) as err:
        run(kap, "kafka", "conf", {}, state="absent")
    assert "defined in kapacitor.conf" in str(err.value) and "enabled: false" in str(err.value)
    assert kap.posts()[0] == ("POST", "/config/kafka", {"remove": ["conf"]})
    assert kap.posts()[1] == ("POST", "/config/kafka/conf", {"set": {"brokers": ["k:9092"], "batch-size": 7}})
    assert kap.sections["kafka"][0]["batch-size"] == 7


@pytest.mark.parametrize("handler, name, message", [
    ("smtp", None, "smtp is not a list of elements; its one configuration cannot be removed"),
    ("slack", "", "the unnamed slack workspace (name: '') comes from kapacitor.conf"),
    ("discord", "", "config: {enabled: false}"),
])
def test_absent_refused_before_any_request(handler, name, message):
    with pytest.raises(values.InputError) as err:
        endpoint.check_absent_allowed(handlers.get_handler(handler), name)
    assert message in str(err.value)


def test_unnamed_workspace_change_refused_when_named_ones_exist():
    kap = FakeKapacitor(file_elements={"slack": [""]})
    run(kap, "slack", "", {"channel": "#a"})
    run(kap, "slack", "team", {"channel": "#t"})
    kap.requests = []
    with pytest.raises(endpoint.EndpointError) as err:
        run(kap, "slack", "", {"channel": "#b"})
    assert "every element of the section" in str(err.value) and "team" in str(err.value)
    assert kap.posts() == []
    assert not run(kap, "slack", "", {"channel": "#a"})["changed"]


class DroppingKapacitor(FakeKapacitor):
    """Applies the first write, then drops the connection as Kapacitor does for a concurrent add."""

    apply_before_drop = True

    def post(self, path, body, write=True):
        if self.apply_before_drop:
            super(DroppingKapacitor, self).post(path, body, write)
        else:
            self.requests.append(("POST", path, body))
        raise KapacitorError("POST /kapacitor/v1%s: 127.0.0.1 closed the connection without an answer" % path,
                             "POST", "/kapacitor/v1" + path, None, None, "dropped")


@pytest.mark.parametrize("applied, expected", [
    (True, "it was added at the same moment by another run"),
    (False, "Kapacitor has no slack 'ops': nothing was applied; run again"),
])
def test_a_dropped_add_is_explained_from_a_fresh_read(applied, expected):
    kap = DroppingKapacitor()
    kap.apply_before_drop = applied
    with pytest.raises(KapacitorError) as failure:
        run(kap, "slack", "ops", {"enabled": True, "channel": "#ops"})
    assert failure.value.kind == "dropped"
    assert expected in failure.value.message
    assert [r[0] for r in kap.requests] == ["GET", "POST", "GET"]
