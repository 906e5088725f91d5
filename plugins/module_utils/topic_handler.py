# -*- coding: utf-8 -*-
# Copyright (c) tickstack.kapacitor contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the tickstack.kapacitor collection: module_utils are not a public API and may
# change in any release. Use the modules instead.
"""Checking, comparing, presenting and exporting one Kapacitor alert topic handler.

Nothing here talks to Kapacitor. The steps of a run:
  - check_entry() makes every check that needs no request and returns the body to send;
  - plan() compares it with the handler as GET /alerts/topics/<topic>/handlers/<id> returned
    it (None for a 404) and returns the request to make, if any: POST to create, PUT (every
    field) to replace; plan_absent() returns the DELETE;
  - present() and export_entry() show a handler in the module's input shape, secrets masked or
    left out. Which values are secrets is redaction.py's to say (topic_option_secrets() and
    topic_entries_secrets() list them, for no_log).

Kapacitor keeps the option keys as they were sent and matches them to its fields without
regard to case, so two handlers compare equal when Kapacitor decodes their options into the
same field values: a key in another case, a duration as a string or as nanoseconds, a number
as 1 or 1.0, a null or a value left out versus the field's default.

The module never renames a handler (Kapacitor renames on a PUT whose body names another ID)
and never deletes a topic (that detaches every handler of the topic until Kapacitor restarts).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
from urllib.parse import quote

from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers
from ansible_collections.tickstack.kapacitor.plugins.module_utils import redaction
from ansible_collections.tickstack.kapacitor.plugins.module_utils import topic_kinds
from ansible_collections.tickstack.kapacitor.plugins.module_utils import values

STATES = ("present", "absent")

FLOAT_EXACT = 2 ** 53  # Kapacitor decodes JSON numbers as float64: larger integers may change
UINT_OPTIONS = ("mode",)  # os.FileMode: unsigned 32-bit


class HandlerStateError(Exception):
    """The handler as Kapacitor reports it cannot be managed (found after reading, nothing sent)."""


# ---------------------------------------------------------------------------------------------
# Names and paths

def check_name(label, value, allow_colon):
    """A handler ID or topic as Kapacitor's regex takes it: ^[-._\\p{L}0-9]+$ (topics also ':')."""
    extra = "-._:" if allow_colon else "-._"
    if value is None:
        raise values.InputError("%s: null is not a value; give a string" % label)
    if not isinstance(value, str):
        raise values.InputError("%s: expected a string, got %s" % (label, type(value).__name__))
    if value in ("", ".", ".."):
        raise values.InputError("%s: %r cannot be used: give a name (it cannot be '.' or '..')" % (label, value))
    for char in value:
        if not (char in extra or char in "0123456789" or char.isalpha()):
            raise values.InputError(
                "%s: %r may only contain letters, digits (0-9), %s; %r is not allowed"
                % (label, value, ", ".join("'%s'" % c for c in extra), char))
    return value


def handlers_path(topic):
    return "/alerts/topics/%s/handlers" % quote(topic, safe=":")


def handler_path(topic, handler_id):
    """Never with a trailing slash: Kapacitor would take a DELETE of it for the whole topic."""
    return "%s/%s" % (handlers_path(topic), quote(handler_id, safe=""))


# ---------------------------------------------------------------------------------------------
# Checking input

def _exact_int(label, number, low=values.INT64_MIN, high=values.INT64_MAX):
    if not low <= number <= high:
        raise values.InputError("%s: %d is out of range (%d to %d)" % (label, number, low, high))
    if abs(number) > FLOAT_EXACT and int(float(number)) != number:
        raise values.InputError("%s: %d cannot be sent exactly: Kapacitor reads numbers as 64-bit floats and would"
                                " store %d" % (label, number, int(float(number))))
    return number


