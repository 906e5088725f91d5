# -*- coding: utf-8 -*-
# Copyright (c) tickstack.kapacitor contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the tickstack.kapacitor collection: module_utils are not a public API and may
# change in any release. Use the modules instead.
"""A whole list of alert endpoints in one run (kapacitor_alert_endpoints).

Every entry is checked before any request, exactly as kapacitor_alert_endpoint checks one
(an endpoint listed twice is refused); then one GET /kapacitor/v1/config reads every section,
every entry is planned by endpoint.plan_endpoint (the singular module's planning), one POST is
sent per entry that differs, in list order, and, only when something was written, one more GET
reads what Kapacitor now holds. A failed POST stops the run: the result names the entries
written, the one that failed and those not tried.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

from ansible_collections.tickstack.kapacitor.plugins.module_utils import endpoint
from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers
from ansible_collections.tickstack.kapacitor.plugins.module_utils import redaction
from ansible_collections.tickstack.kapacitor.plugins.module_utils import servicetests
from ansible_collections.tickstack.kapacitor.plugins.module_utils import values
from ansible_collections.tickstack.kapacitor.plugins.module_utils.base import ModuleFailure
from ansible_collections.tickstack.kapacitor.plugins.module_utils.client import KapacitorError

# test_options belongs to the alert_endpoints role (the test alert sent after a change); it is
# accepted so that the role's list can be given as it is, and is not used here.
ENTRY_KEYS = ("handler", "name", "config", "state", "reset_options", "test_options")
STATES = ("present", "absent", "reset")

Entry = collections.namedtuple("Entry", "position handler name desired state reset_options")


def secrets_in_params(params):
    """Secrets in the raw arguments of kapacitor_alert_endpoints (for the module base)."""
    return redaction.entries_secrets(params.get("endpoints"))


key_of = endpoint.key_of


def _describe(position, entry):
    """How an entry is named in messages: its 1-based position and its handler and name."""
    what = entry.get("handler") if isinstance(entry, dict) else None
    if isinstance(entry, dict) and isinstance(entry.get("name"), str):
        what = "%s %r" % (what, entry["name"])
    return "item %d%s" % (position + 1, " (%s)" % what if what else "")


def _raw_key(entry):
    """(handler, name) of a raw entry, or None when they are not both strings (or no name)."""
    if not isinstance(entry, dict):
        return None
    handler, name = entry.get("handler"), entry.get("name")
    if not isinstance(handler, str) or not (name is None or isinstance(name, str)):
        return None
    return handler, name


def _check_entry(position, entry):
    handler = values.check_entry(entry, ENTRY_KEYS)
    state = entry.get("state") if entry.get("state") is not None else "present"
    if state not in STATES:
        raise values.InputError("state: expected one of %s, got %r" % (", ".join(STATES), state))
    name = entry.get("name")
    if name is not None and not isinstance(name, str):
        raise values.InputError("name: expected a string, got %r" % (name,))
    name, desired, reset_options = endpoint.check_input(handler, name, entry.get("config"), state,
                                                        entry.get("reset_options"))
    # Checked now so that a typo in the role's test options stops the run before the first write.
    servicetests.check_options(handler, entry.get("test_options"))
    return Entry(position, handler, name, desired, state, reset_options)


def check_entries(entries):
    """Check every entry before anything is read: [Entry].

    Raises values.InputError listing every entry that is wrong, and every endpoint listed twice
    (the second entry would undo or repeat the first).
    """
    if not isinstance(entries, list):
        raise values.InputError("endpoints: expected a list of {handler, name, config, state} entries")
    checked, problems, seen = [], [], {}
    for position, entry in enumerate(entries):
        where = _describe(position, entry)
        try:
            checked.append(_check_entry(position, entry))
        except values.InputError as exc:
            problems.append("%s: %s" % (where, exc))
        key = _raw_key(entry)
        if key in seen:
            problems.append("%s: the same endpoint as item %d; merge the two into one entry" % (where, seen[key] + 1))
        if key is not None:
            seen.setdefault(key, position)
    if problems:
        raise values.InputError("; ".join(problems))
    return checked


def purge_entries(checked, elements_by_handler):
    """Entries (state absent) for the elements of the listed list handlers that the list does not name."""
    listed = set((e.handler.name, e.name) for e in checked)
    purged = []
    for handler in collections.OrderedDict((e.handler.name, e.handler) for e in checked).values():
        if not handlers.is_list(handler):
            continue
        for element in elements_by_handler.get(handler.name) or []:
            name = endpoint.element_name(handler, element)
            if (handler.name, name) in listed or name == "":
                continue  # the unnamed workspace cannot be removed through the API
            purged.append(Entry(None, handler, name, {}, "absent", None))
    return purged


def _diff(handler, name, result):
    header = key_of(handler.name, name)
    return dict(before_header=header, after_header=header, before=result["diff"]["before"],
                after=result["diff"]["after"])


def _plan_all(work, before, update_secrets):
    """[(entry, element, plan)] for every entry against one read; a refusal of any stops everything."""
    planned, problems = [], []
    for entry in work:
        elements = before.get(entry.handler.name) or []
        try:
            if not elements and not handlers.is_list(entry.handler):
                raise endpoint.EndpointError("this Kapacitor has no %s section (it may be older than the handler)"
                                             % entry.handler.name)
            element, plan = endpoint.plan_endpoint(entry.handler, entry.name, entry.desired, entry.state, elements,
                                                   update_secrets, entry.reset_options)
        except endpoint.EndpointError as exc:
            problems.append("%s: %s" % (_label(entry), exc.msg))
            continue
        planned.append((entry, element, plan))
    if problems:
        raise ModuleFailure("nothing was written: " + "; ".join(problems))
    return planned


def _send_all(client, planned):
    """(requests, written entries, (entry, error) of the write that failed or None), in list order."""
    requests, written = [], []
    for entry, _element, plan in planned:
        if not plan.changed:
            continue
        request = plan.request()
        requests.append(request)
        try:
            endpoint.send(client, entry.handler, entry.name, plan)
        except KapacitorError as exc:
            request["status"] = exc.status
            return requests, written, (entry, exc)
        request["status"] = 204  # Kapacitor's answer to an update it applied
        written.append(entry)
    return requests, written, None


def run(client, entries, update_secrets, purge, check_mode, warn):
    """Apply a checked list. Returns the module result; raises ModuleFailure when an entry failed."""
    before, _missing = endpoint.read_all(client)
    planned = _plan_all(list(entries) + (purge_entries(entries, before) if purge else []), before, update_secrets)
    requests, written, failure = ([], [], None) if check_mode else _send_all(client, planned)
    after = endpoint.read_all(client)[0] if written else before
    failed_entry = failure[0] if failure else None

    results, purged, diffs, survivors, file_defined = [], [], [], [], []
    for entry, element, plan in planned:
        status = _status(entry, plan, written, failed_entry, check_mode)
        after_element = element
        if status == "written":
            after_element = endpoint.find_element(entry.handler, after.get(entry.handler.name) or [], entry.name)
        result = endpoint.outcome(entry.handler, entry.name, entry.state, plan, element, after_element, check_mode)
        result.update(handler=entry.handler.name, name=entry.name, status=status)
        if status in ("failed", "not_tried"):
            result["changed"] = False
        if status == "written" and entry.state == "absent" and after_element is not None:
            # Still there after remove: kapacitor.conf defines it.
            if entry.position is None:
                survivors.append(key_of(entry.handler.name, entry.name))
                result["changed"] = endpoint.endpoint_result(entry.handler, entry.name, element) != result["endpoint"]
            else:
                file_defined.append(endpoint.file_defined_failure(client, entry.handler, entry.name, element,
                                                                  after_element))
        (results if entry.position is not None else purged).append(result)
        if result["changed"] or (status == "would_write" and plan.predictable):
            diffs.append(_diff(entry.handler, entry.name, result))
    if survivors:
        warn("purge: %s defined in kapacitor.conf (or built into Kapacitor), so remove only dropped the values set"
             " through the API and left the element as kapacitor.conf has it; purge sends this request on every run"
             " while the element is in kapacitor.conf" % ", ".join(survivors))
    if check_mode and any(plan.changed and not plan.predictable for _e, _el, plan in planned):
        warn("check mode cannot tell whether the endpoints to reset have overrides set through the API: a reset"
             " sends its request on every run and reports changed only when the endpoint reads differently")

    # A write that changed nothing (a reset of an option that had no override) does not count.
    outcome = dict(changed=any(r["changed"] for r in results + purged), endpoints=results, purged=purged,
                   requests=requests, diff=diffs,
                   changed_endpoints=[key_of(r["handler"], r["name"]) for r in results if r["changed"]])
    if failure is not None:
        entry, exc = failure
        not_tried = [key_of(r["handler"], r["name"]) for r in results + purged if r["status"] == "not_tried"]
        outcome.update(exc.to_result())
        outcome.update(written=[key_of(e.handler.name, e.name) for e in written],
                       failed_endpoint=key_of(entry.handler.name, entry.name), not_tried=not_tried)
        raise ModuleFailure(
            "%s: %s. Written before it: %s. Not tried: %s." % (
                _label(entry), exc.message, ", ".join(outcome["written"]) or "none", ", ".join(not_tried) or "none"),
            **outcome)
    if file_defined:
        raise ModuleFailure("; ".join(file_defined), **outcome)
    return outcome


def _label(entry):
    if entry.position is None:
        return "purge of %s" % endpoint.describe(entry.handler, entry.name)
    return "item %d (%s)" % (entry.position + 1, endpoint.describe(entry.handler, entry.name))


def _status(entry, plan, written, failed_entry, check_mode):
    """unchanged, written, failed, not_tried, or would_write in check mode."""
    if not plan.changed:
        return "unchanged"
    if check_mode:
        return "would_write"
    if entry is failed_entry:
        return "failed"
    return "written" if any(entry is e for e in written) else "not_tried"


def run_module(module):
    """The work of kapacitor_alert_endpoints."""
    params = module.params
    entries = check_entries(params["endpoints"])
    for entry in entries:
        if entry.handler.deprecated_by:
            module.warn("%s: %s is Kapacitor's deprecated v1 API; move to handler=%s"
                        % (_label(entry), entry.handler.name, entry.handler.deprecated_by))
    return run(module.client, entries, params["update_secrets"], params["purge"], module.check_mode, module.warn)
