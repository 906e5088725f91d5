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

from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers
from ansible_collections.tickstack.kapacitor.plugins.module_utils import redaction
from ansible_collections.tickstack.kapacitor.plugins.module_utils import values
from ansible_collections.tickstack.kapacitor.plugins.module_utils.base import ModuleFailure
from ansible_collections.tickstack.kapacitor.plugins.module_utils.client import API_PREFIX, KapacitorError

UPDATE_SECRETS_CHOICES = ("when_unset", "always")


class EndpointError(ModuleFailure):
    """A refusal found after reading Kapacitor's state (nothing was sent), or a half-applied failure."""


# ---------------------------------------------------------------------------------------------
# Paths

def section_path(handler):
    return "/config/%s" % handler.name


def element_path(handler, name):
    """Non-list sections and the unnamed list element end with '/', named elements with the name."""
    if not handlers.is_list(handler) or not name:
        return "/config/%s/" % handler.name
    return "/config/%s/%s" % (handler.name, name)


# ---------------------------------------------------------------------------------------------
# Reading

def read_elements(client, handler):
    """Every element of a section as Kapacitor returns it; [] for an empty list section."""
    if handlers.is_list(handler):
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


def read_all(client):
    """({handler name: elements}, missing handlers) for every handler of the table, from one GET /config.

    An empty list section is absent from Kapacitor's answer; a missing single-configuration
    section means a Kapacitor older than the handler.
    """
    sections = (client.get("/config") or {}).get("sections") or {}
    read = collections.OrderedDict(
        (h.name, list((sections.get(h.name) or {}).get("elements") or [])) for h in handlers.HANDLERS.values())
    missing = [h for h in handlers.HANDLERS.values() if h.name not in sections and not handlers.is_list(h)]
    return read, missing


def element_options(handler, element):
    return dict((element or {}).get("options") or {})


def find_element(handler, elements, name):
    """The element whose key is name (the only element for a non-list section), or None."""
    if not handlers.is_list(handler):
        return elements[0] if elements else None
    for element in elements:
        if element_options(handler, element).get(handler.element_key, "") == name:
            return element
    return None


def element_name(handler, element):
    if not handlers.is_list(handler):
        return None
    return element_options(handler, element).get(handler.element_key, "")


# ---------------------------------------------------------------------------------------------
# Presenting an element without its secrets (the rules are in redaction.py)

def endpoint_result(handler, name, element):
    if element is None:
        return dict(handler=handler.name, name=name, exists=False, config={}, secrets={})
    config, secrets = redaction.present(handler, element_options(handler, element))
    return dict(handler=handler.name, name=element_name(handler, element), exists=True, config=config, secrets=secrets)


# ---------------------------------------------------------------------------------------------
# Planning

class Plan:
    """What one run will do: the request to send (if any), the diff and the predicted element."""

    def __init__(self):
        self.operation = None      # 'add', 'set', 'remove', 'delete' or None
        self.method_path = None
        self.body = None
        self.changed_options = []  # user spelling
        self.diff_before = collections.OrderedDict()
        self.diff_after = collections.OrderedDict()
        self.predicted = None      # predicted element options after the run (None: absent)
        self.predictable = True    # False for a reset: Kapacitor cannot tell whether overrides exist

    @property
    def changed(self):
        return self.operation is not None

    def request(self):
        """(method, path, option names) of the write, for results: never values."""
        body = self.body or {}
        action = next(iter(body)) if body else None
        names = body.get(action)
        if isinstance(names, dict):
            names = [handlers.user_name(k) for k in names]
        return dict(method="POST", path=API_PREFIX + self.method_path, operation=self.operation,
                    options=list(names or []))


