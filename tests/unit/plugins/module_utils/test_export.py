# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rendering elements as module input: the shape, the secrets, the defaults switch, the round trip."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.tickstack.kapacitor.plugins.module_utils import endpoint as endpoint_core
from ansible_collections.tickstack.kapacitor.plugins.module_utils import export
from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers
from ansible_collections.tickstack.kapacitor.plugins.module_utils import values
from ansible_collections.tickstack.kapacitor.tests.unit.plugins.module_utils.fake_kapacitor import default_element

# Element options as a Kapacitor GET shows them after hand configuration (values in Kapacitor's rendering).
CONFIGURED = {
    "slack": {"workspace": "ops", "enabled": True, "default": False, "url": True, "token": False, "channel": "#ops",
              "username": "", "global": False},
    "kafka": {"id": "events", "enabled": True, "brokers": ["k1:9092"], "timeout": "10s", "batch-size": 100,
              "batch-timeout": "1s",
              # Kapacitor shows every field of the object, SASL secrets in clear text.
              "SASLAuth": dict(handlers.option_map(handlers.get_handler("kafka"))["SASLAuth"].default, SASLUsername="u",
                               SASLPassword="KAFKA-S3CRET", SASLMechanism="PLAIN")},
    "smtp": {"enabled": True, "host": "mail.example", "port": 587, "password": True, "to": ["a@example.com"],
             "idle-timeout": "1m0s"},
    "discord": {"workspace": "", "enabled": True, "url": "https://discord.example/api/webhooks/DISCORD-S3CRET"},
    "teams": {"enabled": True, "channel-url": "https://teams.example/webhook/TEAMS-S3CRET"},
    "httppost": {"endpoint": "hook", "url": "http://hooks.example", "headers": None, "basic-auth": True},
    "zenoss": {"enabled": True, "severity-map": {"ok": "Clear", "info": "Info", "warning": "Warn", "critical": 5}},
}


def element(name, **options):
    return default_element(handlers.get_handler(name), **options)


def no_change(handler, endpoint, options):
    """Feeding a rendered endpoint back to the compare-and-patch core plans no request."""
    desired = values.check_config(handler, endpoint["config"])
    current = {"options": dict(options)}
    plan = endpoint_core.plan_present(handler, endpoint.get("name"), desired, current, [current], "when_unset")
    return not plan.changed


@pytest.mark.parametrize("name", list(handlers.HANDLERS))
@pytest.mark.parametrize("include_defaults", [True, False])
@pytest.mark.parametrize("configured", [False, True])
def test_round_trip_changes_nothing(name, include_defaults, configured):
    handler = handlers.get_handler(name)
    options = element(name, **(CONFIGURED.get(name, {}) if configured else {}))["options"]
    endpoint, secrets, unknown = export.render(handler, {"options": options}, include_defaults)
    assert unknown == []
    assert no_change(handler, endpoint, options), endpoint
    assert "null" not in json.dumps(endpoint["config"])
    assert list(endpoint)[:2] == (["handler", "name"] if handlers.is_list(handler) else ["handler", "config"])
    assert secrets["handler"] == name and set(secrets) >= {"set", "unset"}


def test_shape_of_a_list_element():
    endpoint, secrets, _unknown = export.render(handlers.get_handler("slack"), element("slack", **CONFIGURED["slack"]))
    assert endpoint["handler"] == "slack" and endpoint["name"] == "ops"
    assert "workspace" not in endpoint["config"] and "url" not in endpoint["config"]
    assert endpoint["config"]["channel"] == "#ops" and endpoint["config"]["insecure_skip_verify"] is False
    assert secrets == {"handler": "slack", "name": "ops", "set": ["url"], "unset": ["token"]}


def test_non_list_handler_has_no_name():
    endpoint, secrets, _unknown = export.render(handlers.get_handler("smtp"), element("smtp", **CONFIGURED["smtp"]))
    assert "name" not in endpoint and "name" not in secrets
    assert endpoint["config"]["idle_timeout"] == "1m0s" and endpoint["config"]["to"] == ["a@example.com"]
    assert secrets["set"] == ["password"]


