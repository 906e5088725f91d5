# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checking, planning, presenting and exporting one alert topic handler."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.tickstack.kapacitor.plugins.module_utils import redaction
from ansible_collections.tickstack.kapacitor.plugins.module_utils import topic_handler
from ansible_collections.tickstack.kapacitor.plugins.module_utils import topic_kinds
from ansible_collections.tickstack.kapacitor.plugins.module_utils import values


def entry(kind, options=None, match=None, topic="cpu", id="h1", state="present"):  # pylint: disable=redefined-builtin
    return topic_handler.check_entry(topic, id, kind, options, match, state)


def stored(body, **changes):
    """A handler as Kapacitor's GET returns it for a body it accepted."""
    handler = {"link": {"rel": "self", "href": "/kapacitor/v1/alerts/topics/cpu/handlers/%s" % body["id"]},
               "id": body["id"], "kind": body["kind"], "options": body.get("options"), "match": body.get("match", "")}
    handler.update(changes)
    return handler


# ---------------------------------------------------------------------------------------------
# check_entry

def test_check_entry_returns_the_body_in_kapacitors_spelling_with_durations_in_ns():
    desired = entry("alerta", {"token_prefix": "Key", "TIMEOUT": "1m30s", "service": ["a"],
                               "attributes": {"n": 1, "nested": {"x": [True]}}}, match="changed()")
    assert desired == {"topic": "cpu", "id": "h1", "kind": "alerta", "match": "changed()", "options": {
        "token-prefix": "Key", "timeout": 90000000000, "service": ["a"], "attributes": {"n": 1, "nested": {"x": [True]}}}}


@pytest.mark.parametrize("key", ["disable_partition_by_id", "disable-partition-by-id", "disablePartitionById",
                                 "DISABLEPARTITIONBYID", "Disable_Partition_By_Id"])
def test_every_spelling_of_an_option_is_sent_in_kapacitors(key):
    assert entry("kafka", {"cluster": "default", key: True})["options"] == {
        "cluster": "default", "disablePartitionById": True}


def test_options_and_match_may_be_left_out():
    assert entry("slack") == {"topic": "cpu", "id": "h1", "kind": "slack", "options": {}, "match": ""}
    assert entry("talk", {})["options"] == {}


@pytest.mark.parametrize("value, ns", [
    ("10s", 10000000000), ("1h0m0s", 3600000000000), ("100ms", 100000000), (".5s", 500000000),
    (100000000, 100000000), (1e9, 1000000000), ("1\u00b5s", 1000), ("2562047h47m16.854775807s", 2 ** 63 - 1),
])
def test_durations_are_go_strings_or_integer_nanoseconds(value, ns):
    if abs(ns) > 2 ** 53 and int(float(ns)) != ns:
        with pytest.raises(values.InputError):
            entry("post", {"url": "http://x", "timeout": value})
        return
    assert entry("post", {"url": "http://x", "timeout": value})["options"]["timeout"] == ns


def test_module_names_that_kapacitor_refuses_are_translated():
    assert entry("servicenow", {"metric_name": "cpu", "message_key": "k", "node": "n"})["options"] == {
        "MetricName": "cpu", "MessageKey": "k", "Node": "n"}
    assert entry("zenoss", {"TID": 2, "event_class_key": "/x", "custom_field": {"a": 1}})["options"] == {
        "tid": 2, "EventClassKey": "/x", "customField": {"a": 1}}


def test_mqtt_qos_takes_kapacitors_names_and_numbers():
    assert entry("mqtt", {"qos": "exactly-one"})["options"] == {"qos": "exactly-one"}
    assert entry("mqtt", {"qos": 2})["options"] == {"qos": 2}


def test_absent_needs_only_topic_and_id():
    assert entry(None, state="absent", topic="main:task:alert2", id="x.y") == {
        "topic": "main:task:alert2", "id": "x.y", "kind": None, "options": None, "match": ""}
    # Checks that guard what Kapacitor builds do not apply to a handler being removed.
    assert entry("kafka", {}, state="absent")["kind"] == "kafka"


def test_unicode_letters_are_allowed_in_topics_and_ids():
    desired = entry("slack", topic="\u00e9t\u00e9", id="caf\u00e9")
    assert topic_handler.plan(desired, None)["path"] == "/alerts/topics/%C3%A9t%C3%A9/handlers"


