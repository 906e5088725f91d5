# -*- coding: utf-8 -*-
# Copyright (c) tickstack.kapacitor contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the tickstack.kapacitor collection: module_utils are not a public API and may
# change in any release. Use the modules instead.
"""The one table of Kapacitor alert topic handler kinds: the single source of truth.

The sibling of handlers.py for /kapacitor/v1/alerts/topics/<topic>/handlers/<id>. For every
kind Kapacitor 1.8.3 builds (the 27 branches of createHandlerFromSpec): the Go type its
options decode into, every option as Kapacitor decodes it (the mapstructure tag, or the Go
field name where a field has no tag), its type, its default, whether it is a secret, its
allowed values, a one-line description, and the checks that can be made before sending.

Adding an option is one line in the kind's options below: checking, comparing, masking,
exporting, docs/topic-handlers.md (tests/tools/gen_topic_kinds_doc.py) and the unit tests all
read this table.

Secrets (SENSITIVE: Kapacitor's GET of a handler returns every option in clear text). An
option is a secret when Kapacitor redacts the option of the same name in the kind's config
section (alerta token, hipchat token, pagerduty service-key, pagerduty2 routing-key, pushover
user-key, servicenow password), or when it is a credential by itself: a Teams channel URL (a
webhook that anyone can post to) and HTTP POST headers (they carry Authorization and API
keys). bigpanda app-key and victorops routing-key are not: Kapacitor's config does not redact
them either, and they do not authorise anything without the section's token or API key. No
topic handler option holds a basic-auth or SMTP password, a Slack URL or a Telegram token:
those live in the config sections only. How the marks apply (values under an unknown option
count as secrets, for one) is redaction.py's, which holds every rule of what is secret.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import posixpath

from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers

# Option types. Durations are integer nanoseconds on the wire (Kapacitor decodes a JSON number
# into time.Duration and refuses a string); the modules take Go duration strings as well.
STR = handlers.STR
BOOL = handlers.BOOL
INT = handlers.INT
DURATION = handlers.NS_DURATION
LIST = handlers.LIST              # list of strings
MAP = handlers.MAP                # string -> string (Go map[string]string)
ANY_MAP = "any_map"               # string -> any JSON value (Go map[string]interface{})
OBJECT_LIST = "object_list"       # list of objects with the named string fields in `fields`
QOS = "qos"                       # MQTT QoS: one of `choices`, or its index 0, 1 or 2

SECRET = handlers.SENSITIVE

Kind = collections.namedtuple("Kind", "name config_type description options checks")
Check = collections.namedtuple("Check", "description test")


def option(name, type_, description, default=None, secret=None, choices=None, fields=None):
    """One option of a kind; name is Kapacitor's spelling (matched without regard to case)."""
    return handlers.Option(name=name, type=type_, default=default, description=description, secret=secret,
                           choices=tuple(choices) if choices else None, fields=tuple(fields) if fields else None)


def field(name):
    """A string field of an object in an OBJECT_LIST option."""
    return handlers.Field(name=name, type=STR, default="", secret=None, choices=None)


def check(description, test):
    """A check made before sending. test(topic, options) gets the checked options in Kapacitor's spelling
    and returns None or what is wrong."""
    return Check(description=description, test=test)


# ---------------------------------------------------------------------------------------------
# Checks Kapacitor makes when it builds the handler (a 500 after the request), or that keep a
# handler from breaking the server or looping events back into its own topic.

def _given(options, name):
    value = options.get(name)
    return value not in (None, "", [])


def _aggregate_interval(topic, options):
    if not isinstance(options.get("interval"), int) or options["interval"] <= 0:
        return ("interval: an aggregate handler needs a positive interval (such as 1m); without one Kapacitor's"
                " ticker panics and the whole kapacitord process exits")
    return None


def _not_own_topic(name):
    def test(topic, options):
        value = options.get(name)
        targets = value if isinstance(value, list) else [value]
        if topic in targets:
            return ("%s: %r is this handler's own topic; its events would come back to it in a loop"
                    % (name, topic))
        return None
    return test


def _kafka_cluster(topic, options):
    if not _given(options, "cluster"):
        return ("cluster: a kafka handler needs cluster, the id of a [[kafka]] section of kapacitor.conf (the"
                " default one is 'default'); Kapacitor refuses the handler without it")
    return None


