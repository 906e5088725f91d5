# -*- coding: utf-8 -*-
# Copyright (c) tickstack.kapacitor contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the tickstack.kapacitor collection: module_utils are not a public API and may
# change in any release. Use the modules instead.
"""Compare-and-patch core for one Kapacitor alert endpoint (a config section element).

Read the element once, compare only the options the user gave (as Kapacitor renders them),
and build the smallest update:
  - existing element: one POST {"set": ...} on the element path, without the element key;
  - new list element: one POST {"add": ...} on the section path with the key and every option given;
  - state absent: one POST {"remove": [name]} on the section path.
Check mode stops before the POST and predicts the element Kapacitor would report.

Why absent needs care: Kapacitor's API cannot tell an element defined in kapacitor.conf from
one added through the API, and `remove` on a kapacitor.conf element only drops its API
overrides (it stays, with its file values). The unnamed slack/discord workspace and non-list
handlers are refused before any request. For a named element the module sends `remove`, reads
the section again, and if the element is still there it was defined in kapacitor.conf: the
module then sets its previous non-secret values back (so nothing but the API-set secrets is
lost), and fails saying so and how to disable the element instead.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers as H
from ansible_collections.tickstack.kapacitor.plugins.module_utils import values as V
from ansible_collections.tickstack.kapacitor.plugins.module_utils.client import KapacitorError

UPDATE_SECRETS_CHOICES = ("when_unset", "always")

# How secrets appear in diffs and results.
SECRET_SET = "<set>"
SECRET_UNSET = "<unset>"
SECRET_CHANGED = "<changed>"
SET = "set"
UNSET = "unset"


class EndpointError(Exception):
    """A refusal found after reading Kapacitor's state (nothing was sent), or a half-applied failure."""


# ---------------------------------------------------------------------------------------------
# Paths

def section_path(handler):
    return "/config/%s" % handler.name


def element_path(handler, name):
    """Non-list sections and the unnamed list element end with '/', named elements with the name."""
    if not H.is_list(handler) or not name:
        return "/config/%s/" % handler.name
    return "/config/%s/%s" % (handler.name, name)


# ---------------------------------------------------------------------------------------------
# Reading

def read_elements(client, handler):
    """Every element of a section as Kapacitor returns it; [] for an empty list section."""
    if H.is_list(handler):
        # An empty list section is absent from GET /config (404): Kapacitor still accepts `add`.
        data = client.get_or_none(section_path(handler))
        return list((data or {}).get("elements") or [])
    try:
        data = client.get(element_path(handler, None))
    except KapacitorError as exc:
        if exc.status == 404:
            exc.message += ": this Kapacitor has no %s section (it may be older than the handler)" % handler.name
            exc.args = (exc.message,)
        raise
    return [data] if data else []


def element_options(handler, element):
    return dict((element or {}).get("options") or {})


def find_element(handler, elements, name):
    """The element whose key is name (the only element for a non-list section), or None."""
    if not H.is_list(handler):
        return elements[0] if elements else None
    for element in elements:
        if element_options(handler, element).get(handler.element_key, "") == name:
            return element
    return None


def element_name(handler, element):
    if not H.is_list(handler):
        return None
    return element_options(handler, element).get(handler.element_key, "")


# ---------------------------------------------------------------------------------------------
# Presenting an element without its secrets

def present(handler, options):
    """(config, secrets): every option in user spelling, secrets replaced by set/unset in `secrets`."""
    config = collections.OrderedDict()
    secrets = collections.OrderedDict()
    for option in handler.options:
        if option.name == handler.element_key or option.name not in options:
            continue
        key = H.user_name(option.name)
        value = options[option.name]
        if option.secret:
            secrets[key] = SET if _is_set(option, value) else UNSET
            continue
        if option.type == H.OBJECT and any(f.secret for f in option.fields):
            shown = collections.OrderedDict()
            for fkey, fvalue in (value or {}).items():
                field = _field(option, fkey)
                if field is not None and field.secret:
                    secrets["%s.%s" % (key, field.name)] = SET if fvalue else UNSET
                else:
                    shown[fkey] = fvalue
            value = shown
        config[key] = value
    return config, secrets