BAD_INPUT = [
    (dict(kind="email"), "kind: unknown kind 'email' (did you mean smtp?); valid kinds: aggregate, alerta, bigpanda"),
    (dict(kind="httppost"), "(did you mean post?)"),
    (dict(kind="Slack"), "kind: unknown kind 'Slack' (did you mean slack?); valid kinds:"),
    (dict(kind="Email"), "kind: unknown kind 'Email' (did you mean smtp?)"),
    (dict(kind="pager"), "kind: unknown kind 'pager'; valid kinds: aggregate"),
    (dict(kind=["slack"]), "kind: unknown kind ['slack']; valid kinds: aggregate"),
    (dict(kind=None), "kind: required with state=present; one of: aggregate"),
    (dict(kind="slack", options={"chanel": "#a"}),
     "options.chanel: unknown option for kind slack; valid options: workspace, channel, username, icon_emoji"),
    (dict(kind="talk", options={"url": "x"}), "options.url: unknown option for kind talk; valid options: none"),
    (dict(kind="servicenow", options={"metricname2": "x"}), "valid options: url, username, password, source, node"),
    (dict(kind="slack", options={"channel": None}), "options.channel: null is not a value; give a string"),
    (dict(kind="smtp", options={"to": ["a@example.com", None]}), "options.to[1]: null is not a value"),
    (dict(kind="alerta", options={"attributes": {"a": None}}), "options.attributes.a: null is not a value"),
    (dict(kind="slack", options={"channel": ["#a"]}), "options.channel: expected a string, got list"),
    (dict(kind="smtp", options={"to": "a@example.com"}), "options.to: expected a list of strings, got str"),
    (dict(kind="mqtt", options={"retained": "maybe"}), "options.retained: expected a boolean, got str 'maybe'"),
    (dict(kind="zenoss", options={"tid": 1.5}), "options.tid: expected an integer, got float 1.5"),
    (dict(kind="zenoss", options={"tid": 2 ** 63}), "options.tid: 9223372036854775808 is out of range"
     " (-9223372036854775808 to 9223372036854775807)"),
    (dict(kind="log", options={"path": "/a", "mode": "-1"}), "options.mode: -1 is out of range (0 to 4294967295)"),
    (dict(kind="zenoss", options={"tid": -2 ** 63 - 1}), "options.tid: -9223372036854775809 is out of range"),
    (dict(kind="zenoss", options={"tid": 2 ** 53 + 1}), "cannot be sent exactly: Kapacitor reads numbers as 64-bit"),
    (dict(kind="post", options={"url": "http://x", "timeout": "10 s"}),
     "options.timeout: '10 s' is not a valid Go duration (examples: 90s"),
    (dict(kind="post", options={"url": "http://x", "timeout": "1d"}), "options.timeout: '1d' is not a valid Go duration"),
    (dict(kind="post", options={"url": "http://x", "timeout": 1.5}), "options.timeout: 1.5 is not a whole number of"),
    (dict(kind="post", options={"url": "http://x", "timeout": True}), "options.timeout: expected a Go duration string"),
    (dict(kind="post", options={"url": "http://x", "timeout": "3000000h"}), "options.timeout: '3000000h' is not a valid"
     " Go duration (examples: 90s, 1m30s, 1h, 500ms; units ns, us, ms, s, m, h; at most 2562047h47m16.854775807s)"),
    (dict(kind="post", options={"url": "http://x", "timeout": 2 ** 63}), "options.timeout: 9223372036854775808 is out"
     " of range"),
    (dict(kind="post", options={"url": "http://x", "headers": {"X-Key": 5.5}}),
     "options.headers.X-Key: expected a string, got a float"),
    (dict(kind="post", options={"url": "http://x", "headers": ["X-Key: a"]}), "options.headers: expected a dict of"),
    (dict(kind="post", options={"headers": {"A": "b"}}), "options.url: a post handler needs url, or endpoint naming"),
    (dict(kind="aggregate", options={"topic": "other"}), "options.interval: an aggregate handler needs a positive"),
    (dict(kind="aggregate", options={"interval": "-1s", "topic": "other"}), "options.interval: an aggregate handler"),
    (dict(kind="aggregate", options={"interval": "1m", "topic": "cpu"}), "options.topic: 'cpu' is this handler's own"),
    (dict(kind="publish", options={"topics": ["a", "cpu"]}), "options.topics: 'cpu' is this handler's own topic"),
    (dict(kind="publish", options={}), "options.topics: a publish handler needs topics"),
    (dict(kind="kafka", options={"topic": "t"}), "options.cluster: a kafka handler needs cluster, the id of a [[kafka]]"),
    (dict(kind="kafka", options={"cluster": "default", "partition_algorithm": "md5"}),
     "options.partition_algorithm: 'md5' is not allowed; expected one of: '', 'crc32', 'murmur2', 'fnv-1a'"),
    (dict(kind="log", options={"path": "alert.log"}), "options.path: a log handler needs an absolute path, got 'alert.log'"),
    (dict(kind="log", options={}), "options.path: a log handler needs an absolute path, got ''"),
    (dict(kind="log", options={"path": "/a", "mode": 292}), "options.mode: 292 is not a file mode Kapacitor accepts"),
    (dict(kind="log", options={"path": "/a", "mode": 932}), "options.mode: 932 is not a file mode Kapacitor accepts"),
    (dict(kind="log", options={"path": "/a", "mode": -1}), "options.mode: -1 is out of range (0 to 4294967295)"),
    (dict(kind="mqtt", options={"qos": "exactly-once"}),
     "options.qos: 'exactly-once' is not allowed (Kapacitor spells it exactly-one); expected one of: at-most-once"),
    (dict(kind="mqtt", options={"qos": 3}), "options.qos: 3 is not allowed"),
    (dict(kind="mqtt", options={"qos": True}), "options.qos: True is not allowed"),
    (dict(kind="telegram", options={"parse_mode": "rst"}), "options.parse-mode: 'rst' is not allowed; expected Markdown"),
    (dict(kind="tcp", options={"address": "localhost"}), "options.address: a tcp handler needs address as host:port"),
    (dict(kind="exec", options={"args": ["x"]}), "options.prog: an exec handler needs prog"),
    (dict(kind="pagerduty2", options={"links": [{"href": "h", "title": "t"}]}),
     "options.links[0]: unknown key 'title'; valid keys: href, text"),
    (dict(kind="pagerduty2", options={"links": {"href": "h"}}), "options.links: expected a list of dicts with keys href"),
    (dict(kind="snmptrap", options={"data-list": ["1.1"]}), "options.data-list[0]: expected a dict with keys oid, type"),
    (dict(kind="slack", options={"channel": "#a", "Channel": "#b"}), "options.Channel: option channel is given twice"),
    (dict(kind="slack", options=["channel"]), "options: expected a dict of slack options, got list"),
    (dict(kind="slack", match=True), "match: expected a string (a TICKscript lambda expression), got bool"),
    (dict(kind="slack", id=""), "id: '' cannot be used"),
    (dict(kind="slack", id=".."), "id: '..' cannot be used"),
    (dict(kind="slack", id="a:b"), "id: 'a:b' may only contain letters, digits (0-9), '-', '.', '_'; ':' is not"),
    (dict(kind="slack", id="a/b"), "'/' is not allowed"),
    (dict(kind="slack", id="\u0661"), "id: '\u0661' may only contain letters, digits (0-9)"),  # Arabic-Indic one
    (dict(kind="slack", id=None), "id: null is not a value"),
    (dict(kind="slack", id=5), "id: expected a string, got int"),
    (dict(kind="slack", topic="bad topic"), "topic: 'bad topic' may only contain letters, digits (0-9), '-', '.', '_',"
     " ':'; ' ' is not allowed"),
    (dict(kind="slack", topic=""), "topic: '' cannot be used"),
    (dict(kind="slack", state="reset"), "state: expected one of present, absent, got 'reset'"),
]