def _log_path(topic, options):
    path = options.get("path") or ""
    if not posixpath.isabs(path):
        return "path: a log handler needs an absolute path, got %r" % path
    return None


def _log_mode(topic, options):
    mode = options.get("mode", 0o600)
    if not 0 <= mode <= 0o777 or not mode & 0o200:
        return ("mode: %r is not a file mode Kapacitor accepts: give a decimal number up to 511 (0777) with the"
                " owner's write bit 128 (0200) set, such as 384 (0600) or 420 (0644)" % mode)
    return None


def _post_target(topic, options):
    if not _given(options, "url") and not _given(options, "endpoint"):
        return ("url: a post handler needs url, or endpoint naming an [[httppost]] section of kapacitor.conf;"
                " Kapacitor refuses the handler with neither")
    return None


def _required(name, why):
    def test(topic, options):
        if not _given(options, name):
            return "%s: %s" % (name, why)
        return None
    return test


def _telegram_parse_mode(topic, options):
    mode = options.get("parse-mode", "")
    if mode and mode.lower() not in ("markdown", "html"):
        return "parse-mode: %r is not allowed; expected Markdown or HTML (Kapacitor fails every alert)" % mode
    return None


def _tcp_address(topic, options):
    address = options.get("address") or ""
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit():
        return "address: a tcp handler needs address as host:port, got %r" % address
    return None


# ---------------------------------------------------------------------------------------------
# The table. Option order: the Go struct's field order.

LINK_FIELDS = (field("href"), field("text"))
SNMP_DATA_FIELDS = (field("oid"), field("type"), field("value"))
MQTT_QOS = ("at-most-once", "at-least-once", "exactly-one")

