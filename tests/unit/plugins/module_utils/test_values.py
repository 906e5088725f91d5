# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers
from ansible_collections.tickstack.kapacitor.plugins.module_utils import values


@pytest.mark.parametrize("text, expected", [
    ("60s", "1m0s"), ("1m", "1m0s"), ("1m0s", "1m0s"), ("90s", "1m30s"), ("3h", "3h0m0s"), ("1.5h", "1h30m0s"),
    ("0", "0s"), ("0s", "0s"), ("30s", "30s"), ("500ms", "500ms"), ("1.5ms", "1.5ms"), ("1us", "1\u00b5s"),
    ("1\u00b5s", "1\u00b5s"), ("10ns", "10ns"), ("1h0m0.5s", "1h0m0.5s"), ("2h45m", "2h45m0s"), ("-2m", "-2m0s"),
    ("+1s", "1s"), ("1m1.000000001s", "1m1.000000001s"), ("25h", "25h0m0s"), (".5s", "500ms"),
])
def test_go_duration_normalisation(text, expected):
    assert values.normalise_duration(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "1d", "1", "1.5", "s", "1m x", "1 m", "-", "1h-1m", "1S", "..5s"])
def test_invalid_go_durations(text):
    with pytest.raises(ValueError):
        values.parse_go_duration(text)


def handler(name):
    return handlers.get_handler(name)


def test_check_config_accepts_both_spellings_and_normalises():
    desired = values.check_config(handler("kafka"), {
        "batch_size": "100", "batch-timeout": "60s", "brokers": ["a:9092"], "use_ssl": "yes",
        "SASLAuth": {"saslusername": "u", "SASLOAUTHExpiryMargin": "15s", "SASLVersion": 1},
    })
    assert desired == {
        "batch-size": 100, "batch-timeout": "1m0s", "brokers": ["a:9092"], "use-ssl": True,
        "SASLAuth": {"SASLUsername": "u", "SASLOAUTHExpiryMargin": 15000000000, "SASLVersion": 1},
    }


def test_integers_given_to_string_options_become_strings():
    assert values.check_config(handler("telegram"), {"chat_id": -100123}) == {"chat-id": "-100123"}
    assert values.check_config(handler("smtp"), {"to": ["a@example.com", 5]}) == {"to": ["a@example.com", "5"]}


def test_zenoss_severity_map_takes_strings_and_numbers():
    assert values.check_config(handler("zenoss"), {"severity_map": {"OK": 0, "critical": "Critical"}}) == {
        "severity-map": {"ok": 0, "critical": "Critical"}}


BAD_INPUT = [
    ("slack", {"urll": "x"}, "config.urll: unknown option for handler slack; valid options: enabled, default, url"),
    ("slack", {"workspace": "x"}, "config.workspace: the slack element key is not part of config; give it as name"),
    ("kafka", {"id": "x"}, "config.id: the kafka element key"),
    ("mqtt", {"name": "x"}, "config.name: the mqtt element key"),
    ("httppost", {"endpoint": "x"}, "config.endpoint: the httppost element key"),
    ("discord", {"workspace": ""}, "config.workspace: the discord element key"),
    ("slack", {"enabled": None}, "config.enabled: null is not a value; give a boolean"),
    ("smtp", {"to": None}, "config.to: null is not a value"),
    ("smtp", {"to": ["a@example.com", None]}, "config.to[1]: null is not a value"),
    ("slack", {"enabled": "maybe"}, "config.enabled: expected a boolean, got str 'maybe'"),
    ("slack", {"enabled": [True]}, "config.enabled: expected a boolean"),
    ("slack", {"channel": True}, "config.channel: expected a string, got bool True"),
    ("slack", {"channel": ["#a"]}, "config.channel: expected a string, got list"),
    ("slack", {"url": {"a": 1}}, "config.url: expected a string, got a dict"),
    ("smtp", {"port": "twenty-five"}, "config.port: expected an integer, got str 'twenty-five'"),
    ("smtp", {"port": 25.5}, "config.port: expected an integer, got float 25.5"),
    ("smtp", {"port": True}, "config.port: expected an integer, got bool True"),
    ("smtp", {"to": "a@example.com"}, "config.to: expected a list of strings, got str"),
    ("smtp", {"idle_timeout": "1d"}, "config.idle_timeout: '1d' is not a valid Go duration"),
    ("smtp", {"idle_timeout": 30}, "config.idle_timeout: expected a Go duration string"),
    ("alerta", {"timeout": "abc"}, "Kapacitor would silently ignore it"),
    ("alerta", {"timeout": ""}, "config.timeout: '' is not a valid Go duration"),
    ("kafka", {"batch_timeout": "5 s"}, "config.batch_timeout: '5 s' is not a valid Go duration"),
    ("opsgenie2", {"recovery_action": "delete"}, "config.recovery_action: 'delete' is not allowed; expected one of: 'notes', 'close'"),
    ("telegram", {"parse_mode": "markdown2"}, "config.parse_mode: 'markdown2' is not allowed; expected one of: '', 'Markdown', 'HTML'"),
    ("kafka", {"SASLAuth": {"SASLMechanism": "MD5"}}, "config.SASLAuth.SASLMechanism: 'MD5' is not allowed"),
    ("kafka", {"SASLAuth": {"sasl_password": "x"}}, "config.SASLAuth: unknown field 'sasl_password'; valid fields: SASLUsername"),
    ("kafka", {"SASLAuth": "user:pass"}, "config.SASLAuth: expected a dict, got a str"),
    ("kafka", {"brokers": [["a"]]}, "config.brokers[0]: expected a string"),
    ("zenoss", {"severity_map": {"fatal": "x"}}, "config.severity_map: unknown field 'fatal'; valid fields: ok, info, warning, critical"),
    ("zenoss", {"severity_map": {"ok": None}}, "config.severity_map.ok: null is not a value"),
    ("zenoss", {"severity_map": {"ok": True}}, "config.severity_map.ok: expected a string or an integer"),
    ("zenoss", {"tid": "one"}, "config.tid: expected an integer"),
    ("httppost", {"headers": ["X-A: b"]}, "config.headers: expected a dict of strings, got a list"),
    ("httppost", {"headers": {"X-A": None}}, "config.headers.X-A: null is not a value"),
    ("httppost", {"basic_auth": {"user": "a"}}, "config.basic_auth: unknown field 'user'; valid fields: username, password"),
    ("kafka", {"batch_size": 1, "batch-size": 2}, "option batch_size is given twice"),
    ("teams", {"channel_url": 12.5}, "config.channel_url: expected a string, got a float"),
]


