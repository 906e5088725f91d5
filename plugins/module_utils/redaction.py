# -*- coding: utf-8 -*-
# Copyright (c) tickstack.kapacitor contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the tickstack.kapacitor collection: module_utils are not a public API and may
# change in any release. Use the modules instead.
"""Every rule of what is secret and how it is shown, in one place.

What is secret, for alert endpoints (the config API):
  - options and object fields the handler table marks secret (REDACTED: Kapacitor answers a
    boolean; SENSITIVE: a credential that Kapacitor returns in clear text), and the values of
    map options marked secret (HTTP POST headers): keys are shown, values never;
  - test options the table marks secret;
  - any value under a key the handler does not have, at any depth, and the whole config of an
    entry whose handler is not known: which of its values are secrets cannot be told (values of
    fewer than MIN_GUESSED_SECRET characters excepted, see below);
  - credentials inside a URL the user gave (user-info).

What is secret, for topic handlers (the alert topics API, which returns every option in clear
text): the options the topic kind table (topic_kinds.py) marks secret, their values at any
depth (every value of a map of HTTP POST headers); every value under a key that names no
option of the kind, or any key of a kind that is not known; a whole entry that is not a dict,
and every key of an entry that is not one of TOPIC_ENTRY_KEYS.

How a secret is kept out of every output: each value is registered with AnsibleModule's
no_log_values in every form it can take in a message (the raw text, and quoted by Python, JSON
or Go's %q, which Kapacitor uses in its errors), before AnsibleModule logs its invocation; the
module base (base.py) does that. Numbers count by their decimal text; booleans and empty values
are never registered, since masking them would rewrite unrelated text.

How secrets are shown: `<set>`, `<unset>` or `<changed>` in diffs and test options, `set` or
`unset` in results. Messages from Kapacitor (or Chronograf) are scrubbed of the path, query and
user-info of every URL in them (scrub()).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import json
import re

from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers
from ansible_collections.tickstack.kapacitor.plugins.module_utils import topic_kinds
from ansible_collections.tickstack.kapacitor.plugins.module_utils import values

SECRET_SET = "<set>"
SECRET_UNSET = "<unset>"
SECRET_CHANGED = "<changed>"
SET = "set"
UNSET = "unset"
MASK = "********"


# ---------------------------------------------------------------------------------------------
# Finding secrets in raw input (before any check: a wrong value must not be echoed either)

def leaves(value):
    """Every scalar inside a raw value (dict values and list items at any depth), booleans and empty ones left out."""
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in leaves(item)]
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in leaves(item)]
    if value is None or isinstance(value, bool) or value == "":
        return []
    return [value]


# Values in unknown places are only guessed to be secrets; the shortest ones (a port, a count, a
# one-letter typo) are not registered, since masking them would rewrite unrelated text (an item
# number, a port in a URL) all over the run's output. Known secrets are registered whatever their length.
MIN_GUESSED_SECRET = 4


def guessed(value):
    """The leaves of a value found where its meaning is unknown, short ones left out."""
    return [leaf for leaf in leaves(value) if len(str(leaf)) >= MIN_GUESSED_SECRET]


def config_secrets(handler, config):
    """Every secret value in a raw config dict of one handler (handler None: the whole config)."""
    if handler is None or not isinstance(config, dict):
        return guessed(config)
    found = []
    for key, value in config.items():
        option = values.resolve_option(handler, str(key))
        if option is None:
            found.extend(guessed(value))
        elif option.secret and option.type != handlers.OBJECT:
            found.extend(leaves(value))
        elif option.type == handlers.OBJECT and isinstance(value, dict):
            for fkey, item in value.items():
                field = handlers.field(option, fkey)
                if field is None:
                    found.extend(guessed(item))
                elif field.secret:
                    found.extend(leaves(item))
        elif option.type == handlers.OBJECT and any(f.secret for f in option.fields):
            # Not a dict where one holding secrets is expected (SASLAuth: the password itself).
            found.extend(guessed(value))
    return found


def test_option_secrets(handler, options):
    """Every secret value in a raw test-options dict."""
    if handler is None or not isinstance(options, dict):
        return guessed(options)
    found = []
    for key, value in options.items():
        test_option = handlers.resolve_test_option(handler, str(key))
        if test_option is None:
            found.extend(guessed(value))
        elif test_option.secret:
            found.extend(leaves(value))
    return found


def entry_handler(entry):
    """The Handler record a raw entry names, or None."""
    name = entry.get("handler") if isinstance(entry, dict) else None
    return handlers.get_handler(name) if isinstance(name, str) else None


def entries_secrets(entries):
    """Every secret value in a raw list of {handler, name, config, state} entries."""
    found = []
    for entry in entries if isinstance(entries, list) else [entries]:
        if not isinstance(entry, dict):
            found.extend(guessed(entry))
            continue
        handler = entry_handler(entry)
        found.extend(config_secrets(handler, entry.get("config")))
        found.extend(test_option_secrets(handler, entry.get("test_options")))
        for key, value in entry.items():
            if key not in ("handler", "name", "config", "state", "reset_options", "test_options"):
                found.extend(guessed(value))
    return found


TOPIC_ENTRY_KEYS = ("topic", "id", "kind", "options", "match", "state")


def texts(value):
    """The texts of every leaf of a raw value (leaves()): an integral float also as an integer."""
    found = set()
    for leaf in leaves(value):
        found.add(str(leaf))
        if isinstance(leaf, float) and leaf.is_integer():
            found.add(str(int(leaf)))
    return found


def topic_key_is_secret(kind, key):
    """Whether the value under a topic handler option key is a secret: secret options and unknown keys.

    kind: a topic_kinds.Kind, or None for a kind that is not known (every key is then secret).
    """
    option = topic_kinds.find_option(kind, key) if kind is not None else None
    return option is None or bool(option.secret)


def topic_stored_secret(kind, key, seen):
    """Whether a stored option key (as Kapacitor returns it) is shown masked: secret options, keys that
    Kapacitor decodes into no option, and a second key of an option already seen (list of Options)."""
    option = topic_kinds.decoded_option(kind, key) if kind is not None else None
    return option is None or option in seen or bool(option.secret)


def topic_option_secrets(kind, options):
    """Every secret value in raw topic handler options (input or as Kapacitor returns them), as strings.

    Secret options and every key that names no option of the kind (or any key when the kind is
    unknown, and every value when options is not a dict); values inside lists and maps at any
    depth; numbers in their JSON spelling. Booleans and empty strings are not secrets.
    """
    record = topic_kinds.get_kind(kind) if isinstance(kind, str) else None
    if not isinstance(options, dict):
        return sorted(texts(options))
    found = set()
    for key, value in options.items():
        if topic_key_is_secret(record, key):
            found.update(texts(value))
    return sorted(found)


def topic_entries_secrets(entries):
    """Every secret value in raw topic handler entries (one dict or a list of them), for no_log.

    Given unchecked input of any shape, it never fails: an entry that is not a dict, and a key
    of an entry that is not one of TOPIC_ENTRY_KEYS, count as secrets as a whole.
    """
    found = set()
    for entry in entries if isinstance(entries, list) else [entries]:
        if not isinstance(entry, dict):
            found.update(texts(entry))
            continue
        found.update(topic_option_secrets(entry.get("kind"), entry.get("options")))
        for key, value in entry.items():
            if key not in TOPIC_ENTRY_KEYS:
                found.update(texts(value))
    return sorted(found)


def url_secrets(url):
    """The user-info of a URL (user:password@), which is never shown."""
    if not isinstance(url, str):
        return []
    match = re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://([^/?#@]*)@", url)
    if not match:
        return []
    user, _sep, password = match.group(1).partition(":")
    return [text for text in (password, match.group(1)) if text]


# ---------------------------------------------------------------------------------------------
# The forms of a secret in text

_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
               "\\": "\\\\", '"': '\\"'}


def go_quote(text):
    """Go's strconv.Quote without the surrounding quotes (what %q prints inside them)."""
    out = []
    for char in text:
        if char in _GO_ESCAPES:
            out.append(_GO_ESCAPES[char])
        elif char.isprintable() or char == " ":
            out.append(char)
        elif ord(char) < 0x80:
            out.append("\\x%02x" % ord(char))
        elif ord(char) <= 0xFFFF:
            out.append("\\u%04x" % ord(char))
        else:
            out.append("\\U%08x" % ord(char))
    return "".join(out)


