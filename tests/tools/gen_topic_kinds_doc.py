"""Generate docs/topic-handlers.md from the kind table in plugins/module_utils/topic_kinds.py.

    python3 tests/tools/gen_topic_kinds_doc.py          # rewrite docs/topic-handlers.md
    python3 tests/tools/gen_topic_kinds_doc.py --check  # exit 1 when docs/topic-handlers.md is out of date

render() is also used by the unit test that checks the file for drift. The caller passes the
table module (the unit test imports it from the collection); run as a script, the table is
loaded from its file with the one module it needs from the collection.
"""
import importlib.util
import json
import os
import sys
import types

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UTILS = os.path.join(ROOT, "plugins", "module_utils")
OUTPUT = os.path.join(ROOT, "docs", "topic-handlers.md")
PACKAGE = "ansible_collections.tickstack.kapacitor.plugins.module_utils"


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_table():
    """topic_kinds.py loaded from its file; its one import (handlers.py) is loaded the same way."""
    for index, part in enumerate(PACKAGE.split(".")):
        name = ".".join(PACKAGE.split(".")[:index + 1])
        sys.modules.setdefault(name, types.ModuleType(name))
    sys.modules[PACKAGE + ".handlers"] = _load(PACKAGE + ".handlers", os.path.join(UTILS, "handlers.py"))
    sys.modules[PACKAGE].handlers = sys.modules[PACKAGE + ".handlers"]
    return _load("kapacitor_topic_kinds_table", os.path.join(UTILS, "topic_kinds.py"))


def _type(t, option):
    words = {
        t.STR: "str", t.BOOL: "bool", t.INT: "int", t.DURATION: "duration", t.LIST: "list of str",
        t.MAP: "dict of str", t.ANY_MAP: "dict", t.OBJECT_LIST: "list of dict", t.QOS: "str or int",
    }
    return words[option.type]


def _value(value):
    return "`%s`" % json.dumps(value)


def _default(t, option):
    if option.default is None:
        return ""
    if option.type == t.DURATION:
        return "`%s`" % _go_duration(option.default)
    return _value(option.default)


def _go_duration(ns):
    """Go's rendering of a whole number of seconds (the only duration defaults): 0s, 24h0m0s."""
    minutes, seconds = divmod(ns // 1000000000, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return "%dh%dm%ds" % (hours, minutes, seconds)
    return "%dm%ds" % (minutes, seconds) if minutes else "%ds" % seconds


QUIRKS = [
    "- **Durations are integer nanoseconds on the wire.** Kapacitor refuses `\"10s\"` for a duration option. Give a",
    "  Go duration string (`10s`, `1m30s`, `24h`) or an integer number of nanoseconds; the modules send",
    "  nanoseconds and show durations back as Go duration strings.",
    "- **No rename through the module.** The handler's `id` is both the URL and the body ID, so a new `id` makes a",
    "  new handler; remove the old one with `state: absent`. (Kapacitor renames on a PUT whose body names",
    "  another ID, and then silently overwrites a handler that already has that ID.)",
    "- **A topic is never deleted by the module.** Deleting a topic in Kapacitor leaves its handlers stored but",
    "  detached, so they stop firing until Kapacitor restarts. `state: absent` deletes one handler, never a",
    "  topic, and never uses a URL with a trailing slash (Kapacitor would take it for the topic).",
    "- **Every option of a handler is sent on each change.** A replace is a PUT of the whole handler: options",
    "  left out of the task are dropped from the handler, and `match` left out is cleared.",
    "- **Secrets come back in clear text** from Kapacitor's GET. The modules compare them (so a changed secret is",
    "  a change) but show them only as `<set>` / `<unset>`, and exports leave them out and list their names.",
    "  Values under an option that the kind does not have count as secrets too.",
    "- **Which options are secrets.** An option is a secret when Kapacitor redacts the option of the same name",
    "  in the kind's config section (alerta `token`, hipchat `token`, pagerduty `service_key`, pagerduty2",
    "  `routing_key`, pushover `user_key`, servicenow `password`), or when it is a credential by itself: the",
    "  teams `channel_url` (a webhook anyone can post to) and post `headers` (Authorization, API keys; their",
    "  names are shown, their values never). bigpanda `app_key` and victorops `routing_key` are not: the config",
    "  sections do not redact them, and they authorise nothing without the section's token or API key. No",
    "  handler option holds a basic-auth or SMTP password, a Slack URL or a Telegram token: those are set in",
    "  the config sections (`kapacitor_alert_endpoint`).",
    "- **Option names match without regard to case**, as Kapacitor matches them: a handler created by hand with",
    "  `TID` or `MetricName` compares equal to `tid` or `metric_name` given to the module, a duration stored",
    "  as nanoseconds equals the same duration given as a string, and an option left out equals its default.",
    "- **Checks that need the server are Kapacitor's.** A kafka `cluster` or post `endpoint` must name a section",
    "  of kapacitor.conf; a template or `match` expression that does not parse is refused by Kapacitor",
    "  with a 500 error, reported as it is.",
    "- **A handler whose kind is disabled** (`kapacitord -disable-handlers`) comes back from Kapacitor with an",
    "  empty ID; the modules fail on it instead of creating it a second time.",
]


def render(t=None):
    t = t or load_table()
    lines = [
        "# Alert topic handler reference",
        "",
        "<!-- Generated by tests/tools/gen_topic_kinds_doc.py from plugins/module_utils/topic_kinds.py. Do not edit. -->",
        "",
        "The kinds of handler that Kapacitor attaches to an alert topic",
        "(`/kapacitor/v1/alerts/topics/<topic>/handlers/<id>`), and the `options` each takes. Give an option",
        "by its module name (snake_case), with `-` instead of `_`, or in Kapacitor's own spelling, in any",
        "case. Kapacitor applies the defaults listed (and the kind's kapacitor.conf section) when the handler",
        "runs; it never writes them into the handler.",
        "",
        "## What to know",
        "",
    ] + QUIRKS + [
        "",
        "## Kinds",
        "",
        "| kind | options |",
        "| --- | --- |",
    ]
    for kind in t.KINDS.values():
        lines.append("| [%s](#%s) | %s |" % (kind.name, kind.name, ", ".join(
            "`%s`" % t.user_name(o.name) for o in kind.options) or "(none)"))
    for kind in t.KINDS.values():
        lines += ["", "### %s" % kind.name, "", kind.description]
        if kind.config_type:
            lines += ["", "Kapacitor decodes the options into `%s`." % kind.config_type]
        if kind.checks:
            lines += ["", "Checked before sending: %s" % " ".join(c.description for c in kind.checks)]
        if not kind.options:
            continue
        lines += ["", "| module name | Kapacitor name | type | default | secret | description |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for option in kind.options:
            desc = option.description
            if option.choices:
                desc += " One of: %s." % ", ".join(_value(c) for c in option.choices)
            if option.fields:
                desc += " Keys: %s." % ", ".join("`%s`" % f.name for f in option.fields)
            lines.append("| `%s` | `%s` | %s | %s | %s | %s |" % (
                t.user_name(option.name), option.name, _type(t, option), _default(t, option),
                "yes" if option.secret else "no", desc))
    return "\n".join(lines) + "\n"


def main(argv):
    generator = _load("gen_handlers_doc", os.path.join(ROOT, "tests", "tools", "gen_handlers_doc.py"))
    return generator.write_or_check(argv, render(), OUTPUT, "tests/tools/gen_topic_kinds_doc.py")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
