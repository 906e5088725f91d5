#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tickstack.kapacitor contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kapacitor_alert_endpoints
short_description: Configure a whole list of Kapacitor alert endpoints in one task
version_added: 0.2.0
description:
  - Converges a list of alert endpoints of one Kapacitor server in one module run, each entry as
    M(tickstack.kapacitor.kapacitor_alert_endpoint) would apply it.
  - Every entry is checked before any request, and an endpoint listed twice is refused. Then one request reads every
    endpoint, one request is sent for each entry that differs, in list order, and one more request reads the result
    only when something was written. A run that changes nothing sends exactly one request.
  - With O(purge), the elements of the list handlers named in O(endpoints) that the list does not name are removed.
  - The C(tickstack.kapacitor.alert_endpoints) role applies its list with this module, one task per server.
author:
  - tickstack.kapacitor maintainers (@tickstack)
options:
  endpoints:
    description:
      - The endpoints, each a dict in the shape that M(tickstack.kapacitor.kapacitor_alert_endpoint_info) returns and the
        C(kapacitor_alert_endpoints) variable of the role takes, with the keys C(handler) (required), C(name), C(config),
        C(state) (V(present), the default, V(absent) or V(reset)) and C(reset_options), each as
        O(tickstack.kapacitor.kapacitor_alert_endpoint#module:handler),
        O(tickstack.kapacitor.kapacitor_alert_endpoint#module:name),
        O(tickstack.kapacitor.kapacitor_alert_endpoint#module:config),
        O(tickstack.kapacitor.kapacitor_alert_endpoint#module:state) and
        O(tickstack.kapacitor.kapacitor_alert_endpoint#module:reset_options) take them.
      - A key C(test_options) (the role's test options of the entry) is accepted and not used.
      - Every wrong entry is named in one error, as C(item N (handler 'name')), before anything is sent.
    type: list
    elements: raw
    required: true
  purge:
    description:
      - Remove the elements (Slack and Discord workspaces, Kafka clusters, MQTT brokers, HTTP POST endpoints) of the
        list handlers named in O(endpoints) that O(endpoints) does not name. Handlers that O(endpoints) does not name are
        never touched, nor is the unnamed Slack or Discord workspace.
      - An element that C(kapacitor.conf) defines cannot be removed through the API; its C(remove) only drops the values
        set through the API. Such an element is left as C(kapacitor.conf) has it, named in a warning, and counts as
        changed only when its values changed. Purge therefore sends one request per such element on every run; list
        it in O(endpoints) to stop that.
    type: bool
    default: false
  update_secrets:
    description:
      - When to send secrets that Kapacitor redacts, as
        O(tickstack.kapacitor.kapacitor_alert_endpoint#module:update_secrets) for every entry.
    type: str
    choices: [when_unset, always]
    default: when_unset
extends_documentation_fragment:
  - tickstack.kapacitor.connection
  - tickstack.kapacitor.connection.CHRONOGRAF
  - tickstack.kapacitor.connection.ATTRIBUTES
attributes:
  check_mode:
    support: full
    details:
      - Reads every endpoint, sends nothing and predicts each entry. Entries with C(state=reset) cannot be predicted,
        see O(tickstack.kapacitor.kapacitor_alert_endpoint#module:state).
  diff_mode:
    support: full
    details:
      - One before/after per endpoint that changes, headed by C(handler/name), secrets masked.
notes:
  - B(Failures.) When Kapacitor refuses an entry, the run stops there. The result names the entries written before it
    (RV(written)), the one that failed (RV(failed_endpoint), with RV(method), RV(path), RV(status) and
    RV(kapacitor_message)) and
    those not tried (RV(not_tried)); it reports C(changed) when anything was written. A second run converges.
  - Secrets given in any entry, and every value under an option a handler does not have, are masked in every output of
    the run, the line the module logs to the host's journal or syslog included.
  - The notes of M(tickstack.kapacitor.kapacitor_alert_endpoint) (elements defined in C(kapacitor.conf), the unnamed
    workspace, new list elements) apply to every entry.
seealso:
  - module: tickstack.kapacitor.kapacitor_alert_endpoint
  - module: tickstack.kapacitor.kapacitor_alert_endpoint_info
  - module: tickstack.kapacitor.kapacitor_test_alert
"""

EXAMPLES = r"""
- name: Converge the alert endpoints of a Kapacitor server
  tickstack.kapacitor.kapacitor_alert_endpoints:
    kapacitor_url: http://kapacitor.example.com:9092
    endpoints:
      - handler: slack
        name: ops
        config:
          enabled: true
          url: "{{ vault_slack_ops_webhook }}"
          channel: "#ops"
      - handler: smtp
        config:
          enabled: true
          host: mail.example.com
          port: 587
          from: kapacitor@example.com
      - handler: pagerduty2
        config:
          enabled: true
          routing_key: "{{ vault_pagerduty_routing_key }}"
  register: converged

- name: Keep only the Slack workspaces listed, and give the SMTP port back to kapacitor.conf
  tickstack.kapacitor.kapacitor_alert_endpoints:
    purge: true
    endpoints:
      - handler: slack
        name: ops
        config:
          channel: "#ops"
      - handler: smtp
        state: reset
        reset_options: [port]

- name: Apply an export of another server (written by kapacitor_alert_endpoint_info)
  tickstack.kapacitor.kapacitor_alert_endpoints:
    endpoints: "{{ lookup('ansible.builtin.file', 'exported.yml') | from_yaml }}"
"""

RETURN = r"""
endpoints:
  description: One item per entry of O(endpoints), in the same order.
  returned: always
  type: list
  elements: dict
  contains:
    handler:
      description: The handler.
      type: str
      returned: always
      sample: slack
    name:
      description: The element key, V(null) for the handlers that are not lists.
      type: str
      returned: always
      sample: ops
    changed:
      description: Whether the entry changed the endpoint (would change it, in check mode).
      type: bool
      returned: always
      sample: true
    status:
      description: V(unchanged), V(written), V(failed), V(not_tried), or V(would_write) in check mode.
      type: str
      returned: always
      sample: written
    operation:
      description: The request sent for the entry, V(add), V(set), V(remove) or V(delete); V(null) when nothing differed.
      type: str
      returned: always
      sample: set
    changed_options:
      description: The options sent, in module spelling (a secret is named, never shown).
      type: list
      elements: str
      returned: always
      sample: [channel]
    endpoint:
      description:
        - The endpoint as Kapacitor reports it after the run, as
          RV(tickstack.kapacitor.kapacitor_alert_endpoint#module:endpoint) (C(handler), C(name), C(exists),
          C(config), C(secrets) as set or unset).
      type: dict
      returned: always
      sample: {"handler": "slack", "name": "ops", "exists": true, "config": {"channel": "#ops", "enabled": true},
               "secrets": {"url": "set"}}
  sample:
    - {"handler": "slack", "name": "ops", "changed": true, "status": "written", "operation": "set",
       "changed_options": ["channel"], "endpoint": {"handler": "slack", "name": "ops", "exists": true,
                                                     "config": {"channel": "#ops"}, "secrets": {"url": "set"}}}
changed_endpoints:
  description: The endpoints that changed, as C(handler) or C(handler/name), in list order.
  returned: always
  type: list
  elements: str
  sample: [slack/ops, smtp]
purged:
  description: With O(purge), one item per element removed (or left by C(kapacitor.conf)), shaped as RV(endpoints).
  returned: always
  type: list
  elements: dict
  sample: []
requests:
  description:
    - Each write sent, in order, with its C(method), C(path), C(operation), the C(options) it named and the C(status)
      of Kapacitor's answer. Values are never included.
  returned: always
  type: list
  elements: dict
  sample: [{"method": "POST", "path": "/kapacitor/v1/config/slack/ops", "operation": "set", "options": ["channel"],
            "status": 204}]
diff:
  description: One before/after per endpoint that changed, headed by C(handler/name); secrets masked.
  returned: when diff mode is on
  type: list
  elements: dict
  sample: [{"before_header": "slack/ops", "after_header": "slack/ops", "before": {"channel": "#old"},
            "after": {"channel": "#ops"}}]
written:
  description: When an entry failed, the endpoints written before it.
  returned: when an entry failed
  type: list
  elements: str
  sample: [slack/ops]
failed_endpoint:
  description: When an entry failed, that endpoint.
  returned: when an entry failed
  type: str
  sample: smtp
not_tried:
  description: When an entry failed, the endpoints after it that differed and were not sent.
  returned: when an entry failed
  type: list
  elements: str
  sample: [pagerduty2]
method:
  description: HTTP method of the request that failed.
  returned: on a failed request
  type: str
  sample: POST
path:
  description: Path of the request that failed.
  returned: on a failed request
  type: str
  sample: /kapacitor/v1/config/smtp/
status:
  description: HTTP status of the failed request, V(null) when no answer came.
  returned: on a failed request
  type: int
  sample: 400
kapacitor_message:
  description: Kapacitor's own error message.
  returned: on a failed request that Kapacitor answered
  type: str
  sample: "failed to override configuration smtp/: cannot set option port: cannot convert string \"x\" into int"
error_kind:
  description:
    - What kind of failure it was, as RV(tickstack.kapacitor.kapacitor_alert_endpoint#module:error_kind).
  returned: on a failed request
  type: str
  sample: http
"""

from ansible_collections.tickstack.kapacitor.plugins.module_utils import endpoint
from ansible_collections.tickstack.kapacitor.plugins.module_utils import endpoints
from ansible_collections.tickstack.kapacitor.plugins.module_utils.base import KapacitorModule


def main():
    module = KapacitorModule(
        argument_spec=dict(
            # Each entry is checked by the module itself, after the secrets in it are known.
            endpoints=dict(type="list", elements="raw", required=True),
            purge=dict(type="bool", default=False),
            update_secrets=dict(type="str", default="when_unset", choices=list(endpoint.UPDATE_SECRETS_CHOICES)),
        ),
        secrets_in=endpoints.secrets_in_params,
        supports_check_mode=True,
    )
    module.run(endpoints.run_module)


if __name__ == "__main__":
    main()
