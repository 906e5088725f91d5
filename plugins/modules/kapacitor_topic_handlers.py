#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tickstack.kapacitor contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kapacitor_topic_handlers
short_description: Converge a whole list of Kapacitor topic handlers in one task
version_added: 0.2.0
description:
  - Converges a list of alert topic handlers of one Kapacitor server in one module run, each entry as
    M(tickstack.kapacitor.kapacitor_topic_handler) would apply it.
  - Every entry is checked before any request, and a handler listed twice is refused. Then one request reads the
    handlers of each topic named, and one request is sent for each entry that differs, in list order. A run that
    changes nothing sends one request per topic.
  - With O(purge), the handlers of the listed topics that the list does not name are removed. Topics the list does
    not name are never touched, and no topic is ever deleted.
  - The C(tickstack.kapacitor.alert_endpoints) role applies its C(kapacitor_topic_handlers) list with this module, one
    task per server, after the alert endpoints.
author:
  - tickstack.kapacitor maintainers (@tickstack)
options:
  handlers:
    description:
      - The handlers, each a dict in the shape that M(tickstack.kapacitor.kapacitor_topic_handler_info) returns and the
        C(kapacitor_topic_handlers) variable of the role takes, with the keys C(topic) and C(id) (required), C(kind),
        C(options), C(match) and C(state) (V(present), the default, or V(absent)), each as
        O(tickstack.kapacitor.kapacitor_topic_handler#module:topic),
        O(tickstack.kapacitor.kapacitor_topic_handler#module:id),
        O(tickstack.kapacitor.kapacitor_topic_handler#module:kind),
        O(tickstack.kapacitor.kapacitor_topic_handler#module:options),
        O(tickstack.kapacitor.kapacitor_topic_handler#module:match) and
        O(tickstack.kapacitor.kapacitor_topic_handler#module:state) take them.
      - Every wrong entry is named in one error, as C(item N (topic/id)), before anything is sent.
    type: list
    elements: raw
    required: true
  purge:
    description:
      - Remove the handlers of the topics named in O(handlers) that O(handlers) does not name.
    type: bool
    default: false
extends_documentation_fragment:
  - tickstack.kapacitor.connection
  - tickstack.kapacitor.connection.CHRONOGRAF
  - tickstack.kapacitor.connection.ATTRIBUTES
attributes:
  check_mode:
    support: full
    details:
      - Reads the topics, sends nothing and predicts each entry, as
        M(tickstack.kapacitor.kapacitor_topic_handler) does.
  diff_mode:
    support: full
    details:
      - One before/after per handler that changes, headed by C(topic/id), secrets masked.
notes:
  - B(Failures.) When Kapacitor refuses an entry, the run stops there. The result names the handlers written before it
    (RV(written)), the one that failed (RV(failed_handler), with RV(method), RV(path), RV(status) and RV(kapacitor_message)) and
    those not tried (RV(not_tried)); it reports C(changed) when anything was written. A second run converges.
  - Secrets given in any entry, the ones Kapacitor returns in clear text, and every value under an option a kind does
    not have are masked in every output of the run, the line the module logs to the host's journal or syslog included.
  - The notes of M(tickstack.kapacitor.kapacitor_topic_handler) (secrets left out keep their value, the C(api)
    permission, kafka clusters and HTTP POST endpoints that must exist) apply to every entry.
seealso:
  - module: tickstack.kapacitor.kapacitor_topic_handler
  - module: tickstack.kapacitor.kapacitor_topic_handler_info
  - module: tickstack.kapacitor.kapacitor_alert_endpoints
"""

EXAMPLES = r"""
- name: Route topic cpu to Slack and topic disk to PagerDuty v2, each with settings of its own
  tickstack.kapacitor.kapacitor_topic_handlers:
    kapacitor_url: http://kapacitor.example.com:9092
    handlers:
      - topic: cpu
        id: slack-cpu
        kind: slack
        options:
          channel: "#cpu-alerts"
        match: changed()
      - topic: disk
        id: pagerduty-disk
        kind: pagerduty2
        options:
          routing_key: "{{ vault_pagerduty_disk_routing_key }}"
      - topic: disk
        id: log-disk
        kind: log
        options:
          path: /var/log/kapacitor/disk-alerts.log

- name: Keep only the handlers listed on topic cpu
  tickstack.kapacitor.kapacitor_topic_handlers:
    purge: true
    handlers:
      - topic: cpu
        id: slack-cpu
        kind: slack
        options:
          channel: "#cpu-alerts"

- name: Apply an export of another server (written by the alert_endpoints role's export entry point)
  tickstack.kapacitor.kapacitor_topic_handlers:
    handlers: "{{ (lookup('ansible.builtin.file', 'exported.yml') | from_yaml).kapacitor_topic_handlers }}"
"""

RETURN = r"""
handlers:
  description: One item per entry of O(handlers), in the same order.
  returned: always
  type: list
  elements: dict
  contains:
    topic:
      description: The topic.
      type: str
      returned: always
      sample: cpu
    id:
      description: The handler's ID.
      type: str
      returned: always
      sample: slack-cpu
    changed:
      description: Whether the entry changed the handler (would change it, in check mode).
      type: bool
      returned: always
      sample: true
    status:
      description: V(unchanged), V(written), V(failed), V(not_tried), or V(would_write) in check mode.
      type: str
      returned: always
      sample: written
    operation:
      description: The request for the entry, V(create), V(replace) or V(delete); V(null) when nothing differed.
      type: str
      returned: always
      sample: create
    changed_options:
      description: What differed, V(kind), V(match) and option names (a secret is named, never shown).
      type: list
      elements: str
      returned: always
      sample: [kind, channel]
    kept_secrets:
      description: The secret options left out of the entry that kept the value Kapacitor has.
      type: list
      elements: str
      returned: always
      sample: []
    handler:
      description:
        - The handler as Kapacitor holds it after the run, as
          RV(tickstack.kapacitor.kapacitor_topic_handler#module:handler) (secrets masked).
      type: dict
      returned: always
      sample: {"topic": "cpu", "id": "slack-cpu", "exists": true, "kind": "slack",
               "options": {"channel": "#cpu-alerts"}, "match": "changed()"}
  sample:
    - {"topic": "cpu", "id": "slack-cpu", "changed": true, "status": "written", "operation": "create",
       "changed_options": ["kind", "match", "channel"], "kept_secrets": [],
       "handler": {"topic": "cpu", "id": "slack-cpu", "exists": true, "kind": "slack",
                   "options": {"channel": "#cpu-alerts"}, "match": "changed()"}}
changed_handlers:
  description: The handlers that changed (would change, in check mode), as C(topic/id), in list order, purged ones last.
  returned: always
  type: list
  elements: str
  sample: [cpu/slack-cpu]
purged:
  description: With O(purge), one item per handler removed, shaped as RV(handlers).
  returned: always
  type: list
  elements: dict
  sample: []
requests:
  description:
    - Each write sent, in order, with its C(method), C(path), C(operation), the C(options) it changed (names only) and
      the C(status) of Kapacitor's answer. Values are never included.
  returned: always
  type: list
  elements: dict
  sample: [{"method": "POST", "path": "/kapacitor/v1/alerts/topics/cpu/handlers", "operation": "create",
            "options": ["kind", "channel"], "status": 200}]
diff:
  description: One before/after per handler that changed, headed by C(topic/id); secrets masked.
  returned: when diff mode is on
  type: list
  elements: dict
  sample: [{"before_header": "cpu/slack-cpu", "after_header": "cpu/slack-cpu", "before": {},
            "after": {"kind": "slack", "options": {"channel": "#cpu-alerts"}, "match": ""}}]
written:
  description: When a write failed, the handlers written before it.
  returned: when a write failed
  type: list
  elements: str
  sample: [cpu/slack-cpu]
failed_handler:
  description: When a write failed, that handler (C(failed) itself is Ansible's V(true)).
  returned: when a write failed
  type: str
  sample: app/kafka-app
not_tried:
  description: When a write failed, the handlers after it that differed and were not sent.
  returned: when a write failed
  type: list
  elements: str
  sample: [disk/pagerduty-disk]
method:
  description: HTTP method of the request that failed.
  returned: on a failed request
  type: str
  sample: POST
path:
  description: Path of the request that failed.
  returned: on a failed request
  type: str
  sample: /kapacitor/v1/alerts/topics/app/handlers
status:
  description: HTTP status of the failed request, V(null) when no answer came.
  returned: on a failed request
  type: int
  sample: 500
kapacitor_message:
  description: Kapacitor's own error message.
  returned: on a failed request that Kapacitor answered
  type: str
  sample: 'failed to create handler: unknown cluster "nope"'
error_kind:
  description:
    - What kind of failure it was, as RV(tickstack.kapacitor.kapacitor_alert_endpoint#module:error_kind).
  returned: on a failed request
  type: str
  sample: http
"""

from ansible_collections.tickstack.kapacitor.plugins.module_utils import topic_handlers
from ansible_collections.tickstack.kapacitor.plugins.module_utils.base import KapacitorModule


def main():
    module = KapacitorModule(
        argument_spec=dict(
            # Each entry is checked by the module itself, after the secrets in it are known.
            handlers=dict(type="list", elements="raw", required=True),
            purge=dict(type="bool", default=False),
        ),
        secrets_in=topic_handlers.list_secrets_in_params,
        supports_check_mode=True,
    )
    module.run(topic_handlers.run_list_module)


if __name__ == "__main__":
    main()