def wire_body(handler, desired):
    """The JSON object sent for checked options (Kapacitor names -> values as check_config gives them).

    Every body the collection sends (add, set, and the restore after a remove) goes through here,
    so that what Kapacitor stores is always what it can read back.
    """
    options = handlers.option_map(handler)
    body = collections.OrderedDict()
    for oname, value in desired.items():
        option = options[oname]
        if option.type == handlers.OBJECT:
            body[oname] = dict((k, values.wire_value(handlers.field(option, k).type, v)) for k, v in value.items())
        else:
            body[oname] = values.wire_value(option.type, value)
    return body


def _field_equal(field, desired, current):
    return desired == values.normalise_current(field.type, current)


def _equal(option, desired, current):
    current = values.normalise_current(option.type, current, option.fields)
    if option.type == handlers.OBJECT:
        current = current or {}
        return all(_field_equal(handlers.field(option, k), v, current.get(k)) for k, v in desired.items())
    return desired == current


def _diff_pair(option, before, value, sending):
    """(before, after) of one option for the diff, secrets masked."""
    if option.secret and option.type == handlers.MAP:
        return redaction.secret_map(values.normalise_current(option.type, before), value, sending)
    if option.secret:
        return redaction.mask(option, before, value, sending)
    if option.type == handlers.OBJECT:
        return (redaction.object_diff_value(option, before), redaction.object_diff_value(option, value))
    return values.normalise_current(option.type, before, option.fields), value


def plan_present(handler, name, desired, element, elements, update_secrets):
    plan = Plan()
    options = handlers.option_map(handler)
    if element is None:
        if not handlers.is_list(handler):
            raise EndpointError("Kapacitor returned no element for the %s section" % handler.name)
        # New list element: `add` starts every option from its zero value, then applies the options given.
        predicted = collections.OrderedDict(
            (o.name, values.zero_value(o.type, o.fields)) for o in handler.options)
        predicted[handler.element_key] = name
        for oname, value in desired.items():
            option = options[oname]
            predicted[oname] = _predict(option, predicted[oname], value)
            plan.diff_after[handlers.user_name(oname)] = _diff_pair(option, None, value, True)[1]
        body = collections.OrderedDict([(handler.element_key, name)])
        body.update(wire_body(handler, desired))
        plan.operation = "add"
        plan.method_path = section_path(handler)
        plan.body = {"add": body}
        plan.changed_options = [handlers.user_name(k) for k in desired]
        plan.predicted = predicted
        return plan

    current = element_options(handler, element)
    predicted = collections.OrderedDict(current)
    changes = collections.OrderedDict()
    for oname, value in desired.items():
        option = options[oname]
        key = handlers.user_name(oname)
        before = current.get(oname)
        if option.secret == handlers.REDACTED:
            # Kapacitor shows only whether it is set: send it when unset, when asked to, or to clear it.
            was_set = redaction.is_set(option, before)
            send = was_set if values.is_empty_secret(value) else update_secrets == "always" or not was_set
            plan.diff_before[key], plan.diff_after[key] = redaction.mask(option, before, value, send)
            if send:
                changes[oname] = value
                predicted[oname] = not values.is_empty_secret(value)
            continue
        if option.type == handlers.OBJECT:
            current_obj = values.normalise_current(option.type, before, option.fields) or {}
            delta = collections.OrderedDict(
                (k, v) for k, v in value.items()
                if not _field_equal(handlers.field(option, k), v, current_obj.get(k)))
            shown_before = collections.OrderedDict((k, current_obj.get(k)) for k in value)
            plan.diff_before[key], plan.diff_after[key] = _diff_pair(option, shown_before, value, bool(delta))
            if delta:
                # Kapacitor stores the object sent as the option's override, replacing an earlier one, and
                # merges it into the kapacitor.conf value: send every field's current value with the
                # changes, or fields set by an earlier run would fall back to kapacitor.conf.
                full = collections.OrderedDict(
                    (k, v) for k, v in current_obj.items() if v is not None and handlers.field(option, k) is not None)
                full.update(value)
                changes[oname] = full
                predicted[oname] = _predict(option, before, delta)
            continue
        equal = _equal(option, value, before)
        plan.diff_before[key], plan.diff_after[key] = _diff_pair(option, before, value, not equal)
        if not equal:
            changes[oname] = value
            predicted[oname] = value
    if changes:
        _refuse_unnamed_change(handler, name, elements)
        plan.operation = "set"
        plan.method_path = element_path(handler, name)
        plan.body = {"set": wire_body(handler, changes)}
        plan.changed_options = [handlers.user_name(k) for k in changes]
    plan.predicted = predicted
    return plan


