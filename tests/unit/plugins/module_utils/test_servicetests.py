# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test options, element selection, request bodies, masking and hints of test alerts."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest

from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers
from ansible_collections.tickstack.kapacitor.plugins.module_utils import servicetests
from ansible_collections.tickstack.kapacitor.plugins.module_utils import values

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
SERVICE_TESTS_JSON = os.path.join(ROOT, "tests", "emulator", "fixtures", "service-tests.json")


def handler(name):
    return handlers.get_handler(name)


@pytest.mark.parametrize("kapacitor_name, module_name", [
    ("message", "message"), ("trap-oid", "trap_oid"), ("routingKey", "routing_key"), ("entityID", "entity_id"),
    ("messageType", "message_type"), ("channel_url", "channel_url"), ("broker-name", "broker_name"),
])
def test_module_spelling_is_snake_case(kapacitor_name, module_name):
    assert servicetests.user_name(kapacitor_name) == module_name


def test_every_spelling_resolves_to_kapacitor_name():
    victorops = handler("victorops")
    for key in ("routingKey", "routing_key", "routing-key"):
        assert servicetests.resolve(victorops, key).name == "routingKey"
    assert servicetests.resolve(handler("teams"), "channel-url").name == "channel_url"
    assert servicetests.resolve(handler("slack"), "chanel") is None


def test_the_table_has_the_test_options_kapacitor_lists():
    """Every handler's test options are the ones GET /service-tests of Kapacitor's own test lists."""
    with open(SERVICE_TESTS_JSON) as handle:
        listed = dict((s["name"], s["options"]) for s in json.load(handle)["list_all"]["services"])
    for h in handlers.HANDLERS.values():
        assert sorted(t.name for t in h.test_options) == sorted(listed[h.name]), h.name


def test_options_are_checked_and_normalised():
    checked = servicetests.check_options(handler("alerta"), {"timeout": "90s", "service": ["a", "b"], "attributes": {"x": 1}})
    assert checked == {"timeout": "1m30s", "service": ["a", "b"], "attributes": {"x": 1}}
    assert servicetests.check_options(handler("smtp"), {"to": ["a@example.com"], "subject": 42}) == \
        {"to": ["a@example.com"], "subject": "42"}
    assert servicetests.check_options(handler("zenoss"), {"tid": "7"}) == {"tid": 7}
    assert servicetests.check_options(handler("telegram"), {"disable-notification": "yes"}) == {"disable-notification": True}


@pytest.mark.parametrize("name, given, sent", [
    ("slack", "warning", "WARNING"), ("discord", "Info", "INFO"), ("pagerduty2", "ok", "OK"),
])
def test_alert_levels_match_without_case_and_are_sent_in_upper_case(name, given, sent):
    assert servicetests.check_options(handler(name), {"level": given}) == {"level": sent}


def test_choices_are_the_values_kapacitor_parses():
    assert servicetests.check_options(handler("mqtt"), {"topic": "t", "qos": "AT-LEAST-ONCE"})["qos"] == "at-least-once"
    assert servicetests.check_options(handler("telegram"), {"parse_mode": "markdown"})["parse-mode"] == "Markdown"
    with pytest.raises(values.InputError, match=r"options.qos: 'exactly-once' is not allowed; expected one of: "
                                                r"'at-most-once', 'at-least-once', 'exactly-one'"):
        servicetests.check_options(handler("mqtt"), {"topic": "t", "qos": "exactly-once"})
    with pytest.raises(values.InputError, match="options.level: 'severe' is not allowed"):
        servicetests.check_options(handler("slack"), {"level": "severe"})


@pytest.mark.parametrize("name, options, message", [
    ("slack", {"chanel": "#x"}, "options.chanel: unknown test option for handler slack; valid test options: channel,"
                                " icon_emoji, level, message, username"),
    ("slack", {"workspace": "ops"}, "options.workspace: the slack element is chosen with name"),
    ("kafka", {"cluster": "x"}, "options.cluster: the kafka element is chosen with name"),
    ("mqtt", {"broker_name": "x", "topic": "t"}, "options.broker_name: the mqtt element is chosen with name"),
    ("httppost", {"endpoint": "x"}, "options.endpoint: the httppost element is chosen with name"),
    ("smtp", {"to": "a@example.com"}, "options.to: expected a list of strings, got str"),
    ("smtp", {"subject": None}, "options.subject: null is not a value"),
    ("telegram", {"disable_notification": "maybe"}, "options.disable_notification: expected a boolean"),
    ("zenoss", {"tid": "one"}, "options.tid: expected an integer"),
    ("alerta", {"timeout": "1d"}, "options.timeout: '1d' is not a valid Go duration"),
    ("alerta", {"attributes": ["x"]}, "options.attributes: expected a dict, got a list"),
    ("pagerduty2", {"links": {"href": "x"}}, "options.links: expected a list, got a dict"),
    ("mqtt", {"message": "m"}, "options.topic: required for handler mqtt"),
    ("victorops", {"routing_key": "a", "routingKey": "b"}, "test option routing_key is given twice"),
    ("slack", ["message"], "options: expected a dict of slack test options"),
])
def test_bad_options_are_refused(name, options, message):
    with pytest.raises(values.InputError) as err:
        servicetests.check_options(handler(name), options)
    assert message in str(err.value)


def test_secret_values_are_not_echoed_in_errors():
    with pytest.raises(values.InputError) as err:
        servicetests.check_options(handler("pushover"), {"user_key": ["S3CRET-USER-KEY"]})
    assert "S3CRET" not in str(err.value)


