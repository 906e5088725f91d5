#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tickstack.kapacitor contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kapacitor_test_alert
short_description: Send a test alert through a Kapacitor alert endpoint
version_added: 0.1.0
description:
  - Asks Kapacitor to send a test alert through one of its alert handlers, like the B(Send Test Alert) button of
    Chronograf's "Configure alert endpoints" page, for every Kapacitor alert handler.
  - Sends one C(POST /kapacitor/v1/service-tests/<handler>) with the test options. Kapacitor answers with
    C(success) and C(message), and answers so even when the test failed; the module then fails with Kapacitor's
    message and a hint, for example to enable the endpoint first.
  - Every test option is checked against the handler's test options before anything is sent.
  - A list handler is tested on the element named in O(name), through the service's own selector. Chronograf's
    Kafka tab tests the first cluster whichever one is clicked; this module tests the cluster named.
author:
  - tickstack.kapacitor maintainers (@tickstack)
options:
  handler:
    description:
      - The alert handler to test, named as Kapacitor's config section.
      - Required unless O(endpoints) is given.
    type: str
    choices: [alerta, bigpanda, discord, httppost, kafka, mqtt, opsgenie, opsgenie2, pagerduty, pagerduty2, pushover,
              sensu, servicenow, slack, smtp, snmptrap, talk, teams, telegram, victorops, zenoss]
  name:
    description:
      - The element of a list handler to test, as O(tickstack.kapacitor.kapacitor_alert_endpoint#module:name) names it.
        It is sent as the service's own selector test option, C(workspace) for V(slack) and V(discord), C(cluster) for
        V(kafka), C(broker-name) for V(mqtt) and C(endpoint) for V(httppost).
      - Required for V(kafka) and V(httppost). For V(slack) and V(discord) it defaults to Kapacitor's default
        workspace, V('') being the unnamed one. For V(mqtt) it defaults to the default broker.
      - Refused for the other handlers, which have a single configuration.
      - When a named Slack workspace is tested without a C(channel) in O(options), the module sends an empty channel so that
        the workspace's own channel is used; Kapacitor would otherwise use the default workspace's channel.
      - Kapacitor's own HTTP POST test ignores the endpoint and posts to its C(url) and C(headers) test options. The
        module therefore reads the named endpoint's configuration and sends its C(url) and C(headers), unless given
        in O(options). Kapacitor adds its own test header C(Auth), with the value C(secret), to the test request.
    type: str
  options:
    description:
      - The handler's test options, named as Kapacitor names them in snake_case, for example V(message), V(level),
        V(channel) or V(to); the hyphenated spelling (V(parse-mode)) and Kapacitor's own spelling (VictorOps
        V(routingKey)) are accepted too. Options left out take Kapacitor's defaults, which for most handlers come
        from the endpoint's configuration (the SMTP C(to) list, the Telegram C(chat-id), the OpsGenie teams).
      - An unknown option, a value of the wrong type or a value that is not allowed fails before anything is sent,
        with the list of valid options. Alert levels are V(OK), V(INFO), V(WARNING) or V(CRITICAL), in any case.
      - C(alerta) takes resource, event, environment, severity, group, value, message, origin, service, correlate,
        attributes, timeout; C(bigpanda) app_key, host, level, message, timestamp, primary_property,
        secondary_property, event_data; C(discord) avatar_url, level, message, username, embed_title, time_val;
        C(httppost) url, headers, timeout; C(kafka) topic, key, message; C(mqtt) topic (required), message, qos,
        retained; C(opsgenie) teams, recipients, message_type, message, entity_id; C(opsgenie2) the same and
        recovery_action; C(pagerduty) incident_key, description, level, details; C(pagerduty2) alert_id,
        description, level, event_data, timestamp, links; C(pushover) user_key, message, device, title, url,
        url_title, sound, level; C(sensu) name, output, source, handlers, metadata, level; C(servicenow) alert_id,
        message, level, source, node, type, resource, metric_name, message_key, additional_info; C(slack) channel,
        icon_emoji, level, message, username; C(smtp) to, subject, body; C(snmptrap) trap_oid, data_list; C(talk)
        title, text; C(teams) channel_url, alert_topic, alert_id, message, level; C(telegram) chat_id, parse_mode,
        message, disable_web_page_preview, disable_notification; C(victorops) routing_key, message_type, message,
        entity_id; C(zenoss) alert_id, level, message, action, method, type, tid, summary, device, component,
        eventclasskey, eventclass, collector, custom_fields. Types and defaults are listed in C(docs/handlers.md).
      - MQTT C(qos) is V(at-most-once), V(at-least-once) or V(exactly-one), the spelling Kapacitor's parser accepts.
      - The element selector (C(workspace), C(cluster), C(broker-name), C(endpoint)) is not an option here; it is
        O(name).
    type: dict
    default: {}
  endpoints:
    description:
      - Send test alerts through a list of endpoints in one module run, instead of O(handler), O(name) and O(options).
      - Each entry is a dict with C(handler), C(name) and C(options), as those options take them. C(test_options) is
        accepted for C(options), and the keys C(config), C(state) and C(reset_options) are accepted and not used, so
        that the C(kapacitor_alert_endpoints) list of the C(tickstack.kapacitor.alert_endpoints) role can be given as it
        is. Entries whose C(state) is not V(present) are skipped.
      - Every entry is checked before anything is sent. One request reads every endpoint; an endpoint that does not
        exist or is disabled is skipped, with the reason in RV(results) and a warning (HTTP POST endpoints have no
        C(enabled) option and are always tested). Each test is then sent, and a failed test does not stop the others;
        the module fails at the end, naming each test that failed.
    type: list
    elements: raw
  limit_to:
    description:
      - With O(endpoints), test only these endpoints, named as C(handler) or C(handler/name), for example the
        RV(tickstack.kapacitor.kapacitor_alert_endpoints#module:changed_endpoints) of a converge. The others are skipped
        with the reason C(not changed).
    type: list
    elements: str
extends_documentation_fragment:
  - tickstack.kapacitor.connection
  - tickstack.kapacitor.connection.ATTRIBUTES
attributes:
  check_mode:
    support: full
    details:
      - Sends no test alert, reports C(changed) and returns in RV(options) the body that would be sent.
      - For V(httppost) it still reads the endpoint's configuration, to show what would be sent.
  diff_mode:
    support: none
notes:
  - A test alert that was sent reports C(changed=true), like any notification task. A failed test reports
    C(changed=false).
  - Kapacitor's message of a failed test is Go's error text, which holds the URL the service posted to (for Telegram,
    Slack, Teams, Discord and Talk the URL holds the credential); the path, query and user name of every URL in it are
    masked.
  - Secrets are never returned. The Pushover C(user_key), the Teams C(channel_url) and the values of the HTTP POST
    C(headers) are shown as V(<set>) in RV(options), and values given for them are masked in the module's
    invocation arguments.
  - Kapacitor's user needs the C(api) permission to send test alerts when authentication is on, and the C(config)
    permission as well for V(httppost), whose endpoint configuration is read.
  - The emulator shipped with the collection accepts every test of an enabled endpoint without contacting any
    external service, so tests against it prove the request, not the delivery.
seealso:
  - name: Kapacitor service tests API
    description: Kapacitor's documentation of the API that tests services.
    link: https://docs.influxdata.com/kapacitor/v1/working/api/#testing-services
  - module: tickstack.kapacitor.kapacitor_alert_endpoint
  - module: tickstack.kapacitor.kapacitor_alert_endpoint_info
"""

EXAMPLES = r"""
- name: Send a test alert through the default Slack workspace (Kapacitor's default test message)
  tickstack.kapacitor.kapacitor_test_alert:
    handler: slack

- name: Test a named Slack workspace, with our own message and channel
  tickstack.kapacitor.kapacitor_test_alert:
    handler: slack
    name: ops
    options:
      channel: "#alerts-test"
      message: Kapacitor alerting works
      level: warning

- name: Test the second Kafka cluster, not the first one
  tickstack.kapacitor.kapacitor_test_alert:
    handler: kafka
    name: events
    options:
      topic: kapacitor-test

- name: Test an MQTT broker (the topic is required)
  tickstack.kapacitor.kapacitor_test_alert:
    handler: mqtt
    name: plant
    options:
      topic: alerts/test
      qos: at-least-once

- name: Test an HTTP POST endpoint (posts to its configured URL with its headers)
  tickstack.kapacitor.kapacitor_test_alert:
    handler: httppost
    name: incident-api

- name: E-mail a test alert to someone else than the configured recipients
  tickstack.kapacitor.kapacitor_test_alert:
    handler: smtp
    options:
      to: [me@example.com]
      subject: Kapacitor test

- name: Test VictorOps with a routing key
  tickstack.kapacitor.kapacitor_test_alert:
    handler: victorops
    options:
      routing_key: ops
      message_type: WARNING

- name: Test the endpoints that a converge changed, in one task
  tickstack.kapacitor.kapacitor_test_alert:
    endpoints: "{{ my_endpoints }}"
    limit_to: "{{ converged.changed_endpoints }}"

- name: Configure an endpoint, then test it only when it changed
  block:
    - name: Configure PagerDuty2
      tickstack.kapacitor.kapacitor_alert_endpoint:
        handler: pagerduty2
        config:
          enabled: true
          routing_key: "{{ vault_pagerduty_routing_key }}"
      register: pagerduty2

    - name: Send a test alert through PagerDuty2
      tickstack.kapacitor.kapacitor_test_alert:
        handler: pagerduty2
        options:
          description: Kapacitor test alert from Ansible
      when: pagerduty2 is changed
"""

RETURN = r"""
results:
  description: With O(endpoints), one item per entry, in order.
  returned: when O(endpoints) is given
  type: list
  elements: dict
  contains:
    handler:
      description: The handler.
      type: str
      returned: always
      sample: slack
    name:
      description: The element, V(null) for the handler's default.
      type: str
      returned: always
      sample: ops
    sent:
      description: Whether the test was sent (would be sent, in check mode).
      type: bool
      returned: always
      sample: true
    skipped:
      description: Why no test was sent.
      type: str
      returned: when the entry was skipped
      sample: "disabled (config.enabled is false); Kapacitor cannot test a disabled endpoint"
    options:
      description: The test options sent, secrets shown as V(<set>).
      type: dict
      returned: when sent
      sample: {"workspace": "ops", "channel": ""}
    success:
      description: Whether Kapacitor reported the test as sent.
      type: bool
      returned: when sent, outside check mode
      sample: true
    message:
      description: Kapacitor's message, URLs masked.
      type: str
      returned: when sent, outside check mode
      sample: ""
    hint:
      description: What to do about a failed test.
      type: str
      returned: when the test failed
      sample: "the endpoint is disabled: enable it first"
handler:
  description: The handler tested.
  returned: unless O(endpoints) is given
  type: str
  sample: slack
name:
  description: The element tested, V(null) when the handler's default was tested.
  returned: unless O(endpoints) is given
  type: str
  sample: ops
options:
  description:
    - The test options sent (or that would be sent in check mode), with Kapacitor's names and the element
      selector. Secrets are shown as V(<set>).
  returned: unless O(endpoints) is given
  type: dict
  sample: {"workspace": "ops", "channel": "", "message": "Kapacitor alerting works", "level": "WARNING"}
success:
  description: Whether Kapacitor reported the test as sent. The module fails when it is V(false).
  returned: when the test was sent
  type: bool
  sample: true
message:
  description: Kapacitor's message; empty on success.
  returned: when the test was sent
  type: str
  sample: ""
hint:
  description: What to do about a failed test.
  returned: when the test failed
  type: str
  sample: "the endpoint is disabled: enable it first with tickstack.kapacitor.kapacitor_alert_endpoint"
method:
  description: HTTP method of the request that failed.
  returned: on a failed request
  type: str
  sample: POST
path:
  description: Path of the request that failed.
  returned: on a failed request
  type: str
  sample: /kapacitor/v1/service-tests/slack
status:
  description: HTTP status of the failed request, V(null) when no answer came.
  returned: on a failed request
  type: int
  sample: 400
kapacitor_message:
  description: Kapacitor's own error message for a failed request.
  returned: on a failed request that Kapacitor answered
  type: str
  sample: "failed to decode JSON body:invalid QoS"
error_kind:
  description:
    - What kind of failure it was, V(http) (Kapacitor answered with an error status), V(connection) (refused or
      unresolvable), V(timeout), V(tls), V(dropped) (the connection closed without an answer), V(invalid_response) (an
      answer that is not JSON), V(not_kapacitor) (the URL does not answer as Kapacitor's API does) or V(url).
  returned: on a failed request
  type: str
  sample: http
"""

from ansible_collections.tickstack.kapacitor.plugins.module_utils import endpoint
from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers
from ansible_collections.tickstack.kapacitor.plugins.module_utils import servicetests
from ansible_collections.tickstack.kapacitor.plugins.module_utils.base import KapacitorModule


def main():
    module = KapacitorModule(
        argument_spec=dict(
            handler=dict(type="str", choices=list(handlers.HANDLER_NAMES)),
            name=dict(type="str"),
            options=dict(type="dict", default={}),
            # Each entry is checked by the module itself, after the secrets in it are known.
            endpoints=dict(type="list", elements="raw"),
            limit_to=dict(type="list", elements="str"),
        ),
        secrets_in=servicetests.secrets_in_params,
        required_one_of=[("handler", "endpoints")],
        mutually_exclusive=[("handler", "endpoints")],
        required_by={"limit_to": "endpoints"},
        supports_check_mode=True,
    )
    handler = handlers.get_handler(module.params["handler"])
    module.run(servicetests.run_module, what=endpoint.describe(handler, module.params["name"]) if handler else None)


if __name__ == "__main__":
    main()