def _refuse_unnamed_change(handler, name, elements):
    if handlers.is_list(handler) and name == "":
        others = [element_name(handler, e) for e in elements if element_name(handler, e) != ""]
        if others:
            raise EndpointError(
                "%s: Kapacitor applies a change of the unnamed workspace (name: '') to every element of the"
                " section, so it would also change %s; give the workspace a name in kapacitor.conf, or manage"
                " it there" % (handler.name, ", ".join(sorted(others))))


def _predict(option, before, value):
    if option.secret == handlers.REDACTED:
        return not values.is_empty_secret(value)
    if option.type == handlers.OBJECT:
        # Kapacitor merges the given fields into the object and renders the others unchanged.
        merged = collections.OrderedDict(before or {})
        merged.update(value)
        return merged
    return value


def _shown(handler, element):
    """Every option of an element for a diff: values in user spelling, secrets as <set>/<unset>."""
    config, secrets = redaction.present(handler, element_options(handler, element))
    shown = collections.OrderedDict(config)
    shown.update((k, redaction.SECRET_SET if v == redaction.SET else redaction.SECRET_UNSET)
                 for k, v in secrets.items())
    return shown


def plan_absent(handler, name, element):
    plan = Plan()
    if element is None:
        return plan
    plan.diff_before.update(_shown(handler, element))
    plan.operation = "remove"
    plan.method_path = section_path(handler)
    plan.body = {"remove": [name]}
    return plan


def plan_reset(handler, name, element, reset_options):
    """Drop the endpoint's API overrides (all of them, or the options named) so kapacitor.conf applies.

    Kapacitor cannot tell whether an override exists, so the request is planned on every run
    (unless the element does not exist at all) and whether anything changed is known only after
    reading the endpoint again.
    """
    plan = Plan()
    if element is None:
        return plan
    plan.predictable = False
    plan.predicted = element_options(handler, element)
    plan.diff_before.update(_shown(handler, element))
    if reset_options:
        plan.operation = "delete"
        plan.method_path = element_path(handler, name)
        plan.body = {"delete": list(reset_options)}
        plan.changed_options = [handlers.user_name(k) for k in reset_options]
    else:
        plan.operation = "remove"
        plan.method_path = section_path(handler)
        plan.body = {"remove": [name if name is not None else ""]}
    return plan


def check_absent_allowed(handler, name):
    """Refusals for state=absent that need no request."""
    if not handlers.is_list(handler):
        raise values.InputError(
            "state=absent: %s is not a list of elements; its one configuration cannot be removed, only changed."
            " To turn it off use config: {enabled: false}, or state: reset to give it back to kapacitor.conf"
            % handler.name)
    if name == "":
        raise values.InputError(
            "state=absent: the unnamed %s workspace (name: '') comes from kapacitor.conf or Kapacitor's built-in"
            " default and cannot be removed through the API. To turn it off use config: {enabled: false}"
            % handler.name)


def check_reset_options(handler, reset_options):
    """Kapacitor names of the options to reset (None: all of them); raises InputError."""
    if reset_options is None:
        return None
    if not isinstance(reset_options, list) or not reset_options:
        raise values.InputError("reset_options: expected a non-empty list of option names")
    names = []
    for key in reset_options:
        option = values.resolve_option(handler, str(key))
        if option is None or option.name == handler.element_key:
            raise values.InputError("reset_options: %r is not an option of handler %s; valid options: %s"
                                    % (key, handler.name, ", ".join(values.valid_option_names(handler))))
        names.append(option.name)
    return names