def _check_duration(label, value):
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise values.InputError("%s: expected a Go duration string such as 90s, 1m30s or 1h, or integer"
                                " nanoseconds, got %s" % (label, type(value).__name__))
    if isinstance(value, float):
        if not value.is_integer():
            raise values.InputError("%s: %r is not a whole number of nanoseconds" % (label, value))
        value = int(value)
    if isinstance(value, str):
        try:
            value = values.parse_go_duration(value.strip())
        except ValueError:
            raise values.InputError("%s: %r is not a valid Go duration (examples: 90s, 1m30s, 1h, 500ms; units ns,"
                                    " us, ms, s, m, h; at most 2562047h47m16.854775807s), nor integer nanoseconds"
                                    % (label, value))
    return _exact_int(label, value)


def _check_any(label, value):
    """A free JSON value (inside a map of any values): anything but null."""
    if value is None:
        raise values.InputError("%s: null is not a value (an empty YAML value is null)" % label)
    if isinstance(value, dict):
        return dict((str(k), _check_any("%s.%s" % (label, k), v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_check_any("%s[%d]" % (label, i), v) for i, v in enumerate(value)]
    if isinstance(value, (str, bool, int, float)):
        return value
    raise values.InputError("%s: expected a JSON value, got %s" % (label, type(value).__name__))


def _check_objects(label, value, option):
    fields = option.fields
    if value is None or not isinstance(value, (list, tuple)):
        raise values.InputError("%s: expected a list of dicts with keys %s, got %s"
                                % (label, ", ".join(f.name for f in fields), type(value).__name__))
    out = []
    for index, item in enumerate(value):
        item_label = "%s[%d]" % (label, index)
        if not isinstance(item, dict):
            raise values.InputError("%s: expected a dict with keys %s, got %s"
                                    % (item_label, ", ".join(f.name for f in fields), type(item).__name__))
        obj = collections.OrderedDict()
        for key, sub in item.items():
            fld = handlers.field(option, key)
            if fld is None:
                raise values.InputError("%s: unknown key %r; valid keys: %s"
                                        % (item_label, key, ", ".join(f.name for f in fields)))
            if fld.name in obj:
                raise values.InputError("%s: key %s is given twice" % (item_label, fld.name))
            obj[fld.name] = values.check_value("%s.%s" % (item_label, fld.name), fld.type, sub)
        out.append(obj)
    return out


def _check_qos(label, value, choices):
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(choices):
        return value
    if isinstance(value, str) and value in choices:
        return value
    hint = " (Kapacitor spells it exactly-one)" if value == "exactly-once" else ""
    raise values.InputError("%s: %r is not allowed%s; expected one of: %s, or 0 to %d"
                            % (label, value, hint, ", ".join(choices), len(choices) - 1))


def check_option(label, option, value):
    """The wire value of one option (Kapacitor's type, durations in nanoseconds), or InputError."""
    secret = bool(option.secret)
    if value is None:
        return values.check_value(label, option.type, value, secret)  # raises: null is never a value
    if option.type == topic_kinds.DURATION:
        return _check_duration(label, value)
    if option.type == topic_kinds.ANY_MAP:
        if not isinstance(value, dict):
            raise values.InputError("%s: expected a dict, got %s" % (label, type(value).__name__))
        return _check_any(label, value)
    if option.type == topic_kinds.OBJECT_LIST:
        return _check_objects(label, value, option)
    if option.type == topic_kinds.QOS:
        return _check_qos(label, value, option.choices)
    if option.type == topic_kinds.INT:
        bounds = (0, 2 ** 32 - 1) if option.name in UINT_OPTIONS else (values.INT64_MIN, values.INT64_MAX)
        if isinstance(value, int) and not isinstance(value, bool):
            _exact_int(label, value, *bounds)  # before check_value(), whose range message is the config API's
        return _exact_int(label, values.check_value(label, option.type, value, secret), *bounds)
    return values.check_value(label, option.type, value, secret, option.choices)


def valid_option_names(kind):
    return [topic_kinds.user_name(o.name) for o in kind.options]


def check_options(kind, options):
    """Kapacitor option name -> wire value, for every entry of the user's options dict."""
    if options is None:
        return collections.OrderedDict()
    if not isinstance(options, dict):
        raise values.InputError("options: expected a dict of %s options, got %s" % (kind.name, type(options).__name__))
    out = collections.OrderedDict()
    for key, value in options.items():
        option = topic_kinds.find_option(kind, key)
        if option is None:
            raise values.InputError("options.%s: unknown option for kind %s; valid options: %s"
                                    % (key, kind.name, ", ".join(valid_option_names(kind)) or "none"))
        if option.name in out:
            raise values.InputError("options.%s: option %s is given twice (in two spellings)"
                                    % (key, topic_kinds.user_name(option.name)))
        out[option.name] = check_option("options.%s" % key, option, value)
    return out


def _kind_checks(kind, topic, options):
    for kind_check in kind.checks:
        problem = kind_check.test(topic, options)
        if problem:
            raise values.InputError("options.%s" % problem)


def check_kind(kind):
    if kind is None:
        raise values.InputError("kind: required with state=present; one of: %s" % ", ".join(topic_kinds.KIND_NAMES))
    record = topic_kinds.get_kind(kind) if isinstance(kind, str) else None
    if record is None:
        hint = None
        if isinstance(kind, str):
            hint = topic_kinds.KIND_HINTS.get(kind.lower()) or next(
                (name for name in topic_kinds.KIND_NAMES if name == kind.lower()), None)
        raise values.InputError("kind: unknown kind %r%s; valid kinds: %s"
                                % (kind, " (did you mean %s?)" % hint if hint else "", ", ".join(topic_kinds.KIND_NAMES)))
    return record


def check_entry(topic, id, kind, options, match, state="present"):  # pylint: disable=redefined-builtin
    """The body to send for one handler, after every check that needs no request.

    Returns {"topic", "id", "kind", "options", "match"}: options in Kapacitor's spelling with
    durations in nanoseconds. "topic" says where the handler goes; plan() leaves it out of the
    bodies it sends (Kapacitor takes the topic from the URL). Raises values.InputError.
    """
    if state not in STATES:
        raise values.InputError("state: expected one of %s, got %r" % (", ".join(STATES), state))
    topic = check_name("topic", topic, allow_colon=True)
    id = check_name("id", id, allow_colon=False)
    if match is None:
        match = ""
    if not isinstance(match, str):
        raise values.InputError("match: expected a string (a TICKscript lambda expression), got %s"
                                % type(match).__name__)
    if state == "absent" and kind is None:
        return dict(topic=topic, id=id, kind=None, options=None, match=match)
    record = check_kind(kind)
    checked = check_options(record, options)
    if state == "present":
        _kind_checks(record, topic, checked)
    return dict(topic=topic, id=id, kind=record.name, options=dict(checked), match=match)


# ---------------------------------------------------------------------------------------------
# Comparing as Kapacitor decodes

class _Undecodable(Exception):
    """Options that Kapacitor would not decode this way (an unknown or doubled key)."""


def _field_value(option, value):
    """The value of a Go field after decoding value into it (None: left at its default)."""
    if value is None:
        value = option.default
    if option.type in (topic_kinds.LIST, topic_kinds.OBJECT_LIST):
        value = list(value or [])
        if option.type == topic_kinds.OBJECT_LIST:
            value = [_object_value(option, item) for item in value]
        return value
    if option.type in (topic_kinds.MAP, topic_kinds.ANY_MAP):
        return dict(value or {})
    if option.type in (topic_kinds.INT, topic_kinds.DURATION) and isinstance(value, float):
        return int(value)  # Kapacitor truncates
    if option.type == topic_kinds.QOS:
        if isinstance(value, str) and value in option.choices:
            return option.choices.index(value)
        if isinstance(value, float):
            return int(value)
    return value


def _object_value(option, item):
    if not isinstance(item, dict):
        raise _Undecodable()
    out = dict((f.name, f.default) for f in option.fields)
    for key, sub in item.items():
        fld = handlers.field(option, key)
        if fld is None:
            raise _Undecodable()
        if sub is not None:
            out[fld.name] = sub
    return out


def decode(kind, options):
    """Kapacitor option name -> field value for every option of the kind; _Undecodable if it cannot."""
    given = {}
    for key, value in (options or {}).items():
        option = topic_kinds.decoded_option(kind, key)
        if option is None or option.name in given:
            raise _Undecodable()
        given[option.name] = value
    return dict((o.name, _field_value(o, given.get(o.name))) for o in kind.options)


def option_differences(kind_name, desired, current):
    """Module names of the options whose field values differ (every key when they cannot be compared)."""
    kind = topic_kinds.get_kind(kind_name) if isinstance(kind_name, str) else None
    try:
        if kind is None:
            raise _Undecodable()
        want, have = decode(kind, desired), decode(kind, current)
    except _Undecodable:
        keys = set(desired or {}) | set(current or {})
        return sorted(set(topic_kinds.user_name(str(k)) for k in keys)) or ["options"]
    return [topic_kinds.user_name(o.name) for o in kind.options if _strict(want[o.name]) != _strict(have[o.name])]


def _strict(value):
    """A value for comparing as JSON values: true is not 1 (Python has True == 1), 1 is 1.0."""
    if isinstance(value, bool):
        return (bool, value)
    if isinstance(value, dict):
        return dict((k, _strict(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_strict(v) for v in value]
    return value


def _check_manageable(desired, current):
    if current is not None and not current.get("id"):
        raise HandlerStateError(
            "Kapacitor returned handler %r of topic %r with an empty ID: its kind is disabled on this server"
            " (kapacitord -disable-handlers), so it can be neither replaced nor deleted through the API until the"
            " kind is enabled again" % (desired["id"], desired["topic"]))


def _body(desired):
    return collections.OrderedDict((k, desired[k]) for k in ("id", "kind", "options", "match"))


def plan(desired, current):
    """The request that brings the handler to desired, or None.

    desired: check_entry()'s result; current: the handler as Kapacitor's GET returned it, or
    None when it answered 404. Returns {operation, method, path, body, changes}: operation
    "create" (POST to the topic's handlers) or "replace" (PUT of every field to the handler).
    """
    _check_manageable(desired, current)
    if current is None:
        return dict(operation="create", method="POST", path=handlers_path(desired["topic"]), body=_body(desired),
                    changes=["kind"] + (["match"] if desired["match"] else [])
                    + [topic_kinds.user_name(k) for k in desired["options"]])
    changes = []
    if current.get("kind") != desired["kind"]:
        changes.append("kind")
    if (current.get("match") or "") != desired["match"]:
        changes.append("match")
    changes += option_differences(desired["kind"], desired["options"], current.get("options"))
    if not changes:
        return None
    return dict(operation="replace", method="PUT", path=handler_path(desired["topic"], desired["id"]),
                body=_body(desired), changes=changes)


def plan_absent(desired, current):
    """The DELETE of the handler, or None when Kapacitor answered 404 (the topic itself is never deleted)."""
    if current is None:
        return None
    _check_manageable(desired, current)
    return dict(operation="delete", method="DELETE", path=handler_path(desired["topic"], desired["id"]), body=None,
                changes=[])


# ---------------------------------------------------------------------------------------------
# Showing a handler

def _shown_value(option, value):
    if option.type == topic_kinds.DURATION and isinstance(value, (int, float)) and not isinstance(value, bool):
        return values.format_go_duration(int(value))
    if option.type == topic_kinds.OBJECT_LIST and isinstance(value, list):
        try:
            return [_object_value(option, item) for item in value]
        except _Undecodable:
            return value
    return value


def _options_shown(kind_name, options):
    """(shown, secrets): options in module spelling with durations as Go strings; secrets separately."""
    kind = topic_kinds.get_kind(kind_name) if isinstance(kind_name, str) else None
    shown = collections.OrderedDict()
    secrets = collections.OrderedDict()
    known = []
    for key, value in (options or {}).items():
        if value is None:
            continue  # the same as left out
        secret = redaction.topic_stored_secret(kind, key, known)
        option = topic_kinds.decoded_option(kind, key) if kind is not None else None
        if option is None or option in known:
            secrets[str(key)] = value
            continue
        known.append(option)
        if secret:
            secrets[topic_kinds.user_name(option.name)] = value
        else:
            shown[topic_kinds.user_name(option.name)] = _shown_value(option, value)
    return shown, secrets


def present(kind, options):
    """The options of a handler as shown to users: module spelling, durations as Go duration strings,
    secrets masked (a map of headers keeps its names, its values masked), unknown keys masked."""
    shown, secrets = _options_shown(kind, options)
    for key, value in secrets.items():
        if isinstance(value, dict):
            shown[key] = dict((k, redaction.shown_secret(v)) for k, v in value.items())
        else:
            shown[key] = redaction.shown_secret(value)
    return shown


def export_entry(topic, handler_json):
    """(entry, secrets) of a handler as Kapacitor's GET returns it.

    entry is the module's input shape ({topic, id, kind, options, match}) without secrets;
    secrets lists the secret options that are set (and keys that name no option), by the name
    to give them under. Applying entry with those secrets given again changes nothing.
    """
    shown, secrets = _options_shown(handler_json.get("kind"), handler_json.get("options"))
    entry = collections.OrderedDict([
        ("topic", topic), ("id", handler_json.get("id")), ("kind", handler_json.get("kind")),
        ("options", dict(shown)), ("match", handler_json.get("match") or ""),
    ])
    return entry, [key for key, value in secrets.items() if redaction.shown_secret(value) == redaction.SECRET_SET]


# ---------------------------------------------------------------------------------------------
# Secrets left out, and a handler as a run shows it

def keep_secrets(desired, current):
    """(desired, kept): desired with each secret option it leaves out taken from current.

    Kapacitor's PUT replaces every option, so a secret that the input leaves out (an exported
    handler has none) would be cleared. It keeps the value Kapacitor has instead, when the kind
    stays the same; an empty string clears it. kept lists the module names of those options.
    """
    if current is None or desired.get("kind") is None or current.get("kind") != desired["kind"]:
        return desired, []
    kind = topic_kinds.get_kind(desired["kind"])
    options = collections.OrderedDict(desired["options"] or {})
    kept = []
    for key, value in (current.get("options") or {}).items():
        option = topic_kinds.decoded_option(kind, key) if kind is not None else None
        if option is None or not option.secret or option.name in options or value is None:
            continue
        options[option.name] = value
        kept.append(topic_kinds.user_name(option.name))
    if not kept:
        return desired, []
    return dict(desired, options=dict(options)), kept


def predicted(plan):
    """The handler as Kapacitor answers the plan's write (it echoes the spec it stores), None for a DELETE."""
    if plan is None or plan["body"] is None:
        return None
    return dict(plan["body"])


def shown_handler(topic, handler_id, handler_json):
    """A handler as results show it: {topic, id, exists, kind, options (secrets masked), match}."""
    if handler_json is None:
        return collections.OrderedDict([("topic", topic), ("id", handler_id), ("exists", False), ("kind", None),
                                        ("options", {}), ("match", "")])
    return collections.OrderedDict([
        ("topic", topic), ("id", handler_id), ("exists", True), ("kind", handler_json.get("kind")),
        ("options", present(handler_json.get("kind"), handler_json.get("options"))),
        ("match", handler_json.get("match") or ""),
    ])


def _diff_side(handler_json):
    if handler_json is None:
        return {}, {}
    shown, secrets = _options_shown(handler_json.get("kind"), handler_json.get("options"))
    side = collections.OrderedDict([("kind", handler_json.get("kind")), ("options", shown),
                                    ("match", handler_json.get("match") or "")])
    return side, secrets


def diff(before_json, after_json):
    """{before, after} of a handler for diff mode: secrets masked, <changed> for a secret whose value changed."""
    before, before_secrets = _diff_side(before_json)
    after, after_secrets = _diff_side(after_json)
    same_kind = bool(before) and bool(after) and before["kind"] == after["kind"]
    for key, value in before_secrets.items():
        before["options"][key] = redaction.shown_secret_pair(value, after_secrets.get(key), False)[0]
    for key, value in after_secrets.items():
        previous = before_secrets.get(key) if same_kind else None
        after["options"][key] = redaction.shown_secret_pair(previous, value, _strict(previous) != _strict(value))[1]
    return dict(before=dict(before), after=dict(after))
