# -*- coding: utf-8 -*-
# Copyright (c) tickstack.kapacitor contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the tickstack.kapacitor collection: module_utils are not a public API and may
# change in any release. Use the modules instead.
"""Kapacitor's service tests (Chronograf's "Send Test Alert"): checking test options, building
the request body, masking it, and explaining a failed test.

The test options of each handler, their types, choices and secrecy live in the handler table
(handlers.py); this file holds what is specific to sending a test:
  - the element of a list handler is chosen with the service's own selector option;
  - a few testers take their defaults from the default element, or ignore the element entirely,
    so testing a named element needs the help described at ELEMENT_TEST_OPTIONS below.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

from ansible_collections.tickstack.kapacitor.plugins.module_utils import endpoint
from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers
from ansible_collections.tickstack.kapacitor.plugins.module_utils import redaction
from ansible_collections.tickstack.kapacitor.plugins.module_utils import values
from ansible_collections.tickstack.kapacitor.plugins.module_utils.base import ModuleFailure

# Handlers whose tester has no sensible element by default, so name is required: Kapacitor's
# kafka test defaults to a cluster called "example", and its httppost test ignores the endpoint
# name and posts to a placeholder URL.
NAME_REQUIRED = ("kafka", "httppost")

# Test options that Kapacitor fills from the default element, sent empty when another element is
# named so that the named element's own setting applies (slack: its channel).
RESET_FOR_NAMED_ELEMENT = {"slack": ("channel",)}

# Kapacitor's httppost test posts to its `url` and `headers` test options and never looks at the
# endpoint. To test the named endpoint, these test options are filled from the endpoint's
# configuration (test option -> config option), unless given.
ELEMENT_TEST_OPTIONS = {"httppost": (("url", "url"), ("headers", "headers"))}

# Test options without which Kapacitor's test always fails.
REQUIRED_TEST_OPTIONS = {"mqtt": ("topic",)}

user_name = handlers.test_option_user_name


resolve = handlers.resolve_test_option


def valid_names(handler):
    return [user_name(t.name) for t in handler.test_options if t.name != handler.test_selector]


def _check_any(label, test_option, value):
    """Free-form test options must have the JSON kind of their default (an object or a list)."""
    if value is None:
        raise values.InputError("%s: null is not a value" % label)
    for kind, word in ((dict, "a dict"), (list, "a list")):
        if isinstance(test_option.default, kind) and not isinstance(value, kind):
            raise values.InputError("%s: expected %s, got a %s" % (label, word, type(value).__name__))
    return value


def _check_choice(label, test_option, value):
    if not isinstance(value, str):
        return value
    for choice in test_option.choices:
        if value.lower() == choice.lower():
            return choice
    raise values.InputError("%s: %r is not allowed; expected one of: %s"
                            % (label, value, ", ".join(repr(c) for c in test_option.choices)))


def check_options(handler, options):
    """Kapacitor test option name -> checked value, for every entry of the user's options dict."""
    if options is None:
        return collections.OrderedDict()
    if not isinstance(options, dict):
        raise values.InputError("options: expected a dict of %s test options" % handler.name)
    checked = collections.OrderedDict()
    for key, value in options.items():
        label = "options.%s" % key
        test_option = resolve(handler, str(key))
        if test_option is None:
            raise values.InputError("%s: unknown test option for handler %s; valid test options: %s"
                                    % (label, handler.name, ", ".join(valid_names(handler))))
        if test_option.name == handler.test_selector:
            raise values.InputError("%s: the %s element is chosen with name, not with the %s test option"
                                    % (label, handler.name, key))
        if test_option.name in checked:
            raise values.InputError("%s: test option %s is given twice" % (label, user_name(test_option.name)))
        if test_option.type == handlers.ANY:
            value = _check_any(label, test_option, value)
        else:
            value = values.check_value(label, test_option.type, value, bool(test_option.secret))
        if test_option.choices is not None:
            value = _check_choice(label, test_option, value)
        checked[test_option.name] = value
    for required in REQUIRED_TEST_OPTIONS.get(handler.name, ()):
        if not checked.get(required):
            raise values.InputError("options.%s: required for handler %s: Kapacitor's test has no default for it"
                                    % (user_name(required), handler.name))
    return checked


def check_name(handler, name):
    """The element to test (None: the tester's own default), or InputError."""
    if name is None:
        if handler.name in NAME_REQUIRED:
            raise values.InputError("name: required for handler %s: give the %s of the element to test"
                                    % (handler.name, handler.element_key))
        return None
    return values.check_name(handler, name)


