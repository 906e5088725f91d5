# -*- coding: utf-8 -*-
# Copyright (c) tickstack.kapacitor contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the tickstack.kapacitor collection: module_utils are not a public API and may
# change in any release. Use the modules instead.
"""Rendering Kapacitor's alert endpoints as module input: {handler, name, config}.

The result is exactly what kapacitor_alert_endpoint (and the role's kapacitor_alert_endpoints
list) accepts, so that applying it to the same server changes nothing:
  - option names in module spelling, the element key as `name`, never inside config;
  - values as Kapacitor renders them (durations such as 1m0s), except null: a null list or map
    is written [] or {} (the same value to kapacitor_alert_endpoint, which refuses null), and a
    null field of an object option is left out;
  - secrets (redacted, and the credentials Kapacitor shows in clear text) are never in config:
    they are reported separately as set or unset.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

from ansible_collections.tickstack.kapacitor.plugins.module_utils import endpoint
from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers
from ansible_collections.tickstack.kapacitor.plugins.module_utils import redaction
from ansible_collections.tickstack.kapacitor.plugins.module_utils import values

# Always exported, even at its default, so that every exported endpoint says whether it is on.
ALWAYS_KEPT = ("enabled",)


def _plain(type_, value):
    """A value without null: [] or {} for an unset list or map."""
    if value is None and type_ == handlers.LIST:
        return []
    if value is None and type_ == handlers.MAP:
        return {}
    return value


def _same(type_, value, other, fields=None):
    return values.normalise_current(type_, value, fields) == values.normalise_current(type_, other, fields)


def _droppable(type_, value, default, in_list, fields=None):
    """Whether leaving a value out of config loses nothing.

    For a single-configuration handler: the value is Kapacitor's built-in default. For a list
    element, which kapacitor_alert_endpoint creates with `add` from empty values, it must also
    be the empty value, or re-creating the element elsewhere would not give it back.
    """
    if not _same(type_, value, default, fields):
        return False
    return not in_list or _same(type_, value, values.zero_value(type_, fields), fields)


def _object_value(option, value, include_defaults, in_list):
    fields = dict((f.name, f) for f in option.fields)
    out = collections.OrderedDict()
    for key, item in (value or {}).items():
        field = fields.get(key)
        if item is None:
            continue  # null cannot be given back; an unset field stays unset when left out
        if field is not None and not include_defaults and _droppable(field.type, item, field.default, in_list):
            continue
        out[key] = item
    return out


def render(handler, element, include_defaults=True):
    """(endpoint, secrets, unknown) for one element as Kapacitor's GET returns it.

    endpoint: {handler, name (list handlers only), config}; secrets: {handler, name, set, unset}
    with option names in module spelling (object fields as option.field); unknown: option names
    Kapacitor reported that the handler table does not know (left out).
    """
    options = endpoint.element_options(handler, element)
    config, secrets = redaction.present(handler, options)
    in_list = handlers.is_list(handler)
    exported = collections.OrderedDict()
    for option in handler.options:
        key = handlers.user_name(option.name)
        if key not in config:
            continue
        value = _plain(option.type, config[key])
        if option.type == handlers.OBJECT:
            value = _object_value(option, value, include_defaults, in_list)
            if not value and not include_defaults:
                continue
        elif not include_defaults and option.name not in ALWAYS_KEPT and \
                _droppable(option.type, value, option.default, in_list, option.fields):
            continue
        exported[key] = value

    entry = collections.OrderedDict([("handler", handler.name)])
    secret_entry = collections.OrderedDict([("handler", handler.name)])
    if in_list:
        entry["name"] = secret_entry["name"] = endpoint.element_name(handler, element)
    entry["config"] = exported
    secret_entry["set"] = [k for k, v in secrets.items() if v == redaction.SET]
    secret_entry["unset"] = [k for k, v in secrets.items() if v != redaction.SET]
    known = set(o.name for o in handler.options)
    unknown = sorted(k for k in options if k not in known)
    return entry, secret_entry, unknown


def _rendered_default(option):
    """An option's built-in default as Kapacitor's GET shows it (redacted secrets as set or not)."""
    if option.secret == handlers.REDACTED:
        return bool(option.default) and not values.is_empty_secret(option.default)
    return option.default


def untouched(handler, element):
    """Whether an element is Kapacitor's built-in one, with every option at its built-in default.

    Named elements of a list handler count as configured: the built-in element is the one whose
    key is the key option's default (kafka 'default', httppost 'example', slack ''...).
    """
    options = endpoint.element_options(handler, element)
    for option in handler.options:
        if option.name not in options:
            continue
        if not _same(option.type, options[option.name], _rendered_default(option), option.fields):
            return False
    return True


def unaddressable(handler, element):
    """Why Kapacitor's API cannot update an element (a name only kapacitor.conf can give), or None."""
    name = endpoint.element_name(handler, element)
    if not handlers.is_list(handler) or name == "" or values.ELEMENT_NAME_RE.match(name or ""):
        return None
    return ("Kapacitor's API cannot update an element whose name has characters other than letters, digits, '_', '-'"
            " and '+'; manage it in kapacitor.conf")


def run_info_module(module):
    """The work of kapacitor_alert_endpoint_info."""
    params = module.params
    handler = handlers.get_handler(params["handler"]) if params["handler"] else None
    name = None
    if params["name"] is not None:
        if not handlers.is_list(handler):
            raise values.InputError("name: handler %s is not a list of elements, so name must not be given"
                                    % handler.name)
        name = values.check_name(handler, params["name"])
    client = module.client
    missing = []
    if handler is None:
        sections, missing = endpoint.read_all(client)
        read = [(handlers.get_handler(h), elements) for h, elements in sections.items()]
    elif name is None:
        read = [(handler, endpoint.read_elements(client, handler))]
    else:
        element = client.get_or_none(endpoint.element_path(handler, name))
        read = [(handler, [element] if element and endpoint.element_name(handler, element) == name else [])]

    endpoints, secrets, unknown, skipped = [], [], [], []
    for each, elements in read:
        for element in elements:
            if handler is None and not params["include_defaults"] and untouched(each, element):
                continue
            reason = unaddressable(each, element)
            if reason:
                skipped.append(dict(handler=each.name, name=endpoint.element_name(each, element), reason=reason))
                continue
            entry, secret_entry, unknown_options = render(each, element, params["include_defaults"])
            endpoints.append(entry)
            secrets.append(secret_entry)
            if unknown_options:
                where = each.name if "name" not in entry else "%s %r" % (each.name, entry["name"])
                unknown.append("%s (%s)" % (where, ", ".join(unknown_options)))
    if unknown:
        module.warn("Kapacitor reports options that this collection does not know; they are left out: %s"
                    % "; ".join(unknown))
    if missing:
        module.warn("this Kapacitor has no section for %s (it may be older than these handlers)"
                    % ", ".join(h.name for h in missing))
    if skipped:
        module.warn("left out, Kapacitor's API cannot address them: %s"
                    % ", ".join("%s/%s" % (s["handler"], s["name"]) for s in skipped))
    return dict(changed=False, endpoints=endpoints, secrets=secrets, skipped=skipped,
                kapacitor_version=client.kapacitor_version)
