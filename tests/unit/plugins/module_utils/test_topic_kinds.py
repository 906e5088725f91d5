# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The topic handler kind table against Kapacitor's facts, and the reference generated from it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import json
import os

import pytest

from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers
from ansible_collections.tickstack.kapacitor.plugins.module_utils import redaction
from ansible_collections.tickstack.kapacitor.plugins.module_utils import topic_handler
from ansible_collections.tickstack.kapacitor.plugins.module_utils import topic_kinds
from ansible_collections.tickstack.kapacitor.plugins.module_utils import values

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
FIXTURES = os.path.join(HERE, "fixtures")
SECTIONS_JSON = os.path.join(ROOT, "tests", "emulator", "fixtures", "sections.json")

# Go types of the config structs -> the table's types.
GO_TYPES = {
    "string": topic_kinds.STR, "bool": topic_kinds.BOOL, "int64": topic_kinds.INT, "os.FileMode": topic_kinds.INT,
    "time.Duration": topic_kinds.DURATION, "[]string": topic_kinds.LIST, "map[string]string": topic_kinds.MAP,
    "map[string]interface{}": topic_kinds.ANY_MAP, "mqtt.QoSLevel": topic_kinds.QOS,
}
# Credentials that Kapacitor's config sections do not redact, but that are secrets by themselves.
CREDENTIALS = {"teams.channel-url", "post.headers"}