def _go_json(text):
    """Go's encoding/json rendering of a string, without the quotes (it escapes <, > and &)."""
    inner = json.dumps(text, ensure_ascii=False)[1:-1]
    return inner.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def forms(value):
    """Every text a secret value can appear as in output: raw, and quoted by Python, JSON and Go."""
    found = set()
    for leaf in leaves(value):
        text = leaf if isinstance(leaf, str) else str(leaf)
        found.update((text, go_quote(text), _go_json(text), json.dumps(text)[1:-1], repr(text)[1:-1],
                      text.strip()))
        if isinstance(leaf, float) and leaf.is_integer():
            found.add(str(int(leaf)))
    found.discard("")
    return found


# ---------------------------------------------------------------------------------------------
# Scrubbing messages from Kapacitor and Chronograf

_URL = re.compile(r"""\b([A-Za-z][A-Za-z0-9+.-]*://)([^\s"'<>`]+)""")


def _scrub_url(match):
    scheme, rest = match.group(1), match.group(2)
    # Punctuation that ends a sentence (or Go's "Post <url>: <error>") is not part of the URL.
    rest, trailer = re.match(r"(.*?)([.,;:)\]}]*)$", rest).groups()
    authority, sep, tail = re.match(r"([^/?#]*)([/?#]?)(.*)", rest).groups()
    host = authority.rpartition("@")[2]
    shown = scheme + (MASK + "@" if "@" in authority else "") + host
    if tail or sep in ("?", "#"):
        shown += "/" + MASK
    else:
        shown += sep  # a lone trailing '/' hides nothing
    return shown + trailer


