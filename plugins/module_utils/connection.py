# -*- coding: utf-8 -*-
# Copyright (c) tickstack.kapacitor contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the tickstack.kapacitor collection: module_utils are not a public API and may
# change in any release. Use the modules instead.
"""Connection options shared by every Kapacitor module.

A module talks to Kapacitor directly (kapacitor_url), or through the Kapacitor proxy of
Chronograf (chronograf_url and the chronograf_* options; chronograf.py).

The wording lives in plugins/doc_fragments/connection.py; a unit test checks that the two agree
(names, types, defaults, environment variables, no_log).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.basic import AnsibleFallbackNotFound

from ansible_collections.tickstack.kapacitor.plugins.module_utils import redaction
from ansible_collections.tickstack.kapacitor.plugins.module_utils.values import InputError

COLLECTION_VERSION = "0.2.0"
USER_AGENT = "ansible-tickstack.kapacitor/%s" % COLLECTION_VERSION

DEFAULT_URL = "http://localhost:9092"


def nonempty_env_fallback(*names):
    """Like Ansible's env_fallback, but an empty variable counts as unset.

    AWX and Automation Platform credential types inject every field, the ones left blank as
    empty variables: KAPACITOR_TOKEN='' must not clash with a username and password.
    """
    for name in names:
        value = os.environ.get(name)
        if value:
            return value
    raise AnsibleFallbackNotFound


CONNECTION_ARGUMENT_SPEC = dict(
    # No default in the spec: DEFAULT_URL applies in client_from_module when neither kapacitor_url nor
    # chronograf_url is given.
    kapacitor_url=dict(type="str", fallback=(nonempty_env_fallback, ["KAPACITOR_URL"])),
    kapacitor_username=dict(type="str", fallback=(nonempty_env_fallback, ["KAPACITOR_USERNAME"])),
    kapacitor_password=dict(type="str", no_log=True, fallback=(nonempty_env_fallback, ["KAPACITOR_PASSWORD"])),
    kapacitor_token=dict(type="str", no_log=True, fallback=(nonempty_env_fallback, ["KAPACITOR_TOKEN"])),
    validate_certs=dict(type="bool", default=True, fallback=(nonempty_env_fallback, ["KAPACITOR_VALIDATE_CERTS"])),
    ca_path=dict(type="path", fallback=(nonempty_env_fallback, ["KAPACITOR_CA_PATH"])),
    client_cert=dict(type="path", fallback=(nonempty_env_fallback, ["KAPACITOR_CLIENT_CERT"])),
    client_key=dict(type="path", fallback=(nonempty_env_fallback, ["KAPACITOR_CLIENT_KEY"])),
    timeout=dict(type="int", default=10),
    use_proxy=dict(type="bool", default=True),
    chronograf_url=dict(type="str", fallback=(nonempty_env_fallback, ["CHRONOGRAF_URL"])),
    chronograf_source=dict(type="str"),
    chronograf_kapacitor=dict(type="str"),
    chronograf_username=dict(type="str", fallback=(nonempty_env_fallback, ["CHRONOGRAF_USERNAME"])),
    chronograf_password=dict(type="str", no_log=True, fallback=(nonempty_env_fallback, ["CHRONOGRAF_PASSWORD"])),
    chronograf_private_key=dict(type="path", fallback=(nonempty_env_fallback, ["CHRONOGRAF_PRIVATE_KEY"])),
    chronograf_basepath=dict(type="str"),
)

# The options of the Chronograf connection itself, shared with the chronograf_kapacitor module.
CHRONOGRAF_OPTIONS = ("chronograf_url", "chronograf_username", "chronograf_password", "chronograf_private_key",
                      "chronograf_basepath")
# Options that only mean something through Chronograf's proxy.
PROXY_OPTIONS = ("chronograf_source", "chronograf_kapacitor", "chronograf_username", "chronograf_password",
                 "chronograf_private_key", "chronograf_basepath")
# Kapacitor's credentials, which Chronograf's proxy strips (it sends the connection's own).
KAPACITOR_CREDENTIALS = ("kapacitor_username", "kapacitor_password", "kapacitor_token")

CONNECTION_MUTUALLY_EXCLUSIVE = [("kapacitor_token", "kapacitor_username"), ("kapacitor_token", "kapacitor_password")]
CHRONOGRAF_MUTUALLY_EXCLUSIVE = [("chronograf_private_key", "chronograf_username")]
CONNECTION_REQUIRED_TOGETHER = [("kapacitor_username", "kapacitor_password")]
CHRONOGRAF_REQUIRED_TOGETHER = [("chronograf_username", "chronograf_password")]
CONNECTION_REQUIRED_BY = {"client_key": "client_cert"}


def connection_argument_spec():
    """A fresh copy of the connection argument spec, to merge into a module's own."""
    return dict((name, dict(spec)) for name, spec in CONNECTION_ARGUMENT_SPEC.items())


def module_kwargs(argument_spec, **kwargs):
    """AnsibleModule keyword arguments: the module's spec plus the connection options and rules."""
    return merge_kwargs(connection_argument_spec(), argument_spec,
                        CONNECTION_MUTUALLY_EXCLUSIVE + CHRONOGRAF_MUTUALLY_EXCLUSIVE,
                        CONNECTION_REQUIRED_TOGETHER + CHRONOGRAF_REQUIRED_TOGETHER, CONNECTION_REQUIRED_BY, kwargs)


