#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tickstack.kapacitor contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kapacitor_topic_handler
short_description: Route the alerts of a Kapacitor topic to an alert endpoint, idempotently
version_added: 0.2.0
description:
  - Creates, replaces or removes one handler of a Kapacitor alert topic (C(/kapacitor/v1/alerts/topics/<topic>/handlers)).
    A topic handler sends the alerts that reach its topic to an alert endpoint (a Slack channel, a PagerDuty service, a
    Kafka topic, an HTTP POST endpoint, a log file, ...) with options of its own, which override the endpoint's
    configuration (M(tickstack.kapacitor.kapacitor_alert_endpoint)) for this topic only.
  - Every check that needs no request is made first (names, kind, every option and its type, the checks Kapacitor
    makes when it builds the handler, such as a positive C(interval) for C(aggregate)); a wrong input is refused before
    any request.
  - Then the handler is read. A missing handler is created with a POST to the topic's handlers; a handler whose kind,
    options or match differ is replaced with a PUT of every field; nothing is sent when it is the same. Options are
    compared as Kapacitor decodes them, so a key in another spelling or case, a duration as a string or as
    nanoseconds, and an option left at its default compare equal. A run that changes nothing sends one request.
  - The topic is created by Kapacitor with its first handler, and is never deleted by this module (deleting a topic
    would detach every handler of it until Kapacitor restarts).
author:
  - tickstack.kapacitor maintainers (@tickstack)
