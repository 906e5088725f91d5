# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make demo`: the collection's playbooks against a Kapacitor emulator, start to finish.

Starts the emulator, configures the endpoints of examples/alert_endpoints.yml (Slack with two
workspaces, SMTP, PagerDuty v2, Telegram, Kafka, Zenoss) and its two topic handlers (topic cpu to
Slack in a channel of its own, topic disk to PagerDuty v2 with a routing key of its own), shows the
changes, runs again to show that nothing changes, sends a test alert, exports the endpoints and topic
handlers to a vars file; then starts the Chronograf emulator, connects the Kapacitor emulator to it
and configures two endpoints through Chronograf's Kapacitor proxy, twice (the second run changes
nothing), and stops the emulators. Exits non-zero, with the output of the failing step, as soon as a
step misbehaves.

The Makefile runs it with the collection staged on ANSIBLE_COLLECTIONS_PATH and the venv's
ansible-playbook first on PATH.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EMULATOR = os.path.join(ROOT, "tests", "emulator", "kapacitor_emulator.py")
CHRONOGRAF_EMULATOR = os.path.join(ROOT, "tests", "emulator", "chronograf_emulator.py")
EXAMPLE = os.path.join(ROOT, "examples", "alert_endpoints.yml")
HOST = "kapacitor-demo"
BOLD, GREEN, RED, RESET = ("\033[1m", "\033[32m", "\033[31m", "\033[0m") if sys.stdout.isatty() else ("", "", "", "")


class DemoError(Exception):
    """A step did not do what it should; the message says what."""


def say(text):
    print("\n%s==> %s%s" % (BOLD, text, RESET), flush=True)


def good(text):
    print("    %s%s%s" % (GREEN, text, RESET), flush=True)


def indent(text):
    return "\n".join("    " + line if line else "" for line in text.rstrip("\n").split("\n"))


def start_emulator(workdir, program=EMULATOR, name="emulator"):
    port_file = os.path.join(workdir, name + ".port")
    log = open(os.path.join(workdir, name + ".log"), "wb")  # pylint: disable=consider-using-with
    proc = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, program, "--listen", "127.0.0.1:0", "--port-file", port_file],
        stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise DemoError("the emulator exited (status %s); its log: %s" % (proc.returncode, log.name))
        port = _read(port_file)
        if port:
            return proc, "http://127.0.0.1:%s" % port
        time.sleep(0.1)
    proc.kill()
    raise DemoError("the emulator did not start listening within 15 s; its log: %s" % log.name)


def _read(path):
    try:
        with open(path, encoding="ascii") as f:
            return f.read().strip()
    except FileNotFoundError:
        return ""


def playbook(workdir, name, *args, show=True):
    """Runs tickstack.kapacitor.<name>; returns the recap counts of the demo host."""
    env = dict(os.environ)
    # Only what changed or failed: ok and skipped lines would be pages of noise.
    env.update(ANSIBLE_DISPLAY_OK_HOSTS="false", ANSIBLE_DISPLAY_SKIPPED_HOSTS="false",
               ANSIBLE_FORCE_COLOR="true" if sys.stdout.isatty() else "false",
               ANSIBLE_RETRY_FILES_ENABLED="false", ANSIBLE_STDOUT_CALLBACK="default")
    cmd = ["ansible-playbook", "tickstack.kapacitor." + name, "-i", os.path.join(workdir, "inventory.yml")] + list(args)
    shown = shlex.join(cmd).replace(workdir + os.sep, "").replace(ROOT + os.sep, "")
    print("    $ %s" % shown, flush=True)
    proc = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True, check=False)
    output = proc.stdout + proc.stderr
    plain = re.sub(r"\x1b\[[0-9;]*m", "", output)
    match = re.search(r"^%s\s+:\s+(.*)$" % re.escape(HOST), plain, re.M)
    if proc.returncode != 0 or not match:
        print(indent(output))
        raise DemoError("ansible-playbook tickstack.kapacitor.%s failed (exit status %d)" % (name, proc.returncode))
    if show:
        print(indent(_without_recap(output)))
    counts = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", match.group(1))}
    counts["changed_tasks"] = _changed_tasks(plain)
    # The endpoints a --diff run shows as changed, as handler or handler/name.
    counts["diffed"] = sorted(set(re.findall(r"^\+\+\+ after: (\S+)$", plain, re.M)))
    counts["output"] = plain
    return counts