@pytest.mark.parametrize("args, message", BAD_INPUT)
def test_bad_input_names_the_option_and_what_was_expected(args, message):
    with pytest.raises(values.InputError) as err:
        entry(**args)
    assert message in str(err.value)


def test_secrets_are_not_echoed_in_errors():
    with pytest.raises(values.InputError) as err:
        entry("pagerduty2", {"routing_key": ["R0UT1NG-SECRET"]})
    assert "R0UT1NG" not in str(err.value)
    with pytest.raises(values.InputError) as err:
        entry("post", {"url": "http://x", "headers": {"Authorization": ["Bearer HUNTER2"]}})
    assert "HUNTER2" not in str(err.value)


# ---------------------------------------------------------------------------------------------
# plan

def test_plan_creates_a_missing_handler_with_a_post_to_the_topics_handlers():
    desired = entry("slack", {"channel": "#a"}, match="changed() == TRUE")
    op = topic_handler.plan(desired, None)
    assert op["operation"] == "create"
    assert (op["method"], op["path"]) == ("POST", "/alerts/topics/cpu/handlers")
    assert op["body"] == {"id": "h1", "kind": "slack", "options": {"channel": "#a"}, "match": "changed() == TRUE"}
    assert list(op["body"]) == ["id", "kind", "options", "match"]


