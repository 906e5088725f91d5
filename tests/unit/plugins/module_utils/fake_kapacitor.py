# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An in-memory stand-in for KapacitorClient, for unit tests of the compare-and-patch core.

It keeps elements as Kapacitor renders them (redacted options as booleans) and applies set,
add and remove the way Kapacitor does, so the tests can check both the requests and the state.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers
from ansible_collections.tickstack.kapacitor.plugins.module_utils import values
from ansible_collections.tickstack.kapacitor.plugins.module_utils.client import KapacitorError


def default_element(handler, **options):
    """An element with Kapacitor's built-in defaults, redacted options as booleans."""
    rendered = {}
    for option in handler.options:
        value = copy.deepcopy(option.default)
        if option.secret == handlers.REDACTED:
            value = bool(value) and not values.is_empty_secret(value)
        rendered[option.name] = value
    rendered.update(options)
    return {"options": rendered}


class FakeKapacitor:
    def __init__(self, file_elements=None):
        # section -> list of option dicts; file_elements: section -> names defined in "kapacitor.conf"
        self.sections = {}
        self.file_defined = {}
        self.requests = []
        for name, handler in handlers.HANDLERS.items():
            if handlers.is_list(handler):
                self.sections[name] = []
            else:
                self.sections[name] = [default_element(handler)["options"]]
        for section, names in (file_elements or {}).items():
            handler = handlers.get_handler(section)
            for element in names:
                self.sections[section].append(default_element(handler, **{handler.element_key: element})["options"])
            self.file_defined[section] = set(names)
        self.snapshot = {}
        self.writes = 0
        self.kapacitor_version = "1.8.3"

    def _split(self, path):
        parts = path.split("/")  # '', 'config', section, [element]
        return parts[2], (parts[3] if len(parts) > 3 else None)

    def get(self, path):
        self.requests.append(("GET", path, None))
        if path == "/config":
            sections = {"hipchat": {"elements": [{"options": {"enabled": False, "token": False}}]}}
            for name, elements in self.sections.items():
                if elements:
                    sections[name] = {"elements": [{"options": copy.deepcopy(e)} for e in elements]}
            return {"sections": sections}
        section, element = self._split(path)
        handler = handlers.get_handler(section)
        elements = self.sections[section]
        if element is None:
            if not elements:
                raise KapacitorError("GET: 404", "GET", path, 404, "unknown section: %s" % section)
            return {"elements": [{"options": copy.deepcopy(e)} for e in elements]}
        for e in elements:
            if not handlers.is_list(handler) or e.get(handler.element_key) == element:
                return {"options": copy.deepcopy(e)}
        raise KapacitorError("GET: 404", "GET", path, 404, "unknown section/element")

    def get_or_none(self, path):
        try:
            return self.get(path)
        except KapacitorError as exc:
            if exc.status == 404:
                return None
            raise

    def post(self, path, body, write=True):
        self.requests.append(("POST", path, copy.deepcopy(body)))
        self.writes += int(write)
        section, element = self._split(path)
        handler = handlers.get_handler(section)
        options = handlers.option_map(handler)
        if "set" in body:
            target = None
            for e in self.sections[section]:
                if not handlers.is_list(handler) or e.get(handler.element_key, "") == (element or ""):
                    target = e
            assert target is not None, "set on an unknown element"
            for key, value in body["set"].items():
                assert key != handler.element_key, "element key in set"
                self._apply(options[key], target, value)
        elif "add" in body:
            key = body["add"][handler.element_key]
            assert all(e.get(handler.element_key) != key for e in self.sections[section]), "add of an existing element"
            new = {}
            for option in handler.options:
                new[option.name] = False if option.secret == handlers.REDACTED else values.zero_value(option.type, option.fields)
            new[handler.element_key] = key
            for k, v in body["add"].items():
                if k != handler.element_key:
                    self._apply(options[k], new, v)
            self.sections[section].append(new)
        elif "delete" in body:
            for e in self.sections[section]:
                if not handlers.is_list(handler) or e.get(handler.element_key, "") == (element or ""):
                    default = default_element(handler, **({handler.element_key: element} if handlers.is_list(handler) else {}))
                    for key in body["delete"]:
                        e[key] = default["options"][key]
        elif "remove" in body:
            for name in body["remove"]:
                if name in self.file_defined.get(section, ()):
                    # Only the overrides go: the element falls back to its file values.
                    idx = [e.get(handler.element_key) for e in self.sections[section]].index(name)
                    self.sections[section][idx] = default_element(handler, **{handler.element_key: name})["options"]
                else:
                    self.sections[section] = [e for e in self.sections[section] if e.get(handler.element_key) != name]
        return None

    @staticmethod
    def _apply(option, target, value):
        assert value is not None, "null sent"
        if option.secret == handlers.REDACTED:
            target[option.name] = not values.is_empty_secret(value)
        elif option.type == handlers.OBJECT:
            merged = dict(target.get(option.name) or {})
            for k, v in value.items():
                if any(f.name == k and f.type == handlers.NS_DURATION for f in option.fields):
                    v = values.parse_go_duration(v)
                merged[k] = v
            target[option.name] = merged
        elif option.type == handlers.DURATION:
            target[option.name] = values.normalise_duration(value)
        else:
            target[option.name] = value

    def posts(self):
        return [r for r in self.requests if r[0] == "POST"]
