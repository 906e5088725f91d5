# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The alert_endpoints role's files agree with each other.

defaults/main.yml and meta/argument_specs.yml must describe the same variables with the same
defaults, the README must document each variable, and the playbooks must call entry points that
the argument spec defines.
"""

from __future__ import annotations

import os
import re

import pytest
import yaml

COLLECTION = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
ROLE = os.path.join(COLLECTION, "roles", "alert_endpoints")


def load(*parts):
    with open(os.path.join(*parts), encoding="utf-8") as f:
        return yaml.safe_load(f)


SPECS = load(ROLE, "meta", "argument_specs.yml")["argument_specs"]
DEFAULTS = load(ROLE, "defaults", "main.yml")
ENTRY_POINTS = sorted(SPECS)


def all_options():
    """Every option of every entry point, by name; the same name must mean the same thing."""
    options = {}
    for entry_point in ENTRY_POINTS:
        for name, spec in SPECS[entry_point]["options"].items():
            assert options.setdefault(name, spec) == spec, "%s differs between entry points" % name
    return options


def test_every_entry_point_has_a_tasks_file():
    for entry_point in ENTRY_POINTS:
        assert os.path.isfile(os.path.join(ROLE, "tasks", entry_point + ".yml")), entry_point


def test_defaults_are_described_in_the_spec():
    undocumented = sorted(set(DEFAULTS) - set(all_options()))
    assert not undocumented, "defaults/main.yml sets variables that meta/argument_specs.yml lacks: %s" % undocumented


@pytest.mark.parametrize("name", sorted(all_options()))
def test_spec_default_matches_defaults_file(name):
    spec = all_options()[name]
    if "default" in spec:
        assert name in DEFAULTS, "%s has a default in the spec but not in defaults/main.yml" % name
        assert DEFAULTS[name] == spec["default"], "%s: defaults/main.yml %r, spec %r" % (name, DEFAULTS[name], spec["default"])
    else:
        assert name not in DEFAULTS, "%s is in defaults/main.yml but has no default in the spec" % name


@pytest.mark.parametrize("name", sorted(all_options()))
def test_option_is_typed_and_described(name):
    spec = all_options()[name]
    assert spec.get("type"), name
    assert spec.get("description"), name
    if spec["type"] == "list":
        assert spec.get("elements"), name


def test_choices_include_the_default():
    for name, spec in all_options().items():
        if "choices" in spec and "default" in spec:
            assert spec["default"] in spec["choices"], name


def test_readme_documents_every_variable():
    with open(os.path.join(ROLE, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    missing = [name for name in all_options() if "`%s`" % name not in readme]
    assert not missing, "roles/alert_endpoints/README.md does not document %s" % missing


def test_tasks_only_use_documented_variables():
    """A public variable (kapacitor_*) read by the role must be in the argument spec."""
    used = set()
    for directory in ("tasks", "vars", "templates"):
        for name in os.listdir(os.path.join(ROLE, directory)):
            with open(os.path.join(ROLE, directory, name), encoding="utf-8") as f:
                used.update(re.findall(r"\b(kapacitor_[a-z_]+)\b", f.read()))
    # Module names, module options and return values also start with kapacitor_.
    module_words = {"kapacitor_url", "kapacitor_username", "kapacitor_password", "kapacitor_token", "kapacitor_version",
                    "kapacitor_alert_endpoint", "kapacitor_alert_endpoint_info", "kapacitor_test_alert",
                    "kapacitor_topic_handler", "kapacitor_topic_handler_info"}
    unknown = sorted(used - set(all_options()) - module_words)
    assert not unknown, "the role reads variables that meta/argument_specs.yml does not describe: %s" % unknown


@pytest.mark.parametrize("playbook", ["configure_alert_endpoints", "send_test_alerts", "export_alert_endpoints"])
def test_playbooks_use_existing_entry_points(playbook):
    plays = load(COLLECTION, "playbooks", playbook + ".yml")
    assert len(plays) == 1
    play = plays[0]
    assert play["hosts"] == "{{ kapacitor_hosts | default('kapacitor') }}"
    assert play["gather_facts"] is False
    calls = list(play.get("roles", [])) + [t["ansible.builtin.import_role"] for t in play.get("tasks", [])]
    assert len(calls) == 1
    call = calls[0]
    name = call.get("role") or call.get("name")
    assert name == "tickstack.kapacitor.alert_endpoints"
    assert call.get("tasks_from", "main") in ENTRY_POINTS