def merge_kwargs(spec, argument_spec, mutually_exclusive, required_together, required_by, kwargs):
    """AnsibleModule keyword arguments: a connection spec and its rules plus the module's own."""
    spec.update(argument_spec)
    result = dict(argument_spec=spec)
    result["mutually_exclusive"] = list(mutually_exclusive) + list(kwargs.pop("mutually_exclusive", []))
    result["required_together"] = list(required_together) + list(kwargs.pop("required_together", []))
    required_by = dict(required_by)
    required_by.update(kwargs.pop("required_by", {}))
    result["required_by"] = required_by
    result.update(kwargs)
    return result


def connection_secrets(raw_params):
    """Secrets among the raw connection arguments that the argument spec does not mark no_log:
    credentials written into kapacitor_url or chronograf_url."""
    return redaction.url_secrets(raw_params.get("kapacitor_url")) + \
        redaction.url_secrets(raw_params.get("chronograf_url"))


def through_chronograf(params, given=None):
    """Whether the module talks to Kapacitor through Chronograf's proxy (raises InputError when
    both ways are asked for).

    given: the options set in the task itself (not from the environment). An option given in the
    task wins over the other one set in the environment only (KAPACITOR_URL, CHRONOGRAF_URL).
    """
    given = set(params) if given is None else set(given)
    kapacitor, chronograf = params.get("kapacitor_url"), params.get("chronograf_url")
    if kapacitor and chronograf:
        if ("kapacitor_url" in given) == ("chronograf_url" in given):
            raise InputError("kapacitor_url and chronograf_url are mutually exclusive%s: give kapacitor_url to talk to"
                             " Kapacitor directly, or chronograf_url to go through Chronograf's Kapacitor proxy"
                             % ("" if "kapacitor_url" in given else
                                " (both are set in the environment, as KAPACITOR_URL and CHRONOGRAF_URL)"))
        return "chronograf_url" in given
    return bool(chronograf)


def check_connection(params, given=None):
    """Refusals of connection arguments, before any request (raises InputError)."""
    given = set(params) if given is None else set(given)
    proxied = through_chronograf(params, given)
    for name in ("kapacitor_url", "chronograf_url"):
        if redaction.url_secrets(params.get(name)):
            prefix = name.split("_", maxsplit=1)[0]
            raise InputError("%s: credentials in the URL (user:password@host) are not used; give them as"
                             " %s_username and %s_password instead" % (name, prefix, prefix))
    if proxied:
        sent = [name for name in KAPACITOR_CREDENTIALS if params.get(name) and name in given]
        if sent:
            raise InputError("%s: not used through Chronograf's proxy, which removes the Authorization header and"
                             " sends the user name and password stored with Chronograf's Kapacitor connection (set"
                             " them with tickstack.kapacitor.chronograf_kapacitor)" % ", ".join(sent))
    else:
        unused = [name for name in PROXY_OPTIONS if params.get(name) and name in given]
        if unused:
            raise InputError("%s: only used with chronograf_url (Kapacitor through Chronograf's proxy)"
                             % ", ".join(unused))
    if params.get("timeout") is not None and params["timeout"] <= 0:
        raise InputError("timeout: expected a positive number of seconds, got %s" % params["timeout"])


def chronograf_from_params(params):
    """A ChronografClient built from the Chronograf options (and the TLS and timeout ones)."""
    # Imported here: chronograf imports this module for USER_AGENT.
    from ansible_collections.tickstack.kapacitor.plugins.module_utils.chronograf import ChronografClient

    return ChronografClient(
        url=params["chronograf_url"],
        username=params.get("chronograf_username"),
        password=params.get("chronograf_password"),
        private_key=params.get("chronograf_private_key"),
        basepath=params.get("chronograf_basepath"),
        timeout=params.get("timeout") or 10,
        validate_certs=params.get("validate_certs", True),
        ca_path=params.get("ca_path"),
        client_cert=params.get("client_cert"),
        client_key=params.get("client_key"),
        use_proxy=params.get("use_proxy", True),
    )


def client_from_module(module, **overrides):
    """The Kapacitor client of the module's connection parameters: a KapacitorClient, or a
    ChronografProxyClient when the module goes through Chronograf."""
    # Imported here: client and chronograf import this module for USER_AGENT.
    from ansible_collections.tickstack.kapacitor.plugins.module_utils.chronograf import ChronografProxyClient
    from ansible_collections.tickstack.kapacitor.plugins.module_utils.client import KapacitorClient

    p = module.params
    if through_chronograf(p, getattr(module, "given", None)):
        return ChronografProxyClient(chronograf_from_params(p), source=p.get("chronograf_source"),
                                     kapacitor=p.get("chronograf_kapacitor"))
    kwargs = dict(
        url=p["kapacitor_url"] or DEFAULT_URL,
        username=p["kapacitor_username"],
        password=p["kapacitor_password"],
        token=p["kapacitor_token"],
        timeout=p["timeout"],
        validate_certs=p["validate_certs"],
        ca_path=p["ca_path"],
        client_cert=p["client_cert"],
        client_key=p["client_key"],
        use_proxy=p["use_proxy"],
    )
    kwargs.update(overrides)
    return KapacitorClient(**kwargs)
