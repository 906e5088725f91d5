# -*- coding: utf-8 -*-
# Copyright (c) tickstack.kapacitor contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the tickstack.kapacitor collection: module_utils are not a public API and may
# change in any release. Use the modules instead.
"""The base every module of the collection stands on.

KapacitorModule is AnsibleModule plus:
  - the connection options (connection.py) merged into the module's own argument spec;
  - secrets known before anything is logged: AnsibleModule reads its arguments in
    _load_params(), then validates them (and may fail, printing the invocation), then logs the
    invocation to the journal or syslog. Overriding _load_params() registers every secret found
    in the raw arguments (redaction.py decides what is secret) with no_log_values right after
    they are read, so Ansible's own masking covers the journal/syslog line, the invocation, and
    every result, warning, diff and error of the run;
  - run(): calls the module's work and turns each kind of failure into fail_json with the same
    fields everywhere (method, path, status, Kapacitor's message), reporting changed=true
    whenever a write reached Kapacitor before the failure;
  - the client, built once from the connection options.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tickstack.kapacitor.plugins.module_utils import connection
from ansible_collections.tickstack.kapacitor.plugins.module_utils import redaction
from ansible_collections.tickstack.kapacitor.plugins.module_utils.client import KapacitorError
from ansible_collections.tickstack.kapacitor.plugins.module_utils.values import InputError


class ModuleFailure(Exception):
    """A failure found by the module itself, with result fields to return beside msg."""

    def __init__(self, msg, **result):
        self.msg = msg
        self.result = result
        super(ModuleFailure, self).__init__(msg)


class KapacitorModule(AnsibleModule):
    """AnsibleModule for the collection's modules; see the module docstring.

    secrets_in(raw_params) returns the secret values in the module's raw arguments; it is given
    unchecked input of any shape and must not fail on it.
    """

    def __init__(self, argument_spec, secrets_in=None, **kwargs):
        # Set before AnsibleModule.__init__, which calls _load_params().
        self._secrets_in = secrets_in
        self._client = None
        super(KapacitorModule, self).__init__(**connection.module_kwargs(argument_spec, **kwargs))

    def _load_params(self):
        super(KapacitorModule, self)._load_params()
        raw = self.params if isinstance(self.params, dict) else {}
        try:
            found = connection.connection_secrets(raw)
            if self._secrets_in is not None:
                found += list(self._secrets_in(raw))
        except Exception:  # pylint: disable=broad-except
            # Input of a shape nobody foresaw: hide every value rather than guess.
            found = redaction.guessed(dict((k, v) for k, v in raw.items() if not str(k).startswith("_ansible")))
        self.hide(found)

    def hide(self, secrets):
        """Mask these values (in every form they can take in text) in every output of the run."""
        self.no_log_values.update(redaction.forms(list(secrets)))

    @property
    def client(self):
        """The Kapacitor client of this run, built on first use."""
        if self._client is None:
            connection.check_connection(self.params)
            self._client = connection.client_from_module(self)
        return self._client

    def wrote(self):
        """Whether any write of this run reached Kapacitor."""
        return self._client is not None and self._client.writes > 0

    def run(self, work, what=None):
        """Run work(module) -> result dict, and exit with it; every failure becomes fail_json.

        what: the thing the module acts on, put before every failure message ("slack 'ops'").
        """
        try:
            result = work(self)
        except InputError as exc:
            self._fail(what, str(exc), {})
        except KapacitorError as exc:
            self._fail(what, exc.message, exc.to_result())
        except ModuleFailure as exc:
            self._fail(what, exc.msg, exc.result)
        if not self._diff:
            result.pop("diff", None)
        self.exit_json(**result)

    def _fail(self, what, msg, result):
        result = dict(result)
        result["changed"] = bool(result.get("changed")) or self.wrote()
        self.fail_json(msg="%s: %s" % (what, msg) if what else msg, **result)
