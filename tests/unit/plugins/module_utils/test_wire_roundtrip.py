# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every option of every handler, sent through the collection's one wire conversion to a real
Kapacitor emulator process: Kapacitor must be able to read back whatever the collection makes it
store, on every path that writes (add, set, restore after remove, reset). After each step the
whole config API must still answer 200.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import os
import sys

import pytest

from ansible_collections.tickstack.kapacitor.plugins.module_utils import endpoint
from ansible_collections.tickstack.kapacitor.plugins.module_utils import endpoints
from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers
from ansible_collections.tickstack.kapacitor.plugins.module_utils import values
from ansible_collections.tickstack.kapacitor.plugins.module_utils.client import KapacitorClient

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))

from harness import Emulator  # noqa: E402 pylint: disable=wrong-import-position,import-error

# Values Kapacitor validates beyond their type (a URL that must parse, an address with a port...).
SAMPLES = {
    ("alerta", "url"): "https://alerta.example/api",
    ("bigpanda", "url"): "https://api.bigpanda.example/data/v2/alerts",
    ("discord", "url"): "https://discord.example/api/webhooks/1/x",
    ("discord", "avatar-url"): "https://discord.example/avatar.png",
    ("httppost", "url"): "https://hooks.example/alerts",
    ("kafka", "brokers"): ["kafka-1.example:9092"],
    ("mqtt", "url"): "tcp://mqtt.example:1883",
    ("sensu", "addr"): "sensu.example:3030",
    ("servicenow", "url"): "https://servicenow.example/api/now/v1/table/em_event",
    ("slack", "url"): "https://hooks.slack.example/services/X",
    ("snmptrap", "addr"): "snmp.example:162",
    ("talk", "url"): "https://talk.example/hooks/x",
    ("teams", "channel-url"): "https://teams.example/webhook/x",
    ("telegram", "url"): "https://api.telegram.example/bot",
    ("zenoss", "url"): "https://zenoss.example/zport/dmd/evconsole_router",
    ("opsgenie", "url"): "https://api.opsgenie.example/v1/json/alert",
    ("opsgenie", "recovery_url"): "https://api.opsgenie.example/v1/json/alert/note",
    ("opsgenie2", "url"): "https://api.opsgenie.example/v2/alerts",
    ("pagerduty", "url"): "https://events.pagerduty.example/generic/2010-04-15/create_event.json",
    ("pagerduty2", "url"): "https://events.pagerduty.example/v2/enqueue",
    ("pushover", "url"): "https://api.pushover.example/1/messages.json",
    ("victorops", "url"): "https://alert.victorops.example/integrations/generic/20131114/alert",
    ("alerta", "token-prefix"): "Key",
    ("smtp", "from"): "kapacitor@example.com",
    ("smtp", "to"): ["oncall@example.com"],
    ("smtp", "host"): "mail.example",
    ("httppost", "alert-template-file"): "",
    ("httppost", "row-template-file"): "",
    ("httppost", "alert-template"): "",
    ("httppost", "row-template"): "",
}


def sample(handler, option, type_, choices, fields=None):
    if (handler.name, option) in SAMPLES:
        return copy.deepcopy(SAMPLES[(handler.name, option)])
    if choices:
        return choices[-1]
    return {
        handlers.BOOL: True,
        handlers.STR: "sample-%s" % option,
        handlers.INT: 7,
        handlers.DURATION: "1m30s",
        handlers.NS_DURATION: "15s",
        handlers.LIST: ["one", "two"],
        handlers.MAP: {"Key": "value"},
        handlers.SCALAR: 3,
    }[type_]


def full_config(handler):
    """A value for every option of a handler, enabled off so that no service dials out."""
    config = {}
    for option in handler.options:
        if option.name == handler.element_key:
            continue
        if option.type == handlers.OBJECT:
            config[option.name] = dict((f.name, sample(handler, f.name, f.type, f.choices)) for f in option.fields
                                       if f.name != "SASLMechanism")
        else:
            config[option.name] = sample(handler, option.name, option.type, option.choices)
    if "enabled" in config:
        config["enabled"] = False
    return config


