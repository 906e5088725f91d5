"""Ten plays at once against one Kapacitor: nothing may be lost, and no run may fail.

Each play is its own ansible-playbook process (as ten AWX jobs started together would be) and
manages, with the role, its own element of each of four list sections (slack, discord, kafka,
httppost) and its own option of the non-list smtp section, plus `enabled` and `from`, which every
play sets to the same value. mqtt stays out: Kapacitor itself refuses a second mqtt broker while none is
the default, so ten plays adding brokers would fail for a reason that has nothing to do with
concurrency.

After the ten plays, each list section must hold exactly its default element and the ten plays'
elements, every element what its play asked and nothing of another play's, and smtp every play's
option. Each play converges its list with one module run, so the emulator must have seen, per play,
one read of every endpoint, one POST per endpoint and one read after the writes. Then the ten plays
run again at once and must change nothing and send exactly one GET each and no POST.
"""
import concurrent.futures
import json
import os
import re

import runner
from catalogue import role_endpoint

PLAYS = 10
LIST_SECTIONS = {"slack": "", "discord": "", "kafka": "default", "httppost": "example"}

# What every play sets in smtp, the same way (Kapacitor requires `from` once smtp is enabled).
SMTP_SHARED = {"enabled": True, "from": "kapacitor@example.com"}
# Each play's own smtp option: (Kapacitor name, value sent, value Kapacitor then shows).
SMTP_OPTIONS = [
    ("host", "smtp.example.com", "smtp.example.com"),
    ("port", 587, 587),
    ("username", "alerts@example.com", "alerts@example.com"),
    ("to", ["oncall@example.com", "ops@example.com"], ["oncall@example.com", "ops@example.com"]),
    ("to-templates", ["alerts-oncall@example.com"], ["alerts-oncall@example.com"]),
    ("no-verify", True, True),
    ("global", True, True),
    ("state-changes-only", True, True),
    ("idle-timeout", "90s", "1m30s"),
    ("password", "concurrency-smtp-password", True),
]


def team(index):
    return "team%02d" % index


def play_endpoints(index):
    """The endpoints of play `index`, in Kapacitor's spelling, with what GET must show afterwards."""
    name = team(index)
    option, value, shown = SMTP_OPTIONS[index]
    return [
        ({"handler": "slack", "name": name, "config": {
            "enabled": True, "default": False, "url": "https://hooks.slack.com/services/T0/B0/%s" % name,
            "channel": "#%s" % name, "username": "kapacitor-%s" % name}},
         {"url": True}),
        ({"handler": "discord", "name": name, "config": {
            "enabled": True, "default": False, "url": "https://discord.com/api/webhooks/1/%s" % name,
            "username": "kapacitor-%s" % name}},
         {}),
        ({"handler": "kafka", "name": name, "config": {
            "enabled": True, "brokers": ["kafka-%s.example.com:9092" % name], "batch-size": 10 + index,
            "batch-timeout": "2s"}},
         {}),
        ({"handler": "httppost", "name": name, "config": {
            "url": "https://events.example.com/%s" % name, "headers": {"X-Team": name}}},
         {}),
        ({"handler": "smtp", "config": dict(SMTP_SHARED, **{option: value})},
         {option: shown}),
    ]


def element_key(section):
    return {"slack": "workspace", "discord": "workspace", "kafka": "id", "httppost": "endpoint"}[section]


