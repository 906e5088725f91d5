# -*- coding: utf-8 -*-
# Copyright (c) tickstack.kapacitor contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the tickstack.kapacitor collection: module_utils are not a public API and may
# change in any release. Use the modules instead.
"""Checking and normalising option values the way Kapacitor renders them.

check_config() turns a user's config dict into Kapacitor option names and normalised values,
or raises InputError naming the option and what was expected; nothing here talks to Kapacitor.
normalise_current() does the same for what Kapacitor's GET returns, so that the two compare.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import re

from ansible.module_utils.parsing.convert_bool import BOOLEANS_FALSE, BOOLEANS_TRUE

from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers

ELEMENT_NAME_RE = re.compile(r"^[A-Za-z0-9_+-]+$")
# Handlers whose unnamed element (name '') Kapacitor addresses as /config/<section>/.
UNNAMED_ELEMENT_HANDLERS = ("slack", "discord")


class InputError(Exception):
    """Bad module input, found before any request is sent."""


# ---------------------------------------------------------------------------------------------
# Go durations

_UNITS = {
    "ns": 1,
    "us": 1000,
    "\u00b5s": 1000,  # micro sign
    "\u03bcs": 1000,  # Greek mu
    "ms": 1000000,
    "s": 1000000000,
    "m": 60 * 1000000000,
    "h": 3600 * 1000000000,
}
# Kapacitor stores integers and durations as Go int64: a value outside this range is accepted by
# its POST and then breaks every later read of the configuration.
INT64_MIN = -(2 ** 63)
INT64_MAX = 2 ** 63 - 1

_DURATION_PART = re.compile(r"([0-9]*)(?:\.([0-9]*))?([a-z\u00b5\u03bc]+)")


def parse_go_duration(text):
    """Nanoseconds of a Go duration string (time.ParseDuration rules); ValueError if invalid."""
    if not isinstance(text, str):
        raise ValueError("not a string")
    s = text
    sign = 1
    if s[:1] in ("-", "+"):
        sign = -1 if s[0] == "-" else 1
        s = s[1:]
    if s == "0":
        return 0
    if not s:
        raise ValueError("empty")
    total = 0
    pos = 0
    while pos < len(s):
        m = _DURATION_PART.match(s, pos)
        if not m or (not m.group(1) and not m.group(2)):
            raise ValueError("invalid duration")
        unit = _UNITS.get(m.group(3))
        if unit is None:
            raise ValueError("unknown unit %s" % m.group(3))
        whole = int(m.group(1) or "0")
        frac = m.group(2) or ""
        total += whole * unit
        if frac:
            total += int(frac) * unit // (10 ** len(frac))
        pos = m.end()
    # Go's ParseDuration refuses what does not fit in an int64 of nanoseconds (about 2562047h).
    if total > INT64_MAX + (sign < 0):
        raise ValueError("out of range")
    return sign * total


def format_go_duration(ns):
    """Go's time.Duration.String() of a number of nanoseconds (90s -> 1m30s, 0 -> 0s)."""
    if ns == 0:
        return "0s"
    sign = "-" if ns < 0 else ""
    u = abs(ns)
    if u < 1000000000:
        for unit, size in (("ms", 1000000), ("\u00b5s", 1000), ("ns", 1)):
            if u >= size:
                return sign + _fraction(u, size) + unit
    hours, rest = divmod(u, 3600 * 1000000000)
    minutes, rest = divmod(rest, 60 * 1000000000)
    out = sign
    if hours:
        out += "%dh" % hours
    if hours or minutes:
        out += "%dm" % minutes
    return out + _fraction(rest, 1000000000) + "s"


def _fraction(value, size):
    whole, frac = divmod(value, size)
    if not frac:
        return str(whole)
    digits = len(str(size)) - 1
    return "%d.%s" % (whole, ("%0*d" % (digits, frac)).rstrip("0"))


def normalise_duration(text):
    return format_go_duration(parse_go_duration(text))


# ---------------------------------------------------------------------------------------------
# Checking user values

_TYPE_WORDS = {
    handlers.BOOL: "a boolean",
    handlers.STR: "a string",
    handlers.INT: "an integer",
    handlers.DURATION: "a Go duration string such as 90s, 1m30s or 1h",
    handlers.LIST: "a list of strings",
    handlers.MAP: "a dict of strings",
    handlers.OBJECT: "a dict",
    handlers.NS_DURATION: "a Go duration string such as 10s",
    handlers.SCALAR: "a string or an integer",
}