@pytest.mark.parametrize("name, element, result", [
    ("slack", None, None), ("slack", "", ""), ("slack", "ops", "ops"), ("discord", "", ""), ("mqtt", None, None),
    ("mqtt", "plant", "plant"), ("kafka", "events", "events"), ("httppost", "hook", "hook"), ("smtp", None, None),
])
def test_names_accepted(name, element, result):
    assert servicetests.check_name(handler(name), element) == result


@pytest.mark.parametrize("name, element, message", [
    ("kafka", None, "name: required for handler kafka: give the id of the element to test"),
    ("httppost", None, "name: required for handler httppost"),
    ("smtp", "x", "handler smtp is not a list of elements"),
    ("kafka", "", "name: must not be empty for handler kafka"),
    ("slack", "a b", "may only contain letters"),
])
def test_names_refused(name, element, message):
    with pytest.raises(values.InputError) as err:
        servicetests.check_name(handler(name), element)
    assert message in str(err.value)


def test_the_body_selects_the_named_element_with_the_services_own_option():
    assert servicetests.build_body(handler("kafka"), "events", {"topic": "t"}) == {"cluster": "events", "topic": "t"}
    assert servicetests.build_body(handler("mqtt"), "plant", {"topic": "t"}) == {"broker-name": "plant", "topic": "t"}
    assert servicetests.build_body(handler("discord"), "", {}) == {"workspace": ""}


def test_a_named_slack_workspace_uses_its_own_channel_unless_one_is_given():
    slack = handler("slack")
    assert servicetests.build_body(slack, "ops", {}) == {"workspace": "ops", "channel": ""}
    assert servicetests.build_body(slack, "ops", {"channel": "#x"}) == {"workspace": "ops", "channel": "#x"}
    assert servicetests.build_body(slack, None, {}) == {}


def test_httppost_sends_the_named_endpoints_url_and_headers():
    httppost = handler("httppost")
    element = {"endpoint": "hook", "url": "http://hooks.example/a", "headers": {"Authorization": "Bearer T0KEN"}}
    assert servicetests.needs_element(httppost, "hook") and not servicetests.needs_element(handler("slack"), "ops")
    body = servicetests.build_body(httppost, "hook", {}, element)
    assert body == {"endpoint": "hook", "url": "http://hooks.example/a", "headers": {"Authorization": "Bearer T0KEN"}}
    assert servicetests.build_body(httppost, "hook", {"url": "http://other/"}, dict(element, headers=None)) == \
        {"endpoint": "hook", "url": "http://other/", "headers": {}}
    assert servicetests.masked(httppost, body)["headers"] == {"Authorization": "<set>"}
    assert "T0KEN" not in json.dumps(servicetests.masked(httppost, body))


def test_masking_and_given_secrets():
    pushover = handler("pushover")
    body = servicetests.build_body(pushover, None, servicetests.check_options(pushover, {"user_key": "U-S3CRET", "message": "m"}))
    assert servicetests.masked(pushover, body) == {"user-key": "<set>", "message": "m"}
    assert servicetests.masked(pushover, {"user-key": ""}) == {"user-key": ""}

    def found(name, options):
        return set(servicetests.secrets_in_params({"handler": name, "options": options}))
    assert found("pushover", {"user_key": "U-S3CRET", "message": "m"}) == {"U-S3CRET"}
    assert found("httppost", {"headers": {"A": "h1", "B": "h2"}}) == {"h1", "h2"}
    assert found("teams", {"channel-url": "https://teams/S3CRET"}) == {"https://teams/S3CRET"}
    assert found("pushover", {"user-key": ["wrong", {"type": "S3CRET"}]}) == {"wrong", "S3CRET"}
    # An unknown test option, or an unknown handler: every value is treated as a secret.
    assert found("pushover", {"usr_key": "TYPO-S3CRET", "message": "m"}) == {"TYPO-S3CRET"}
    assert found("pushover3", {"message": "a message", "level": 5, "count": 12345}) == {"a message", 12345}


def test_the_body_is_never_empty_json():
    assert json.dumps(servicetests.build_body(handler("smtp"), None, {})) == "{}"


@pytest.mark.parametrize("name, element, message, expected", [
    ("slack", None, "service is not enabled", "enable it first with tickstack.kapacitor.kapacitor_alert_endpoint"
                                              " (handler: slack, name: the default workspace, config: {enabled: true})"),
    ("opsgenie2", None, "failed to prepare API request: service is not enabled",
     "(handler: opsgenie2, config: {enabled: true})"),
    ("slack", "ops", "workspace id not found", "Kapacitor has no slack workspace 'ops': check name"),
    ("discord", None, "no discord configuration found", "no discord workspace is configured"),
    ("kafka", "events", 'unknown cluster "events"', "no enabled Kafka cluster with ID 'events'"),
    ("mqtt", "plant", 'unknown MQTT broker "plant"', "no enabled MQTT broker 'plant'"),
    ("mqtt", None, 'unknown MQTT broker ""', "no default MQTT broker"),
    ("telegram", None, "parseMode x is not valid, please use 'Markdown' or 'HTML'", "options.parse_mode"),
    ("httppost", "hook", 'failed to POST alert data: Post "http://x": refused', "check config.url of httppost endpoint"),
    ("victorops", None, "unexpected status 401", "the victorops service reported this failure"),
])
def test_hints(name, element, message, expected):
    assert expected in servicetests.hint(handler(name), element, message)