@pytest.mark.parametrize("name, config, message", BAD_INPUT)
def test_bad_config_names_the_option_and_what_was_expected(name, config, message):
    with pytest.raises(values.InputError) as err:
        values.check_config(handler(name), config)
    assert message in str(err.value)


def test_secret_values_are_not_echoed_in_type_errors():
    with pytest.raises(values.InputError) as err:
        values.check_config(handler("slack"), {"url": ["https://hooks.slack.com/services/SECRET"]})
    assert "SECRET" not in str(err.value)
    with pytest.raises(values.InputError) as err:
        values.check_config(handler("kafka"), {"SASLAuth": {"SASLPassword": ["hunter2-secret"]}})
    assert "hunter2" not in str(err.value)


@pytest.mark.parametrize("name, element, message", [
    ("slack", None, "name: handler slack is a list of elements keyed by workspace: name is required ('' addresses"),
    ("kafka", None, "name: handler kafka is a list of elements keyed by id: name is required"),
    ("kafka", "", "name: must not be empty for handler kafka"),
    ("smtp", "main", "name: handler smtp is not a list of elements, so name must not be given"),
    ("smtp", "", "name: handler smtp is not a list of elements"),
    ("slack", "a.b", "name: 'a.b' may only contain letters, digits, '_', '-' and '+'"),
    ("httppost", "a/b", "may only contain letters"),
    ("mqtt", "with space", "may only contain letters"),
])
def test_bad_names(name, element, message):
    with pytest.raises(values.InputError) as err:
        values.check_name(handler(name), element)
    assert message in str(err.value)


@pytest.mark.parametrize("name, element", [("slack", ""), ("discord", ""), ("slack", "team-2+x_y"), ("smtp", None)])
def test_good_names(name, element):
    assert values.check_name(handler(name), element) == element


def test_current_values_normalise_like_desired_ones():
    assert values.normalise_current(handlers.LIST, None) == []
    assert values.normalise_current(handlers.MAP, None) == {}
    assert values.normalise_current(handlers.DURATION, "1m0s") == "1m0s"
    assert values.normalise_current(handlers.INT, 25.0) == 25
    sasl = handlers.option_map(handler("kafka"))["SASLAuth"]
    assert values.normalise_current(handlers.OBJECT, {"saslscopes": None, "SASLUsername": "u"}, sasl.fields) == {
        "saslscopes": None, "SASLUsername": "u"}


def test_empty_secrets():
    assert values.is_empty_secret("")
    assert values.is_empty_secret({"username": "", "password": ""})
    assert not values.is_empty_secret({"username": "u", "password": ""})
    assert not values.is_empty_secret("x")