options:
  topic:
    description:
      - The alert topic, as a TICKscript names it with C(.topic()) or as C(alert().topic) sets it. Letters, digits,
        V(-), V(.), V(_) and V(:); not V(.) or V(..).
    type: str
    required: true
  id:
    description:
      - The handler's ID, unique within its topic. Letters, digits, V(-), V(.) and V(_); not V(.) or V(..).
    type: str
    required: true
  kind:
    description:
      - The kind of handler, by Kapacitor's name. E-mail is V(smtp), HTTP POST is V(post).
      - Required with O(state=present).
      - A different kind replaces the handler (its options with it).
    type: str
    choices: [aggregate, alerta, bigpanda, discord, exec, hipchat, kafka, log, mqtt, opsgenie, opsgenie2, pagerduty,
              pagerduty2, post, publish, pushover, sensu, servicenow, slack, smtp, snmptrap, talk, tcp, teams, telegram,
              victorops, zenoss]
  options:
    description:
      - The kind's options, in snake_case (C(routing_key), C(icon_emoji), C(disable_partition_by_id)); Kapacitor's own
        spelling (C(routing-key), C(disablePartitionById)) is accepted too. Every kind's options, their types and
        defaults are listed in the collection's C(docs/topic-handlers.md).
      - Durations (C(interval), C(timeout)) are Go duration strings such as V(1m30s) or integer nanoseconds; they are
        sent as nanoseconds.
      - The options given are the whole set. An option left out is at its default (Kapacitor then uses the alert
        endpoint's configuration, for example its default channel), except for secret options, see the notes.
      - Secret options (C(routing_key) of V(pagerduty2), C(service_key) of V(pagerduty), C(token) of V(alerta) and
        V(hipchat), C(user_key) of V(pushover), C(password) of V(servicenow), C(channel_url) of V(teams) and the
        C(headers) of V(post)) are compared by value and never shown. Keep them in Ansible Vault.
    type: dict
    default: {}
  match:
    description:
      - A TICKscript lambda expression that selects the alerts this handler sends, such as
        V(changed() AND level() == CRITICAL). Empty (the default) sends every alert of the topic.
      - Kapacitor checks the expression when the handler is written; a bad one fails the task with Kapacitor's message.
    type: str
    default: ""
  state:
    description:
      - V(present) creates or replaces the handler; V(absent) removes it (the topic stays).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - tickstack.kapacitor.connection
  - tickstack.kapacitor.connection.CHRONOGRAF
  - tickstack.kapacitor.connection.ATTRIBUTES
attributes:
  check_mode:
    support: full
    details:
      - Reads the handler, sends nothing and returns what Kapacitor would hold. Kapacitor has no dry run, so the
        checks it makes when it builds a handler that this module cannot make (a kafka C(cluster) or HTTP POST
        C(endpoint) that its configuration does not define, the match expression, Go templates) are not made.
  diff_mode:
    support: full
    details:
      - The handler's C(kind), C(options) and C(match) before and after; secrets shown as V(<set>), V(<unset>) or
        V(<changed>).
notes:
  - B(Secrets.) Kapacitor returns a topic handler's options in clear text, secrets included. The module compares them
    by value and never shows them, in results, diffs, warnings, errors or the line logged to the journal or syslog of
    the host that runs it. Values under an option the kind does not have are treated as secrets too.
  - B(Secrets left out.) A secret option left out of O(options) keeps the value Kapacitor has (an exported handler
    carries no secret, and applying it changes nothing). Give it as an empty string to clear it.
  - The user needs Kapacitor's C(api) permission (C(config) alone does not cover the alert topics API).
  - Kapacitor refuses, with HTTP 500, a kafka handler whose C(cluster) is not an enabled C([[kafka]]) of its
    configuration and a post handler with neither a C(url) nor an C(endpoint) that its configuration defines; the task
    then fails with the method, path, status and Kapacitor's message. Define (and enable) the endpoint first.
seealso:
  - module: tickstack.kapacitor.kapacitor_topic_handlers
  - module: tickstack.kapacitor.kapacitor_topic_handler_info
  - module: tickstack.kapacitor.kapacitor_alert_endpoint
  - name: Kapacitor alert handlers
    description: Kapacitor's documentation of topic handlers and their options.
    link: https://docs.influxdata.com/kapacitor/v1/reference/event_handlers/
"""

EXAMPLES = r"""
- name: Send the alerts of topic cpu to Slack, in a channel of their own
  tickstack.kapacitor.kapacitor_topic_handler:
    kapacitor_url: http://kapacitor.example.com:9092
    topic: cpu
    id: slack-cpu
    kind: slack
    options:
      workspace: ops
      channel: "#cpu-alerts"
      username: kapacitor
      icon_emoji: ":fire:"
    match: changed()

- name: Page on critical disk alerts through PagerDuty v2, with a routing key of their own
  tickstack.kapacitor.kapacitor_topic_handler:
    topic: disk
    id: pagerduty-disk
    kind: pagerduty2
    options:
      routing_key: "{{ vault_pagerduty_disk_routing_key }}"
      links:
        - href: "https://grafana.example.com/d/disk?host={{ '{{' }} index .Tags \"host\" {{ '}}' }}"
          text: Disk dashboard
    match: level() == CRITICAL

- name: Write the alerts of topic app to a Kafka topic
  tickstack.kapacitor.kapacitor_topic_handler:
    topic: app
    id: kafka-app
    kind: kafka
    options:
      cluster: default
      topic: kapacitor-app-alerts

- name: POST the alerts of topic app to an HTTP POST endpoint of the configuration
  tickstack.kapacitor.kapacitor_topic_handler:
    topic: app
    id: post-app
    kind: post
    options:
      endpoint: alertmanager
      timeout: 10s

- name: Aggregate the alerts of topic cpu for a minute and publish one event to topic cpu-summary
  tickstack.kapacitor.kapacitor_topic_handler:
    topic: cpu
    id: aggregate-cpu
    kind: aggregate
    options:
      interval: 1m
      topic: cpu-summary
      message: "{{ '{{' }} .Count {{ '}}' }} cpu alerts in the last minute"

- name: Log every alert of topic cpu to a file on the Kapacitor host
  tickstack.kapacitor.kapacitor_topic_handler:
    topic: cpu
    id: log-cpu
    kind: log
    options:
      path: /var/log/kapacitor/cpu-alerts.log
      mode: 420

- name: Remove a handler (its topic stays)
  tickstack.kapacitor.kapacitor_topic_handler:
    topic: cpu
    id: slack-cpu
    state: absent
"""

RETURN = r"""
changed:
  description: Whether the handler was written (would be, in check mode).
  returned: always
  type: bool
  sample: true
operation:
  description: The request sent, V(create) (POST), V(replace) (PUT) or V(delete) (DELETE); V(null) when nothing differed.
  returned: always
  type: str
  sample: replace
changed_options:
  description:
    - What differed, V(kind), V(match) and the options by module name (a secret is named, never shown). On a create,
      everything given.
  returned: always
  type: list
  elements: str
  sample: [channel]
kept_secrets:
  description: The secret options left out of O(options) that kept the value Kapacitor has.
  returned: always
  type: list
  elements: str
  sample: [routing_key]
handler:
  description: The handler as Kapacitor holds it after the run (as it would, in check mode), secrets masked.
  returned: always
  type: dict
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
    exists:
      description: Whether the handler exists.
      type: bool
      returned: always
      sample: true
    kind:
      description: The kind, V(null) when the handler does not exist.
      type: str
      returned: always
      sample: slack
    options:
      description:
        - The options in module spelling, durations as Go duration strings; secrets as V(<set>) or V(<unset>) (the
          values of C(headers) one by one).
      type: dict
      returned: always
      sample: {"channel": "#cpu-alerts", "workspace": "ops"}
    match:
      description: The match expression, V("") for none.
      type: str
      returned: always
      sample: changed()
  sample: {"topic": "cpu", "id": "slack-cpu", "exists": true, "kind": "slack",
           "options": {"channel": "#cpu-alerts"}, "match": "changed()"}
diff:
  description: The handler's C(kind), C(options) and C(match) before and after, secrets masked.
  returned: when diff mode is on
  type: dict
  sample: {"before": {"kind": "slack", "options": {"channel": "#old"}, "match": ""},
           "after": {"kind": "slack", "options": {"channel": "#cpu-alerts"}, "match": ""}}
method:
  description: HTTP method of the request that failed.
  returned: on a failed request
  type: str
  sample: POST
path:
  description: Path of the request that failed.
  returned: on a failed request
  type: str
  sample: /kapacitor/v1/alerts/topics/cpu/handlers
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
from ansible_collections.tickstack.kapacitor.plugins.module_utils import topic_kinds
from ansible_collections.tickstack.kapacitor.plugins.module_utils.base import KapacitorModule


def main():
    module = KapacitorModule(
        argument_spec=dict(
            topic=dict(type="str", required=True),
            id=dict(type="str", required=True),
            kind=dict(type="str", choices=list(topic_kinds.KIND_NAMES)),
            options=dict(type="dict", default={}),
            match=dict(type="str", default=""),
            state=dict(type="str", default="present", choices=["present", "absent"]),
        ),
        secrets_in=topic_handlers.secrets_in_params,
        required_if=[("state", "present", ["kind"])],
        supports_check_mode=True,
    )
    module.run(topic_handlers.run_module, what=topic_handlers.module_what(module.params))


if __name__ == "__main__":
    main()