def test_plan_is_none_for_the_same_handler():
    desired = entry("slack", {"channel": "#a"})
    assert topic_handler.plan(desired, stored(desired)) is None


@pytest.mark.parametrize("kind, given, current", [
    ("slack", {"channel": "#a"}, {"Channel": "#a"}),                               # key case, as stored by hand
    ("slack", {"icon_emoji": ":x:"}, {"ICON-EMOJI": ":x:"}),
    ("zenoss", {"tid": 1}, {"TID": 1}),                                           # the upstream test's spelling
    ("zenoss", {"tid": 1}, {"tid": 1.0}),                                         # numbers as numbers
    ("zenoss", {"tid": 1}, {"tid": 1.9}),                                         # Kapacitor truncates
    ("servicenow", {"metric_name": "m"}, {"metricName": "m"}),                    # the docs' spelling
    ("aggregate", {"interval": "100ms", "topic": "o"}, {"interval": 100000000, "topic": "o"}),
    ("alerta", {"timeout": "24h"}, {"timeout": 86400000000000}),
    ("alerta", {"timeout": "24h"}, {}),                                           # the field's default
    ("alerta", {}, {"resource": "{{ .Name }}", "group": None}),                   # defaults and null
    ("log", {"path": "/a", "mode": 384}, {"path": "/a"}),
    ("slack", {}, None),                                                          # options null
    ("slack", {"channel": ""}, {}),                                               # zero value
    ("smtp", {}, {"to": []}),
    ("mqtt", {"qos": "at-least-once"}, {"qos": 1}),
    ("mqtt", {}, {"qos": "at-most-once", "retained": False}),
    ("pagerduty2", {"links": [{"href": "h"}]}, {"links": [{"HREF": "h", "text": ""}]}),
    ("pagerduty2", {"links": [{"href": "h", "text": ""}]}, {"links": [{"href": "h", "text": None}]}),
    ("post", {"url": "http://x", "timeout": "1.5s"}, {"url": "http://x", "timeout": 1500000000.0}),
])
def test_options_that_kapacitor_decodes_to_the_same_fields_are_equal(kind, given, current):
    desired = entry(kind, given)
    assert topic_handler.plan(desired, stored(desired, options=current)) is None


@pytest.mark.parametrize("given, current_changes, changes", [
    ({"channel": "#a"}, {"options": {"channel": "#b"}}, ["channel"]),
    ({"channel": "#a"}, {"options": {"channel": "#a", "username": "bot"}}, ["username"]),
    ({"channel": "#a"}, {"kind": "teams"}, ["kind"]),
    ({"channel": "#a"}, {"match": "changed()"}, ["match"]),
    ({"channel": "#a"}, {"options": {"channel": "#a", "bogus": 1}}, ["bogus", "channel"]),  # cannot be decoded
    ({"channel": "#a"}, {"options": {"channel": "#a", "CHANNEL": "#a"}}, ["channel"]),
])
def test_plan_replaces_a_handler_that_differs_with_a_put_of_every_field(given, current_changes, changes):
    desired = entry("slack", given)
    op = topic_handler.plan(desired, stored(desired, **current_changes))
    assert op["operation"] == "replace"
    assert (op["method"], op["path"]) == ("PUT", "/alerts/topics/cpu/handlers/h1")
    assert op["body"] == {"id": "h1", "kind": "slack", "options": {"channel": "#a"}, "match": ""}
    assert sorted(op["changes"]) == sorted(changes)