def _changed_tasks(plain):
    """The names of the tasks that reported changed."""
    tasks, task = [], None
    for line in plain.split("\n"):
        banner = re.match(r"^(?:TASK|RUNNING HANDLER) \[[^:]*: (.*?)\] \**$", line)
        if banner:
            task = banner.group(1)
        if task and re.match(r"^changed: \[%s\]" % re.escape(HOST), line) and task not in tasks:
            tasks.append(task)
    return tasks


def _without_recap(output):
    """The play's output up to its recap, without the play banner and blank lines."""
    lines = []
    for line in output.split("\n"):
        plain = re.sub(r"\x1b\[[0-9;]*m", "", line)
        if plain.startswith("PLAY RECAP"):
            break
        if plain.strip() and not plain.startswith("PLAY ["):
            lines.append(line)
    return "\n".join(lines)


def _export_summary(text, path, workdir):
    """The file's header, its first endpoint, the names of the others, and the topic handlers."""
    lines = text.rstrip("\n").split("\n")
    starts = [i for i, line in enumerate(lines) if line.startswith("- handler:")]
    if not starts:
        raise DemoError("the export lists no endpoint:\n" + text)
    names = []
    for i in starts:
        name = re.match(r"^  name: (.*)$", lines[i + 1]) if i + 1 < len(lines) else None
        names.append(lines[i].split(":", 1)[1].strip() + ("/" + name.group(1).strip("'\"") if name else ""))
    end = starts[1] if len(starts) > 1 else len(lines)
    shown = ["%s:" % os.path.relpath(path, workdir)] + lines[:end]
    if len(starts) > 1:
        shown.append("# ... and %d more endpoints: %s" % (len(starts) - 1, ", ".join(names[1:])))
    if "kapacitor_topic_handlers:" in lines:
        shown += [""] + lines[lines.index("kapacitor_topic_handlers:"):]
    return "\n".join(shown)


def run(workdir):
    say("Starting the Kapacitor emulator (tests/emulator/kapacitor_emulator.py)")
    emulator, url = start_emulator(workdir)
    try:
        good("listening on %s, answering Kapacitor's API as Kapacitor 1.8.3 does" % url)
        with open(os.path.join(workdir, "inventory.yml"), "w", encoding="utf-8") as f:
            f.write("kapacitor:\n  hosts:\n    %s:\n      ansible_connection: local\n"
                    "      ansible_python_interpreter: %s\n      kapacitor_url: %s\n" % (HOST, sys.executable, url))

        say("First run: configure the endpoints and topic handlers of examples/alert_endpoints.yml"
            " (--diff; secrets masked)")
        counts = playbook(workdir, "configure_alert_endpoints", "-e", "@" + EXAMPLE, "-e",
                          "kapacitor_alert_endpoints_test_alerts=changed", "--diff")
        written = [d for d in counts["diffed"] if "/" not in d or d.split("/")[0] not in ("cpu", "disk")]
        tasks = counts["changed_tasks"]
        expected = ["Converge the alert endpoints", "Converge the topic handlers",
                    "Send a test alert through the endpoints that changed"]
        if len(written) != 7 or tasks != expected:
            raise DemoError("expected 7 endpoints and the topic handlers written, then test alerts; got %s written,"
                            " tasks changed: %s" % (written, tasks))
        plain = counts["output"]
        routed = [h for h in ("cpu/slack-cpu", "disk/pagerduty-disk") if "after: %s" % h in plain]
        if len(routed) != 2 or "placeholder" in plain:
            raise DemoError("expected a diff of both topic handlers, without their secrets; got %s" % routed)
        good("%d endpoints written, then a test alert through each: %s" % (len(written), ", ".join(written)))
        good("topic cpu routed to Slack #cpu-alerts and topic disk to PagerDuty v2 with its own routing key"
             " (shown as <set>)")

        say("Second run, same vars: nothing may change")
        counts = playbook(workdir, "configure_alert_endpoints", "-e", "@" + EXAMPLE, show=False)
        if counts.get("changed") != 0:
            raise DemoError("the second run reported changed=%s; it must be 0" % counts.get("changed"))
        good("ok=%d changed=0: idempotent, one read of the endpoints and one per topic" % counts["ok"])

        say("Send a test alert through the Slack workspace 'ops' (Chronograf's 'Send Test Alert')")
        endpoint = '{"kapacitor_alert_endpoints": [{"handler": "slack", "name": "ops", "test_options": {"message": "Hello from make demo"}}]}'
        counts = playbook(workdir, "send_test_alerts", "-e", endpoint)
        if counts["changed_tasks"] != ["Send the test alerts"]:
            raise DemoError("expected the test alert through slack/ops, got changed tasks %s" % counts["changed_tasks"])
        good("Kapacitor accepted the test alert")

        say("Export the endpoints and topic handlers to a vars file (secrets are never exported)")
        playbook(workdir, "export_alert_endpoints", show=False)
        export = os.path.join(workdir, "kapacitor_alert_endpoints", HOST + ".yml")
        with open(export, encoding="utf-8") as f:
            text = f.read()
        if "placeholder" in text:
            raise DemoError("a secret from examples/alert_endpoints.yml appears in the export")
        if "\nkapacitor_topic_handlers:\n" not in text or "id: pagerduty-disk" not in text:
            raise DemoError("the export has no topic handlers:\n" + text)
        print(indent(_export_summary(text, export, workdir)))
        counts = playbook(workdir, "configure_alert_endpoints", "-e", "@" + export, show=False)
        if counts.get("changed") != 0:
            raise DemoError("applying the export to the same server reported changed=%s; it must be 0" % counts.get("changed"))
        good("applied back to the same server: changed=0")

        through_chronograf(workdir, url)
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)
        say("Emulator stopped")


