# -*- coding: utf-8 -*-
# Copyright (c) tickstack.kapacitor contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the tickstack.kapacitor collection: module_utils are not a public API and may
# change in any release. Use the modules instead.
"""Connection options shared by every Kapacitor module.

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
    kapacitor_url=dict(type="str", default=DEFAULT_URL, fallback=(nonempty_env_fallback, ["KAPACITOR_URL"])),
    kapacitor_username=dict(type="str", fallback=(nonempty_env_fallback, ["KAPACITOR_USERNAME"])),
    kapacitor_password=dict(type="str", no_log=True, fallback=(nonempty_env_fallback, ["KAPACITOR_PASSWORD"])),
    kapacitor_token=dict(type="str", no_log=True, fallback=(nonempty_env_fallback, ["KAPACITOR_TOKEN"])),
    validate_certs=dict(type="bool", default=True, fallback=(nonempty_env_fallback, ["KAPACITOR_VALIDATE_CERTS"])),
    ca_path=dict(type="path", fallback=(nonempty_env_fallback, ["KAPACITOR_CA_PATH"])),
    client_cert=dict(type="path", fallback=(nonempty_env_fallback, ["KAPACITOR_CLIENT_CERT"])),
    client_key=dict(type="path", fallback=(nonempty_env_fallback, ["KAPACITOR_CLIENT_KEY"])),
    timeout=dict(type="int", default=10),
    use_proxy=dict(type="bool", default=True),
)

CONNECTION_MUTUALLY_EXCLUSIVE = [("kapacitor_token", "kapacitor_username"), ("kapacitor_token", "kapacitor_password")]
CONNECTION_REQUIRED_TOGETHER = [("kapacitor_username", "kapacitor_password")]
CONNECTION_REQUIRED_BY = {"client_key": "client_cert"}


def connection_argument_spec():
    """A fresh copy of the connection argument spec, to merge into a module's own."""
    return dict((name, dict(spec)) for name, spec in CONNECTION_ARGUMENT_SPEC.items())


def module_kwargs(argument_spec, **kwargs):
    """AnsibleModule keyword arguments: the module's spec plus the connection options and rules."""
    spec = connection_argument_spec()
    spec.update(argument_spec)
    result = dict(argument_spec=spec)
    result["mutually_exclusive"] = CONNECTION_MUTUALLY_EXCLUSIVE + list(kwargs.pop("mutually_exclusive", []))
    result["required_together"] = CONNECTION_REQUIRED_TOGETHER + list(kwargs.pop("required_together", []))
    required_by = dict(CONNECTION_REQUIRED_BY)
    required_by.update(kwargs.pop("required_by", {}))
    result["required_by"] = required_by
    result.update(kwargs)
    return result


def connection_secrets(raw_params):
    """Secrets among the raw connection arguments that the argument spec does not mark no_log:
    credentials written into kapacitor_url."""
    return redaction.url_secrets(raw_params.get("kapacitor_url"))


def check_connection(params):
    """Refusals of connection arguments, before any request (raises InputError)."""
    if redaction.url_secrets(params.get("kapacitor_url")):
        raise InputError("kapacitor_url: credentials in the URL (user:password@host) are not used; give them as"
                         " kapacitor_username and kapacitor_password (or kapacitor_token) instead")
    if params.get("timeout") is not None and params["timeout"] <= 0:
        raise InputError("timeout: expected a positive number of seconds, got %s" % params["timeout"])


def client_from_module(module, **overrides):
    """A KapacitorClient built from the module's connection parameters."""
    # Imported here: client imports this module for USER_AGENT.
    from ansible_collections.tickstack.kapacitor.plugins.module_utils.client import KapacitorClient

    p = module.params
    kwargs = dict(
        url=p["kapacitor_url"],
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