def test_a_changed_secret_is_a_change():
    desired = entry("pagerduty2", {"routing_key": "new"})
    op = topic_handler.plan(desired, stored(desired, options={"routing-key": "old"}))
    assert op["changes"] == ["routing_key"]


def test_a_duration_that_differs_by_a_nanosecond_is_a_change():
    desired = entry("post", {"url": "u", "timeout": "1s"})
    assert topic_handler.plan(desired, stored(desired, options={"url": "u", "timeout": 1000000001}))["changes"] == [
        "timeout"]


def test_a_handler_of_a_disabled_kind_is_refused_not_created_again():
    desired = entry("alerta")
    empty = {"link": {"rel": "self", "href": "/kapacitor/v1/alerts/topics/handlers"}, "id": "", "kind": "",
             "options": None, "match": ""}
    with pytest.raises(topic_handler.HandlerStateError) as err:
        topic_handler.plan(desired, empty)
    assert "disabled on this server" in str(err.value)
    with pytest.raises(topic_handler.HandlerStateError):
        topic_handler.plan_absent(desired, empty)


def test_plan_absent_deletes_the_handler_never_the_topic():
    desired = entry(None, state="absent", topic="main:task", id="h.1")
    assert topic_handler.plan_absent(desired, None) is None
    op = topic_handler.plan_absent(desired, stored(entry("slack", topic="main:task", id="h.1")))
    assert (op["operation"], op["method"], op["path"]) == ("delete", "DELETE", "/alerts/topics/main:task/handlers/h.1")


@pytest.mark.parametrize("topic, handler_id", [("cpu", "h"), ("a.b", "x_y-z"), ("main:t:n", "..."), ("\u00e9", "\u00e9")])
def test_handler_paths_never_end_with_a_slash(topic, handler_id):
    path = topic_handler.handler_path(topic, handler_id)
    assert not path.endswith("/")
    assert path.startswith(topic_handler.handlers_path(topic) + "/")
    assert path.count("/") == 5


# ---------------------------------------------------------------------------------------------
# secrets

@pytest.mark.parametrize("kind, options, expected", [
    ("alerta", {"token": "t0k3n", "origin": "o"}, ["t0k3n"]),
    ("pagerduty2", {"ROUTING-KEY": 12345}, ["12345"]),                              # a number, any spelling
    ("pagerduty2", {"routing_key": 12.0}, ["12", "12.0"]),
    ("post", {"url": "u", "headers": {"Authorization": "Bearer abc", "X-Id": "7"}}, ["7", "Bearer abc"]),
    ("slack", {"channel": "#a", "webhook": "https://hooks/x"}, ["https://hooks/x"]),  # unknown key
    ("slack", {"extra": {"deep": ["s1", {"k": "s2"}, 3, True, None, ""]}}, ["3", "s1", "s2"]),  # nested
    ("no-such-kind", {"channel": "#a"}, ["#a"]),                                     # every key of an unknown kind
    ("servicenow", {"password": "", "username": "u"}, []),
    ("teams", {"channel-url": ["https://a", "https://b"]}, ["https://a", "https://b"]),  # a list, even if refused
    ("talk", {"anything": "x"}, ["x"]),
])
def test_secret_values_are_found_in_every_form(kind, options, expected):
    assert redaction.topic_option_secrets(kind, options) == expected


def test_secret_values_of_no_options():
    assert redaction.topic_option_secrets("slack", None) == []
    assert redaction.topic_option_secrets("slack", ["a", {"b": 2}]) == ["2", "a"]  # not a dict: every value


def test_entries_secrets_take_input_of_any_shape():
    entries = [
        {"topic": "cpu", "id": "h", "kind": "pagerduty2", "options": {"routing_key": "rk", "links": []},
         "match": "changed()", "state": "present", "oops": "o1"},
        {"kind": "teams", "options": "https://teams/x"},
        "not-an-entry",
        {"kind": ["slack"], "options": {"channel": "#a"}},
    ]
    assert redaction.topic_entries_secrets(entries) == ["#a", "https://teams/x", "not-an-entry", "o1", "rk"]
    assert redaction.topic_entries_secrets({"kind": "alerta", "options": {"token": 7}}) == ["7"]
    assert redaction.topic_entries_secrets(None) == []


