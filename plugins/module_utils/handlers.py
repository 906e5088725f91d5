# -*- coding: utf-8 -*-
# Copyright (c) tickstack.kapacitor contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the tickstack.kapacitor collection: module_utils are not a public API and may
# change in any release. Use the modules instead.
"""The one table of Kapacitor alert handlers: the single source of truth.

For every handler: its Kapacitor config section, the Chronograf tab that edits it, whether it
is a list section and its element key, the handler that replaces a deprecated one, every
option Kapacitor's config API accepts (one line each), the service-test options and the test
selector of list handlers. Facts follow Kapacitor v1.8.3 (unchanged since v1.7.0).

Adding a Kapacitor option is one line in its handler's options in _HANDLERS below. docs/handlers.md is generated from this
table (tests/tools/gen_handlers_doc.py) and a unit test checks it against Kapacitor's section
list (sections.json) and the generated reference.

hipchat is left out on purpose: Kapacitor still ships the section, but the HipChat service was
shut down in 2019, Chronograf has no tab for it, and the collection's handler list does not
name it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import re

# Option types (how Kapacitor renders and accepts a value).
BOOL = "bool"
STR = "str"
INT = "int"
DURATION = "duration"   # Go duration string; rendered by Kapacitor as Go's Duration.String()
LIST = "list"           # list of strings; GET shows null when unset
MAP = "map"             # string -> string map, replaced as a whole by a set
OBJECT = "object"       # struct with named fields, merged per field by a set
NS_DURATION = "ns_duration"  # object field: a Go duration rendered as integer nanoseconds
SCALAR = "scalar"       # object field: a string or an integer
ANY = "any"             # test options only: free-form JSON value

# Secrecy of an option.
REDACTED = "redacted"    # Kapacitor answers true/false instead of the value
SENSITIVE = "sensitive"  # a credential that Kapacitor returns in clear text

Option = collections.namedtuple("Option", "name type default description secret choices fields")
Field = collections.namedtuple("Field", "name type default secret choices")
TestOption = collections.namedtuple("TestOption", "name type default secret choices")
Handler = collections.namedtuple(
    "Handler", "name tab element_key deprecated_by description options test_options test_selector")


def opt(name, type_, default, description, secret=None, choices=None, fields=None):
    return Option(name, type_, default, description, secret, tuple(choices) if choices else None,
                  tuple(fields) if fields else None)


def fld(name, type_, default, secret=None, choices=None):
    return Field(name, type_, default, secret, tuple(choices) if choices else None)


def topt(name, type_, default, secret=None, choices=None):
    """A service-test option. choices: the values Kapacitor parses (matched without regard to case)."""
    return TestOption(name, type_, default, secret, tuple(choices) if choices is not None else None)


ENABLED = opt("enabled", BOOL, False, "Configuration Enabled: turn the handler on.")
GLOBAL = opt("global", BOOL, False, "Send every alert to this handler, without naming it in a TICKscript.")
STATE_CHANGES_ONLY = opt("state-changes-only", BOOL, False,
                         "With C(config.global), send only alerts whose level changed.")
INSECURE = opt("insecure-skip-verify", BOOL, False, "Insecure Skip Verify: do not verify the server's TLS certificate.")
SSL_CA = opt("ssl-ca", STR, "", "SSL CA: path to a CA file for the server's certificate.")
SSL_CERT = opt("ssl-cert", STR, "", "SSL Cert: path to a client certificate file.")
SSL_KEY = opt("ssl-key", STR, "", "SSL Key: path to the client certificate's key file.")

KAFKA_SASL_FIELDS = (
    fld("SASLUsername", STR, ""),
    fld("SASLPassword", STR, "", secret=SENSITIVE),
    fld("SASLExtensions", MAP, None),
    fld("SASLMechanism", STR, "", choices=("", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "GSSAPI", "OAUTHBEARER")),
    fld("SASLVersion", INT, None),
    fld("SASLGSSAPIServiceName", STR, ""),
    fld("SASLGSSAPIAuthType", STR, ""),
    fld("SASLGSSAPIDisablePAFXFAST", BOOL, False),
    fld("SASLGSSAPIKerberosConfigPath", STR, ""),
    fld("SASLGSSAPIKeyTabPath", STR, ""),
    fld("SASLGSSAPIRealm", STR, ""),
    fld("SASLOAUTHService", STR, ""),
    fld("SASLOAUTHClientID", STR, ""),
    fld("SASLOAUTHClientSecret", STR, "", secret=SENSITIVE),
    fld("SASLOAUTHTokenURL", STR, ""),
    fld("SASLOAUTHScopes", LIST, None),
    fld("SASLOAUTHParams", MAP, None),
    fld("SASLOAUTHExpiryMargin", NS_DURATION, 10000000000),
    fld("SASLAccessToken", STR, "", secret=SENSITIVE),
    fld("SASLOAUTHTenant", STR, ""),
)

ZENOSS_SEVERITY_FIELDS = (
    fld("ok", SCALAR, "Clear"),
    fld("info", SCALAR, "Info"),
    fld("warning", SCALAR, "Warning"),
    fld("critical", SCALAR, "Critical"),
)

HTTPPOST_BASIC_AUTH_FIELDS = (
    fld("username", STR, ""),
    fld("password", STR, "", secret=REDACTED),
)

# Kapacitor decodes an alert level in upper case only.
ALERT_LEVELS = ("OK", "INFO", "WARNING", "CRITICAL")
ALERT_LEVEL = topt("level", STR, "CRITICAL", choices=ALERT_LEVELS)

_HANDLERS = (
    Handler(
        name="alerta", tab="Alerta", element_key=None, deprecated_by=None, description="Alerta monitoring system.",
        options=(
            ENABLED,
            opt("url", STR, "", "Alerta API URL (Chronograf labels this field \"User\")."),
            INSECURE,
            opt("token", STR, "", "Token.", secret=REDACTED),
            opt("token-prefix", STR, "", "Token Prefix; empty means C(Bearer)."),
            opt("environment", STR, "", "Environment."),
            opt("origin", STR, "", "Origin."),
            opt("timeout", DURATION, "0s", "HTTP timeout, a Go duration such as C(30s)."),
        ),
        test_options=(
            topt("resource", STR, "testResource"), topt("event", STR, "testEvent"),
            topt("environment", STR, ""), topt("severity", STR, "critical"), topt("group", STR, "testGroup"),
            topt("value", STR, "testValue"), topt("message", STR, "test alerta message"), topt("origin", STR, ""),
            topt("service", LIST, ["testServiceA", "testServiceB"]),
            topt("correlate", LIST, ["testServiceX", "testServiceY"]),
            topt("attributes", ANY, {"testAttributeA": "A", "testAttributeB": True, "testAttributeC": 9001}),
            topt("timeout", DURATION, "24h0m0s"),
        ),
        test_selector=None,
    ),
    Handler(
        name="bigpanda", tab="BigPanda", element_key=None, deprecated_by=None,
        description="BigPanda event correlation.",
        options=(
            ENABLED, GLOBAL,
            opt("app-key", STR, "", "Application Key."),
            opt("token", STR, "", "Token.", secret=REDACTED),
            STATE_CHANGES_ONLY, INSECURE,
            opt("url", STR, "https://api.bigpanda.io/data/v2/alerts", "URL of the BigPanda alerts API."),
            opt("auto-attributes", STR, "tags,fields", "Which alert data become BigPanda attributes: C(tags), C(fields) or both."),
        ),
        test_options=(
            topt("app_key", STR, "012345"), topt("host", STR, "serverA"), ALERT_LEVEL,
            topt("message", STR, "test bigpanda message"), topt("timestamp", STR, "1970-01-01T00:00:01Z"),
            topt("primary_property", STR, ""), topt("secondary_property", STR, ""),
            topt("event_data", ANY, {"Fields": {}, "Result": {"series": None}, "Name": "testBigPanda", "TaskName": "",
                                     "Group": "", "Tags": {}, "Recoverable": False, "Category": ""}),
        ),
        test_selector=None,
    ),
    Handler(
        name="discord", tab=None, element_key="workspace", deprecated_by=None,
        description="Discord channel webhooks; a list of workspaces (no Chronograf tab).",
        options=(
            ENABLED,
            opt("default", BOOL, True, "This workspace is the default one."),
            opt("workspace", STR, "", "Element key: the workspace name (module option O(name))."),
            opt("url", STR, "", "Discord channel webhook URL (a credential; Kapacitor does not redact it).", secret=SENSITIVE),
            opt("timestamp", BOOL, False, "Add a timestamp to messages."),
            opt("username", STR, "", "User name shown as the message author."),
            opt("avatar-url", STR, "", "URL of the author's avatar."),
            opt("embed-title", STR, "", "Title of the message embed."),
            GLOBAL, STATE_CHANGES_ONLY, SSL_CA, SSL_CERT, SSL_KEY, INSECURE,
        ),
        test_options=(
            topt("workspace", STR, ""),
            topt("avatar-url", STR, "https://influxdata.github.io/branding/img/downloads/influxdata-logo--symbol--pool-alpha.png"),
            topt("level", STR, "INFO", choices=ALERT_LEVELS), topt("message", STR, "test discord message"),
            topt("username", STR, "Kapacitor"),
            topt("embed-title", STR, "Kapacitor Alert"), topt("time-val", STR, "1970-01-01T00:00:01Z"),
        ),
        test_selector="workspace",
    ),
    Handler(
        name="httppost", tab=None, element_key="endpoint", deprecated_by=None,
        description="HTTP POST of alert data to a URL; a list of endpoints (no Chronograf tab).",
        options=(
            opt("endpoint", STR, "example", "Element key: the endpoint name (module option O(name))."),
            opt("url", STR, "http://example.com", "URL to post alerts to; may be a Go template."),
            opt("headers", MAP, None, "HTTP headers to send; replaces the whole map. Values are treated as credentials.",
                secret=SENSITIVE),
            opt("basic-auth", OBJECT, {"username": "", "password": ""},
                "Basic authentication, an object with C(username) and C(password).", secret=REDACTED,
                fields=HTTPPOST_BASIC_AUTH_FIELDS),
            opt("alert-template", STR, "", "Go template for the alert body."),
            opt("alert-template-file", STR, "", "Absolute path of a file holding the alert template."),
            opt("row-template", STR, "", "Go template for each row of the data."),
            opt("row-template-file", STR, "", "Absolute path of a file holding the row template."),
        ),
        test_options=(
            topt("endpoint", STR, "example"), topt("url", STR, "http://localhost:3000/"),
            topt("headers", MAP, {"Auth": "secret"}, secret=SENSITIVE), topt("timeout", INT, 0),
        ),
        test_selector="endpoint",
    ),
    Handler(
        name="kafka", tab="Kafka", element_key="id", deprecated_by=None,
        description="Apache Kafka clusters; a list keyed by ID.",
        options=(
            ENABLED,
            opt("id", STR, "default", "Element key: the cluster ID (module option O(name))."),
            opt("brokers", LIST, None, "Brokers: list of broker addresses (C(host:port))."),
            opt("timeout", DURATION, "0s", "Timeout, a Go duration."),
            opt("batch-size", INT, 0, "Batch Size: messages per batch (0 means 100)."),
            opt("batch-timeout", DURATION, "0s", "Batch Timeout, a Go duration."),
            opt("use-ssl", BOOL, False, "Use SSL."),
            SSL_CA, SSL_CERT, SSL_KEY, INSECURE,
            opt("SASLAuth", OBJECT, {f.name: f.default for f in KAFKA_SASL_FIELDS},
                "SASL authentication, an object keyed by Kapacitor's field names (C(SASLUsername), C(SASLPassword),"
                " C(SASLMechanism), ...); fields left out are kept. C(SASLPassword), C(SASLOAUTHClientSecret) and"
                " C(SASLAccessToken) are credentials that Kapacitor does not redact.",
                fields=KAFKA_SASL_FIELDS),
        ),
        test_options=(
            topt("cluster", STR, "example"), topt("topic", STR, "test"), topt("key", STR, "key"),
            topt("message", STR, "test kafka message"),
        ),
        test_selector="cluster",
    ),
    Handler(
        name="mqtt", tab=None, element_key="name", deprecated_by=None,
        description="MQTT brokers; a list keyed by name (no Chronograf tab).",
        options=(
            ENABLED,
            opt("name", STR, "default", "Element key: the broker name (module option O(name))."),
            opt("default", BOOL, False, "This broker is the default one."),
            opt("url", STR, "", "Broker URL, for example C(tcp://localhost:1883)."),
            SSL_CA, SSL_CERT, SSL_KEY, INSECURE,
            opt("client-id", STR, "", "MQTT client ID; empty means the broker name."),
            opt("username", STR, "", "User name."),
            opt("password", STR, "", "Password.", secret=REDACTED),
        ),
        test_options=(
            topt("broker-name", STR, ""), topt("topic", STR, ""), topt("message", STR, "test MQTT message"),
            # Kapacitor's parser spells the third level "exactly-one" (it renders it "exactly-once").
            topt("qos", STR, "at-most-once", choices=("at-most-once", "at-least-once", "exactly-one")),
            topt("retained", BOOL, False),
        ),
        test_selector="broker-name",
    ),
    Handler(
        name="opsgenie", tab="OpsGenie", element_key=None, deprecated_by="opsgenie2",
        description="OpsGenie v1 API (deprecated by Kapacitor: use opsgenie2).",
        options=(
            ENABLED,
            opt("api-key", STR, "", "API Key.", secret=REDACTED),
            opt("teams", LIST, None, "Teams."),
            opt("recipients", LIST, None, "Recipients."),
            opt("url", STR, "https://api.opsgenie.com/v1/json/alert", "OpsGenie alert API URL."),
            opt("recovery_url", STR, "https://api.opsgenie.com/v1/json/alert/note", "OpsGenie recovery API URL."),
            GLOBAL,
        ),
        test_options=(
            topt("teams", LIST, None), topt("recipients", LIST, None), topt("message-type", STR, "CRITICAL"),
            topt("message", STR, "test opsgenie message"), topt("entity-id", STR, "testEntityID"),
        ),
        test_selector=None,
    ),
    Handler(
        name="opsgenie2", tab="OpsGenie2", element_key=None, deprecated_by=None, description="OpsGenie v2 API.",
        options=(
            ENABLED,
            opt("api-key", STR, "", "API Key.", secret=REDACTED),
            opt("teams", LIST, None, "Teams."),
            opt("recipients", LIST, None, "Recipients."),
            opt("url", STR, "https://api.opsgenie.com/v2/alerts", "OpsGenie alert API URL."),
            opt("recovery_action", STR, "notes",
                "Select recovery action: C(notes) adds a note to the alert, C(close) closes it.", choices=("notes", "close")),
            GLOBAL,
            opt("details", BOOL, False, "Send the alert data as OpsGenie details."),
        ),
        test_options=(
            topt("teams", LIST, None), topt("recipients", LIST, None), topt("message-type", STR, "CRITICAL"),
            topt("message", STR, "test opsgenie message"), topt("entity-id", STR, "testEntityID"),
            topt("recovery_action", STR, "notes", choices=("notes", "close")),
        ),
        test_selector=None,
    ),
    Handler(
        name="pagerduty", tab="PagerDuty", element_key=None, deprecated_by="pagerduty2",
        description="PagerDuty v1 API (deprecated by Kapacitor: use pagerduty2).",
        options=(
            ENABLED,
            opt("url", STR, "https://events.pagerduty.com/generic/2010-04-15/create_event.json", "PagerDuty URL."),
            opt("service-key", STR, "", "Service Key.", secret=REDACTED),
            GLOBAL,
        ),
        test_options=(
            topt("incident-key", STR, "testIncidentKey"), topt("description", STR, "test pagerduty message"),
            ALERT_LEVEL, topt("details", STR, ""),
        ),
        test_selector=None,
    ),
    Handler(
        name="pagerduty2", tab="PagerDuty2", element_key=None, deprecated_by=None,
        description="PagerDuty Events API v2.",
        options=(
            ENABLED,
            opt("url", STR, "https://events.pagerduty.com/v2/enqueue", "PagerDuty URL."),
            opt("routing-key", STR, "", "Routing Key.", secret=REDACTED),
            GLOBAL,
        ),
        test_options=(
            topt("alert_id", STR, "testAlertID"), topt("description", STR, "test pagerduty2 message"), ALERT_LEVEL,
            topt("event_data", ANY, {"Fields": {}, "Result": {"series": None}, "Name": "testPagerDuty2", "TaskName": "",
                                     "Group": "", "Tags": {}, "Recoverable": False, "Category": ""}),
            topt("timestamp", STR, "2014-11-12T11:45:26.371Z"),
            topt("links", ANY, [{"href": "https://example.com/a", "text": "a"}, {"href": "https://example.com/b", "text": "b"}]),
        ),
        test_selector=None,
    ),
    Handler(
        name="pushover", tab="Pushover", element_key=None, deprecated_by=None, description="Pushover notifications.",
        options=(
            ENABLED,
            opt("token", STR, "", "Token: the application's API token.", secret=REDACTED),
            opt("user-key", STR, "", "User Key.", secret=REDACTED),
            opt("url", STR, "https://api.pushover.net/1/messages.json", "Pushover URL."),
        ),
        test_options=(
            topt("user-key", STR, "", secret=SENSITIVE), topt("message", STR, "test pushover message"), topt("device", STR, ""),
            topt("title", STR, ""), topt("url", STR, ""), topt("url-title", STR, ""), topt("sound", STR, ""), ALERT_LEVEL,
        ),
        test_selector=None,
    ),
    Handler(
        name="sensu", tab="Sensu", element_key=None, deprecated_by=None, description="Sensu client socket.",
        options=(
            ENABLED,
            opt("addr", STR, "", "Address of the Sensu client, C(host:port)."),
            opt("source", STR, "Kapacitor", "Source."),
            opt("handlers", LIST, None, "Sensu handlers to use."),
        ),
        test_options=(
            topt("name", STR, "testName"), topt("output", STR, "testOutput"), topt("source", STR, "Kapacitor"),
            topt("handlers", LIST, []), topt("metadata", ANY, {}), ALERT_LEVEL,
        ),
        test_selector=None,
    ),
    Handler(
        name="servicenow", tab="ServiceNow", element_key=None, deprecated_by=None,
        description="ServiceNow event management.",
        options=(
            ENABLED,
            opt("url", STR, "https://instance.service-now.com/api/global/em/jsonv2", "URL of the events API."),
            opt("source", STR, "", "Source."),
            opt("username", STR, "", "Username."),
            opt("password", STR, "", "Password.", secret=REDACTED),
            GLOBAL, STATE_CHANGES_ONLY,
        ),
        test_options=(
            topt("alert_id", STR, "1001"), topt("message", STR, "test servicenow message"), ALERT_LEVEL,
            topt("source", STR, "Kapacitor"), topt("node", STR, ""), topt("type", STR, ""), topt("resource", STR, ""),
            topt("metric_name", STR, ""), topt("message_key", STR, ""), topt("additional_info", ANY, {}),
        ),
        test_selector=None,
    ),
    Handler(
        name="slack", tab="Slack", element_key="workspace", deprecated_by=None,
        description="Slack webhooks; a list of workspaces (C(name: '') is the default one).",
        options=(
            ENABLED,
            opt("default", BOOL, True, "This workspace is the default one."),
            opt("workspace", STR, "", "Element key: Nickname this Configuration (module option O(name))."),
            opt("url", STR, "", "Slack Webhook URL.", secret=REDACTED),
            opt("token", STR, "", "Slack app token.", secret=REDACTED),
            opt("channel", STR, "", "Slack Channel, for example C(#alerts)."),
            opt("username", STR, "kapacitor", "User name shown as the message author."),
            opt("icon-emoji", STR, "", "Emoji used as the message icon, for example C(:ghost:)."),
            GLOBAL, STATE_CHANGES_ONLY, SSL_CA, SSL_CERT, SSL_KEY, INSECURE,
        ),
        test_options=(
            topt("workspace", STR, ""), topt("channel", STR, ""), topt("icon-emoji", STR, ""), ALERT_LEVEL,
            topt("message", STR, "test slack message"), topt("username", STR, ""),
        ),
        test_selector="workspace",
    ),
    Handler(
        name="smtp", tab="SMTP", element_key=None, deprecated_by=None, description="E-mail through an SMTP server.",
        options=(
            ENABLED,
            opt("host", STR, "localhost", "SMTP Host."),
            opt("port", INT, 25, "SMTP Port."),
            opt("username", STR, "", "User."),
            opt("password", STR, "", "Password.", secret=REDACTED),
            opt("no-verify", BOOL, False, "Do not verify the SMTP server's TLS certificate."),
            GLOBAL, STATE_CHANGES_ONLY,
            opt("from", STR, "", "From Email."),
            opt("to", LIST, None, "To Email: list of recipient addresses."),
            opt("to-templates", LIST, None, "Go templates that render further recipient addresses."),
            opt("idle-timeout", DURATION, "30s", "How long an idle connection to the server stays open, a Go duration."),
        ),
        test_options=(topt("to", LIST, None), topt("subject", STR, "test subject"), topt("body", STR, "test body")),
        test_selector=None,
    ),
    Handler(
        name="snmptrap", tab=None, element_key=None, deprecated_by=None, description="SNMP traps (no Chronograf tab).",
        options=(
            ENABLED,
            opt("addr", STR, "localhost:162", "Address of the SNMP trap receiver, C(host:port)."),
            opt("community", STR, "kapacitor", "SNMP community (its default is set, so Kapacitor reports it set).",
                secret=REDACTED),
            opt("retries", INT, 1, "Number of retries."),
        ),
        test_options=(
            topt("trap-oid", STR, "1.1.1.1"),
            topt("data-list", ANY, [{"oid": "1.1.1.1.2", "type": "s", "value": "test snmptrap message"}]),
        ),
        test_selector=None,
    ),
    Handler(
        name="talk", tab="Talk", element_key=None, deprecated_by=None, description="Talk (Jianliao) webhooks.",
        options=(
            ENABLED,
            opt("url", STR, "", "URL: the Talk webhook.", secret=REDACTED),
            opt("author_name", STR, "", "Author Name."),
        ),
        test_options=(topt("title", STR, "testTitle"), topt("text", STR, "test talk text")),
        test_selector=None,
    ),
    Handler(
        name="teams", tab="Teams", element_key=None, deprecated_by=None, description="Microsoft Teams channel webhook.",
        options=(
            ENABLED,
            opt("channel-url", STR, "", "Channel URL: the Teams webhook (a credential; Kapacitor does not redact it).",
                secret=SENSITIVE),
            GLOBAL, STATE_CHANGES_ONLY,
        ),
        test_options=(
            topt("channel_url", STR, "", secret=SENSITIVE), topt("alert_topic", STR, "test kapacitor alert topic"),
            topt("alert_id", STR, "foo/bar/bat"), topt("message", STR, "test teams message"), ALERT_LEVEL,
        ),
        test_selector=None,
    ),
    Handler(
        name="telegram", tab="Telegram", element_key=None, deprecated_by=None, description="Telegram bot messages.",
        options=(
            ENABLED,
            opt("url", STR, "https://api.telegram.org/bot", "Telegram bot API URL."),
            opt("token", STR, "", "Token: the bot token.", secret=REDACTED),
            opt("chat-id", STR, "", "Chat ID."),
            opt("parse-mode", STR, "", "Select the alert message format: C(Markdown) or C(HTML) (empty: plain text).",
                choices=("", "Markdown", "HTML")),
            opt("disable-web-page-preview", BOOL, False, "Disable link previews in alert messages."),
            opt("disable-notification", BOOL, False, "Disable notifications on iOS and sounds on Android."),
            GLOBAL, STATE_CHANGES_ONLY,
        ),
        test_options=(
            topt("chat-id", STR, ""), topt("parse-mode", STR, "", choices=("", "Markdown", "HTML")),
            topt("message", STR, "test telegram message"),
            topt("disable-web-page-preview", BOOL, False), topt("disable-notification", BOOL, False),
        ),
        test_selector=None,
    ),
    Handler(
        name="victorops", tab="VictorOps", element_key=None, deprecated_by=None,
        description="VictorOps (Splunk On-Call).",
        options=(
            ENABLED,
            opt("api-key", STR, "", "API Key.", secret=REDACTED),
            opt("routing-key", STR, "", "Routing Key."),
            opt("url", STR, "https://alert.victorops.com/integrations/generic/20131114/alert", "VictorOps URL."),
            GLOBAL,
            opt("json-data", BOOL, False, "Send the alert data as JSON."),
        ),
        test_options=(
            topt("routingKey", STR, ""), topt("messageType", STR, "CRITICAL"),
            topt("message", STR, "test victorops message"), topt("entityID", STR, "testEntityID"),
        ),
        test_selector=None,
    ),
    Handler(
        name="zenoss", tab="Zenoss", element_key=None, deprecated_by=None, description="Zenoss event console.",
        options=(
            ENABLED,
            opt("url", STR, "https://tenant.zenoss.io:8080/zport/dmd/evconsole_router", "URL (must be absolute)."),
            opt("username", STR, "", "Username."),
            opt("password", STR, "", "Password.", secret=REDACTED),
            opt("action", STR, "EventsRouter", "Action (Router Name)."),
            opt("method", STR, "add_event", "Router Method."),
            opt("type", STR, "rpc", "Event Type."),
            opt("tid", INT, 1, "Event TID."),
            opt("collector", STR, "Kapacitor", "Collector Name."),
            opt("severity-map", OBJECT, {f.name: f.default for f in ZENOSS_SEVERITY_FIELDS},
                "Kapacitor to Zenoss Severity Mapping: an object with any of C(ok), C(info), C(warning), C(critical);"
                " keys left out are kept.", fields=ZENOSS_SEVERITY_FIELDS),
            GLOBAL, STATE_CHANGES_ONLY,
        ),
        test_options=(
            topt("alert_id", STR, "1001"), ALERT_LEVEL, topt("message", STR, "test zenoss message"),
            topt("action", STR, "EventsRouter"), topt("method", STR, "add_event"), topt("type", STR, "rpc"),
            topt("tid", INT, 1), topt("summary", STR, ""), topt("device", STR, ""), topt("component", STR, ""),
            topt("eventclasskey", STR, ""), topt("eventclass", STR, ""), topt("collector", STR, "Kapacitor"),
            topt("custom_fields", ANY, {}),
        ),
        test_selector=None,
    ),
)

HANDLERS = collections.OrderedDict((h.name, h) for h in _HANDLERS)
HANDLER_NAMES = tuple(HANDLERS)


def get_handler(name):
    """The Handler record of a handler name, or None."""
    return HANDLERS.get(name)


def is_list(handler):
    return handler.element_key is not None


def option_map(handler):
    """Kapacitor option name -> Option, in table order."""
    return collections.OrderedDict((o.name, o) for o in handler.options)


def user_name(kapacitor_name):
    """The spelling used in module options and results: Kapacitor's name with '-' written '_'."""
    return kapacitor_name.replace("-", "_")


_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def test_option_user_name(kapacitor_name):
    """The module spelling of a test option: snake_case (routingKey -> routing_key, trap-oid -> trap_oid)."""
    return _CAMEL_BOUNDARY.sub("_", kapacitor_name).replace("-", "_").lower()


def field(option, key):
    """The Field of an object option that a key names (matched without regard to case), or None."""
    for each in option.fields or ():
        if each.name.lower() == str(key).lower():
            return each
    return None


def resolve_test_option(handler, key):
    """The TestOption a user-given key names (snake_case, hyphenated or Kapacitor's spelling), or None."""
    for test_option in handler.test_options:
        snake = test_option_user_name(test_option.name)
        if key in (test_option.name, snake, snake.replace("_", "-")):
            return test_option
    return None