def needs_element(handler, name):
    """Whether building the body needs the element's configuration (one GET)."""
    return name is not None and handler.name in ELEMENT_TEST_OPTIONS


def build_body(handler, name, options, element_options=None):
    """The JSON body of POST /service-tests/<handler>: never empty, the selector first."""
    body = collections.OrderedDict()
    if name is not None:
        body[handler.test_selector] = name
        for reset in RESET_FOR_NAMED_ELEMENT.get(handler.name, ()):
            if reset not in options:
                body[reset] = ""
    for test_name, config_name in ELEMENT_TEST_OPTIONS.get(handler.name, ()):
        if element_options is not None and test_name not in options:
            value = element_options.get(config_name)
            body[test_name] = values.normalise_current(handlers.option_map(handler)[config_name].type, value)
    body.update(options)
    return body


def masked(handler, body):
    """A copy of a test body with every secret test option's value masked."""
    return redaction.masked_test_options(handler.test_options, body)


def secrets_in_params(params):
    """Secrets in the raw arguments of kapacitor_test_alert (for the module base)."""
    return redaction.test_option_secrets(redaction.entry_handler(params), params.get("options"))


# ---------------------------------------------------------------------------------------------
# Explaining a failed test

def _endpoint_task(handler, name):
    args = "handler: %s" % handler.name
    if name is not None:
        args += ", name: %s" % (name if name else "''")
    elif handlers.is_list(handler):
        args += ", name: the default %s" % handler.element_key
    return args


def hint(handler, name, message):
    """What to do about a failed test, from Kapacitor's message."""
    text = message or ""
    task = _endpoint_task(handler, name)
    element = "%r" % name if name is not None else "the default one"
    if text.endswith("service is not enabled"):
        return ("the endpoint is disabled: enable it first with tickstack.kapacitor.kapacitor_alert_endpoint"
                " (%s, config: {enabled: true})" % task)
    if text == "workspace id not found":
        return ("Kapacitor has no %s workspace %s: check name (tickstack.kapacitor.kapacitor_alert_endpoint_info"
                " with handler: %s lists them)" % (handler.name, element, handler.name))
    if text.startswith("no %s configuration found" % handler.name):
        return "no %s workspace is configured: add one with tickstack.kapacitor.kapacitor_alert_endpoint" % handler.name
    if text.startswith("unknown cluster"):
        return ("Kapacitor has no enabled Kafka cluster with ID %s: check name, and that the cluster has"
                " config.enabled true (only enabled clusters can be tested)" % element)
    if text.startswith("unknown MQTT broker"):
        if name is None:
            return "Kapacitor has no default MQTT broker: give name, or mark one enabled broker config.default true"
        return ("Kapacitor has no enabled MQTT broker %s: check name, and that the broker has config.enabled true"
                % element)
    if text == "missing MQTT topic":
        return "give options.topic"
    if text.startswith("parseMode"):
        return "use Markdown or HTML in options.parse_mode, or in the telegram endpoint's config.parse_mode"
    if text.startswith("failed to POST alert data"):
        return ("Kapacitor could not post to the URL: check config.url of httppost endpoint %s, and that Kapacitor"
                " can reach it" % element)
    return ("the %s service reported this failure: check the endpoint's settings (URL, credentials, recipients);"
            " tickstack.kapacitor.kapacitor_alert_endpoint_info shows them" % handler.name)


# ---------------------------------------------------------------------------------------------
# The module

def secrets_in_params(params):
    """Secrets in the raw arguments of kapacitor_test_alert (for the module base)."""
    found = redaction.test_option_secrets(redaction.entry_handler(params), params.get("options"))
    for entry in params.get("endpoints") or [] if isinstance(params.get("endpoints"), list) else [params.get("endpoints")]:
        if not isinstance(entry, dict):
            found.extend(redaction.guessed(entry))
            continue
        handler = redaction.entry_handler(entry)
        for key in ("options", "test_options"):
            found.extend(redaction.test_option_secrets(handler, entry.get(key)))
        # The role passes its whole entries: their config holds the endpoint's secrets.
        found.extend(redaction.config_secrets(handler, entry.get("config")))
    return found