def check_input(handler, name, config, state, reset_options=None):
    """(name, desired options, reset options) of one endpoint after every check that needs no request.

    Raises values.InputError naming the option and what was expected.
    """
    if state != "reset" and reset_options is not None:
        raise values.InputError("reset_options: only with state: reset")
    desired = values.check_config(handler, config) if state == "present" else {}
    name = values.check_name(handler, name)
    if state == "absent":
        check_absent_allowed(handler, name)
    return name, desired, check_reset_options(handler, reset_options) if state == "reset" else None


def plan_endpoint(handler, name, desired, state, elements, update_secrets, reset_options=None):
    """(element, plan) of one checked endpoint against its section's elements as read."""
    element = find_element(handler, elements, name)
    if state == "absent":
        return element, plan_absent(handler, name, element)
    if state == "reset":
        return element, plan_reset(handler, name, element, reset_options)
    return element, plan_present(handler, name, desired, element, elements, update_secrets)


def outcome(handler, name, state, plan, element, after_element, check_mode):
    """The result of one endpoint once its plan was applied (or predicted, in check mode)."""
    if plan.changed and check_mode:
        after_element = None if plan.predicted is None else {"options": plan.predicted}
    changed = plan.changed
    if plan.changed and not plan.predictable:
        # A reset: changed only when the endpoint reads differently afterwards.
        changed = not check_mode and endpoint_result(handler, name, element) != endpoint_result(
            handler, name, after_element)
    result = dict(
        changed=changed,
        operation=plan.operation,
        changed_options=plan.changed_options,
        endpoint=endpoint_result(handler, name, after_element),
        diff=dict(before=dict(plan.diff_before), after=dict(plan.diff_after)),
    )
    if not plan.predictable:
        result["diff"]["after"] = _shown(handler, after_element) if after_element is not None else {}
    if state == "present" and element is None:
        result["diff"]["before"] = {}
    return result


def run(client, handler, name, desired, state, update_secrets, check_mode, reset_options=None):
    """Apply one endpoint. Returns a result dict (changed, endpoint, diff, operation, changed_options)."""
    element, plan = plan_endpoint(handler, name, desired, state, read_elements(client, handler), update_secrets,
                                  reset_options)
    after_element = element
    if plan.changed and not check_mode:
        send(client, handler, name, plan)
        after_element = find_element(handler, read_elements(client, handler), name)
        if state == "absent" and after_element is not None:
            raise EndpointError(file_defined_failure(client, handler, name, element, after_element))
    return outcome(handler, name, state, plan, element, after_element, check_mode)


def send(client, handler, name, plan):
    """POST a plan's write; a dropped connection is explained from a fresh read of the endpoint."""
    try:
        client.post(plan.method_path, plan.body)
    except KapacitorError as exc:
        if exc.kind == "dropped":
            exc.message += ": " + explain_dropped(client, handler, name, plan)
            exc.args = (exc.message,)
        raise


def explain_dropped(client, handler, name, plan):
    """What Kapacitor holds after it dropped the connection of a write, and what to do."""
    try:
        element = find_element(handler, read_elements(client, handler), name)
    except KapacitorError as exc:
        return "reading it again failed too (%s): check Kapacitor, then run again" % exc.message
    if plan.operation == "add" and element is not None:
        return ("reading again, Kapacitor now has %s: it was added at the same moment by another run (Kapacitor drops"
                " an add of an element that already has stored overrides, and its running service can then be left"
                " without the element although GET /kapacitor/v1/config shows it). Restart Kapacitor so that its"
                " running service has the element, and run again: the next run updates it with set"
                % describe(handler, name))
    if plan.operation == "add":
        return "reading again, Kapacitor has no %s: nothing was applied; run again" % describe(handler, name)
    return ("reading again, %s %s; run again to converge (a run that finds nothing to change sends nothing)"
            % (describe(handler, name), "exists" if element is not None else "does not exist"))


