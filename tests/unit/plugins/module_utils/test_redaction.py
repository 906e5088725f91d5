# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers
from ansible_collections.tickstack.kapacitor.plugins.module_utils import redaction


def secrets(handler, config):
    return set(redaction.config_secrets(handlers.get_handler(handler) if handler else None, config))


def test_every_secret_option_and_field_is_found_and_nothing_else():
    assert secrets("slack", {"url": "u-S3CRET", "token": "", "channel": "#ops", "username": "kapacitor"}) == {"u-S3CRET"}
    assert secrets("kafka", {"SASLAuth": {"SASLPassword": "p-S3CRET", "SASLUsername": "kapacitor"}}) == {"p-S3CRET"}
    assert secrets("httppost", {"headers": {"Authorization": "Bearer h-S3CRET"},
                                "basic_auth": {"username": "kapacitor", "password": "b-S3CRET"}}) == {
        "Bearer h-S3CRET", "b-S3CRET"}


def test_values_in_unknown_places_are_secrets_unless_too_short_to_be_one():
    assert secrets("slack", {"webhook_url": "https://typo-S3CRET", "chanel": "#x"}) == {"https://typo-S3CRET"}
    assert secrets("kafka", {"SASLAuth": {"sasl_password": "snake-S3CRET"}}) == {"snake-S3CRET"}
    assert secrets(None, {"routing_key": "unknown-S3CRET", "port": 25, "enabled": True}) == {"unknown-S3CRET"}
    assert secrets("smtp", {"password": ["list-S3CRET", {"nested": "deep-S3CRET"}]}) == {"list-S3CRET", "deep-S3CRET"}
    assert secrets("smtp", {"password": 12}) == {12}  # a known secret, whatever its length


def test_entries_hide_config_and_test_options_and_unknown_keys():
    found = set(redaction.entries_secrets([
        {"handler": "pushover", "config": {"user_key": "cfg-S3CRET"}, "test_options": {"user_key": "test-S3CRET"}},
        {"handler": "smtp", "confg": {"password": "typo-key-S3CRET"}, "reset_options": ["port"]},
        "a loose string entry",
    ]))
    assert found == {"cfg-S3CRET", "test-S3CRET", "typo-key-S3CRET", "a loose string entry"}


@pytest.mark.parametrize("secret, text", [
    ("line\n", 'invalid value "line\\n"'),                      # Go's %q
    ("tab\there", json.dumps({"v": "tab\there"})),               # JSON
    ("quote'\"x", repr({"v": "quote'\"x"})),                     # Python's repr, as in the invocation log
    ("<a&b>", '"\\u003ca\\u0026b\\u003e"'),                      # Go's encoding/json
    ("caf\u00e9\x01", 'bad "caf\u00e9\\x01"'),
])
def test_every_quoting_of_a_secret_is_registered(secret, text):
    assert any(form in text for form in redaction.forms(secret)), (secret, text)


def test_numbers_and_floats_are_registered_by_their_text():
    assert "918273645" in redaction.forms(918273645)
    assert "7" in redaction.forms(7.0)
    assert redaction.forms(True) == set() and redaction.forms("") == set()


@pytest.mark.parametrize("message, shown", [
    ('Post "https://api.telegram.example/bot123:S3CRET/sendMessage": dial tcp: lookup api.telegram.example: no such host',
     'Post "https://api.telegram.example/********": dial tcp: lookup api.telegram.example: no such host'),
    ("failed to POST alert data: Post http://user:pw@hooks.example:8080/x?token=S3CRET: EOF",
     "failed to POST alert data: Post http://********@hooks.example:8080/********: EOF"),
    ("cannot reach https://kapacitor.example.com/.", "cannot reach https://kapacitor.example.com/."),
    ("no URL here: missing MQTT topic", "no URL here: missing MQTT topic"),
    ("query only https://h.example?key=S3CRET", "query only https://h.example/********"),
])
def test_scrub_masks_path_query_and_user_info_of_urls_only(message, shown):
    assert redaction.scrub(message) == shown


def test_present_shows_header_names_never_values():
    config, found = redaction.present(handlers.get_handler("httppost"), {
        "endpoint": "x", "url": "http://h", "headers": {"Authorization": "Bearer S3CRET"},
        "basic-auth": True})
    assert "headers" not in config and found == {"headers.Authorization": "set", "basic_auth": "set"}
    assert "S3CRET" not in json.dumps([config, found])


def test_a_value_given_where_an_object_with_secrets_is_expected_is_hidden():
    assert secrets("kafka", {"SASLAuth": "bare-S3CRET-password"}) == {"bare-S3CRET-password"}
    assert secrets("zenoss", {"severity_map": "Critical"}) == set()
