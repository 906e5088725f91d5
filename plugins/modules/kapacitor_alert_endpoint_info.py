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
  - With O(compare), it checks a list of endpoints and tells, from the same one request, which of them
    M(tickstack.kapacitor.kapacitor_alert_endpoint) would change, instead of returning the endpoints.
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
  compare:
    description:
      - A list of endpoints to compare with what Kapacitor holds, each a dict with C(handler), C(name), C(config) and
        C(state), as O(tickstack.kapacitor.kapacitor_alert_endpoint#module:handler),
        O(tickstack.kapacitor.kapacitor_alert_endpoint#module:name),
        O(tickstack.kapacitor.kapacitor_alert_endpoint#module:config) and
        O(tickstack.kapacitor.kapacitor_alert_endpoint#module:state) take them (the shape of RV(endpoints)).
      - Every entry is checked as M(tickstack.kapacitor.kapacitor_alert_endpoint) checks it, before any request, and
        an endpoint listed twice is refused. Then, from the same one request that reads every endpoint, RV(comparison)
        tells for each entry whether M(tickstack.kapacitor.kapacitor_alert_endpoint) would change it. Nothing is
        changed.
      - The C(tickstack.kapacitor.alert_endpoints) role compares its whole list this way, so that a run that changes
        nothing costs one request per server, and applies only the entries that differ.
      - Secrets given in C(config) are masked in every output.
      - Mutually exclusive with O(handler).
    type: list
    elements: raw
  update_secrets:
    description:
      - How O(compare) treats secrets, as O(tickstack.kapacitor.kapacitor_alert_endpoint#module:update_secrets) does
        for M(tickstack.kapacitor.kapacitor_alert_endpoint).
      - Used only with O(compare).
    type: str
    choices: [when_unset, always]
    default: when_unset
extends_documentation_fragment:
  - tickstack.kapacitor.connection
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

- name: Tell which endpoints of a list would change, with one request
  tickstack.kapacitor.kapacitor_alert_endpoint_info:
    compare: "{{ my_endpoints }}"
  vars:
    my_endpoints: &my_endpoints
      - handler: slack
        name: ops
        config:
          enabled: true
          channel: "#ops"
          url: "{{ vault_slack_ops_webhook }}"
      - handler: smtp
        config:
          enabled: true
          host: mail.example.com
  register: comparison

- name: Apply only the endpoints that differ
  tickstack.kapacitor.kapacitor_alert_endpoint:
    handler: "{{ item.handler }}"
    name: "{{ item.name | default(omit) }}"
    config: "{{ item.config }}"
  loop: *my_endpoints
  loop_control:
    index_var: position
    label: "{{ item.handler }}"
  when: comparison.comparison[position].changed

- name: Re-apply the endpoints read, which changes nothing on the same server
  tickstack.kapacitor.kapacitor_alert_endpoint:
    handler: "{{ item.handler }}"
    name: "{{ item.name | default(omit) }}"
    config: "{{ item.config }}"
  loop: "{{ kapacitor.endpoints }}"
"""

RETURN = r"""
endpoints:
  description:
    - The endpoints read, in handler order and, for a list handler, in Kapacitor's order of elements.
    - Each item is the input of M(tickstack.kapacitor.kapacitor_alert_endpoint) for that endpoint, and an item of the
      role's C(kapacitor_alert_endpoints) list.
  returned: unless O(compare) is given
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
  returned: unless O(compare) is given
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
comparison:
  description:
    - With O(compare), one item per entry, in the same order.
  returned: when O(compare) is given
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
      description: Whether M(tickstack.kapacitor.kapacitor_alert_endpoint) would change the endpoint.
      type: bool
      returned: always
      sample: true
    operation:
      description:
        - The request it would send, V(add), V(set) or V(remove); V(null) when nothing differs, or when this Kapacitor
          has no section for the handler (M(tickstack.kapacitor.kapacitor_alert_endpoint) then says so).
      type: str
      returned: always
      sample: set
    changed_options:
      description: The options that differ, in module spelling (a secret is named, never shown).
      type: list
      elements: str
      returned: always
      sample: [channel]
    endpoint:
      description:
        - The endpoint as Kapacitor holds it now, as M(tickstack.kapacitor.kapacitor_alert_endpoint) returns it
          (C(handler), C(name), C(exists), C(config), C(secrets) as set or unset).
      type: dict
      returned: always
      sample: {"handler": "slack", "name": "ops", "exists": true, "config": {"channel": "#ops", "enabled": true},
               "secrets": {"url": "set"}}
  sample:
    - {"handler": "slack", "name": "ops", "changed": true, "operation": "set", "changed_options": ["channel"],
       "endpoint": {"handler": "slack", "name": "ops", "exists": true, "config": {"channel": "#ops"},
                    "secrets": {"url": "set"}}}
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
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tickstack.kapacitor.plugins.module_utils import compare as C
from ansible_collections.tickstack.kapacitor.plugins.module_utils import endpoint as E
from ansible_collections.tickstack.kapacitor.plugins.module_utils import export as X
from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers as H
from ansible_collections.tickstack.kapacitor.plugins.module_utils import values as V
from ansible_collections.tickstack.kapacitor.plugins.module_utils.client import KapacitorError
from ansible_collections.tickstack.kapacitor.plugins.module_utils.connection import client_from_module, module_kwargs


def read_all(client):
    """([(handler, elements)], missing handlers) for every handler of the table, from one GET /config.

    An empty list section is absent from Kapacitor's answer; a missing single-configuration
    section means a Kapacitor older than the handler.
    """
    sections = (client.get("/config") or {}).get("sections") or {}
    read = [(h, list((sections.get(h.name) or {}).get("elements") or [])) for h in H.HANDLERS.values()]
    missing = [h for h in H.HANDLERS.values() if h.name not in sections and not H.is_list(h)]
    return read, missing


def read_element(client, handler, name):
    element = client.get_or_none(E.element_path(handler, name))
    if element is None or E.element_name(handler, element) != name:
        return []
    return [element]


def main():
    module = AnsibleModule(
        supports_check_mode=True,
        **module_kwargs(
            dict(
                handler=dict(type="str", choices=list(H.HANDLER_NAMES)),
                name=dict(type="str"),
                include_defaults=dict(type="bool", default=True),
                # Every entry is checked by the module itself, after the secrets in it are known, so
                # that no error message or invocation can show them.
                compare=dict(type="list", elements="raw"),
                update_secrets=dict(type="str", default="when_unset", choices=list(E.UPDATE_SECRETS_CHOICES)),
            ),
            required_by={"name": "handler"},
            mutually_exclusive=[("compare", "handler")],
        )
    )
    p = module.params
    handler = H.get_handler(p["handler"]) if p["handler"] else None
    name = checked = None
    if p["compare"] is not None:
        module.no_log_values.update(C.given_secrets(p["compare"]))
        try:
            checked = C.check_entries(p["compare"])
        except V.InputError as exc:
            module.fail_json(msg="compare: %s" % exc)
    if p["name"] is not None:
        try:
            if not H.is_list(handler):
                raise V.InputError("name: handler %s is not a list of elements, so name must not be given"
                                   % handler.name)
            name = V.check_name(handler, p["name"])
        except V.InputError as exc:
            module.fail_json(msg="%s: %s" % (handler.name, exc))

    missing = []
    result = dict(changed=False)  # with compare, the comparison is added
    try:
        client = client_from_module(module)
        if handler is None:
            read, missing = read_all(client)
        elif name is None:
            read = [(handler, E.read_elements(client, handler))]
        else:
            read = [(handler, read_element(client, handler, name))]
        if checked is not None:
            result["comparison"] = C.compare(checked, dict((h.name, elements) for h, elements in read),
                                             p["update_secrets"])
    except KapacitorError as exc:
        module.fail_json(msg=exc.message, **exc.to_result())
    except E.EndpointError as exc:
        module.fail_json(msg="compare: %s" % exc)

    if checked is not None:
        # The comparison is what was asked for: rendering every endpoint too would only add to the
        # answer's size on every run of the role.
        module.exit_json(kapacitor_version=client.kapacitor_version, **result)

    endpoints, secrets, unknown = [], [], []
    for each, elements in read:
        for element in elements:
            if handler is None and not p["include_defaults"] and X.untouched(each, element):
                continue
            endpoint, secret_entry, unknown_options = X.render(each, element, p["include_defaults"])
            endpoints.append(endpoint)
            secrets.append(secret_entry)
            if unknown_options:
                where = each.name if "name" not in endpoint else "%s %r" % (each.name, endpoint["name"])
                unknown.append("%s (%s)" % (where, ", ".join(unknown_options)))
    if unknown:
        module.warn("Kapacitor reports options that this collection does not know; they are left out: %s"
                    % "; ".join(unknown))
    if missing:
        module.warn("this Kapacitor has no section for %s (it may be older than these handlers)"
                    % ", ".join(h.name for h in missing))
    module.exit_json(changed=False, endpoints=endpoints, secrets=secrets, kapacitor_version=client.kapacitor_version)


if __name__ == "__main__":
    main()
