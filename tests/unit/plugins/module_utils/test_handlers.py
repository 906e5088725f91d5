# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The handler table against Kapacitor's section facts, and the files generated from it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import json
import os
import re

import pytest
import yaml

from ansible_collections.tickstack.kapacitor.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers
from ansible_collections.tickstack.kapacitor.plugins.module_utils.connection import CONNECTION_ARGUMENT_SPEC

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
# The emulator and this test share the one copy of Kapacitor's section facts.
SECTIONS_JSON = os.path.join(ROOT, "tests", "emulator", "fixtures", "sections.json")
DESIGN_HANDLERS = [
    "alerta", "bigpanda", "discord", "httppost", "kafka", "mqtt", "opsgenie", "opsgenie2", "pagerduty", "pagerduty2",
    "pushover", "sensu", "servicenow", "slack", "smtp", "snmptrap", "talk", "teams", "telegram", "victorops", "zenoss",
]
TYPES = {"bool": handlers.BOOL, "string": handlers.STR, "int": handlers.INT, "duration": handlers.DURATION, "list[string]": handlers.LIST,
         "map[string]string": handlers.MAP, "object": handlers.OBJECT}


def sections():
    with open(SECTIONS_JSON) as handle:
        return json.load(handle)


def test_the_table_has_exactly_the_supported_handlers():
    assert list(handlers.HANDLERS) == DESIGN_HANDLERS
    assert set(sections()) - set(handlers.HANDLERS) == {"hipchat"}


@pytest.mark.parametrize("name", DESIGN_HANDLERS)
def test_handler_matches_kapacitor_section(name):
    section = sections()[name]
    handler = handlers.HANDLERS[name]
    assert handler.element_key == section["element_key"]
    assert handlers.is_list(handler) == section["list"]
    assert [o.name for o in handler.options] == list(section["options"])
    for option in handler.options:
        fact = section["options"][option.name]
        assert option.type == TYPES[fact["type"]], option.name
        assert option.default == fact["default"], option.name
        assert (option.secret == handlers.REDACTED) == fact["redacted"], option.name
        if fact.get("element_key"):
            assert option.name == handler.element_key
        if option.fields:
            assert option.default == dict((f.name, f.default) for f in option.fields)
            if "fields" in fact:
                assert [f.name for f in option.fields] == list(fact["fields"])
    assert [t.name for t in handler.test_options] == list(section["test_options"])
    for test_option in handler.test_options:
        assert test_option.default == section["test_options"][test_option.name]["default_in_upstream_test"]
    if handlers.is_list(handler):
        assert handler.test_selector in section["test_options"]


def test_credentials_that_kapacitor_does_not_redact_are_marked_sensitive():
    sensitive = set()
    for handler in handlers.HANDLERS.values():
        for option in handler.options:
            if option.secret == handlers.SENSITIVE:
                sensitive.add("%s.%s" % (handler.name, option.name))
            for field in option.fields or ():
                if field.secret == handlers.SENSITIVE:
                    sensitive.add("%s.%s.%s" % (handler.name, option.name, field.name))
    assert sensitive == {"discord.url", "teams.channel-url", "httppost.headers", "kafka.SASLAuth.SASLPassword",
                         "kafka.SASLAuth.SASLOAUTHClientSecret", "kafka.SASLAuth.SASLAccessToken"}


def test_deprecated_handlers_point_to_their_successor():
    assert {h.name: h.deprecated_by for h in handlers.HANDLERS.values() if h.deprecated_by} == {
        "opsgenie": "opsgenie2", "pagerduty": "pagerduty2"}


def test_allowed_values():
    assert handlers.option_map(handlers.HANDLERS["opsgenie2"])["recovery_action"].choices == ("notes", "close")
    assert handlers.option_map(handlers.HANDLERS["telegram"])["parse-mode"].choices == ("", "Markdown", "HTML")


def test_alerta_url_uses_chronograf_label():
    assert '"User"' in handlers.option_map(handlers.HANDLERS["alerta"])["url"].description


def load_generator():
    path = os.path.join(ROOT, "tests", "tools", "gen_handlers_doc.py")
    spec = importlib.util.spec_from_file_location("gen_handlers_doc", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_handlers_md_is_generated_from_the_table():
    generator = load_generator()
    with open(os.path.join(ROOT, "docs", "handlers.md")) as handle:
        assert handle.read() == generator.render(handlers), "run: python3 tests/tools/gen_handlers_doc.py"


def module_documentation():
    path = os.path.join(ROOT, "plugins", "modules", "kapacitor_alert_endpoint.py")
    with open(path) as handle:
        source = handle.read()
    return yaml.safe_load(re.search(r'DOCUMENTATION = r"""(.*?)"""', source, re.S).group(1))


def test_module_doc_lists_every_handler_and_option():
    doc = module_documentation()
    assert doc["options"]["handler"]["choices"] == DESIGN_HANDLERS
    summary = " ".join(doc["options"]["config"]["description"])
    for handler in handlers.HANDLERS.values():
        names = ", ".join(handlers.user_name(o.name) for o in handler.options if o.name != handler.element_key)
        assert re.search(r"C\(%s\) (takes )?%s[;.]" % (handler.name, re.escape(names)), summary), handler.name


def test_connection_doc_fragment_matches_the_argument_spec():
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    assert set(documented) == set(CONNECTION_ARGUMENT_SPEC)
    for name, spec in CONNECTION_ARGUMENT_SPEC.items():
        doc = documented[name]
        assert doc["type"] == spec["type"], name
        assert doc.get("default") == spec.get("default"), name
        text = " ".join(doc["description"])
        env = spec.get("fallback", (None, []))[1]
        for var in env:
            assert "E(%s)" % var in text, name
        assert bool(env) == ("If not set, the environment variable" in text), name
    assert {n for n, s in CONNECTION_ARGUMENT_SPEC.items() if s.get("no_log")} == {"kapacitor_password", "kapacitor_token"}


def test_every_module_is_in_the_action_group():
    with open(os.path.join(ROOT, "meta", "runtime.yml")) as handle:
        group = yaml.safe_load(handle)["action_groups"]["kapacitor"]
    modules = sorted(f[:-3] for f in os.listdir(os.path.join(ROOT, "plugins", "modules"))
                     if f.endswith(".py") and not f.startswith("_"))
    assert modules and sorted(group) == modules