CHRONOGRAF_ENDPOINTS = """\
kapacitor_chronograf_register: true
kapacitor_alert_endpoints:
  - handler: teams
    config: {enabled: true, channel_url: "https://outlook.office.example/webhook/placeholder"}
  - handler: slack
    name: chronograf
    config: {enabled: true, url: "https://hooks.slack.example/services/placeholder", channel: "#alerts"}
"""


def through_chronograf(workdir, kapacitor_url):
    """Connect the Kapacitor emulator to a Chronograf emulator and configure it through Chronograf."""
    say("Start the Chronograf emulator (tests/emulator/chronograf_emulator.py)")
    chronograf, url = start_emulator(workdir, CHRONOGRAF_EMULATOR, "chronograf")
    try:
        good("listening on %s, answering Chronograf's API as Chronograf 1.11.4 does" % url)
        vars_file = os.path.join(workdir, "chronograf.yml")
        with open(vars_file, "w", encoding="utf-8") as f:
            f.write("kapacitor_chronograf_url: %s\n" % url + CHRONOGRAF_ENDPOINTS)

        say("Connect the Kapacitor emulator to Chronograf, then configure two endpoints through Chronograf's proxy")
        counts = playbook(workdir, "configure_alert_endpoints", "-e", "@" + vars_file, "--diff")
        if counts.get("changed") != 2 or counts["diffed"] != ["slack/chronograf", "teams"]:
            raise DemoError("expected the connection and two endpoints changed (changed=2), got changed=%s,"
                            " endpoints %s" % (counts.get("changed"), counts["diffed"]))
        good("Kapacitor (%s) connected to Chronograf as %r, and two endpoints written through its proxy"
             % (kapacitor_url, HOST))

        say("Second run through Chronograf, same vars: nothing may change")
        counts = playbook(workdir, "configure_alert_endpoints", "-e", "@" + vars_file, show=False)
        if counts.get("changed") != 0:
            raise DemoError("the second run through Chronograf reported changed=%s; it must be 0"
                            % counts.get("changed"))
        good("ok=%d changed=0: idempotent through Chronograf too" % counts["ok"])
    finally:
        chronograf.terminate()
        chronograf.wait(timeout=10)
        say("Chronograf emulator stopped")


def main():
    for tool in ("ansible-playbook",):
        if not shutil.which(tool):
            sys.exit("make demo: %s not found on PATH (the Makefile puts the venv's first)" % tool)
    workdir = tempfile.mkdtemp(prefix="kapacitor-demo-")
    try:
        run(workdir)
    except DemoError as exc:
        print("\n%smake demo FAILED: %s%s" % (RED, exc, RESET), file=sys.stderr)
        print("(files kept in %s)" % workdir, file=sys.stderr)
        sys.exit(1)
    shutil.rmtree(workdir)
    print("""
%sDemo complete.%s Next:
    make test                                  every check of the collection
    roles/alert_endpoints/README.md            the role's variables
    examples/alert_endpoints.yml               the vars used above; copy and edit
    ansible-playbook tickstack.kapacitor.configure_alert_endpoints -i <inventory> -e @<vars.yml>
""" % (BOLD, RESET))


if __name__ == "__main__":
    main()
