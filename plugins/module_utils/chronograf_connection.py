# -*- coding: utf-8 -*-
# Copyright (c) tickstack.kapacitor contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the tickstack.kapacitor collection: module_utils are not a public API and may
# change in any release. Use the modules instead.
"""The work of the chronograf_kapacitor module: one Kapacitor connection of a Chronograf source.

Chronograf checks nothing for uniqueness, so a connection is matched by its name among the
source's connections, and two with that name are refused. Chronograf never returns the password,
so it is sent when the connection is created, or on every run with update_password=always.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

from urllib.parse import urlsplit

from ansible_collections.tickstack.kapacitor.plugins.module_utils import redaction
from ansible_collections.tickstack.kapacitor.plugins.module_utils.base import ModuleFailure
from ansible_collections.tickstack.kapacitor.plugins.module_utils.chronograf import API_PREFIX
from ansible_collections.tickstack.kapacitor.plugins.module_utils.values import InputError

# Module option -> field of Chronograf's Kapacitor object.
FIELDS = collections.OrderedDict([("url", "url"), ("username", "username"),
                                  ("insecure_skip_verify", "insecureSkipVerify"), ("active", "active")])
# What a connection created without the option gets.
CREATE_DEFAULTS = {"username": "", "insecureSkipVerify": False, "active": True}


def secrets_in_params(params):
    """The password, and credentials written into url."""
    found = redaction.leaves(params.get("password"))
    return found + redaction.url_secrets(params.get("url"))


def check_input(params):
    """Refusals before any request (raises InputError)."""
    if not params["name"] or not params["name"].strip():
        raise InputError("name: expected the name of the Kapacitor connection, got an empty one")
    if params["state"] == "absent":
        return
    url = params.get("url")
    if not url:
        raise InputError("url is required with state=present")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or url != url.strip():
        raise InputError("url must be an http:// or https:// URL with a host, such as http://kapacitor:9092: Chronograf"
                         " stores values its proxy cannot use (localhost:9092, ftp://...) and every request through"
                         " them then fails with 502")
    if redaction.url_secrets(url):
        raise InputError("url: credentials in the URL (user:password@host) are not sent by Chronograf's proxy; give"
                         " them as username and password instead")


def shown(record, basepath):
    """A Kapacitor object of Chronograf as the module returns it: links with the basepath."""
    if record is None:
        return None
    out = collections.OrderedDict()
    for key in ("id", "name", "url", "username", "insecureSkipVerify", "active"):
        out[key] = record.get(key, "" if key == "username" else None)
    out["links"] = dict((k, basepath + v) for k, v in (record.get("links") or {}).items() if isinstance(v, str))
    return out


def diff_view(record, password=None):
    """A connection for the diff: no links, the password masked."""
    if record is None:
        return {}
    out = collections.OrderedDict((k, record.get(k, "" if k == "username" else None))
                                  for k in ("name", "url", "username", "insecureSkipVerify", "active"))
    if password is not None:
        out["password"] = password
    return out


def plan(params, current):
    """(body to send or None, the connection as it will be)."""
    wanted = dict((field, params[option]) for option, field in FIELDS.items() if params.get(option) is not None)
    if current is None:
        body = dict(CREATE_DEFAULTS, name=params["name"], **wanted)
        if params.get("password") is not None:
            body["password"] = params["password"]
        return body, dict(body, id=None, links={})
    body = dict((field, value) for field, value in wanted.items() if current.get(field, "" if field == "username"
                                                                                 else None) != value)
    if params.get("password") is not None and params["update_password"] == "always":
        body["password"] = params["password"]
    after = dict(current)
    after.update((k, v) for k, v in body.items() if k != "password")
    return body or None, after


def find_named(connections, name, source_id):
    """The connection of that name, None if there is none; two or more are refused."""
    named = [c for c in connections if c.get("name") == name]
    if len(named) > 1:
        raise ModuleFailure("Chronograf source %s has %d Kapacitor connections named %r (ids %s): this module matches"
                            " connections by name, so remove or rename the extra ones in Chronograf first"
                            % (source_id, len(named), name, ", ".join(str(c.get("id")) for c in named)))
    return named[0] if named else None


def run_module(module):
    params = module.params
    check_input(params)
    chronograf = module.client
    source = chronograf.find_source(params["source"])
    source_id = source.get("id")
    base = "%s/sources/%s/kapacitors" % (API_PREFIX, source_id)
    current = find_named(chronograf.kapacitors(source_id), params["name"], source_id)
    result = dict(changed=False, source=dict(id=source_id, name=source.get("name")))
    if params["state"] == "absent":
        if current is not None:
            result["changed"] = True
            if not module.check_mode:
                chronograf.call("DELETE", "%s/%s" % (base, current.get("id")))
        result["connection"] = None
        result["diff"] = dict(before=diff_view(current), after={})
        return result
    body, after = plan(params, current)
    password_shown = None
    if body and "password" in body:
        password_shown = redaction.SECRET_CHANGED if current is not None else (
            redaction.SECRET_SET if body["password"] else redaction.SECRET_UNSET)
    if body is not None:
        result["changed"] = True
        if not module.check_mode:
            if current is None:
                after = chronograf.call("POST", base, body)
            else:
                after = chronograf.call("PATCH", "%s/%s" % (base, current.get("id")), body)
    result["connection"] = shown(after, chronograf.basepath)
    result["diff"] = dict(before=diff_view(current), after=diff_view(after, password_shown))
    return result
