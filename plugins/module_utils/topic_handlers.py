# -*- coding: utf-8 -*-
# Copyright (c) tickstack.kapacitor contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the tickstack.kapacitor collection: module_utils are not a public API and may
# change in any release. Use the modules instead.
"""The work of the topic handler modules: kapacitor_topic_handler, kapacitor_topic_handlers and
kapacitor_topic_handler_info.

Checking, comparing and showing one handler is topic_handler.py's; this file reads Kapacitor,
sends the requests the plans name and builds the results:
  - one handler: GET it (404: absent), then POST to the topic's handlers to create it, PUT every
    field to replace it, or DELETE it, only when it differs;
  - a list: every entry checked before any request (a handler listed twice is refused), one GET
    of the handlers of each topic named, one write per entry that differs, in list order; a
    failed write stops the run, and the result names what was written, what failed and what
    was not tried;
  - reading: the handlers of one topic, or of every topic, in the modules' input shape.

Every secret Kapacitor returns (in clear text) is registered for masking as soon as it is read.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

from ansible_collections.tickstack.kapacitor.plugins.module_utils import redaction
from ansible_collections.tickstack.kapacitor.plugins.module_utils import topic_handler
from ansible_collections.tickstack.kapacitor.plugins.module_utils import values
from ansible_collections.tickstack.kapacitor.plugins.module_utils.base import ModuleFailure
from ansible_collections.tickstack.kapacitor.plugins.module_utils.client import KapacitorError

Entry = collections.namedtuple("Entry", "position desired state")


def secrets_in_params(params):
    """Secrets in the raw arguments of kapacitor_topic_handler (for the module base)."""
    return redaction.topic_option_secrets(params.get("kind"), params.get("options"))


def list_secrets_in_params(params):
    """Secrets in the raw arguments of kapacitor_topic_handlers (for the module base)."""
    return redaction.topic_entries_secrets(params.get("handlers"))


def key_of(topic, handler_id):
    """How a handler is named in results: topic/id."""
    return "%s/%s" % (topic, handler_id)


def describe(topic, handler_id):
    return "topic handler %r of topic %r" % (handler_id, topic)


def _hide_read(hide, handler_json):
    """Register the secrets of a handler as Kapacitor returned it."""
    if isinstance(handler_json, dict):
        hide(redaction.topic_option_secrets(handler_json.get("kind"), handler_json.get("options")))


# ---------------------------------------------------------------------------------------------
# One handler

def plan_entry(desired, state, current):
    """(desired, plan, kept) of one checked entry against the handler Kapacitor has (None: absent)."""
    try:
        if state == "absent":
            return desired, topic_handler.plan_absent(desired, current), []
        desired, kept = topic_handler.keep_secrets(desired, current)
        return desired, topic_handler.plan(desired, current), kept
    except topic_handler.HandlerStateError as exc:
        raise ModuleFailure(str(exc))


def send(client, plan):
    """Send the plan's request; returns the handler as Kapacitor answers it (None for a DELETE)."""
    if plan["method"] == "POST":
        return client.post(plan["path"], plan["body"])
    if plan["method"] == "PUT":
        return client.put(plan["path"], plan["body"])
    client.delete(plan["path"])
    return None


def changed_options(plan):
    """What a plan changes: kind, match, and the module names of the options that differ."""
    return list((plan or {}).get("changes", []))


def request_of(plan):
    """A write as results list it: method, path, operation, option names (never values)."""
    return collections.OrderedDict([("method", plan["method"]), ("path", "/kapacitor/v1" + plan["path"]),
                                    ("operation", plan["operation"]), ("options", changed_options(plan))])


def outcome(desired, plan, current, after):
    """The result of one handler once its plan was applied (or predicted)."""
    result = collections.OrderedDict([
        ("changed", plan is not None),
        ("operation", plan["operation"] if plan else None),
        ("changed_options", changed_options(plan)),
        ("handler", topic_handler.shown_handler(desired["topic"], desired["id"], after)),
    ])
    result["diff"] = topic_handler.diff(current, after)
    return result


