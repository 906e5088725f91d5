#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tickstack.kapacitor contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kapacitor_alert_endpoint_info
short_description: Read Kapacitor's alert endpoints in the shape that configures them
version_added: 0.1.0
description:
  - Reads the alert endpoints of a Kapacitor server, every one of them, one handler's, or one element of a list
    handler, with one request.
  - Returns them in RV(endpoints) in exactly the shape that M(tickstack.kapacitor.kapacitor_alert_endpoint) and the
    C(kapacitor_alert_endpoints) variable of the C(tickstack.kapacitor.alert_endpoints) role take. Applying the
    result to the same server changes nothing. This is how a server configured by hand (in Chronograf or in
    C(kapacitor.conf)) is adopted, see the examples.
  - Secrets are never returned. They are left out of C(config) and listed in RV(secrets) as set or unset.
  - Elements that Kapacitor's API cannot address (names with characters other than letters, digits, V(_), V(-) and
    V(+), such as V(prod.eu), which only C(kapacitor.conf) can define) are left out of RV(endpoints) and listed in
    RV(skipped) with the reason, so that an export can always be applied.
  - Only the handlers that M(tickstack.kapacitor.kapacitor_alert_endpoint) manages are read; Kapacitor's other
    sections (HipChat, InfluxDB, service discovery and the like) are ignored.
author:
  - tickstack.kapacitor maintainers (@tickstack)