def check_state(emulator):
    """Differences between what the emulator holds and what the ten plays asked (empty: all good)."""
    problems = []
    for section, default_element in LIST_SECTIONS.items():
        body = runner.state(emulator, "/kapacitor/v1/config/%s" % section) or {"elements": []}
        names = sorted(el["options"][element_key(section)] for el in body["elements"])
        expected = sorted({default_element} | {team(i) for i in range(PLAYS)})
        if names != expected:
            problems.append("%s holds elements %s, expected %s" % (section, names, expected))
    smtp = (runner.state(emulator, "/kapacitor/v1/config/smtp/") or {}).get("options", {})
    for index in range(PLAYS):
        for endpoint, shown in play_endpoints(index):
            if endpoint["handler"] == "smtp":
                options = smtp
                wanted = dict(SMTP_SHARED, **shown)
            else:
                path = "/kapacitor/v1/config/%s/%s" % (endpoint["handler"], endpoint["name"])
                options = (runner.state(emulator, path) or {}).get("options", {})
                wanted = {k: shown.get(k, v) for k, v in endpoint["config"].items()}
            for option, value in wanted.items():
                if options.get(option) != value:
                    problems.append("%s/%s: %s is %r, play %d asked for %r" % (
                        endpoint["handler"], endpoint.get("name", ""), option, options.get(option), index, value))
            if endpoint["handler"] != "smtp":
                # Nothing of another play's may have landed in this play's element.
                strangers = set(re.findall(r"team\d\d", json.dumps(options))) - {endpoint["name"]}
                if strangers:
                    problems.append("%s/%s holds values of %s" % (endpoint["handler"], endpoint["name"], sorted(strangers)))
    return problems


def _run_round(label, emulator, workdir, env, role_vars):
    def one(index):
        endpoints = [role_endpoint(e) for e, unused in play_endpoints(index)]
        inventory = runner.write_inventory(
            os.path.join(workdir, "%s-play%02d.inventory.json" % (label, index)), [emulator],
            dict(role_vars, kapacitor_alert_endpoints=endpoints))
        return runner.run_playbook("converge_role.yml", inventory, env, workdir, "%s-play%02d" % (label, index),
                                   sample_memory=False)

    with concurrent.futures.ThreadPoolExecutor(max_workers=PLAYS) as pool:
        return list(pool.map(one, range(PLAYS)))


def request_problems(label, emulator, runs, gets, posts):
    """Requests the emulator saw during a round, and module runs per play, against what each play may send."""
    problems = []
    log = emulator.requests()
    counted = {"GET": 0, "POST": 0}
    for request in log:
        method = request["method"] if request["method"] in counted else "other"
        counted[method] = counted.get(method, 0) + 1
        if method == "GET" and request["path"].rstrip("/") != runner.READ_ALL_PATH:
            problems.append("%s: GET %s, expected only reads of every endpoint" % (label, request["path"]))
    expected = {"GET": gets * PLAYS, "POST": posts * PLAYS}
    if counted != expected:
        problems.append("%s: the emulator saw %s, expected %s (%d plays)" % (label, counted, expected, PLAYS))
    for result in runs:
        module_runs = sorted(set(runner.module_runs(result["tasks"]).values()))
        if module_runs != [1]:
            problems.append("%s: play %s ran %s modules, expected one" % (label, result["label"], module_runs))
    return problems


def run(workdir, collections_path, role_vars):
    """Both rounds against one fresh emulator; returns the findings as a dict with `problems`."""
    emulator = runner.start_emulators(1)[0]
    env = runner.ansible_env(workdir, collections_path, forks=1)
    try:
        first = _run_round("concurrency-1", emulator, workdir, env, role_vars)
        problems = ["play %s failed (rc %d), see %s" % (r["label"], r["returncode"], r["log"])
                    for r in first if r["returncode"] != 0]
        endpoints = len(play_endpoints(0))
        problems += request_problems("first round", emulator, first, gets=2, posts=endpoints)
        problems += check_state(emulator)
        emulator.clear_requests()
        second = _run_round("concurrency-2", emulator, workdir, env, role_vars)
        problems += ["second round: play %s failed (rc %d), see %s" % (r["label"], r["returncode"], r["log"])
                     for r in second if r["returncode"] != 0]
        changed = sum(h["changed"] for r in second for t in r["tasks"] for h in t["hosts"].values())
        if changed:
            problems.append("second round: %d tasks reported changed, expected none" % changed)
        problems += request_problems("second round", emulator, second, gets=1, posts=0)
        problems += check_state(emulator)
    finally:
        runner.stop_emulators([emulator])
    return {
        "plays": PLAYS,
        "first_round_wall_s": max(r["wall_s"] for r in first),
        "second_round_wall_s": max(r["wall_s"] for r in second),
        "elements_checked": PLAYS * len(LIST_SECTIONS),
        "smtp_options_checked": len(SMTP_OPTIONS),
        "problems": problems,
    }