def _send(client, handler, name, options, element_options, check_mode):
    """(result fields, failure message or None) of one test alert."""
    body = build_body(handler, name, options, element_options)
    result = dict(options=masked(handler, body))
    if check_mode:
        return result, None
    answer = client.post("/service-tests/%s" % handler.name, body, write=False)
    if not isinstance(answer, dict) or not isinstance(answer.get("success"), bool):
        return result, "Kapacitor's answer to the test has no success flag: is kapacitor_url a Kapacitor server?"
    result["success"] = answer["success"]
    # Kapacitor's message of a failed delivery is Go's error text, with the target URL in it.
    result["message"] = redaction.scrub(answer.get("message") or "")
    if result["success"]:
        return result, None
    result["hint"] = hint(handler, name, result["message"])
    return result, "the test alert failed: %s: %s" % (result["message"] or "(no message)", result["hint"])


def run_module(module):
    """The work of kapacitor_test_alert."""
    if module.params["endpoints"] is not None:
        return run_bulk(module)
    params = module.params
    handler = handlers.get_handler(params["handler"])
    name = check_name(handler, params["name"])
    options = check_options(handler, params["options"])
    client = module.client
    element_options = None
    if needs_element(handler, name):
        element = client.get_or_none(endpoint.element_path(handler, name))
        if element is None:
            raise ModuleFailure("Kapacitor has no %s endpoint %r to test: check name" % (handler.name, name),
                                changed=False, handler=handler.name, name=name)
        element_options = endpoint.element_options(handler, element)
    result, failure = _send(client, handler, name, options, element_options, module.check_mode)
    result.update(handler=handler.name, name=name, changed=failure is None)
    if failure:
        raise ModuleFailure(failure, **result)
    return result


BULK_KEYS = ("handler", "name", "options", "test_options", "config", "state", "reset_options")


def _check_bulk_entry(entry):
    """(handler, name, options, state) of one entry of endpoints; raises InputError."""
    handler = values.check_entry(entry, BULK_KEYS)
    if entry.get("options") is not None and entry.get("test_options") is not None:
        raise values.InputError("options and test_options are the same thing: give one")
    options = entry.get("options") if entry.get("options") is not None else entry.get("test_options")
    return handler, check_name(handler, entry.get("name")), check_options(handler, options), entry.get("state")


def run_bulk(module):
    """Test alerts through a list of endpoints, from one read of every endpoint; every result reported."""
    params = module.params
    checked, problems = [], []
    for position, entry in enumerate(params["endpoints"]):
        try:
            checked.append(_check_bulk_entry(entry))
        except values.InputError as exc:
            problems.append("item %d: %s" % (position + 1, exc))
    if problems:
        raise values.InputError("endpoints: " + "; ".join(problems))
    limit = None if params["limit_to"] is None else set(params["limit_to"])
    sections = endpoint.read_all(module.client)[0] if checked else {}
    results, failures = [], []
    for handler, name, options, state in checked:
        key = endpoint.describe(handler, name)
        result = dict(handler=handler.name, name=name, sent=False)
        element = endpoint.find_element(handler, sections.get(handler.name) or [],
                                        name if name is not None or not handlers.is_list(handler) else "")
        reason = _skip_reason(handler, name, state, element, limit)
        if reason:
            result["skipped"] = reason
            results.append(result)
            continue
        element_options = endpoint.element_options(handler, element) if element is not None else None
        sent, failure = _send(module.client, handler, name, options,
                              element_options if needs_element(handler, name) else None, module.check_mode)
        result.update(sent, sent=True)
        if failure:
            failures.append("%s: %s" % (key, failure))
        results.append(result)
    outcome = dict(changed=any(r["sent"] for r in results), results=results)
    skipped = ["%s (%s)" % (endpoint.describe(handlers.get_handler(r["handler"]), r["name"]), r["skipped"])
               for r in results if r.get("skipped") and r["skipped"] != "not changed"]
    if skipped:
        module.warn("no test alert sent through %s" % "; ".join(skipped))
    if failures:
        sent = sum(r["sent"] for r in results)
        raise ModuleFailure("%d of %d test alerts failed: %s" % (len(failures), sent, "; ".join(failures)), **outcome)
    return outcome


def _skip_reason(handler, name, state, element, limit):
    if limit is not None and endpoint.key_of(handler.name, name) not in limit:
        return "not changed"
    if state not in (None, "present"):
        return "state is %s" % state
    if element is None:
        return "Kapacitor has no such endpoint"
    if "enabled" in handlers.option_map(handler) and not endpoint.element_options(handler, element).get("enabled"):
        return "disabled (config.enabled is false); Kapacitor cannot test a disabled endpoint"
    return None