options:
  handler:
    description:
      - Read only this handler's endpoints (one configuration, or every element of a list handler).
      - Without it every handler is read.
    type: str
    choices: [alerta, bigpanda, discord, httppost, kafka, mqtt, opsgenie, opsgenie2, pagerduty, pagerduty2, pushover,
              sensu, servicenow, slack, smtp, snmptrap, talk, teams, telegram, victorops, zenoss]
  name:
    description:
      - Read only this element of the list handler O(handler), as
        O(tickstack.kapacitor.kapacitor_alert_endpoint#module:name) names it. V('') is the unnamed default
        V(slack) or V(discord) workspace.
      - An element that does not exist gives an empty RV(endpoints).
    type: str
  include_defaults:
    description:
      - With V(true), every option is returned.
      - With V(false), options still at Kapacitor's built-in default are left out, so that an export stays short.
        C(enabled) is always kept. For an element of a list handler, an option is left out only when its default is
        also the empty value that a newly added element starts from, so that applying the export to another server
        re-creates the element as it is (Slack C(username) V(kapacitor) or Kafka C(SASLAuth.SASLOAUTHExpiryMargin)
        are kept for this reason).
      - With V(false) and no O(handler), endpoints that are entirely at built-in defaults (a handler nobody
        configured, the built-in Kafka V(default) cluster never touched) are left out as well.
      - Defaults are Kapacitor's built-in ones, not the values of the server's C(kapacitor.conf), which the API does
        not show.
    type: bool
    default: true
extends_documentation_fragment:
  - tickstack.kapacitor.connection
  - tickstack.kapacitor.connection.CHRONOGRAF
  - tickstack.kapacitor.connection.ATTRIBUTES
attributes:
  check_mode:
    support: full
    details:
      - The module only reads.
  diff_mode:
    support: N/A
    details:
      - The module only reads.
notes:
  - B(Secrets.) Options that Kapacitor redacts (tokens, passwords, webhook URLs of Slack and Talk, HTTP POST
    C(basic_auth)) are reported only as set or unset, as Kapacitor does. Credentials that Kapacitor returns in clear
    text, the Discord C(url), the Teams C(channel_url) and the Kafka C(SASLAuth) fields C(SASLPassword),
    C(SASLOAUTHClientSecret) and C(SASLAccessToken), are treated the same way, so that no secret reaches the
    output, a log or an exported vars file. Give them again from a vault when applying the export elsewhere.
  - B(Values.) Values are as Kapacitor renders them (durations such as V(1m0s)). An unset list or map is returned as
    V([]) or V({}), which M(tickstack.kapacitor.kapacitor_alert_endpoint) treats as the same value; null fields of
    Kafka C(SASLAuth) are left out. HTTP POST C(headers) are returned as Kapacitor shows them.
  - An option that Kapacitor reports but this collection does not know (a newer Kapacitor) is left out with a
    warning, since M(tickstack.kapacitor.kapacitor_alert_endpoint) could not apply it either.
  - The user needs Kapacitor's C(config) permission when authentication is on.
seealso:
  - module: tickstack.kapacitor.kapacitor_alert_endpoint
  - module: tickstack.kapacitor.kapacitor_test_alert
"""

EXAMPLES = r"""
- name: Read every alert endpoint
  tickstack.kapacitor.kapacitor_alert_endpoint_info:
  register: kapacitor

- name: Show which secrets are set
  ansible.builtin.debug:
    msg: "{{ kapacitor.secrets | selectattr('set') | list }}"

- name: Adopt a server configured by hand, step 1, read what differs from Kapacitor's defaults
  tickstack.kapacitor.kapacitor_alert_endpoint_info:
    include_defaults: false
  register: kapacitor_export

- name: Adopt a server configured by hand, step 2, write it to a vars file for the alert_endpoints role
  ansible.builtin.copy:
    dest: "{{ inventory_dir }}/host_vars/{{ inventory_hostname }}/kapacitor_alert_endpoints.yml"
    content: "{{ {'kapacitor_alert_endpoints': kapacitor_export.endpoints} | to_nice_yaml(indent=2) }}"
    mode: "0644"
  delegate_to: localhost

- name: Read the Slack workspaces
  tickstack.kapacitor.kapacitor_alert_endpoint_info:
    handler: slack
  register: slack

- name: Read one Kafka cluster
  tickstack.kapacitor.kapacitor_alert_endpoint_info:
    handler: kafka
    name: events
  register: kafka_events

- name: Re-apply the endpoints read, which changes nothing on the same server
  tickstack.kapacitor.kapacitor_alert_endpoints:
    endpoints: "{{ kapacitor.endpoints }}"
"""

RETURN = r"""
endpoints:
  description:
    - The endpoints read, in handler order and, for a list handler, in Kapacitor's order of elements.
    - Each item is the input of M(tickstack.kapacitor.kapacitor_alert_endpoint) for that endpoint, and an item of the
      role's C(kapacitor_alert_endpoints) list.
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
      description: The element key of a list handler's element. Absent for the other handlers.
      type: str
      returned: for list handlers
      sample: ops
    config:
      description: The options in module spelling, without secrets.
      type: dict
      returned: always
      sample: {"enabled": true, "channel": "#alerts", "default": false, "username": "kapacitor"}
  sample:
    - {"handler": "slack", "name": "ops", "config": {"enabled": true, "channel": "#ops", "default": false}}
    - {"handler": "smtp", "config": {"enabled": true, "host": "mail.example.com", "port": 587, "to": ["ops@example.com"]}}
secrets:
  description:
    - One item per item of RV(endpoints), in the same order, telling which of the endpoint's secret options are set.
    - Fields of an object option are named C(option.field), for example C(SASLAuth.SASLPassword).
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
      description: The element key, for list handlers.
      type: str
      returned: for list handlers
      sample: ops
    set:
      description: Secret options that have a value.
      type: list
      elements: str
      returned: always
      sample: [url]
    unset:
      description: Secret options without a value.
      type: list
      elements: str
      returned: always
      sample: [token]
  sample:
    - {"handler": "slack", "name": "ops", "set": ["url"], "unset": ["token"]}
    - {"handler": "smtp", "set": ["password"], "unset": []}
skipped:
  description:
    - Elements that Kapacitor reports but its API cannot address (a name with a dot, for one), left out of
      RV(endpoints), each with C(handler), C(name) and C(reason).
  returned: always
  type: list
  elements: dict
  sample: [{"handler": "slack", "name": "prod.eu", "reason": "Kapacitor's API cannot update an element whose name has a dot"}]
kapacitor_version:
  description: Kapacitor's version, from the C(X-Kapacitor-Version) header of its answer; V(null) if not sent.
  returned: always
  type: str
  sample: 1.8.3
method:
  description: HTTP method of the request that failed.
  returned: on a failed request
  type: str
  sample: GET
path:
  description: Path of the request that failed.
  returned: on a failed request
  type: str
  sample: /kapacitor/v1/config
status:
  description: HTTP status of the failed request, V(null) when no answer came.
  returned: on a failed request
  type: int
  sample: 403
kapacitor_message:
  description: Kapacitor's own error message.
  returned: on a failed request that Kapacitor answered
  type: str
  sample: config override service is not enabled
error_kind:
  description:
    - What kind of failure it was, V(http) (Kapacitor answered with an error status), V(connection) (refused or
      unresolvable), V(timeout), V(tls), V(dropped) (the connection closed without an answer), V(invalid_response) (an
      answer that is not JSON), V(not_kapacitor) (the URL does not answer as Kapacitor's API does) or V(url).
  returned: on a failed request
  type: str
  sample: http
"""

from ansible_collections.tickstack.kapacitor.plugins.module_utils import export
from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers
from ansible_collections.tickstack.kapacitor.plugins.module_utils.base import KapacitorModule


def main():
    module = KapacitorModule(
        argument_spec=dict(
            handler=dict(type="str", choices=list(handlers.HANDLER_NAMES)),
            name=dict(type="str"),
            include_defaults=dict(type="bool", default=True),
        ),
        required_by={"name": "handler"},
        supports_check_mode=True,
    )
    module.run(export.run_info_module, what=module.params["handler"])


if __name__ == "__main__":
    main()