def endpoint_result(handler, name, element):
    if element is None:
        return dict(handler=handler.name, name=name, exists=False, config={}, secrets={})
    config, secrets = present(handler, element_options(handler, element))
    return dict(handler=handler.name, name=element_name(handler, element), exists=True, config=config, secrets=secrets)


def _field(option, key):
    for field in option.fields or ():
        if field.name.lower() == str(key).lower():
            return field
    return None


def _is_set(option, value):
    """Whether a secret is set, from Kapacitor's rendering (a boolean when redacted)."""
    if option.secret == H.REDACTED or isinstance(value, bool):
        return bool(value)
    return not V.is_empty_secret(value) if value is not None else False


def _mask(option, before, after=None, sending=False):
    """Masked (before, after) of a secret option for the diff."""
    shown_before = SECRET_SET if _is_set(option, before) else SECRET_UNSET
    if not sending:
        return shown_before, shown_before
    if V.is_empty_secret(after):
        return shown_before, SECRET_UNSET
    return shown_before, SECRET_CHANGED if shown_before == SECRET_SET else SECRET_SET


# ---------------------------------------------------------------------------------------------
# Planning

class Plan:
    """What one run will do: the request to send (if any), the diff and the predicted element."""

    def __init__(self):
        self.operation = None      # 'add', 'set', 'remove' or None
        self.method_path = None
        self.body = None
        self.changed_options = []  # user spelling
        self.diff_before = collections.OrderedDict()
        self.diff_after = collections.OrderedDict()
        self.predicted = None      # predicted element options after the run (None: absent)

    @property
    def changed(self):
        return self.operation is not None


def _equal(option, desired, current):
    current = V.normalise_current(option.type, current, option.fields)
    if option.type == H.OBJECT:
        current = current or {}
        return all(_field_equal(_field(option, k), v, current.get(k)) for k, v in desired.items())
    return desired == current


def _field_equal(field, desired, current):
    return desired == V.normalise_current(field.type, current)


def _object_wire(option, value):
    return dict((k, V.wire_value(_field(option, k).type, v)) for k, v in value.items())


def _diff_value(option, value):
    """A value for the diff: object fields that are secrets masked."""
    if option.type == H.OBJECT and isinstance(value, dict):
        out = collections.OrderedDict()
        for k, v in value.items():
            field = _field(option, k)
            out[k] = (SECRET_SET if v else SECRET_UNSET) if field is not None and field.secret else v
        return out
    return value