def restore_body(handler, before, after):
    """`set` body that brings back the values an element had before a `remove`, or {}.

    Redacted secrets cannot be brought back (Kapacitor never showed them). The values read are
    checked as user input and converted by wire_body like any other update, so that nothing is
    sent that Kapacitor would store but not read back (integer nanoseconds where it takes a
    duration string, for one).
    """
    wanted = collections.OrderedDict()
    for option in handler.options:
        if option.name == handler.element_key or option.secret == handlers.REDACTED or option.name not in before:
            continue
        value = before[option.name]
        if values.normalise_current(option.type, value, option.fields) == \
                values.normalise_current(option.type, after.get(option.name), option.fields):
            continue
        if option.type == handlers.OBJECT:
            value = collections.OrderedDict((k, v) for k, v in (value or {}).items() if v is not None)
        elif value is None:
            continue  # null cannot be sent; such an option was unset before
        wanted[option.name] = value
    return wire_body(handler, values.check_config(handler, wanted)) if wanted else {}


def file_defined_failure(client, handler, name, before, after):
    """Set back what a `remove` dropped from a kapacitor.conf element; returns the failure message."""
    before_opts, after_opts = element_options(handler, before), element_options(handler, after)
    restored = ""
    try:
        restore = restore_body(handler, before_opts, after_opts)
        if restore:
            client.post(element_path(handler, name), {"set": restore})
            restored = " Its previous non-secret values were set again through the API."
    except (KapacitorError, values.InputError) as exc:
        restored = " Setting its previous values again failed too (%s); check the element." % exc
    lost = [handlers.user_name(o.name) for o in handler.options
            if o.secret == handlers.REDACTED and redaction.is_set(o, before_opts.get(o.name))
            and not redaction.is_set(o, after_opts.get(o.name))]
    return ("%s element %r is defined in kapacitor.conf (or is Kapacitor's built-in default), so it cannot be removed"
            " through the API: Kapacitor's remove only dropped the values set through the API.%s%s %s"
            % (handler.name, name, restored,
               (" These secrets were set through the API and are now unset: %s." % ", ".join(lost)) if lost else "",
               how_to_turn_off(handler)))


def how_to_turn_off(handler):
    if "enabled" in handlers.option_map(handler):
        return "To turn it off use state: present with config: {enabled: false}."
    return ("%s endpoints have no enabled option: remove the element from kapacitor.conf, or leave it unused"
            " (no alert names it)." % handler.name)


# ---------------------------------------------------------------------------------------------
# The module

def secrets_in_params(params):
    """Secrets in the raw arguments of kapacitor_alert_endpoint (for the module base)."""
    return redaction.config_secrets(redaction.entry_handler(params), params.get("config"))


def key_of(handler_name, name):
    """How an endpoint is named in results of a list: handler, or handler/name."""
    return handler_name if name is None else "%s/%s" % (handler_name, name)


def describe(handler, name):
    return handler.name if name is None else "%s %r" % (handler.name, name)


def run_module(module):
    """The work of kapacitor_alert_endpoint."""
    params = module.params
    handler = handlers.get_handler(params["handler"])
    name, desired, reset_options = check_input(handler, params["name"], params["config"] or {}, params["state"],
                                               params["reset_options"])
    if handler.deprecated_by:
        module.warn("%s is Kapacitor's deprecated v1 API; move to handler=%s" % (handler.name, handler.deprecated_by))
    result = run(module.client, handler, name, desired, params["state"], params["update_secrets"], module.check_mode,
                 reset_options)
    if params["state"] == "reset" and module.check_mode and result["operation"]:
        module.warn("check mode cannot tell whether %s has overrides set through the API: state=reset sends its"
                    " request on every run and reports changed only when the endpoint reads differently afterwards"
                    % describe(handler, name))
    return result