def test_credentials_shown_in_clear_text_by_kapacitor_never_reach_the_output():
    for name in ("discord", "teams", "kafka"):
        for include_defaults in (True, False):
            endpoint, secrets, _unknown = export.render(handlers.get_handler(name), element(name, **CONFIGURED[name]), include_defaults)
            assert "S3CRET" not in json.dumps([endpoint, secrets])
    _e, discord, _u = export.render(handlers.get_handler("discord"), element("discord", **CONFIGURED["discord"]))
    assert discord["set"] == ["url"]
    endpoint, kafka, _u = export.render(handlers.get_handler("kafka"), element("kafka", **CONFIGURED["kafka"]))
    assert kafka["set"] == ["SASLAuth.SASLPassword"]
    assert kafka["unset"] == ["SASLAuth.SASLOAUTHClientSecret", "SASLAuth.SASLAccessToken"]
    assert endpoint["config"]["SASLAuth"]["SASLUsername"] == "u"
    assert "SASLExtensions" not in endpoint["config"]["SASLAuth"] and "SASLVersion" not in endpoint["config"]["SASLAuth"]


def test_null_lists_and_maps_become_empty():
    endpoint, secrets, _unknown = export.render(handlers.get_handler("httppost"), element("httppost", **CONFIGURED["httppost"]))
    assert "headers" not in endpoint["config"] and secrets["set"] == ["basic_auth"] and "headers" in secrets["unset"]
    endpoint, _s, _u = export.render(handlers.get_handler("smtp"), element("smtp"))
    assert endpoint["config"]["to"] == [] and endpoint["config"]["to_templates"] == []


def test_without_defaults_only_what_differs_is_kept():
    endpoint, _s, _u = export.render(handlers.get_handler("smtp"), element("smtp", **CONFIGURED["smtp"]), include_defaults=False)
    assert endpoint["config"] == {"enabled": True, "host": "mail.example", "port": 587, "to": ["a@example.com"],
                                  "idle_timeout": "1m0s"}
    endpoint, _s, _u = export.render(handlers.get_handler("alerta"), element("alerta"), include_defaults=False)
    assert endpoint["config"] == {"enabled": False}
    endpoint, _s, _u = export.render(handlers.get_handler("zenoss"), element("zenoss", **CONFIGURED["zenoss"]), include_defaults=False)
    assert endpoint["config"] == {"enabled": True, "severity_map": {"warning": "Warn", "critical": 5}}


def test_list_elements_keep_defaults_that_an_added_element_would_not_get():
    endpoint, _s, _u = export.render(handlers.get_handler("slack"), element("slack", workspace="ops"), include_defaults=False)
    # username 'kapacitor' and default true are built-in defaults, but `add` would start them empty.
    assert endpoint["config"] == {"enabled": False, "default": True, "username": "kapacitor"}
    endpoint, _s, _u = export.render(handlers.get_handler("kafka"), element("kafka", id="events"), include_defaults=False)
    assert endpoint["config"] == {"enabled": False, "SASLAuth": {"SASLOAUTHExpiryMargin": 10000000000}}


def test_unknown_options_are_reported_and_left_out():
    options = element("telegram", **{"new-option": 1})
    endpoint, _s, unknown = export.render(handlers.get_handler("telegram"), options)
    assert unknown == ["new-option"] and "new_option" not in endpoint["config"]


@pytest.mark.parametrize("name", list(handlers.HANDLERS))
def test_builtin_elements_are_untouched(name):
    assert export.untouched(handlers.get_handler(name), element(name))


@pytest.mark.parametrize("name, options", [
    ("smtp", {"enabled": True}), ("slack", {"workspace": "ops"}), ("pushover", {"token": True}),
    ("snmptrap", {"community": False}), ("kafka", {"brokers": ["k1:9092"]}), ("alerta", {"timeout": "1m0s"}),
    ("zenoss", {"severity-map": {"ok": "Clear", "info": "Info", "warning": "Warning", "critical": "Crit"}}),
    ("teams", {"channel-url": "https://teams.example/x"}),
])
def test_configured_elements_are_not_untouched(name, options):
    assert not export.untouched(handlers.get_handler(name), element(name, **options))


def test_an_empty_list_is_the_same_as_a_null_one():
    # GET shows null for a never-set list and [] once someone saved an empty list: the same value.
    assert export.untouched(handlers.get_handler("kafka"), element("kafka", brokers=[]))