def plan_present(handler, name, desired, element, elements, update_secrets):
    plan = Plan()
    if element is None:
        if not H.is_list(handler):
            raise EndpointError("Kapacitor returned no element for the %s section" % handler.name)
        # New list element: `add` starts every option from its zero value, then applies the options given.
        predicted = collections.OrderedDict(
            (o.name, V.zero_value(o.type, o.fields)) for o in handler.options)
        predicted[handler.element_key] = name
        body = collections.OrderedDict([(handler.element_key, name)])
        for oname, value in desired.items():
            option = H.option_map(handler)[oname]
            body[oname] = _object_wire(option, value) if option.type == H.OBJECT else V.wire_value(option.type, value)
            predicted[oname] = _predict(option, predicted[oname], value)
            if option.secret:
                plan.diff_after[H.user_name(oname)] = _mask(option, False, value, sending=True)[1]
            else:
                plan.diff_after[H.user_name(oname)] = _diff_value(option, value)
        plan.operation = "add"
        plan.method_path = section_path(handler)
        plan.body = {"add": body}
        plan.changed_options = [H.user_name(k) for k in desired]
        plan.predicted = predicted
        return plan

    current = element_options(handler, element)
    predicted = collections.OrderedDict(current)
    changes = collections.OrderedDict()
    options = H.option_map(handler)
    for oname, value in desired.items():
        option = options[oname]
        key = H.user_name(oname)
        before = current.get(oname)
        if option.secret == H.REDACTED:
            is_set = _is_set(option, before)
            if V.is_empty_secret(value):
                send = is_set
            else:
                send = update_secrets == "always" or not is_set
            plan.diff_before[key], plan.diff_after[key] = _mask(option, before, value, send)
            if send:
                changes[oname] = _object_wire(option, value) if option.type == H.OBJECT else value
                predicted[oname] = not V.is_empty_secret(value)
            continue
        if option.type == H.OBJECT:
            current_obj = V.normalise_current(option.type, before, option.fields) or {}
            delta = collections.OrderedDict(
                (k, v) for k, v in value.items() if not _field_equal(_field(option, k), v, current_obj.get(k)))
            plan.diff_before[key] = _diff_value(option, collections.OrderedDict((k, current_obj.get(k)) for k in value))
            plan.diff_after[key] = _diff_value(option, value)
            if delta:
                # Kapacitor stores the object sent as the option's override, replacing an earlier one, and
                # merges it into the kapacitor.conf value: send every field's current value with the
                # changes, or fields set by an earlier run would fall back to kapacitor.conf.
                full = collections.OrderedDict(
                    (k, v) for k, v in current_obj.items() if v is not None and _field(option, k) is not None)
                full.update(value)
                changes[oname] = _object_wire(option, full)
                predicted[oname] = _predict(option, before, delta)
            continue
        equal = _equal(option, value, before)
        if option.secret:  # sensitive, not redacted: compared by value, shown masked
            plan.diff_before[key], plan.diff_after[key] = _mask(option, before, value, not equal)
        else:
            plan.diff_before[key] = V.normalise_current(option.type, before, option.fields)
            plan.diff_after[key] = value
        if not equal:
            changes[oname] = V.wire_value(option.type, value)
            predicted[oname] = value
    if changes:
        if H.is_list(handler) and name == "":
            others = [element_name(handler, e) for e in elements if element_name(handler, e) != ""]
            if others:
                raise EndpointError(
                    "%s: Kapacitor applies a change of the unnamed workspace (name: '') to every element of the"
                    " section, so it would also change %s; give the workspace a name in kapacitor.conf, or manage"
                    " it there" % (handler.name, ", ".join(sorted(others))))
        plan.operation = "set"
        plan.method_path = element_path(handler, name)
        plan.body = {"set": dict(changes)}
        plan.changed_options = [H.user_name(k) for k in changes]
    plan.predicted = predicted
    return plan


def _predict(option, before, value):
    if option.secret == H.REDACTED:
        return not V.is_empty_secret(value)
    if option.type == H.OBJECT:
        # Kapacitor merges the given fields into the object and renders the others unchanged.
        merged = collections.OrderedDict(before or {})
        merged.update(value)
        return merged
    return value


def plan_absent(handler, name, element):
    plan = Plan()
    if element is None:
        return plan
    config, secrets = present(handler, element_options(handler, element))
    plan.diff_before.update(config)
    plan.diff_before.update((k, SECRET_SET if v == SET else SECRET_UNSET) for k, v in secrets.items())
    plan.operation = "remove"
    plan.method_path = section_path(handler)
    plan.body = {"remove": [name]}
    return plan


def check_absent_allowed(handler, name):
    """Refusals for state=absent that need no request."""
    if not H.is_list(handler):
        raise V.InputError(
            "state=absent: %s is not a list of elements; its one configuration cannot be removed, only changed."
            " To turn it off use config: {enabled: false}" % handler.name)
    if name == "":
        raise V.InputError(
            "state=absent: the unnamed %s workspace (name: '') comes from kapacitor.conf or Kapacitor's built-in"
            " default and cannot be removed through the API. To turn it off use config: {enabled: false}"
            % handler.name)