def _describe(value, secret):
    kind = type(value).__name__
    if secret or value is None:
        return "a %s" % kind
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return "%s %s" % (kind, text)


def check_value(label, type_, value, secret=False, choices=None, fields=None):
    """The normalised value of one option or field, or InputError."""
    if value is None:
        raise InputError("%s: null is not a value; give %s (an empty YAML value is null)"
                         % (label, _TYPE_WORDS.get(type_, "a value")))

    def wrong():
        return InputError("%s: expected %s, got %s" % (label, _TYPE_WORDS[type_], _describe(value, secret)))

    if type_ == handlers.BOOL:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in BOOLEANS_TRUE:
            return True
        if isinstance(value, str) and value.lower() in BOOLEANS_FALSE:
            return False
        raise wrong()
    if type_ == handlers.STR:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise wrong()
        value = str(value)
    elif type_ == handlers.INT:
        if isinstance(value, bool):
            raise wrong()
        if isinstance(value, str) and re.match(r"^[+-]?[0-9]+$", value.strip()):
            value = int(value.strip())
        if not isinstance(value, int):
            raise wrong()
        _check_int64(label, value, secret)
    elif type_ == handlers.SCALAR:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise wrong()
        if isinstance(value, int):
            _check_int64(label, value, secret)
    elif type_ in (handlers.DURATION, handlers.NS_DURATION):
        if type_ == handlers.NS_DURATION and isinstance(value, int) and not isinstance(value, bool):
            _check_int64(label, value, secret)
            return value
        if not isinstance(value, str):
            raise wrong()
        try:
            ns = parse_go_duration(value)
        except ValueError:
            raise InputError("%s: %r is not a valid Go duration (examples: 90s, 1m30s, 1h, 500ms; units ns, us, ms,"
                             " s, m, h; at most 2562047h47m16.854775807s); Kapacitor would silently ignore it"
                             % (label, "<secret>" if secret else value))
        return ns if type_ == handlers.NS_DURATION else format_go_duration(ns)
    elif type_ == handlers.LIST:
        if not isinstance(value, (list, tuple)):
            raise wrong()
        return [check_value("%s[%d]" % (label, i), handlers.STR, v, secret) for i, v in enumerate(value)]
    elif type_ == handlers.MAP:
        if not isinstance(value, dict):
            raise wrong()
        return dict((str(k), check_value("%s.%s" % (label, k), handlers.STR, v, secret)) for k, v in value.items())
    elif type_ == handlers.OBJECT:
        if not isinstance(value, dict):
            raise wrong()
        return _check_object(label, value, fields, secret)
    if choices is not None and value not in choices:
        raise InputError("%s: %r is not allowed; expected one of: %s"
                         % (label, value, ", ".join(repr(c) for c in choices)))
    return value


def _check_int64(label, value, secret):
    if not INT64_MIN <= value <= INT64_MAX:
        raise InputError("%s: %s is out of range: Kapacitor stores integers as 64-bit numbers (%d to %d), and a larger"
                         " value would break every later read of its configuration"
                         % (label, "the value" if secret else value, INT64_MIN, INT64_MAX))


def _check_object(label, value, fields, secret):
    by_lower = dict((f.name.lower(), f) for f in fields)
    out = collections.OrderedDict()
    for key, item in value.items():
        field = by_lower.get(str(key).lower())
        if field is None:
            raise InputError("%s: unknown field %r; valid fields: %s" % (label, key, ", ".join(f.name for f in fields)))
        if field.name in out:
            raise InputError("%s: field %s is given twice" % (label, field.name))
        out[field.name] = check_value("%s.%s" % (label, field.name), field.type, item,
                                      secret or bool(field.secret), field.choices)
    return out


def resolve_option(handler, key):
    """The Option a user-given config key names (Kapacitor spelling or '-' written '_'), or None."""
    for option in handler.options:
        if key in (option.name, handlers.user_name(option.name)):
            return option
    return None


def valid_option_names(handler):
    return [handlers.user_name(o.name) for o in handler.options if o.name != handler.element_key]


