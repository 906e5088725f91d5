"""The alert endpoints the benchmark converges: one per handler, 21 in all.

Each entry is configured the way an operator fills in the matching Chronograf tab: the handler
enabled, its webhook or server, its secret and a few routing options. Every entry differs from
Kapacitor's built-in defaults, so a first run against a fresh server changes every endpoint, and
the values are written the way a person would write them (durations as "60s", not Kapacitor's
rendering "1m0s"), so a second run only stays unchanged if they are compared as Kapacitor renders
them.

List handlers use the element that a server without kapacitor.conf already has (slack and discord:
the unnamed workspace, kafka and mqtt: "default", httppost: "example"), so that the baseline of
plain ansible.builtin.uri POSTs, which can only `set` an existing element, does the same work as
the role on every run.

Options are named as Kapacitor names them (with `-`); `role_endpoint` gives the role's spelling.
The first seven are the endpoints most teams configure, in the order the grid takes them.
"""

CATALOGUE = [
    {"handler": "slack", "name": "", "config": {
        "enabled": True, "url": "https://hooks.slack.com/services/T0BENCH01/B0BENCH01/benchSlackWebhook01",
        "channel": "#ops-alerts", "username": "kapacitor-prod", "icon-emoji": ":rotating_light:", "global": True}},
    {"handler": "smtp", "config": {
        "enabled": True, "host": "smtp.example.com", "port": 587, "username": "alerts@example.com",
        "password": "bench-smtp-password", "from": "kapacitor@example.com",
        "to": ["oncall@example.com", "ops@example.com"], "idle-timeout": "60s", "state-changes-only": True}},
    {"handler": "pagerduty2", "config": {
        "enabled": True, "routing-key": "bench0pagerduty0routing0key00001", "global": False}},
    {"handler": "opsgenie2", "config": {
        "enabled": True, "api-key": "bench-opsgenie-api-key", "teams": ["ops", "dba"],
        "recipients": ["oncall@example.com"], "recovery_action": "close", "details": True}},
    {"handler": "teams", "config": {
        "enabled": True, "channel-url": "https://example.webhook.office.com/webhookb2/bench/IncomingWebhook/0001",
        "state-changes-only": True}},
    {"handler": "telegram", "config": {
        "enabled": True, "token": "123456789:bench-telegram-token", "chat-id": "-1001234567890",
        "parse-mode": "Markdown", "disable-web-page-preview": True}},
    {"handler": "httppost", "name": "example", "config": {
        "url": "https://events.example.com/kapacitor", "headers": {"X-Source": "kapacitor", "X-Team": "ops"},
        "basic-auth": {"username": "kapacitor", "password": "bench-httppost-password"}}},
    {"handler": "victorops", "config": {
        "enabled": True, "api-key": "bench-victorops-api-key", "routing-key": "ops", "json-data": True}},
    {"handler": "alerta", "config": {
        "enabled": True, "url": "https://alerta.example.com/api", "token": "bench-alerta-token",
        "token-prefix": "Bearer", "environment": "Production", "origin": "kapacitor", "timeout": "10s"}},
    {"handler": "bigpanda", "config": {
        "enabled": True, "app-key": "bench0bigpanda0app0key", "token": "bench-bigpanda-token",
        "state-changes-only": True}},
    {"handler": "discord", "name": "", "config": {
        "enabled": True, "url": "https://discord.com/api/webhooks/000000000000000001/benchDiscordWebhook",
        "username": "Kapacitor", "embed-title": "Kapacitor alert", "timestamp": True}},
    {"handler": "kafka", "name": "default", "config": {
        "enabled": True, "brokers": ["kafka-1.example.com:9092", "kafka-2.example.com:9092"], "timeout": "10s",
        "batch-size": 100, "batch-timeout": "1s"}},
    {"handler": "mqtt", "name": "default", "config": {
        "enabled": True, "url": "tcp://mqtt.example.com:1883", "client-id": "kapacitor-prod",
        "username": "kapacitor", "password": "bench-mqtt-password"}},
    {"handler": "opsgenie", "config": {
        "enabled": True, "api-key": "bench-opsgenie-v1-api-key", "teams": ["ops"], "recipients": ["oncall@example.com"]}},
    {"handler": "pagerduty", "config": {
        "enabled": True, "service-key": "bench0pagerduty0service0key00001"}},
    {"handler": "pushover", "config": {
        "enabled": True, "token": "bench-pushover-app-token", "user-key": "bench-pushover-user-key"}},
    {"handler": "sensu", "config": {
        "enabled": True, "addr": "sensu.example.com:3030", "source": "kapacitor-prod", "handlers": ["default", "mail"]}},
    {"handler": "servicenow", "config": {
        "enabled": True, "url": "https://example.service-now.com/api/global/em/jsonv2", "source": "kapacitor",
        "username": "kapacitor", "password": "bench-servicenow-password"}},
    {"handler": "snmptrap", "config": {
        "enabled": True, "addr": "snmp.example.com:162", "retries": 3}},
    {"handler": "talk", "config": {
        "enabled": True, "url": "https://jianliao.com/v2/services/webhook/bench-talk-token", "author_name": "Kapacitor"}},
    {"handler": "zenoss", "config": {
        "enabled": True, "url": "https://example.zenoss.io:8080/zport/dmd/evconsole_router", "username": "kapacitor",
        "password": "bench-zenoss-password", "collector": "kapacitor-prod",
        "severity-map": {"ok": "Clear", "info": "Info", "warning": "Error", "critical": "Critical"}}},
]


def endpoints(count):
    """The first `count` entries of the catalogue."""
    if not 1 <= count <= len(CATALOGUE):
        raise ValueError("the catalogue has %d endpoints, asked for %d" % (len(CATALOGUE), count))
    return CATALOGUE[:count]


def role_endpoint(entry):
    """An entry as the role's kapacitor_alert_endpoints takes it (options written with `_`)."""
    item = {"handler": entry["handler"], "config": {k.replace("-", "_"): v for k, v in entry["config"].items()}}
    if "name" in entry:
        item["name"] = entry["name"]
    return item


def element_path(entry):
    """The config API path of an entry's element (trailing slash for the unnamed or single element)."""
    return "/kapacitor/v1/config/%s/%s" % (entry["handler"], entry.get("name", ""))