def scrub(text):
    """A message with the path, query and user-info of every URL in it masked."""
    if not isinstance(text, str) or "://" not in text:
        return text
    return _URL.sub(_scrub_url, text)


# ---------------------------------------------------------------------------------------------
# Showing an endpoint without its secrets

def is_set(option, value):
    """Whether a secret is set, from Kapacitor's rendering (a boolean when redacted)."""
    if option.secret == handlers.REDACTED or isinstance(value, bool):
        return bool(value)
    if value is None:
        return False
    return not values.is_empty_secret(value)


def mask(option, before, after=None, sending=False):
    """Masked (before, after) of a secret option for a diff."""
    shown_before = SECRET_SET if is_set(option, before) else SECRET_UNSET
    if not sending:
        return shown_before, shown_before
    if values.is_empty_secret(after):
        return shown_before, SECRET_UNSET
    return shown_before, SECRET_CHANGED if shown_before == SECRET_SET else SECRET_SET


def secret_map(before, after, sending):
    """Masked (before, after) of a map whose values are secrets (HTTP POST headers): keys shown."""
    before, after = before or {}, after if after is not None else before or {}
    shown_before = collections.OrderedDict((k, SECRET_SET) for k in before)
    if not sending:
        return shown_before, shown_before
    shown_after = collections.OrderedDict(
        (k, SECRET_SET if k not in before else SECRET_CHANGED if before[k] != v else SECRET_SET)
        for k, v in after.items())
    return shown_before, shown_after


def object_diff_value(option, value):
    """An object option's value for a diff: its secret fields masked."""
    if not isinstance(value, dict):
        return value
    out = collections.OrderedDict()
    for key, item in value.items():
        field = handlers.field(option, key)
        out[key] = (SECRET_SET if item else SECRET_UNSET) if field is not None and field.secret else item
    return out


def present(handler, options):
    """(config, secrets) of an element's options: every option in user spelling without secrets,
    and secrets as {name: set|unset} (object fields as option.field, map keys as option.key)."""
    config = collections.OrderedDict()
    secrets = collections.OrderedDict()
    for option in handler.options:
        if option.name == handler.element_key or option.name not in options:
            continue
        key = handlers.user_name(option.name)
        value = options[option.name]
        if option.secret and option.type == handlers.MAP:
            for mkey in sorted(value or {}):
                secrets["%s.%s" % (key, mkey)] = SET
            if not value:
                secrets[key] = UNSET
            continue
        if option.secret:
            secrets[key] = SET if is_set(option, value) else UNSET
            continue
        if option.type == handlers.OBJECT and any(f.secret for f in option.fields):
            shown = collections.OrderedDict()
            for fkey, fvalue in (value or {}).items():
                field = handlers.field(option, fkey)
                if field is not None and field.secret:
                    secrets["%s.%s" % (key, field.name)] = SET if fvalue else UNSET
                else:
                    shown[fkey] = fvalue
            value = shown
        config[key] = value
    return config, secrets


def shown_secret(value):
    """How a topic handler's secret value is shown: <set> or <unset>."""
    return SECRET_UNSET if value in (None, "", [], {}) else SECRET_SET


def shown_secret_pair(before, after, differs):
    """Masked (before, after) of a topic handler's secret option for a diff (maps: keys shown, values masked).

    before/after: the values (None when not there); differs: whether the two decode differently.
    """
    if isinstance(before, dict) or isinstance(after, dict):
        before_map = before if isinstance(before, dict) else {}
        after_map = after if isinstance(after, dict) else {}
        shown_before = collections.OrderedDict((k, shown_secret(v)) for k, v in before_map.items())
        shown_after = collections.OrderedDict()
        for key, value in after_map.items():
            same = key in before_map and before_map[key] == value
            shown_after[key] = shown_secret(value) if same or shown_secret(value) == SECRET_UNSET \
                or key not in before_map else SECRET_CHANGED
        return shown_before, shown_after
    shown_before, shown_after = shown_secret(before), shown_secret(after)
    if differs and shown_before == SECRET_SET and shown_after == SECRET_SET:
        shown_after = SECRET_CHANGED
    return shown_before, shown_after


def masked_test_options(test_options, body):
    """A copy of a service-test body with every secret test option's value masked (map values one by one)."""
    secret = dict((t.name, t) for t in test_options if t.secret)
    out = collections.OrderedDict()
    for key, value in body.items():
        if key in secret and value not in ("", None, {}, []):
            value = dict((k, SECRET_SET) for k in value) if isinstance(value, dict) else SECRET_SET
        out[key] = value
    return out