def check_config(handler, config):
    """Kapacitor option name -> normalised value, for every entry of the user's config dict."""
    if config is None:
        return collections.OrderedDict()
    if not isinstance(config, dict):
        raise InputError("config: expected a dict of %s options" % handler.name)
    desired = collections.OrderedDict()
    for key, value in config.items():
        option = resolve_option(handler, str(key))
        if option is None:
            raise InputError("config.%s: unknown option for handler %s; valid options: %s"
                             % (key, handler.name, ", ".join(valid_option_names(handler))))
        if option.name == handler.element_key:
            raise InputError("config.%s: the %s element key is not part of config; give it as name (name: %s)"
                             % (key, handler.name, "<%s>" % option.name))
        if option.name in desired:
            raise InputError("config.%s: option %s is given twice (once with '-' and once with '_')"
                             % (key, handlers.user_name(option.name)))
        # An object with secret fields is treated as secret as a whole when echoing a wrong value.
        secret = bool(option.secret) or any(f.secret for f in option.fields or ())
        desired[option.name] = check_value("config.%s" % key, option.type, value, secret,
                                           option.choices, option.fields)
    return desired


def check_entry(entry, keys):
    """The Handler a raw entry of a list names, once its keys are checked; raises InputError."""
    if not isinstance(entry, dict):
        raise InputError("expected a dict with %s" % ", ".join(keys[:3]))
    unknown = sorted(str(k) for k in entry if k not in keys)
    if unknown:
        raise InputError("unknown key %s; an entry takes %s" % (", ".join(unknown), ", ".join(keys)))
    handler = handlers.get_handler(entry.get("handler")) if isinstance(entry.get("handler"), str) else None
    if handler is None:
        raise InputError("handler: expected one of %s, got %r" % (", ".join(handlers.HANDLER_NAMES), entry.get("handler")))
    return handler


def check_name(handler, name):
    """Check the element name against the handler; returns it (None for non-list handlers)."""
    if not handlers.is_list(handler):
        if name is not None:
            raise InputError("name: handler %s is not a list of elements, so name must not be given (it has one"
                             " configuration)" % handler.name)
        return None
    if name is None:
        raise InputError("name: handler %s is a list of elements keyed by %s: name is required%s"
                         % (handler.name, handler.element_key,
                            " ('' addresses the unnamed default workspace)" if handler.name in UNNAMED_ELEMENT_HANDLERS
                            else ""))
    if name == "":
        if handler.name in UNNAMED_ELEMENT_HANDLERS:
            return name
        raise InputError("name: must not be empty for handler %s" % handler.name)
    if not ELEMENT_NAME_RE.match(name):
        raise InputError("name: %r may only contain letters, digits, '_', '-' and '+' (Kapacitor cannot update"
                         " other names)" % name)
    return name


# ---------------------------------------------------------------------------------------------
# Values as Kapacitor renders them

def zero_value(type_, fields=None):
    """The value of an option in an element created with `add` when the option is not given."""
    if type_ == handlers.BOOL:
        return False
    if type_ in (handlers.STR, handlers.SCALAR):
        return ""
    if type_ in (handlers.INT, handlers.NS_DURATION):
        return 0
    if type_ == handlers.DURATION:
        return "0s"
    if type_ == handlers.OBJECT:
        # Fields that are lists, maps or pointers (default null) stay null.
        return collections.OrderedDict((f.name, None if f.default is None else zero_value(f.type)) for f in fields)
    return None  # lists and maps


def normalise_current(type_, value, fields=None):
    """A value from Kapacitor's GET in the form check_value() produces."""
    if value is None:
        if type_ == handlers.LIST:
            return []
        if type_ == handlers.MAP:
            return {}
        return None
    if type_ == handlers.DURATION and isinstance(value, str):
        try:
            return normalise_duration(value)
        except ValueError:
            return value
    if type_ == handlers.OBJECT and isinstance(value, dict):
        by_lower = dict((f.name.lower(), f) for f in fields or ())
        out = collections.OrderedDict()
        for key, item in value.items():
            field = by_lower.get(key.lower())
            out[field.name if field else key] = normalise_current(field.type, item) if field else item
        return out
    if type_ == handlers.INT and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def wire_value(type_, value):
    """A normalised value as sent in a POST body."""
    if type_ == handlers.NS_DURATION:
        return format_go_duration(value)
    if isinstance(value, dict):
        return dict(value)
    return value


def is_empty_secret(value):
    """A secret given as '' (or an object whose given fields are all '') means: clear it."""
    if isinstance(value, dict):
        return all(v in ("", None) for v in value.values())
    return value == ""