def run_module(module):
    """The work of kapacitor_topic_handler."""
    params = module.params
    desired = topic_handler.check_entry(params["topic"], params["id"], params["kind"], params["options"],
                                        params["match"], params["state"])
    client = module.client
    current = client.get_or_none(topic_handler.handler_path(desired["topic"], desired["id"]))
    _hide_read(module.hide, current)
    desired, plan, kept = plan_entry(desired, params["state"], current)
    after = current
    if plan is not None:
        after = topic_handler.predicted(plan) if module.check_mode else send(client, plan)
    result = outcome(desired, plan, current, after)
    result["kept_secrets"] = kept
    return result


def module_what(params):
    """What kapacitor_topic_handler's failures are about."""
    topic, handler_id = params.get("topic"), params.get("id")
    if isinstance(topic, str) and isinstance(handler_id, str):
        return describe(topic, handler_id)
    return None


# ---------------------------------------------------------------------------------------------
# A list of handlers

def _describe_raw(position, entry):
    if isinstance(entry, dict) and isinstance(entry.get("topic"), str) and isinstance(entry.get("id"), str):
        return "item %d (%s)" % (position + 1, key_of(entry["topic"], entry["id"]))
    return "item %d" % (position + 1)


def _check_one(entry):
    if not isinstance(entry, dict):
        raise values.InputError("expected a dict with topic, id, kind, options, match and state")
    unknown = sorted(str(k) for k in entry if k not in redaction.TOPIC_ENTRY_KEYS)
    if unknown:
        raise values.InputError("unknown key %s; an entry takes %s"
                                % (", ".join(unknown), ", ".join(redaction.TOPIC_ENTRY_KEYS)))
    state = entry.get("state") if entry.get("state") is not None else "present"
    desired = topic_handler.check_entry(entry.get("topic"), entry.get("id"), entry.get("kind"), entry.get("options"),
                                        entry.get("match"), state)
    return desired, state


def check_entries(entries):
    """Check every entry before anything is read: [Entry]. Raises InputError naming every wrong entry."""
    if not isinstance(entries, list):
        raise values.InputError("handlers: expected a list of {topic, id, kind, options, match, state} entries")
    checked, problems, seen = [], [], {}
    for position, entry in enumerate(entries):
        where = _describe_raw(position, entry)
        try:
            desired, state = _check_one(entry)
        except values.InputError as exc:
            problems.append("%s: %s" % (where, exc))
            continue
        key = (desired["topic"], desired["id"])
        if key in seen:
            problems.append("%s: the same handler as item %d; merge the two into one entry" % (where, seen[key] + 1))
            continue
        seen[key] = position
        checked.append(Entry(position, desired, state))
    if problems:
        raise values.InputError("; ".join(problems))
    return checked


def read_topic(client, topic, hide):
    """{id: handler} of a topic, from one GET of its handlers (an unknown topic has none)."""
    answer = client.get(topic_handler.handlers_path(topic)) or {}
    found = collections.OrderedDict()
    for handler_json in answer.get("handlers") or []:
        _hide_read(hide, handler_json)
        found[handler_json.get("id")] = handler_json
    return found


def purge_entries(checked, current_by_topic):
    """Entries (state absent) for the handlers of the listed topics that the list does not name."""
    listed = set((e.desired["topic"], e.desired["id"]) for e in checked)
    purged = []
    for topic, found in current_by_topic.items():
        for handler_id in found:
            if handler_id and (topic, handler_id) not in listed:
                desired = dict(topic=topic, id=handler_id, kind=None, options=None, match="")
                purged.append(Entry(None, desired, "absent"))
    return purged


def _label(entry):
    where = key_of(entry.desired["topic"], entry.desired["id"])
    return "purge of %s" % where if entry.position is None else "item %d (%s)" % (entry.position + 1, where)


def _status(plan, attempted, failed, check_mode):
    if plan is None:
        return "unchanged"
    if check_mode:
        return "would_write"
    if failed:
        return "failed"
    return "written" if attempted else "not_tried"


