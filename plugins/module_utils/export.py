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

from ansible_collections.tickstack.kapacitor.plugins.module_utils import endpoint as E
from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers as H
from ansible_collections.tickstack.kapacitor.plugins.module_utils import values as V

# Always exported, even at its default, so that every exported endpoint says whether it is on.
ALWAYS_KEPT = ("enabled",)


def _plain(type_, value):
    """A value without null: [] or {} for an unset list or map."""
    if value is None and type_ == H.LIST:
        return []
    if value is None and type_ == H.MAP:
        return {}
    return value


def _same(type_, value, other, fields=None):
    return V.normalise_current(type_, value, fields) == V.normalise_current(type_, other, fields)


def _droppable(type_, value, default, in_list, fields=None):
    """Whether leaving a value out of config loses nothing.

    For a single-configuration handler: the value is Kapacitor's built-in default. For a list
    element, which kapacitor_alert_endpoint creates with `add` from empty values, it must also
    be the empty value, or re-creating the element elsewhere would not give it back.
    """
    if not _same(type_, value, default, fields):
        return False
    return not in_list or _same(type_, value, V.zero_value(type_, fields), fields)


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
    options = E.element_options(handler, element)
    config, secrets = E.present(handler, options)
    in_list = H.is_list(handler)
    exported = collections.OrderedDict()
    for option in handler.options:
        key = H.user_name(option.name)
        if key not in config:
            continue
        value = _plain(option.type, config[key])
        if option.type == H.OBJECT:
            value = _object_value(option, value, include_defaults, in_list)
            if not value and not include_defaults:
                continue
        elif not include_defaults and option.name not in ALWAYS_KEPT and \
                _droppable(option.type, value, option.default, in_list, option.fields):
            continue
        exported[key] = value

    endpoint = collections.OrderedDict([("handler", handler.name)])
    secret_entry = collections.OrderedDict([("handler", handler.name)])
    if in_list:
        endpoint["name"] = secret_entry["name"] = E.element_name(handler, element)
    endpoint["config"] = exported
    secret_entry["set"] = [k for k, v in secrets.items() if v == E.SET]
    secret_entry["unset"] = [k for k, v in secrets.items() if v != E.SET]
    known = set(o.name for o in handler.options)
    unknown = sorted(k for k in options if k not in known)
    return endpoint, secret_entry, unknown


def _rendered_default(option):
    """An option's built-in default as Kapacitor's GET shows it (redacted secrets as set or not)."""
    if option.secret == H.REDACTED:
        return bool(option.default) and not V.is_empty_secret(option.default)
    return option.default


def untouched(handler, element):
    """Whether an element is Kapacitor's built-in one, with every option at its built-in default.

    Named elements of a list handler count as configured: the built-in element is the one whose
    key is the key option's default (kafka 'default', httppost 'example', slack ''...).
    """
    options = E.element_options(handler, element)
    for option in handler.options:
        if option.name not in options:
            continue
        if not _same(option.type, options[option.name], _rendered_default(option), option.fields):
            return False
    return True
