# -*- coding: utf-8 -*-
# Copyright (c) tickstack.kapacitor contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the tickstack.kapacitor collection: module_utils are not a public API and may
# change in any release. Use the modules instead.

"""Compare a whole list of endpoints with Kapacitor from one read of every section.

A run that changes nothing is the common case (a converge every hour, from AWX): comparing the
list at once costs one GET per server instead of one module run and one GET per endpoint, and
only the endpoints that differ are then applied, one by one, by kapacitor_alert_endpoint. Each
entry is checked and planned by the same code as that module (endpoint.check_input and
endpoint.plan_endpoint), so both always agree on what differs.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.tickstack.kapacitor.plugins.module_utils import endpoint as E
from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers as H
from ansible_collections.tickstack.kapacitor.plugins.module_utils import values as V

ENTRY_KEYS = ("handler", "name", "config", "state")
STATES = ("present", "absent")


def _handler_of(entry):
    """The Handler record an entry names, or None (also for a handler that is not a string)."""
    name = entry.get("handler")
    return H.get_handler(name) if isinstance(name, str) else None


def given_secrets(entries):
    """Secrets given anywhere in the entries (raw input), to be masked in every output.

    The config of an entry whose handler is not known is masked whole: which of its options are
    secrets cannot be told.
    """
    found = set()
    for entry in entries or []:
        if not isinstance(entry, dict):
            continue
        handler = _handler_of(entry)
        config = entry.get("config")
        if handler is None:
            found.update(V.strings_in(config))
        elif isinstance(config, dict):
            found |= E.given_secrets(handler, config)
    return found


def _describe(position, entry):
    """How an entry is named in messages: its 1-based position and its handler and name."""
    what = entry.get("handler") if isinstance(entry, dict) else None
    if isinstance(entry, dict) and isinstance(entry.get("name"), str):
        what = "%s %r" % (what, entry["name"])
    return "item %d%s" % (position + 1, " (%s)" % what if what else "")


def _key(entry):
    """(handler, name) of a raw entry, or None when they are not both strings (or no name)."""
    if not isinstance(entry, dict):
        return None
    handler, name = entry.get("handler"), entry.get("name")
    if not isinstance(handler, str) or not (name is None or isinstance(name, str)):
        return None
    return handler, name


def _check_entry(entry):
    """(handler, name, desired, state) of one raw entry; raises V.InputError."""
    if not isinstance(entry, dict):
        raise V.InputError("expected a dict with handler, name, config and state")
    unknown = sorted(str(k) for k in entry if k not in ENTRY_KEYS)
    if unknown:
        raise V.InputError("unknown key %s; an entry takes %s" % (", ".join(unknown), ", ".join(ENTRY_KEYS)))
    handler = _handler_of(entry)
    if handler is None:
        raise V.InputError("handler: expected one of %s, got %r" % (", ".join(H.HANDLER_NAMES), entry.get("handler")))
    state = entry.get("state") if entry.get("state") is not None else "present"
    if state not in STATES:
        raise V.InputError("state: expected present or absent, got %r" % (state,))
    name = entry.get("name")
    if name is not None and not isinstance(name, str):
        raise V.InputError("name: expected a string, got %r" % (name,))
    name, desired = E.check_input(handler, name, entry.get("config"), state)
    return handler, name, desired, state


def check_entries(entries):
    """Check every entry before anything is read: [(handler, name, desired, state)].

    Raises V.InputError listing every entry that is wrong, and every endpoint listed twice (the
    second entry would undo or repeat the first).
    """
    checked, problems, seen = [], [], {}
    for position, entry in enumerate(entries or []):
        where = _describe(position, entry)
        try:
            checked.append(_check_entry(entry))
        except V.InputError as exc:
            problems.append("%s: %s" % (where, exc))
        key = _key(entry)
        if key in seen:
            problems.append("%s: the same endpoint as item %d; merge the two into one entry" % (where, seen[key] + 1))
        if key is not None:
            seen.setdefault(key, position)
    if problems:
        raise V.InputError("; ".join(problems))
    return checked


def compare(checked, elements_by_handler, update_secrets):
    """For each checked entry, in order: whether applying it would change Kapacitor, and how.

    elements_by_handler maps a handler name to its section's elements as read. Raises
    E.EndpointError for an entry that kapacitor_alert_endpoint would refuse after reading.
    """
    results, problems = [], []
    for position, (handler, name, desired, state) in enumerate(checked):
        elements = elements_by_handler.get(handler.name) or []
        result = dict(handler=handler.name, name=name, changed=True, operation=None, changed_options=[])
        if not elements and not H.is_list(handler):
            # A Kapacitor older than the handler: kapacitor_alert_endpoint reports that clearly.
            result["endpoint"] = E.endpoint_result(handler, name, None)
            results.append(result)
            continue
        try:
            element, plan = E.plan_endpoint(handler, name, desired, state, elements, update_secrets)
        except E.EndpointError as exc:
            problems.append("item %d: %s" % (position + 1, exc))
            continue
        result.update(changed=plan.changed, operation=plan.operation, changed_options=plan.changed_options,
                      endpoint=E.endpoint_result(handler, name, element))
        results.append(result)
    if problems:
        raise E.EndpointError("; ".join(problems))
    return results