def load(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return json.load(handle)


def kind_facts():
    return load("topic-kinds.json")["kinds"]


def test_the_table_has_the_27_kinds_kapacitor_builds():
    assert list(topic_kinds.KINDS) == sorted(kind_facts())
    assert len(topic_kinds.KINDS) == 27
    assert topic_kinds.get_kind("Slack") is None  # kind names are case-sensitive


@pytest.mark.parametrize("name", sorted(load("topic-kinds.json")["kinds"]))
def test_kind_matches_kapacitor_config_struct(name):
    fact = kind_facts()[name]
    kind = topic_kinds.KINDS[name]
    assert kind.config_type == fact["type"]
    assert [o.name for o in kind.options] == list(fact["fields"])
    for option in kind.options:
        go_type = fact["fields"][option.name]
        if go_type.startswith("[]") and "{" in go_type:
            assert option.type == topic_kinds.OBJECT_LIST, option.name
            assert [f.name for f in option.fields] == go_type[go_type.index("{") + 1:-1].split(","), option.name
        else:
            assert option.type == GO_TYPES[go_type], option.name
        expected_default = fact.get("defaults", {}).get(option.name)
        if expected_default is None:
            zero = {topic_kinds.STR: "", topic_kinds.BOOL: False, topic_kinds.INT: 0, topic_kinds.QOS: 0}
            expected_default = zero.get(option.type)
            if option.type == topic_kinds.DURATION and name != "aggregate":
                expected_default = 0
        assert option.default == expected_default, option.name
        assert option.description.endswith("."), option.name
    for refused in fact.get("refused", []) + fact.get("not_settable", []):
        assert topic_kinds.decoded_option(kind, refused) is None, refused


def test_secrets_are_what_kapacitor_redacts_in_the_same_section_plus_credentials():
    with open(SECTIONS_JSON) as handle:
        sections = json.load(handle)
    section_of = {"post": "httppost"}
    redacted = set()
    for kind in topic_kinds.KINDS.values():
        section = sections.get(section_of.get(kind.name, kind.name), {"options": {}})
        for option in kind.options:
            if section["options"].get(option.name, {}).get("redacted"):
                redacted.add("%s.%s" % (kind.name, option.name))
    secret = set("%s.%s" % (k.name, o.name) for k in topic_kinds.KINDS.values() for o in k.options if o.secret)
    assert secret == redacted | CREDENTIALS
    assert secret == {"alerta.token", "hipchat.token", "pagerduty.service-key", "pagerduty2.routing-key",
                      "pushover.user-key", "servicenow.password", "teams.channel-url", "post.headers"}
    assert all(o.secret == handlers.SENSITIVE for k in topic_kinds.KINDS.values() for o in k.options if o.secret)


def test_every_spelling_names_one_option_of_its_kind():
    for kind in topic_kinds.KINDS.values():
        for option in kind.options:
            module_name = topic_kinds.user_name(option.name)
            for spelling in (option.name, option.name.upper(), module_name, module_name.replace("_", "-")):
                assert topic_kinds.find_option(kind, spelling) is option, (kind.name, spelling)
            assert topic_kinds.decoded_option(kind, option.name.lower()) is option
        module_names = [topic_kinds.user_name(o.name) for o in kind.options]
        assert len(set(module_names)) == len(module_names), kind.name


def test_spellings_that_kapacitor_refuses_still_reach_the_option_through_the_module():
    servicenow = topic_kinds.KINDS["servicenow"]
    assert topic_kinds.find_option(servicenow, "metric_name").name == "MetricName"
    assert topic_kinds.decoded_option(servicenow, "metric_name") is None
    zenoss = topic_kinds.KINDS["zenoss"]
    assert topic_kinds.find_option(zenoss, "event_class_key").name == "EventClassKey"
    assert topic_kinds.find_option(zenoss, "TID").name == "tid"


def test_allowed_values():
    options = dict((o.name, o) for o in topic_kinds.KINDS["mqtt"].options)
    assert options["qos"].choices == ("at-most-once", "at-least-once", "exactly-one")
    assert dict((o.name, o) for o in topic_kinds.KINDS["kafka"].options)["partitionAlgorithm"].choices == (
        "", "crc32", "murmur2", "fnv-1a")


def test_unknown_keys_are_secret_keys():
    slack = topic_kinds.KINDS["slack"]
    assert redaction.topic_key_is_secret(slack, "url")
    assert not redaction.topic_key_is_secret(slack, "channel")
    assert redaction.topic_key_is_secret(None, "channel")


def fixture_bodies():
    """Every handler body that an upstream test creates or replaces successfully."""
    data = load("topic-handlers.json")
    bodies = []
    for case in data["cases"]:
        for step in case["steps"]:
            request, expect = step.get("request"), step.get("expect")
            if request and request["method"] in ("POST", "PUT") and expect and expect["status"] == 200:
                topic = request["path"].split("/alerts/topics/")[1].split("/")[0]
                bodies.append(("%s %s" % (case["test"], case.get("subtest") or ""), topic, request["body"]))
    for case in data["code_derived_cases"]:
        request = case["request"]
        if request["method"] == "POST" and case["expect"]["status"] == 200:
            bodies.append((case["name"], request["path"].split("/")[5], request["body"]))
    return bodies


def placeholders(value):
    text = json.dumps(value)
    for name, example in (("${TCP_ADDR}", "127.0.0.1:9000"), ("${POST_URL}", "http://127.0.0.1:9000"),
                          ("${LOG_PATH}", "/tmp/alert.log")):
        text = text.replace(name, example)
    return json.loads(text)


@pytest.mark.parametrize("label, topic, body", fixture_bodies())
def test_every_handler_that_kapacitor_accepts_in_its_tests_passes_the_checks(label, topic, body):
    body = placeholders(body)
    desired = topic_handler.check_entry(topic, body["id"], body["kind"], body.get("options"), body.get("match"))
    # What Kapacitor stores is what the test sent: the module's body compares equal to it.
    assert topic_handler.plan(desired, dict(body, options=body.get("options"))) is None, label


@pytest.mark.parametrize("name", ["create: unknown kind", "create: bad mqtt qos", "create: log without path",
                                  "create: missing id", "create: empty kind", "put: bad options",
                                  "create: bad topic in URL (message quotes the handler id)"])
def test_handlers_kapacitor_refuses_are_refused_before_sending(name):
    case = [c for c in load("topic-handlers.json")["code_derived_cases"] if c["name"] == name][0]
    assert case["expect"]["status"] in (400, 500)
    body = case["request"]["body"]
    topic = case["request"]["path"].split("/alerts/topics/")[1].split("/")[0].replace("%20", " ")
    with pytest.raises(values.InputError):
        topic_handler.check_entry(topic, body.get("id"), body.get("kind"), body.get("options"), body.get("match"))


def test_a_number_for_a_string_option_is_sent_as_a_string():
    # Kapacitor refuses {"chat-id": 12345} (code-derived case "create: wrong option type").
    desired = topic_handler.check_entry("t", "h", "telegram", {"chat_id": 12345}, None)
    assert desired["options"] == {"chat-id": "12345"}


def load_generator():
    path = os.path.join(ROOT, "tests", "tools", "gen_topic_kinds_doc.py")
    spec = importlib.util.spec_from_file_location("gen_topic_kinds_doc", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_topic_handlers_md_is_generated_from_the_table():
    with open(os.path.join(ROOT, "docs", "topic-handlers.md")) as handle:
        text = handle.read()
    assert text == load_generator().render(topic_kinds), "run: python3 tests/tools/gen_topic_kinds_doc.py"


def test_the_reference_names_every_option_and_secret():
    text = load_generator().render(topic_kinds)
    for kind in topic_kinds.KINDS.values():
        assert "### %s\n" % kind.name in text
        for option in kind.options:
            row = "| `%s` | `%s` |" % (topic_kinds.user_name(option.name), option.name)
            line = [x for x in text.splitlines() if x.startswith(row)]
            assert len([x for x in line if ("| yes |" if option.secret else "| no |") in x]) >= 1, option.name
    for quirk in ("No rename through the module", "A topic is never deleted by the module",
                  "Durations are integer nanoseconds on the wire"):
        assert quirk in text