@pytest.fixture(scope="module")
def kapacitor():
    with Emulator() as emulator:
        yield emulator


def healthy(kapacitor):
    response = kapacitor.request("GET", "/kapacitor/v1/config")
    assert response.status == 200, response.text


def client(kapacitor):
    return KapacitorClient(kapacitor.url)


def entries():
    return [dict(handler=h.name, config=full_config(h), **({"name": "roundtrip"} if handlers.is_list(h) else {}))
            for h in handlers.HANDLERS.values()]


def test_every_option_of_every_handler_round_trips(kapacitor):
    kapacitor.reset()
    checked = endpoints.check_entries(entries())
    result = endpoints.run(client(kapacitor), checked, "always", False, False, lambda w: None)
    healthy(kapacitor)
    assert all(r["status"] == "written" for r in result["endpoints"]), result["endpoints"]
    again = endpoints.run(client(kapacitor), endpoints.check_entries(entries()), "when_unset", False, False,
                          lambda w: None)
    assert not again["changed"], [(r["handler"], r["changed_options"]) for r in again["endpoints"] if r["changed"]]
    assert again["requests"] == []


def test_reset_of_every_handler_leaves_a_readable_config(kapacitor):
    kapacitor.reset()
    endpoints.run(client(kapacitor), endpoints.check_entries(entries()), "always", False, False, lambda w: None)
    resets = [dict(handler=h.name, state="reset", **({"name": "roundtrip"} if handlers.is_list(h) else {}))
              for h in handlers.HANDLERS.values()]
    result = endpoints.run(client(kapacitor), endpoints.check_entries(resets), "when_unset", False, False,
                           lambda w: None)
    healthy(kapacitor)
    assert all(r["changed"] for r in result["endpoints"])
    # The API-added elements are gone; the others read as Kapacitor's built-in defaults again.
    sections, _missing = endpoint.read_all(client(kapacitor))
    for handler in handlers.HANDLERS.values():
        if handlers.is_list(handler):
            assert endpoint.find_element(handler, sections[handler.name], "roundtrip") is None


def test_removing_a_kapacitor_conf_element_restores_what_it_read(kapacitor):
    """The restore after `remove` sends what it read back through the same conversion as any update."""
    kapacitor.reset()
    kafka = handlers.get_handler("kafka")
    config = full_config(kafka)
    checked = endpoints.check_entries([dict(handler="kafka", name="default", config=config)])
    endpoints.run(client(kapacitor), checked, "always", False, False, lambda w: None)
    healthy(kapacitor)
    with pytest.raises(endpoint.EndpointError) as failure:
        endpoint.run(client(kapacitor), kafka, "default", {}, "absent", "when_unset", False)
    assert "defined in kapacitor.conf" in failure.value.msg and "set again through the API" in failure.value.msg
    healthy(kapacitor)
    element = endpoint.find_element(kafka, endpoint.read_elements(client(kapacitor), kafka), "default")
    options = endpoint.element_options(kafka, element)
    assert options["SASLAuth"]["SASLOAUTHExpiryMargin"] == values.parse_go_duration("15s")
    assert options["batch-size"] == 7 and options["brokers"] == ["kafka-1.example:9092"]


@pytest.mark.parametrize("handler, config, message", [
    ("kafka", {"batch_size": 99999999999999999999}, "out of range"),
    ("smtp", {"port": "99999999999999999999"}, "out of range"),
    ("kafka", {"SASLAuth": {"SASLOAUTHExpiryMargin": 2 ** 63}}, "out of range"),
    ("smtp", {"idle_timeout": "3000000h"}, "not a valid Go duration"),
    ("zenoss", {"severity_map": {"critical": -(2 ** 63) - 1}}, "out of range"),
    ("smtp", {"port": 1e30}, "expected an integer"),
])
def test_values_kapacitor_could_store_but_not_read_back_are_refused(kapacitor, handler, config, message):
    with pytest.raises(values.InputError) as refused:
        values.check_config(handlers.get_handler(handler), config)
    assert message in str(refused.value)
    healthy(kapacitor)
