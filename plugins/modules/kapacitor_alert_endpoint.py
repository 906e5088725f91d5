#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tickstack.kapacitor contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kapacitor_alert_endpoint
short_description: Configure a Kapacitor alert endpoint (Slack, SMTP, PagerDuty, Kafka and every other handler)
version_added: 0.1.0
description:
  - Configures one alert endpoint of Kapacitor through its config-override HTTP API, like the B(Save Changes) button of
    Chronograf's "Configure alert endpoints" page, for every Kapacitor alert handler, including those Chronograf has no
    tab for (Discord, HTTP POST, MQTT, SNMP trap).
  - Reads the endpoint once, compares only the options given in O(config) as Kapacitor renders them, and sends one
    request only when something differs. A second run with the same input changes nothing.
  - Every value is checked against the handler's options before any request is sent.
  - Changes are stored by Kapacitor as config overrides. They survive restarts and take precedence over
    C(kapacitor.conf), which Kapacitor never rewrites.
author:
  - tickstack.kapacitor maintainers (@tickstack)
options:
  handler:
    description:
      - The alert handler, named as Kapacitor's config section.
      - V(opsgenie) and V(pagerduty) are Kapacitor's deprecated v1 APIs; they work, with a warning to move to
        V(opsgenie2) or V(pagerduty2).
    type: str
    required: true
    choices: [alerta, bigpanda, discord, httppost, kafka, mqtt, opsgenie, opsgenie2, pagerduty, pagerduty2, pushover,
              sensu, servicenow, slack, smtp, snmptrap, talk, teams, telegram, victorops, zenoss]
  name:
    description:
      - The element of a list handler, its element key in Kapacitor. V(slack) and V(discord) elements are workspaces,
        V(kafka) elements are cluster IDs, V(mqtt) elements are broker names and V(httppost) elements are endpoint names.
      - Required for those five handlers, and refused for the others, which have a single configuration.
      - Letters, digits, V(_), V(-) and V(+) only. V('') (an empty string) addresses the unnamed default workspace of
        V(slack) or V(discord).
    type: str
  config:
    description:
      - The handler's options, named as Kapacitor names them with V(-) written V(_), for example
        V(insecure_skip_verify) or V(batch_size). The hyphenated spelling is accepted too.
      - Options left out are left as they are on the server. To give an option back to C(kapacitor.conf), use
        O(state=reset) with O(reset_options).
      - The reference of every handler's options, types, defaults and secrets is C(docs/handlers.md) in the collection.
        In short, C(alerta) takes enabled, url, insecure_skip_verify, token,
        token_prefix, environment, origin, timeout; C(bigpanda) enabled, global, app_key, token, state_changes_only,
        insecure_skip_verify, url, auto_attributes; C(discord) enabled, default, url, timestamp, username, avatar_url,
        embed_title, global, state_changes_only, ssl_ca, ssl_cert, ssl_key, insecure_skip_verify; C(httppost) url,
        headers, basic_auth, alert_template, alert_template_file, row_template, row_template_file; C(kafka) enabled,
        brokers, timeout, batch_size, batch_timeout, use_ssl, ssl_ca, ssl_cert, ssl_key, insecure_skip_verify,
        SASLAuth; C(mqtt) enabled, default, url, ssl_ca, ssl_cert, ssl_key, insecure_skip_verify, client_id,
        username, password; C(opsgenie) enabled, api_key, teams, recipients, url, recovery_url, global;
        C(opsgenie2) enabled, api_key, teams, recipients, url, recovery_action, global, details; C(pagerduty)
        enabled, url, service_key, global; C(pagerduty2) enabled, url, routing_key, global; C(pushover) enabled,
        token, user_key, url; C(sensu) enabled, addr, source, handlers; C(servicenow) enabled, url, source,
        username, password, global, state_changes_only; C(slack) enabled, default, url, token, channel, username,
        icon_emoji, global, state_changes_only, ssl_ca, ssl_cert, ssl_key, insecure_skip_verify; C(smtp) enabled,
        host, port, username, password, no_verify, global, state_changes_only, from, to, to_templates,
        idle_timeout; C(snmptrap) enabled, addr, community, retries; C(talk) enabled, url, author_name; C(teams)
        enabled, channel_url, global, state_changes_only; C(telegram) enabled, url, token, chat_id, parse_mode,
        disable_web_page_preview, disable_notification, global, state_changes_only; C(victorops) enabled, api_key,
        routing_key, url, global, json_data; C(zenoss) enabled, url, username, password, action, method, type, tid,
        collector, severity_map, global, state_changes_only.
      - Option descriptions use the field labels of Chronograf's alert endpoint page. Its Alerta tab labels the
        C(config.url) field "User".
      - Types are strict, as in Kapacitor. Booleans are booleans or Ansible's usual boolean strings (V(yes), V(no),
        V(true), V(false), V(on), V(off), V(1), V(0)); integers may be given as numeric strings;
        integers given to string options are sent as strings. Durations are Go duration strings such as V(90s),
        V(1m30s) or V(1h); V(60s), V(1m) and V(1m0s) are the same value.
      - Lists replace the whole list; an empty list V([]) and an unset list are the same. HTTP POST C(config.headers)
        replaces the whole map; its values are treated as credentials (compared by value, never shown). The fields
        of Zenoss C(config.severity_map) and Kafka C(config.SASLAuth) are merged;
        fields left out keep their current values (the module sends them again, because Kapacitor would otherwise
        reset them to C(kapacitor.conf)). HTTP POST C(config.basic_auth) is redacted, so its current fields are
        unknown; give both C(username) and C(password).
      - V(null) is never a value (an option written with nothing after the colon is null) and is refused.
      - The element key (V(workspace), V(id), V(name), V(endpoint)) is not part of O(config); it is O(name).
      - Ignored when O(state=absent).
    type: dict
    default: {}
  state:
    description:
      - V(present) creates a list element if it does not exist (with C(add)) and updates the options given.
      - V(absent) removes a list element that was added through the API. A second V(absent) changes nothing.
      - V(absent) is refused for handlers that are not lists and for the unnamed V(slack) or V(discord) workspace.
        An element defined in C(kapacitor.conf) cannot be removed either, see the notes.
      - V(reset) drops the values set through the API so that C(kapacitor.conf), or Kapacitor's built-in default,
        applies again, for every option of the endpoint (Kapacitor's C(remove)), or only those named in O(reset_options)
        (Kapacitor's C(delete)). A list element that was added through the API has no C(kapacitor.conf) values, so a
        reset removes it; an option of such an element named in O(reset_options) goes back to its empty value.
      - Kapacitor cannot tell whether an endpoint has API overrides, so V(reset) sends its request on every run. It
        reports C(changed) only when the endpoint reads differently afterwards. Check mode cannot predict it and says
        so in a warning.
    type: str
    choices: [present, absent, reset]
    default: present
  reset_options:
    description:
      - With O(state=reset), the options to give back to C(kapacitor.conf), named as in O(config). Other options keep
        the values set through the API.
      - Without it, O(state=reset) resets every option of the endpoint.
    type: list
    elements: str
  update_secrets:
    description:
      - When to send secret options that Kapacitor redacts (tokens, passwords, keys, the Slack and Talk URLs, HTTP POST
        C(basic_auth)). Kapacitor reports only whether such an option is set, never its value, so it cannot be compared.
      - V(when_unset) sends a secret only when Kapacitor reports it unset or when the element is new. Runs stay
        idempotent, but a changed secret is not noticed; use V(always) once to rotate it.
      - V(always) sends every secret given, and so reports a change on every run.
      - Either way, a secret given as an empty string means "clear it", and is sent when Kapacitor reports it set.
      - Secrets that Kapacitor returns in clear text (the Discord C(config.url), the Teams C(config.channel_url), the
        Kafka C(config.SASLAuth) passwords and tokens and the HTTP POST C(config.headers) values) are compared by value
        and are not affected by this option.
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
      - Reads the endpoint, sends nothing and predicts C(changed), RV(diff) and RV(endpoint).
      - For O(state=absent) check mode cannot know whether the element is defined in C(kapacitor.conf).
  diff_mode:
    support: full
    details:
      - Shows the options given in O(config) before and after. Secrets show as V(<set>), V(<unset>) or V(<changed>).
notes:
  - Kapacitor redacts secrets (its C(redacted) list); the module never shows them, nor the credentials that Kapacitor
    returns in clear text. Results list them under RV(endpoint.secrets) as V(set) or V(unset). Values of secrets
    given in O(config), and every value under an option the handler does not have, are masked in every output of the
    run, the module's invocation arguments and the line it logs to the host's journal or syslog included.
  - Messages from Kapacitor are shown with the path, query and user name of every URL in them masked.
  - B(Idempotency.) Durations, integers, lists and maps are compared as Kapacitor renders them. Redacted secrets
    follow O(update_secrets). SNMP trap C(config.community) has a non-empty default, so Kapacitor always reports it
    set; use O(update_secrets=always) once to send yours.
  - B(Elements defined in kapacitor.conf.) Kapacitor's API cannot tell them from elements added through the API,
    and its C(remove) on such an element only drops the values set through the API. When O(state=absent) finds the
    element still there after C(remove), the module sets its previous non-secret values again, fails, and says
    which secrets were lost. Turn such an element off with C(config.enabled=false) instead.
  - B(The unnamed Slack or Discord workspace.) Kapacitor applies a change of the element V('') to every element of
    the section, so the module refuses to change it while named workspaces exist.
  - New list elements start from empty values, not from Kapacitor's documented defaults (for example Slack
    C(username) is empty, Kafka C(batch_size) is 0); give every option you care about when creating one.
  - Kapacitor does not apply list-level rules through the API (one default Slack workspace, one default MQTT broker);
    MQTT rejects an invalid list with HTTP 500, which the module reports.
  - The user needs Kapacitor's C(config) permission when authentication is on. Kapacitor must run with
    C([config-override] enabled = true), its default.
seealso:
  - name: Kapacitor config API
    description: Kapacitor's documentation of the API that overrides configuration.
    link: https://docs.influxdata.com/kapacitor/v1/working/api/#overriding-configurations
"""

EXAMPLES = r"""
- name: Alerta (Chronograf labels the URL field "User")
  tickstack.kapacitor.kapacitor_alert_endpoint:
    handler: alerta
    config:
      enabled: true
      url: https://alerta.example.com/api
      token: "{{ vault_alerta_token }}"
      environment: Production
      origin: kapacitor
      timeout: 30s

- name: BigPanda
  tickstack.kapacitor.kapacitor_alert_endpoint:
    handler: bigpanda
    config:
      enabled: true
      app_key: my_application_key
      token: "{{ vault_bigpanda_token }}"

- name: A named Discord workspace
  tickstack.kapacitor.kapacitor_alert_endpoint:
    handler: discord
    name: ops
    config:
      enabled: true
      default: false
      url: "{{ vault_discord_webhook }}"
      username: Kapacitor

- name: An HTTP POST endpoint with headers and basic authentication
  tickstack.kapacitor.kapacitor_alert_endpoint:
    handler: httppost
    name: incident-api
    config:
      url: https://incidents.example.com/hooks/kapacitor
      headers:
        X-Source: kapacitor
      basic_auth:
        username: kapacitor
        password: "{{ vault_incident_api_password }}"

- name: A Kafka cluster with SASL
  tickstack.kapacitor.kapacitor_alert_endpoint:
    handler: kafka
    name: events
    config:
      enabled: true
      brokers: [kafka-1.example.com:9093, kafka-2.example.com:9093]
      timeout: 10s
      batch_size: 100
      batch_timeout: 1s
      use_ssl: true
      SASLAuth:
        SASLUsername: kapacitor
        SASLPassword: "{{ vault_kafka_password }}"
        SASLMechanism: SCRAM-SHA-512

- name: Remove a Kafka cluster that was added through the API
  tickstack.kapacitor.kapacitor_alert_endpoint:
    handler: kafka
    name: events
    state: absent

- name: An MQTT broker
  tickstack.kapacitor.kapacitor_alert_endpoint:
    handler: mqtt
    name: plant
    config:
      enabled: true
      url: tcp://mqtt.example.com:1883
      username: kapacitor
      password: "{{ vault_mqtt_password }}"

- name: OpsGenie v1 (deprecated by Kapacitor, prefer opsgenie2)
  tickstack.kapacitor.kapacitor_alert_endpoint:
    handler: opsgenie
    config:
      enabled: true
      api_key: "{{ vault_opsgenie_key }}"
      teams: [ops]

- name: OpsGenie2, closing alerts on recovery
  tickstack.kapacitor.kapacitor_alert_endpoint:
    handler: opsgenie2
    config:
      enabled: true
      api_key: "{{ vault_opsgenie_key }}"
      teams: [ops, dba]
      recipients: [oncall@example.com]
      recovery_action: close

- name: PagerDuty v1 (deprecated by Kapacitor, prefer pagerduty2)
  tickstack.kapacitor.kapacitor_alert_endpoint:
    handler: pagerduty
    config:
      enabled: true
      service_key: "{{ vault_pagerduty_service_key }}"

- name: PagerDuty2
  tickstack.kapacitor.kapacitor_alert_endpoint:
    handler: pagerduty2
    config:
      enabled: true
      routing_key: "{{ vault_pagerduty_routing_key }}"

- name: Pushover
  tickstack.kapacitor.kapacitor_alert_endpoint:
    handler: pushover
    config:
      enabled: true
      token: "{{ vault_pushover_token }}"
      user_key: "{{ vault_pushover_user_key }}"

- name: Sensu
  tickstack.kapacitor.kapacitor_alert_endpoint:
    handler: sensu
    config:
      enabled: true
      addr: sensu-client.example.com:3030
      source: Kapacitor
      handlers: [default, mail]

- name: ServiceNow
  tickstack.kapacitor.kapacitor_alert_endpoint:
    handler: servicenow
    config:
      enabled: true
      url: https://example.service-now.com/api/global/em/jsonv2
      username: kapacitor
      password: "{{ vault_servicenow_password }}"

- name: The default Slack workspace, rotating its webhook URL on this run
  tickstack.kapacitor.kapacitor_alert_endpoint:
    handler: slack
    name: ""
    update_secrets: always
    config:
      enabled: true
      url: "{{ vault_slack_webhook }}"
      channel: "#alerts"

- name: SMTP
  tickstack.kapacitor.kapacitor_alert_endpoint:
    handler: smtp
    config:
      enabled: true
      host: smtp.example.com
      port: 587
      username: kapacitor
      password: "{{ vault_smtp_password }}"
      from: kapacitor@example.com
      to: [oncall@example.com, ops@example.com]
      idle_timeout: 1m

- name: SNMP trap, sending the community once (Kapacitor always reports its default as set)
  tickstack.kapacitor.kapacitor_alert_endpoint:
    handler: snmptrap
    update_secrets: always
    config:
      enabled: true
      addr: snmp.example.com:162
      community: "{{ vault_snmp_community }}"
      retries: 3

- name: Talk
  tickstack.kapacitor.kapacitor_alert_endpoint:
    handler: talk
    config:
      enabled: true
      url: "{{ vault_talk_webhook }}"
      author_name: Kapacitor

- name: Microsoft Teams
  tickstack.kapacitor.kapacitor_alert_endpoint:
    handler: teams
    config:
      enabled: true
      channel_url: "{{ vault_teams_webhook }}"

- name: Telegram
  tickstack.kapacitor.kapacitor_alert_endpoint:
    handler: telegram
    config:
      enabled: true
      token: "{{ vault_telegram_token }}"
      chat_id: "-1001234567890"
      parse_mode: Markdown
      disable_web_page_preview: true

- name: VictorOps
  tickstack.kapacitor.kapacitor_alert_endpoint:
    handler: victorops
    config:
      enabled: true
      api_key: "{{ vault_victorops_key }}"
      routing_key: ops

- name: Zenoss, changing two severities (the others are kept)
  tickstack.kapacitor.kapacitor_alert_endpoint:
    handler: zenoss
    config:
      enabled: true
      url: https://zenoss.example.com/zport/dmd/evconsole_router
      username: kapacitor
      password: "{{ vault_zenoss_password }}"
      severity_map:
        warning: Warning
        critical: Critical

- name: Every task of a play against one secured Kapacitor
  module_defaults:
    group/tickstack.kapacitor.kapacitor:
      kapacitor_url: https://kapacitor.example.com:9092
      kapacitor_username: ansible
      kapacitor_password: "{{ vault_kapacitor_password }}"
      ca_path: /etc/pki/kapacitor-ca.pem
  block:
    - name: Turn off a handler without removing its settings
      tickstack.kapacitor.kapacitor_alert_endpoint:
        handler: teams
        config:
          enabled: false
"""

RETURN = r"""
operation:
  description:
    - The request the run sent (or would send in check mode), V(add), V(set), V(remove), V(delete) (a reset of
      O(reset_options)), or V(null) when nothing differed.
  returned: always
  type: str
  sample: set
changed_options:
  description:
    - Options (module spelling) sent in the update, or reset with O(reset_options). Empty when nothing differed and
      for V(remove).
  returned: always
  type: list
  elements: str
  sample: [channel, url]
endpoint:
  description:
    - The endpoint as Kapacitor reports it after the run (predicted in check mode), in the shape of the module's
      options. Secrets are never included, only listed under RV(endpoint.secrets).
  returned: always
  type: dict
  contains:
    handler:
      description: The handler.
      type: str
      returned: always
      sample: slack
    name:
      description: The element key of a list handler, V(null) for other handlers.
      type: str
      returned: always
      sample: ops
    exists:
      description: Whether the endpoint exists after the run.
      type: bool
      returned: always
      sample: true
    config:
      description: Every non-secret option with its effective value, in module spelling. Empty when it does not exist.
      type: dict
      returned: always
      sample: {"enabled": true, "channel": "#alerts", "username": "kapacitor", "global": false}
    secrets:
      description:
        - Each secret option, V(set) or V(unset). Fields of an object option are named C(option.field).
      type: dict
      returned: always
      sample: {"url": "set", "token": "unset"}
diff:
  description: Before and after of the options given in O(config); secrets masked. Returned in diff mode.
  returned: when diff mode is on
  type: dict
  sample: {"before": {"channel": "#old", "url": "<unset>"}, "after": {"channel": "#alerts", "url": "<set>"}}
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
    - What kind of failure it was, V(http) (Kapacitor answered with an error status), V(connection) (refused or
      unresolvable), V(timeout), V(tls), V(dropped) (the connection closed without an answer), V(invalid_response) (an
      answer that is not JSON), V(not_kapacitor) (the URL does not answer as Kapacitor's API does) or V(url).
  returned: on a failed request
  type: str
  sample: http
"""

from ansible_collections.tickstack.kapacitor.plugins.module_utils import endpoint
from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers
from ansible_collections.tickstack.kapacitor.plugins.module_utils.base import KapacitorModule


def main():
    module = KapacitorModule(
        argument_spec=dict(
            handler=dict(type="str", required=True, choices=list(handlers.HANDLER_NAMES)),
            name=dict(type="str"),
            config=dict(type="dict", default={}),
            state=dict(type="str", default="present", choices=["present", "absent", "reset"]),
            reset_options=dict(type="list", elements="str"),
            update_secrets=dict(type="str", default="when_unset", choices=list(endpoint.UPDATE_SECRETS_CHOICES)),
        ),
        secrets_in=endpoint.secrets_in_params,
        supports_check_mode=True,
    )
    module.run(endpoint.run_module, what=endpoint.describe(handlers.get_handler(module.params["handler"]),
                                                           module.params["name"]))


if __name__ == "__main__":
    main()