def run_list(client, entries, purge, check_mode, hide):
    """Apply a checked list. Returns the module result; raises ModuleFailure when a write failed."""
    current_by_topic = collections.OrderedDict()
    for entry in entries:
        topic = entry.desired["topic"]
        if topic not in current_by_topic:
            current_by_topic[topic] = read_topic(client, topic, hide)
    work = list(entries) + (purge_entries(entries, current_by_topic) if purge else [])
    planned, problems = [], []
    for entry in work:
        current = current_by_topic[entry.desired["topic"]].get(entry.desired["id"])
        try:
            desired, plan, kept = plan_entry(entry.desired, entry.state, current)
        except ModuleFailure as exc:
            problems.append("%s: %s" % (_label(entry), exc.msg))
            continue
        planned.append((entry._replace(desired=desired), plan, current, kept))
    if problems:
        raise ModuleFailure("nothing was written: " + "; ".join(problems))

    requests, written, failure, answers = [], [], None, {}
    for entry, plan, current, _kept in planned:
        if plan is None or check_mode:
            continue
        request = request_of(plan)
        try:
            answers[id(entry)] = send(client, plan)
        except KapacitorError as exc:
            request["status"] = exc.status
            requests.append(request)
            failure = (entry, exc)
            break
        request["status"] = 204 if plan["method"] == "DELETE" else 200
        requests.append(request)
        written.append(entry)

    results, purged, diffs = [], [], []
    failed_entry = failure[0] if failure else None
    for entry, plan, current, kept in planned:
        attempted = any(entry is e for e in written)
        if plan is not None and check_mode:
            after = topic_handler.predicted(plan)
        elif attempted:
            after = answers[id(entry)]
        else:
            after = current
        result = outcome(entry.desired, plan, current, after)
        result["status"] = _status(plan, attempted, entry is failed_entry, check_mode)
        result["changed"] = result["status"] in ("written", "would_write")
        result["kept_secrets"] = kept
        item = collections.OrderedDict([("topic", entry.desired["topic"]), ("id", entry.desired["id"])])
        item.update(result)
        diff = item.pop("diff")
        if item["changed"]:
            header = key_of(entry.desired["topic"], entry.desired["id"])
            diffs.append(dict(before_header=header, after_header=header, **diff))
        (purged if entry.position is None else results).append(item)

    outcome_all = dict(changed=bool(written) or (check_mode and any(p is not None for _e, p, _c, _k in planned)),
                       handlers=results, purged=purged, requests=requests, diff=diffs,
                       changed_handlers=[key_of(r["topic"], r["id"]) for r in results + purged if r["changed"]])
    if failure is not None:
        entry, exc = failure
        not_tried = [key_of(e.desired["topic"], e.desired["id"]) for e, plan, _c, _k in planned
                     if plan is not None and e is not entry and not any(e is w for w in written)]
        outcome_all.update(exc.to_result())
        outcome_all.update(written=[key_of(e.desired["topic"], e.desired["id"]) for e in written],
                           failed_handler=key_of(entry.desired["topic"], entry.desired["id"]), not_tried=not_tried)
        raise ModuleFailure("%s: %s. Written before it: %s. Not tried: %s." % (
            _label(entry), exc.message, ", ".join(outcome_all["written"]) or "none", ", ".join(not_tried) or "none"),
            **outcome_all)
    return outcome_all


def run_list_module(module):
    """The work of kapacitor_topic_handlers."""
    entries = check_entries(module.params["handlers"])
    return run_list(module.client, entries, module.params["purge"], module.check_mode, module.hide)


# ---------------------------------------------------------------------------------------------
# Reading

def run_info_module(module):
    """The work of kapacitor_topic_handler_info."""
    client = module.client
    topic = module.params["topic"]
    if topic is not None:
        topics = [topic_handler.check_name("topic", topic, allow_colon=True)]
    else:
        answer = client.get("/alerts/topics") or {}
        topics = [t.get("id") for t in answer.get("topics") or [] if t.get("id")]
    found, secrets, skipped = [], [], []
    for each in topics:
        for handler_id, handler_json in read_topic(client, each, module.hide).items():
            if not handler_id:
                skipped.append(dict(topic=each, reason="a handler whose kind is disabled on this server (empty ID)"))
                continue
            entry, secret_names = topic_handler.export_entry(each, handler_json)
            found.append(entry)
            secrets.append(collections.OrderedDict([("topic", each), ("id", handler_id), ("set", secret_names)]))
    if skipped:
        module.warn("left out, Kapacitor returns them with an empty ID (their kind is disabled): %s"
                    % ", ".join("a handler of topic %r" % s["topic"] for s in skipped))
    return dict(changed=False, handlers=found, secrets=secrets, topics=topics, skipped=skipped,
                kapacitor_version=client.kapacitor_version)