# ---------------------------------------------------------------------------------------------
# present and export

def test_present_shows_module_names_go_durations_and_masks_secrets():
    shown = topic_handler.present("post", {
        "URL": "http://x", "timeout": 90000000000, "headers": {"Authorization": "Bearer abc", "X-Empty": ""},
        "capture-response": True, "junk": "j", "endpoint": None})
    assert shown == {"url": "http://x", "timeout": "1m30s", "capture_response": True,
                     "headers": {"Authorization": "<set>", "X-Empty": "<unset>"}, "junk": "<set>"}
    assert topic_handler.present("alerta", {"token": ""}) == {"token": "<unset>"}
    assert topic_handler.present("servicenow", {"metricName": "m", "TID": 1}) == {"metric_name": "m", "TID": "<set>"}


def test_masked():
    assert redaction.shown_secret("x") == "<set>"
    assert redaction.shown_secret(0) == "<set>"
    assert redaction.shown_secret("") == "<unset>"


EXPORTED = [
    ("alerta", {"token": "t0k3n", "token-prefix": "Bearer", "timeout": 86400000000000, "service": ["a"]}, ["token"]),
    ("post", {"URL": "http://x", "headers": {"Authorization": "Bearer abc"}, "timeout": 1500000000}, ["headers"]),
    ("zenoss", {"action": "EventsRouter", "TID": 1, "customField": {"a": 5}}, []),
    ("servicenow", {"metricName": "m", "password": "pw", "url": "u"}, ["password"]),
    ("mqtt", {"qos": "exactly-one", "retained": True}, []),
    ("snmptrap", {"trap-oid": "1.1.2", "data-list": [{"OID": "1.1.2.1", "type": "s", "value": "{{.Message}}"}]}, []),
    ("pagerduty2", {"routing-key": "", "links": [{"href": "h", "text": "t"}]}, []),
    ("aggregate", {"interval": 100000000, "topic": "other", "id": None}, []),
    ("talk", None, []),
]


@pytest.mark.parametrize("kind, options, secrets", EXPORTED)
def test_export_leaves_secrets_out_and_applying_it_with_them_changes_nothing(kind, options, secrets):
    current = {"link": {"rel": "self", "href": "/kapacitor/v1/alerts/topics/cpu/handlers/h1"}, "id": "h1",
               "kind": kind, "options": options, "match": "level() == CRITICAL"}
    exported, secret_names = topic_handler.export_entry("cpu", current)
    assert secret_names == secrets
    assert list(exported) == ["topic", "id", "kind", "options", "match"]
    for value in redaction.topic_option_secrets(kind, options):
        assert value not in repr(exported)
    given = dict(exported["options"])
    for name in secret_names:
        option = topic_kinds.find_option(topic_kinds.get_kind(kind), name)
        given[name] = [v for k, v in options.items() if topic_kinds.decoded_option(topic_kinds.get_kind(kind), k)
                       is option][0]
    desired = topic_handler.check_entry(exported["topic"], exported["id"], exported["kind"], given,
                                        exported["match"])
    assert topic_handler.plan(desired, current) is None
    # Without the secrets given again, the handler would be replaced.
    if secret_names:
        without = topic_handler.check_entry("cpu", "h1", kind, exported["options"], exported["match"])
        assert topic_handler.plan(without, current)["changes"] == secret_names


def test_export_shows_durations_as_go_strings_and_module_names():
    exported, unused = topic_handler.export_entry("cpu", {
        "id": "h1", "kind": "alerta", "options": {"TIMEOUT": 86400000000000, "token-prefix": "Key"}, "match": ""})
    assert exported["options"] == {"timeout": "24h0m0s", "token_prefix": "Key"}


def test_true_is_not_1_in_free_maps():
    desired = entry("alerta", {"attributes": {"flag": True, "n": 1}})
    assert topic_handler.plan(desired, stored(desired, options={"attributes": {"flag": 1, "n": 1.0}}))["changes"] == [
        "attributes"]
    assert topic_handler.plan(desired, stored(desired, options={"attributes": {"flag": True, "n": 1.0}})) is None
