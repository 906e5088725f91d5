# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make awx-runner`: run the AWX project examples/awx/ through ansible-runner, as AWX runs a job.

AWX hands a job to ansible-runner as a private data directory: `project/` (the synced project),
`inventory/`, `env/envvars` (what the job's credentials inject), `env/extravars` (the survey
answers) and the files the credentials' file injectors write. This script builds one:

- the Kapacitor credential's environment is computed from the injectors of
  awx/credential_type.yml, rendered with Jinja as AWX renders them (`tower.filename.<name>` is
  the path of a file injector's file), for a credential with URL, username, password and token;
- the survey answers are checked against examples/awx/survey.json (variables it asks, required
  answers, choices) and completed with its defaults, as AWX does at launch;
- the collection comes from the staged copy (AWX installs collections/requirements.yml there).

Then it runs examples/awx/configure_alert_endpoints.yml twice (then once more with a credential
that holds a bearer token instead of a password) against a Kapacitor emulator with
authentication on, and fails unless the first run changes endpoints, the second changes
nothing, the server holds what the survey asked (the comma-separated recipients as a list), and
no secret given (credential or survey password) appears in the job events or stdout.

Over plain http: the credential's CA certificate field is left empty.

    python tests/tools/run_awx_example.py --collections-path .build
"""

from __future__ import annotations

import argparse
import base64
import glob
import json
import os
import shutil
import sys
import tempfile
import time

import ansible_runner
import jinja2.sandbox
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, "examples", "awx")
PLAYBOOK = "configure_alert_endpoints.yml"
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))
import harness  # noqa: E402  pylint: disable=wrong-import-position

SHARED_SECRET = "awx-runner shared secret, 32 characters or more"
PASSWORD = "awx-runner-password-9f1c"
ROUTING_KEY = "awx-runner-routing-key-5d2e"
SLACK_URL = "https://hooks.slack.com/services/T000/B000/awxrunnerwebhook7a3b"
ANSWERS = {
    "smtp_host": "smtp.example.com",
    "smtp_from": "kapacitor@example.com",
    "smtp_to": "oncall@example.com, ops@example.com,",
    "pagerduty_routing_key": ROUTING_KEY,
    "slack_webhook_url": SLACK_URL,
    "test_alerts": "changed",
}
EMULATOR_CONFIG = {
    "http": {"auth-enabled": True, "shared-secret": SHARED_SECRET},
    "emulator": {"users": [{"username": "ansible", "password": PASSWORD, "permissions": ["config", "api"]}]},
}


class CheckError(Exception):
    """The job did not behave as AWX users expect; the message says how."""


def credential_env(credential, inputs, private_data_dir):
    """The environment and files a credential of this type gives a job, as AWX computes them."""
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined)
    fields = {f["id"] for f in credential["inputs"]["fields"]}
    unknown = set(inputs) - fields
    if unknown:
        raise CheckError("credential inputs not in the type: %s" % sorted(unknown))
    missing = set(credential["inputs"].get("required", [])) - set(inputs)
    if missing:
        raise CheckError("required credential inputs missing: %s" % sorted(missing))
    filenames = {}
    for name, template in credential["injectors"].get("file", {}).items():
        if not name.startswith("template."):
            raise CheckError("file injector %r: AWX names them template.<name>" % name)
        path = os.path.join(private_data_dir, "tmp_cred_" + name.split(".", 1)[1])
        with open(path, "w", encoding="utf-8") as f:
            f.write(env.from_string(template).render(**inputs))
        filenames[name.split(".", 1)[1]] = path
    context = dict(inputs, tower={"filename": filenames})
    return {name: env.from_string(template).render(**context)
            for name, template in credential["injectors"].get("env", {}).items()}


def survey_extravars(spec, answers):
    """The extra vars a launch with these answers gives the job, as AWX computes them."""
    questions = {q["variable"]: q for q in spec["spec"]}
    unknown = set(answers) - set(questions)
    if unknown:
        raise CheckError("answers to questions the survey does not ask: %s" % sorted(unknown))
    extravars = {}
    for variable, question in questions.items():
        value = answers.get(variable, question.get("default"))
        if question.get("required") and value in (None, ""):
            raise CheckError("survey question %r is required" % variable)
        if question["type"] == "multiplechoice" and value not in question["choices"]:
            raise CheckError("%r is not a choice of %r" % (value, variable))
        if question["type"] == "integer":
            value = int(value)
        elif value is not None:
            value = str(value)
        extravars[variable] = value
    return extravars


def private_data_dir(collections_path, inputs):
    pdd = tempfile.mkdtemp(prefix="awx-runner-")
    shutil.copytree(EXAMPLE, os.path.join(pdd, "project"))
    shutil.copytree(os.path.join(EXAMPLE, "inventory"), os.path.join(pdd, "inventory"))
    with open(os.path.join(EXAMPLE, "collections", "requirements.yml"), encoding="utf-8") as f:
        required = [c["name"] for c in yaml.safe_load(f)["collections"]]
    if required != ["tickstack.kapacitor"]:
        raise CheckError("collections/requirements.yml should name tickstack.kapacitor alone: %s" % required)
    with open(os.path.join(ROOT, "awx", "credential_type.yml"), encoding="utf-8") as f:
        credential = yaml.safe_load(f)
    envvars = credential_env(credential, inputs, pdd)
    envvars["ANSIBLE_COLLECTIONS_PATH"] = collections_path
    with open(os.path.join(EXAMPLE, "survey.json"), encoding="utf-8") as f:
        extravars = survey_extravars(json.load(f), ANSWERS)
    os.makedirs(os.path.join(pdd, "env"))
    write_envvars(pdd, envvars)
    with open(os.path.join(pdd, "env", "extravars"), "w", encoding="utf-8") as f:
        json.dump(extravars, f)
    return pdd, envvars


def write_envvars(pdd, envvars):
    with open(os.path.join(pdd, "env", "envvars"), "w", encoding="utf-8") as f:
        json.dump(envvars, f)


def run_job(pdd, ident):
    # --diff: the job template of docs/awx.md has diff_mode on, so the events carry the diffs too.
    result = ansible_runner.run(private_data_dir=pdd, playbook=PLAYBOOK, ident=ident, quiet=True, cmdline="--diff")
    with open(os.path.join(pdd, "artifacts", ident, "stdout"), encoding="utf-8") as f:
        stdout = f.read()
    if result.status != "successful" or result.rc != 0:
        raise CheckError("job %s: %s (rc %s)\n%s" % (ident, result.status, result.rc, stdout))
    return result, stdout


def leaked(pdd, ident, stdout, secrets, shown=None):
    """Where a secret appears in the job's output; shown: a value that must appear in the events."""
    texts = [("stdout", stdout)]
    for path in sorted(glob.glob(os.path.join(pdd, "artifacts", ident, "job_events", "*.json"))):
        with open(path, encoding="utf-8") as f:
            texts.append((os.path.basename(path), f.read()))
    if len(texts) < 3:
        raise CheckError("job %s wrote no job events" % ident)
    if shown and not any(shown in text for where, text in texts[1:]):
        # Then the events would not show a leaked secret either: the check would prove nothing.
        raise CheckError("job %s: the job events do not show the options written (%r)" % (ident, shown))
    return ["%s in %s" % (label, where) for where, text in texts for label, secret in secrets.items() if secret in text]


def check(collections_path):
    with harness.Emulator(config=EMULATOR_CONFIG, controls=False) as kapacitor:
        token = harness.make_token(SHARED_SECRET, {"username": "ansible", "exp": int(time.time()) + 3600})
        basic = {"kapacitor_url": kapacitor.url, "kapacitor_username": "ansible", "kapacitor_password": PASSWORD,
                 "kapacitor_validate_certs": True}
        pdd, envvars = private_data_dir(collections_path, basic)
        secrets = {"password": PASSWORD, "token": token, "routing key": ROUTING_KEY, "webhook": SLACK_URL}
        try:
            first, stdout = run_job(pdd, "first")
            problems = leaked(pdd, "first", stdout, secrets, shown="ops@example.com")
            changed = sum(first.stats["changed"].values())
            if changed == 0:
                problems.append("the first job changed nothing")
            for ident in ("second", "token"):
                if ident == "token":
                    # The same job with a credential that holds a bearer token instead of a password.
                    with open(os.path.join(ROOT, "awx", "credential_type.yml"), encoding="utf-8") as f:
                        credential = yaml.safe_load(f)
                    bearer = {"kapacitor_url": kapacitor.url, "kapacitor_token": token}
                    write_envvars(pdd, dict(credential_env(credential, bearer, pdd),
                                            ANSIBLE_COLLECTIONS_PATH=collections_path))
                again, stdout = run_job(pdd, ident)
                problems += leaked(pdd, ident, stdout, secrets)
                if any(again.stats["changed"].values()):
                    problems.append("the %s job changed something: %s\n%s" % (ident, again.stats["changed"], stdout))
            problems += server_state(kapacitor)
        except CheckError:
            print("(private data dir kept in %s)" % pdd, file=sys.stderr)
            raise
        if problems:
            print("(private data dir kept in %s)" % pdd, file=sys.stderr)
            raise CheckError("\n".join(problems))
        shutil.rmtree(pdd)
        print("first job: changed=%d; second job and one with a token credential: changed=0; "
              "environment from the credential type: %s"
              % (changed, ", ".join(sorted(n for n in envvars if n.startswith("KAPACITOR_")))))


def server_state(kapacitor):
    problems = []
    headers = {"Authorization": "Basic " + base64.b64encode(("ansible:" + PASSWORD).encode()).decode()}
    status, smtp = kapacitor.json("GET", "/kapacitor/v1/config/smtp/", headers=headers)
    options = smtp["options"] if status == 200 else {}
    if options.get("to") != ["oncall@example.com", "ops@example.com"] or options.get("enabled") is not True:
        problems.append("smtp on the server is not what the survey asked: %s %s" % (status, smtp))
    status, pagerduty = kapacitor.json("GET", "/kapacitor/v1/config/pagerduty2/", headers=headers)
    if status != 200 or pagerduty["options"].get("routing-key") is not True:
        problems.append("pagerduty2 routing key not set on the server: %s %s" % (status, pagerduty))
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--collections-path", required=True, help="directory holding ansible_collections/")
    args = parser.parse_args(argv)
    try:
        check(os.path.abspath(args.collections_path))
    except CheckError as exc:
        print("awx-runner FAILED: %s" % exc, file=sys.stderr)
        return 1
    print("awx-runner: examples/awx ran three times through ansible-runner as AWX runs it; no secret in its events")
    return 0


if __name__ == "__main__":
    sys.exit(main())