_KINDS = (
    Kind(
        name="aggregate", config_type="alert.AggregateHandlerConfig",
        description="Aggregate the events of an interval into one event, published to another topic.",
        options=(
            option("id", STR, "ID of the aggregated event.", default=""),
            option("interval", DURATION, "How long to aggregate events; required, greater than zero."),
            option("topic", STR, "Topic that receives the aggregated event.", default=""),
            option("message", STR, "Go template of the aggregated event's message.",
                   default="Received {{ .Count }} events in the last {{.Interval}}."),
        ),
        checks=(
            check("`interval` is given and greater than zero (otherwise kapacitord crashes).", _aggregate_interval),
            check("`topic` is not the handler's own topic.", _not_own_topic("topic")),
        ),
    ),
    Kind(
        name="alerta", config_type="alerta.HandlerConfig",
        description="Send the event to Alerta.",
        options=(
            option("token", STR, "Alerta API token; empty means the [alerta] section's.", default="", secret=SECRET),
            option("token-prefix", STR, "Prefix of the token in the Authorization header; empty means Bearer.",
                   default=""),
            option("resource", STR, "Go template of the Alerta resource.", default="{{ .Name }}"),
            option("event", STR, "Go template of the Alerta event.", default="{{ .ID }}"),
            option("environment", STR, "Go template of the Alerta environment.", default=""),
            option("group", STR, "Go template of the Alerta group.", default="{{ .Group }}"),
            option("value", STR, "Go template of the Alerta value.", default=""),
            option("origin", STR, "Alerta origin.", default=""),
            option("service", LIST, "Alerta services."),
            option("correlate", LIST, "Alerta correlated events."),
            option("attributes", ANY_MAP, "Extra Alerta attributes."),
            option("timeout", DURATION, "Alerta timeout of the alert.", default=86400000000000),
        ),
        checks=(),
    ),
    Kind(
        name="bigpanda", config_type="bigpanda.HandlerConfig",
        description="Send the event to BigPanda.",
        options=(
            option("app-key", STR, "BigPanda application key (not a secret: it needs the [bigpanda] token).",
                   default=""),
            option("url", STR, "BigPanda alerts API URL; empty means the [bigpanda] section's.", default=""),
            option("host", STR, "Host reported to BigPanda.", default=""),
            option("primary-property", STR, "BigPanda primary property.", default=""),
            option("secondary-property", STR, "BigPanda secondary property.", default=""),
            option("attributes", ANY_MAP, "Extra BigPanda attributes."),
        ),
        checks=(),
    ),
    Kind(
        name="discord", config_type="discord.HandlerConfig",
        description="Post the event to a Discord channel webhook.",
        options=(
            option("workspace", STR, "[[discord]] workspace to use; empty means the default one.", default=""),
            option("username", STR, "Name shown as the message author.", default=""),
            option("avatar-url", STR, "URL of the author's avatar.", default=""),
            option("embed-title", STR, "Go template of the embed title.", default=""),
        ),
        checks=(),
    ),
    Kind(
        name="exec", config_type="alert.ExecHandlerConfig",
        description="Run a program with the event as JSON on its standard input.",
        options=(
            option("prog", STR, "Path of the program to run.", default=""),
            option("args", LIST, "Arguments of the program."),
        ),
        checks=(check("`prog` is given.", _required("prog", "an exec handler needs prog, the program to run")),),
    ),
    Kind(
        name="hipchat", config_type="hipchat.HandlerConfig",
        description="Send the event to a HipChat room (HipChat was shut down in 2019).",
        options=(
            option("room", STR, "HipChat room.", default=""),
            option("token", STR, "HipChat token; empty means the [hipchat] section's.", default="", secret=SECRET),
        ),
        checks=(),
    ),
    Kind(
        name="kafka", config_type="kafka.HandlerConfig",
        description="Write the event to a Kafka topic.",
        options=(
            option("cluster", STR, "ID of a [[kafka]] section of kapacitor.conf; required.", default=""),
            option("topic", STR, "Kafka topic.", default=""),
            option("template", STR, "Go template of the message.", default=""),
            option("disablePartitionById", BOOL, "Do not choose the partition by the event ID.", default=False),
            option("partitionAlgorithm", STR, "Partition hash algorithm; empty means crc32.", default="",
                   choices=("", "crc32", "murmur2", "fnv-1a")),
        ),
        checks=(check("`cluster` is given.", _kafka_cluster),),
    ),
    Kind(
        name="log", config_type="alert.LogHandlerConfig",
        description="Append the event as a JSON line to a file on the Kapacitor host.",
        options=(
            option("path", STR, "Absolute path of the file; required.", default=""),
            option("mode", INT, "File mode as a decimal number (384 is 0600).", default=384),
        ),
        checks=(
            check("`path` is absolute.", _log_path),
            check("`mode` is a file mode writable by its owner.", _log_mode),
        ),
    ),
    Kind(
        name="mqtt", config_type="mqtt.HandlerConfig",
        description="Publish the event to an MQTT broker (topic-template cannot be set through the API).",
        options=(
            option("broker-name", STR, "[[mqtt]] broker to use; empty means the default one.", default=""),
            option("topic", STR, "Go template of the MQTT topic.", default=""),
            option("qos", QOS, "Quality of service (Kapacitor spells the third exactly-one), or 0, 1 or 2.",
                   default=0, choices=MQTT_QOS),
            option("retained", BOOL, "Publish a retained message.", default=False),
        ),
        checks=(),
    ),
    Kind(
        name="opsgenie", config_type="opsgenie.HandlerConfig",
        description="Send the event to OpsGenie's v1 API (deprecated by Kapacitor: use opsgenie2).",
        options=(
            option("teams-list", LIST, "OpsGenie teams."),
            option("recipients-list", LIST, "OpsGenie recipients."),
        ),
        checks=(),
    ),
    Kind(
        name="opsgenie2", config_type="opsgenie2.HandlerConfig",
        description="Send the event to OpsGenie's v2 API.",
        options=(
            option("teams-list", LIST, "OpsGenie teams."),
            option("recipients-list", LIST, "OpsGenie recipients."),
            option("recovery_action", STR, "What a recovery does: notes adds a note, close closes the alert; empty"
                   " means the [opsgenie2] section's.", default="", choices=("", "notes", "close")),
        ),
        checks=(),
    ),
    Kind(
        name="pagerduty", config_type="pagerduty.HandlerConfig",
        description="Send the event to PagerDuty's v1 API (deprecated by Kapacitor: use pagerduty2).",
        options=(
            option("service-key", STR, "PagerDuty service key; empty means the [pagerduty] section's.", default="",
                   secret=SECRET),
        ),
        checks=(),
    ),
    Kind(
        name="pagerduty2", config_type="pagerduty2.HandlerConfig",
        description="Send the event to PagerDuty's Events API v2.",
        options=(
            option("routing-key", STR, "PagerDuty routing key; empty means the [pagerduty2] section's.", default="",
                   secret=SECRET),
            option("links", OBJECT_LIST, "Links of the incident: objects with href and text (Go templates).",
                   fields=LINK_FIELDS),
        ),
        checks=(),
    ),
    Kind(
        name="post", config_type="httppost.HandlerConfig",
        description="POST the event as JSON to a URL or an [[httppost]] endpoint.",
        options=(
            option("url", STR, "URL to post to (a Go template); required unless endpoint is given.", default=""),
            option("endpoint", STR, "[[httppost]] endpoint of kapacitor.conf to post to.", default=""),
            option("headers", MAP, "HTTP headers to send (credentials: Authorization, API keys).", secret=SECRET),
            option("capture-response", BOOL, "Log the body of a response that is not 2xx.", default=False),
            option("timeout", DURATION, "HTTP timeout; 0 means none.", default=0),
            option("skip-ssl-verification", BOOL, "Do not verify the server's TLS certificate.", default=False),
        ),
        checks=(check("`url` or `endpoint` is given.", _post_target),),
    ),
    Kind(
        name="publish", config_type="alert.PublishHandlerConfig",
        description="Publish the event to other topics.",
        options=(option("topics", LIST, "Topics to publish to."),),
        checks=(
            check("`topics` is given.", _required("topics", "a publish handler needs topics to publish to")),
            check("`topics` does not name the handler's own topic.", _not_own_topic("topics")),
        ),
    ),
    Kind(
        name="pushover", config_type="pushover.HandlerConfig",
        description="Send the event to Pushover.",
        options=(
            option("device", STR, "Pushover device.", default=""),
            option("title", STR, "Message title.", default=""),
            option("url", STR, "Supplementary URL shown with the message.", default=""),
            option("url-title", STR, "Title of the supplementary URL.", default=""),
            option("sound", STR, "Pushover sound.", default=""),
            option("user-key", STR, "Pushover user key; empty means the [pushover] section's.", default="",
                   secret=SECRET),
        ),
        checks=(),
    ),
    Kind(
        name="sensu", config_type="sensu.HandlerConfig",
        description="Send the event to a Sensu client.",
        options=(
            option("source", STR, "Go template of the Sensu source.", default=""),
            option("handlers", LIST, "Sensu handlers."),
            option("metadata", ANY_MAP, "Extra fields of the Sensu check result."),
        ),
        checks=(),
    ),
    Kind(
        name="servicenow", config_type="servicenow.HandlerConfig",
        description="Send the event to ServiceNow (the last five strings are matched by Go field name).",
        options=(
            option("url", STR, "ServiceNow events API URL; empty means the [servicenow] section's.", default=""),
            option("username", STR, "ServiceNow user name.", default=""),
            option("password", STR, "ServiceNow password.", default="", secret=SECRET),
            option("source", STR, "Event source.", default=""),
            option("Node", STR, "Go template of the event node.", default=""),
            option("Type", STR, "Go template of the event type.", default=""),
            option("Resource", STR, "Go template of the event resource.", default=""),
            option("MetricName", STR, "Go template of the metric name (Kapacitor refuses metric_name).", default=""),
            option("MessageKey", STR, "Go template of the message key (Kapacitor refuses message_key).", default=""),
            option("additional_info", ANY_MAP, "Extra fields of the event."),
        ),
        checks=(),
    ),
    Kind(
        name="slack", config_type="slack.HandlerConfig",
        description="Post the event to Slack.",
        options=(
            option("workspace", STR, "[[slack]] workspace to use; empty means the default one.", default=""),
            option("channel", STR, "Slack channel, such as #alerts.", default=""),
            option("username", STR, "Name shown as the message author.", default=""),
            option("icon-emoji", STR, "Emoji used as the message icon, such as :ghost:.", default=""),
        ),
        checks=(),
    ),
    Kind(
        name="smtp", config_type="smtp.HandlerConfig",
        description="Send the event by e-mail through the [smtp] server.",
        options=(
            option("to", LIST, "Recipient addresses."),
            option("to-field", LIST, "Go templates that render further recipient addresses."),
        ),
        checks=(),
    ),
    Kind(
        name="snmptrap", config_type="snmptrap.HandlerConfig",
        description="Send the event as an SNMP trap.",
        options=(
            option("trap-oid", STR, "OID of the trap.", default=""),
            option("data-list", OBJECT_LIST, "Variable bindings: objects with oid, type and value (a Go template).",
                   fields=SNMP_DATA_FIELDS),
        ),
        checks=(),
    ),
    Kind(
        name="talk", config_type=None,
        description="Send the event to Talk; it takes no options (Kapacitor never reads them).",
        options=(),
        checks=(),
    ),
    Kind(
        name="tcp", config_type="alert.TCPHandlerConfig",
        description="Send the event as a JSON line to a TCP address.",
        options=(option("address", STR, "Address to connect to, host:port.", default=""),),
        checks=(check("`address` is host:port.", _tcp_address),),
    ),
    Kind(
        name="teams", config_type="teams.HandlerConfig",
        description="Post the event to a Microsoft Teams channel.",
        options=(
            option("channel-url", STR, "Teams channel webhook URL; empty means the [teams] section's.", default="",
                   secret=SECRET),
        ),
        checks=(),
    ),
    Kind(
        name="telegram", config_type="telegram.HandlerConfig",
        description="Send the event to a Telegram chat.",
        options=(
            option("chat-id", STR, "Telegram chat ID (a string, also when it is a number).", default=""),
            option("parse-mode", STR, "Message format: Markdown or HTML (any case); empty means plain text.",
                   default=""),
            option("disable-web-page-preview", BOOL, "Disable link previews.", default=False),
            option("disable-notification", BOOL, "Send silently.", default=False),
        ),
        checks=(check("`parse-mode` is Markdown or HTML, in any case.", _telegram_parse_mode),),
    ),
    Kind(
        name="victorops", config_type="victorops.HandlerConfig",
        description="Send the event to VictorOps (Splunk On-Call).",
        options=(
            option("routing-key", STR, "VictorOps routing key (not a secret: it needs the [victorops] API key).",
                   default=""),
        ),
        checks=(),
    ),
    Kind(
        name="zenoss", config_type="zenoss.HandlerConfig",
        description="Send the event to Zenoss (the strings after tid are matched by Go field name).",
        options=(
            option("action", STR, "Router name.", default=""),
            option("method", STR, "Router method.", default=""),
            option("type", STR, "Event type.", default=""),
            option("tid", INT, "Event TID.", default=0),
            option("Summary", STR, "Go template of the event summary.", default=""),
            option("Device", STR, "Go template of the device.", default=""),
            option("Component", STR, "Go template of the component.", default=""),
            option("EventClassKey", STR, "Go template of the event class key (Kapacitor refuses evclasskey).",
                   default=""),
            option("EventClass", STR, "Go template of the event class (Kapacitor refuses evclass).", default=""),
            option("Collector", STR, "Collector name.", default=""),
            option("Message", STR, "Go template of the message.", default=""),
            option("customField", ANY_MAP, "Extra fields of the event."),
        ),
        checks=(),
    ),
)

KINDS = collections.OrderedDict((k.name, k) for k in _KINDS)
KIND_NAMES = tuple(KINDS)

# Names users reach for that are not Kapacitor's kind names.
KIND_HINTS = {"email": "smtp", "httppost": "post", "http": "post", "file": "log"}


def get_kind(name):
    """The Kind record of a kind name (case-sensitive, as Kapacitor matches it), or None."""
    return KINDS.get(name)


def user_name(kapacitor_name):
    """The module spelling of an option: snake_case (disablePartitionById -> disable_partition_by_id)."""
    return handlers.test_option_user_name(kapacitor_name)


def find_option(kind, key):
    """The Option that a key names, or None.

    A key names an option when it is Kapacitor's spelling or the module spelling, with '-' or
    '_' between words, in any case (Kapacitor itself matches its spelling in any case).
    """
    folded = str(key).lower()
    for opt in kind.options:
        if folded == opt.name.lower() or folded.replace("-", "_") == user_name(opt.name):
            return opt
    return None


def decoded_option(kind, key):
    """The Option that Kapacitor decodes a stored key into (its spelling in any case), or None."""
    folded = str(key).lower()
    for opt in kind.options:
        if folded == opt.name.lower():
            return opt
    return None