# ---------------------------------------------------------------------------------------------
# Running

def _restore_body(handler, before, after):
    """`set` body that brings back the non-secret values an element had before a `remove`."""
    body = {}
    for option in handler.options:
        if option.name == handler.element_key or option.secret == H.REDACTED or option.name not in before:
            continue
        if V.normalise_current(option.type, before[option.name], option.fields) != \
                V.normalise_current(option.type, after.get(option.name), option.fields):
            value = before[option.name]
            if value is None:
                continue  # null cannot be sent; such an option was unset before
            body[option.name] = value
    return body


def check_input(handler, name, config, state):
    """(name, desired options) of one endpoint after every check that needs no request.

    Raises V.InputError naming the option and what was expected.
    """
    desired = V.check_config(handler, config) if state == "present" else {}
    name = V.check_name(handler, name)
    if state == "absent":
        check_absent_allowed(handler, name)
    return name, desired


def plan_endpoint(handler, name, desired, state, elements, update_secrets):
    """(element, plan) of one checked endpoint against its section's elements as read."""
    element = find_element(handler, elements, name)
    if state == "absent":
        return element, plan_absent(handler, name, element)
    return element, plan_present(handler, name, desired, element, elements, update_secrets)


def run(client, handler, name, desired, state, update_secrets, check_mode):
    """Apply one endpoint. Returns a result dict (changed, endpoint, diff, operation, changed_options)."""
    element, plan = plan_endpoint(handler, name, desired, state, read_elements(client, handler), update_secrets)

    after_element = element
    if plan.changed and not check_mode:
        client.post(plan.method_path, plan.body)
        elements_after = read_elements(client, handler)
        after_element = find_element(handler, elements_after, name)
        if state == "absent" and after_element is not None:
            _file_defined_failure(client, handler, name, element, after_element)
    elif plan.changed:
        after_element = None if plan.predicted is None else {"options": plan.predicted}

    result = dict(
        changed=plan.changed,
        operation=plan.operation,
        changed_options=plan.changed_options,
        endpoint=endpoint_result(handler, name, after_element),
        diff=dict(before=dict(plan.diff_before), after=dict(plan.diff_after)),
    )
    if state == "present" and element is None:
        result["diff"]["before"] = {}
    return result


def _file_defined_failure(client, handler, name, before, after):
    before_opts, after_opts = element_options(handler, before), element_options(handler, after)
    restore = _restore_body(handler, before_opts, after_opts)
    restored = ""
    if restore:
        try:
            client.post(element_path(handler, name), {"set": restore})
            restored = " Its previous non-secret values were set again through the API."
        except KapacitorError as exc:
            restored = " Setting its previous values again failed too (%s); check the element." % exc.message
    lost = [H.user_name(o.name) for o in handler.options
            if o.secret == H.REDACTED and _is_set(o, before_opts.get(o.name)) and not _is_set(o, after_opts.get(o.name))]
    raise EndpointError(
        "%s element %r is defined in kapacitor.conf (or is Kapacitor's built-in default), so it cannot be removed"
        " through the API: Kapacitor's remove only dropped the values set through the API.%s%s To turn it off use"
        " state: present with config: {enabled: false}."
        % (handler.name, name, restored,
           (" These secrets were set through the API and are now unset: %s." % ", ".join(lost)) if lost else ""))


def given_secrets(handler, config):
    """Every non-empty string given for a secret option or field in a raw config dict.

    Works on unchecked input, so that secrets are masked even when another option is wrong.
    """
    found = set()
    for key, value in (config or {}).items():
        option = V.resolve_option(handler, str(key))
        if option is None:
            continue
        items = value.items() if isinstance(value, dict) else [(None, value)]
        for fkey, item in items:
            field = _field(option, fkey) if fkey is not None else None
            if (option.secret or (field is not None and field.secret)) and isinstance(item, str) and item:
                found.add(item)
    return found
