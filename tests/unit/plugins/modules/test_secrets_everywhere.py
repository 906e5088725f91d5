# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""No secret reaches the journal, syslog or the module's result, on every ansible-core tested.

AnsibleModule logs its invocation to the journal (or syslog) while it is being constructed; the
module base registers the secrets before that. These tests capture both logging paths of
AnsibleModule.log and the module's JSON output, for every secret option of every handler, for
secrets in forms the masking must expect, and for failures that happen before the module runs.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible.module_utils import basic

from ansible_collections.tickstack.kapacitor.plugins.module_utils import connection
from ansible_collections.tickstack.kapacitor.plugins.module_utils.chronograf import ChronografConnection
from ansible_collections.tickstack.kapacitor.plugins.module_utils import handlers
from ansible_collections.tickstack.kapacitor.plugins.module_utils import redaction
from ansible_collections.tickstack.kapacitor.plugins.modules import chronograf_kapacitor
from ansible_collections.tickstack.kapacitor.plugins.module_utils import topic_kinds
from ansible_collections.tickstack.kapacitor.plugins.modules import kapacitor_alert_endpoint
from ansible_collections.tickstack.kapacitor.plugins.modules import kapacitor_alert_endpoint_info
from ansible_collections.tickstack.kapacitor.plugins.modules import kapacitor_alert_endpoints
from ansible_collections.tickstack.kapacitor.plugins.modules import kapacitor_test_alert
from ansible_collections.tickstack.kapacitor.plugins.modules import kapacitor_topic_handler
from ansible_collections.tickstack.kapacitor.plugins.modules import kapacitor_topic_handler_info
from ansible_collections.tickstack.kapacitor.plugins.modules import kapacitor_topic_handlers
from ansible_collections.tickstack.kapacitor.tests.unit.plugins.module_utils.fake_kapacitor import FakeKapacitor
from ansible_collections.tickstack.kapacitor.tests.unit.plugins.module_utils.fake_topics import FakeTopics
from ansible_collections.tickstack.kapacitor.tests.unit.plugins.modules.module_runner import run_main
from ansible_collections.tickstack.kapacitor.tests.unit.plugins.modules.test_chronograf_kapacitor import FakeChronograf

PASSWORD = "conn-PASSW0RD-xq"
TOKEN = "conn-T0KEN-zv"


class Journal:
    """Stands in for systemd.journal: records what AnsibleModule.log sends."""

    def __init__(self):
        self.sent = []

    def send(self, **fields):
        self.sent.append(fields)


class Syslog:
    """Stands in for the syslog module."""

    LOG_USER = 8
    LOG_INFO = 6

    def __init__(self):
        self.sent = []

    def openlog(self, ident, *args):
        self.sent.append(ident)

    def syslog(self, *args):
        self.sent.append(args[-1])


@pytest.fixture(params=["journal", "syslog"])
def logs(request, monkeypatch):
    """Both paths of AnsibleModule.log, one per run of each test."""
    if request.param == "journal":
        sink = Journal()
        monkeypatch.setattr(basic, "has_journal", True)
        monkeypatch.setattr(basic, "journal", sink, raising=False)
    else:
        sink = Syslog()
        monkeypatch.setattr(basic, "has_journal", False)
        monkeypatch.setattr(basic, "HAS_SYSLOG", True)
        monkeypatch.setattr(basic, "syslog", sink, raising=False)
    return sink


def secret_value(handler, option, field=None):
    return "S3CRET-%s-%s%s-qz" % (handler.name, option.name, "-" + field.name if field else "")


def secret_configs():
    """(handler, config, secrets): every secret option and field of every handler, one distinctive value each."""
    cases = []
    for handler in handlers.HANDLERS.values():
        config, secrets = {}, []
        for option in handler.options:
            if option.type == handlers.OBJECT:
                fields = {}
                for field in option.fields:
                    if field.secret:
                        fields[field.name] = secret_value(handler, option, field)
                        secrets.append(fields[field.name])
                if fields:
                    config[handlers.user_name(option.name)] = fields
            elif option.secret and option.type == handlers.MAP:
                config[handlers.user_name(option.name)] = {"Authorization": "Bearer " + secret_value(handler, option)}
                secrets.append(secret_value(handler, option))
            elif option.secret:
                config[handlers.user_name(option.name)] = secret_value(handler, option)
                secrets.append(secret_value(handler, option))
        if secrets:
            cases.append((handler, config, secrets))
    return cases


def assert_nowhere(secrets, sink, out):
    logged = json.dumps(sink.sent, default=str)
    printed = json.dumps(out)
    for secret in secrets:
        for form in redaction.forms(secret):
            if len(form) >= 6:
                assert form not in logged, "%r in what the module logged" % form
                assert form not in printed, "%r in the module's output" % form


def run(capsys, monkeypatch, module, args, kap=None):
    kap = kap or FakeKapacitor(file_elements={"kafka": ["default"]})
    monkeypatch.setattr(connection, "client_from_module", lambda m: kap)
    args = dict(args, kapacitor_username="ansible", kapacitor_password=PASSWORD)
    return run_main(capsys, module, args)


@pytest.mark.parametrize("handler, config, secrets", secret_configs(), ids=lambda v: getattr(v, "name", ""))
def test_every_secret_option_of_every_handler(capsys, monkeypatch, logs, handler, config, secrets):
    args = dict(handler=handler.name, config=config, _ansible_diff=True)
    if handlers.is_list(handler):
        args["name"] = "leaktest"
    out = run(capsys, monkeypatch, kapacitor_alert_endpoint, args)
    assert out["rc"] == 0, out.get("msg")
    assert logs.sent, "the invocation was not logged"
    assert_nowhere(secrets + [PASSWORD], logs, out)


@pytest.mark.parametrize("args, secrets", [
    # A misspelt option: the value of an unknown option counts as a secret.
    (dict(handler="slack", name="ops", config={"webhook_url": "https://hooks.slack.example/T0/B0/typo-S3CRET"}),
     ["https://hooks.slack.example/T0/B0/typo-S3CRET"]),
    # A misspelt handler: the whole config is hidden (Ansible's own check fails first).
    (dict(handler="pagerduty3", config={"routing_key": "pd3-S3CRET-rk", "port": 73917351}), ["pd3-S3CRET-rk", 73917351]),
    # Ansible's own checks of other options fail first.
    (dict(handler="smtp", update_secrets="sometimes", config={"password": "sometimes-S3CRET"}), ["sometimes-S3CRET"]),
    (dict(handler="smtp", kapacitor_token=TOKEN, config={"password": "both-S3CRET"}), ["both-S3CRET", TOKEN]),
    # A number, a list, a value with a newline (as ansible-vault encrypt_string of echo's output gives).
    (dict(handler="smtp", config={"password": 918273645, "port": "x"}), [918273645]),
    (dict(handler="snmptrap", config={"community": ["list-S3CRET-a", "list-S3CRET-b"]}),
     ["list-S3CRET-a", "list-S3CRET-b"]),
    (dict(handler="pagerduty2", config={"routing_key": "nl-S3CRET-key\n", "enabled": "maybe"}), ["nl-S3CRET-key\n"]),
    # Another handler's option name, and a snake_case spelling of an object field.
    (dict(handler="smtp", config={"routing_key": "other-S3CRET"}), ["other-S3CRET"]),
    (dict(handler="kafka", name="k", config={"SASLAuth": {"sasl_password": "snake-S3CRET"}}), ["snake-S3CRET"]),
    # Credentials in the URL.
    (dict(handler="smtp", kapacitor_url="http://admin:url-PASSW0RD@127.0.0.1:9092", config={}), ["url-PASSW0RD"]),
])
def test_secrets_in_failing_input(capsys, monkeypatch, logs, args, secrets):
    out = run(capsys, monkeypatch, kapacitor_alert_endpoint, args)
    assert out["failed"], out
    assert_nowhere(secrets + [PASSWORD], logs, out)


def test_the_username_of_basic_auth_is_not_masked(capsys, monkeypatch, logs):
    """Only secrets are masked: a value that is not one is shown, and text around it is not rewritten."""
    out = run(capsys, monkeypatch, kapacitor_alert_endpoint, dict(
        handler="httppost", name="incident", config={
            "url": "https://incidents.example.com/hooks/kapacitor",
            "basic_auth": {"username": "kapacitor", "password": "ba-S3CRET-pw"}}))
    assert out["rc"] == 0
    assert out["endpoint"]["config"]["url"] == "https://incidents.example.com/hooks/kapacitor"
    assert_nowhere(["ba-S3CRET-pw"], logs, out)


def test_plural_module_and_test_alerts(capsys, monkeypatch, logs):
    entries = [dict(handler=h.name, name="leaktest" if handlers.is_list(h) else None, config=c)
               for h, c, _s in secret_configs()]
    for entry in entries:
        if entry["name"] is None:
            del entry["name"]
    secrets = [s for _h, _c, found in secret_configs() for s in found]
    out = run(capsys, monkeypatch, kapacitor_alert_endpoints, dict(endpoints=entries, _ansible_diff=True))
    assert out["rc"] == 0, out.get("msg")
    assert_nowhere(secrets + [PASSWORD], logs, out)
    bad = [dict(handler="slack", name="x", config={"chanel": "chan-S3CRET"}), "free-S3CRET-text"]
    out = run(capsys, monkeypatch, kapacitor_alert_endpoints, dict(endpoints=bad))
    assert out["failed"]
    assert_nowhere(["chan-S3CRET", "free-S3CRET-text"], logs, out)


def test_info_module_logs_no_connection_secret(capsys, monkeypatch, logs):
    out = run(capsys, monkeypatch, kapacitor_alert_endpoint_info, dict(handler="smtp"))
    assert out["rc"] == 0
    assert_nowhere([PASSWORD], logs, out)


class FailingServiceTests(FakeKapacitor):
    """A service test that fails as Kapacitor's does when it cannot reach its target."""

    def post(self, path, body, write=True):
        if path.startswith("/service-tests/"):
            return {"success": False, "message": 'Post "https://api.telegram.example/bot7734:tg-S3CRET-token/sendMessage":'
                                                 ' dial tcp: lookup api.telegram.example: no such host'}
        return super(FailingServiceTests, self).post(path, body, write)


def test_a_failed_test_alert_shows_no_url_and_no_secret(capsys, monkeypatch, logs):
    out = run(capsys, monkeypatch, kapacitor_test_alert,
              dict(handler="pushover", options={"user_key": "pk-S3CRET-user"}), kap=FailingServiceTests())
    assert out["failed"]
    assert "dial tcp: lookup api.telegram.example: no such host" in out["msg"]
    assert "https://api.telegram.example/********" in out["msg"]
    assert_nowhere(["pk-S3CRET-user", "tg-S3CRET-token", "bot7734"], logs, out)


CHRONOGRAF_PASSWORD = "chrono-PASSW0RD-hk"


def test_chronograf_password_of_a_kapacitor_module(capsys, monkeypatch, logs):
    monkeypatch.setattr(connection, "client_from_module", lambda m: FakeKapacitor())
    out = run_main(capsys, kapacitor_alert_endpoint, dict(
        handler="smtp", config={"password": "smtp-S3CRET-pw"}, chronograf_url="http://chronograf:8888",
        chronograf_username="ops", chronograf_password=CHRONOGRAF_PASSWORD, _ansible_diff=True))
    assert out["rc"] == 0, out.get("msg")
    assert_nowhere([CHRONOGRAF_PASSWORD, "smtp-S3CRET-pw"], logs, out)
    # Refused before any request: the secrets are still masked.
    out = run_main(capsys, kapacitor_alert_endpoint, dict(
        handler="smtp", config={"password": "smtp-S3CRET-pw"},
        chronograf_url="http://ops:url-S3CRET-cg@chronograf:8888",
        chronograf_username="ops", chronograf_password=CHRONOGRAF_PASSWORD, kapacitor_token=TOKEN))
    assert out["failed"]
    assert_nowhere([CHRONOGRAF_PASSWORD, "smtp-S3CRET-pw", "url-S3CRET-cg", TOKEN], logs, out)


@pytest.mark.parametrize("args", [
    dict(url="http://kapacitor:9092", password="kap-S3CRET-pw", _ansible_diff=True),
    dict(url="http://kapacitor:9092", password="kap-S3CRET-pw", update_password="always", _ansible_diff=True),
    # Failing input: Ansible's own check, the URL check, credentials in the URLs.
    dict(url="http://kapacitor:9092", password="kap-S3CRET-pw", update_password="sometimes"),
    dict(url="localhost:9092", password="kap-S3CRET-pw"),
    dict(url="http://admin:url-S3CRET-kp@kapacitor:9092", password="kap-S3CRET-pw"),
    dict(url="http://kapacitor:9092", password="kap-S3CRET-pw", chronograf_url="http://a:url-S3CRET-cg@chronograf"),
])
def test_chronograf_kapacitor(capsys, monkeypatch, logs, args):
    fake = FakeChronograf()
    fake.add(name="prod", url="http://kapacitor:9092")
    monkeypatch.setattr(ChronografConnection, "client_from_module", staticmethod(lambda m: fake))
    args = dict(dict(chronograf_url="http://chronograf:8888", chronograf_username="ops",
                     chronograf_password=CHRONOGRAF_PASSWORD, name="prod"), **args)
    out = run_main(capsys, chronograf_kapacitor, args)
    # Ansible's own checks fail before the invocation is logged; every other run logs it.
    assert bool(logs.sent) == (args.get("update_password") != "sometimes")
    assert_nowhere([CHRONOGRAF_PASSWORD, "kap-S3CRET-pw", "url-S3CRET-kp", "url-S3CRET-cg"], logs, out)


# ---------------------------------------------------------------------------------------------
# Topic handlers: Kapacitor returns every option in clear text, so what it answers must be
# masked as well as what was given.

def secret_kinds():
    """(kind, options, secrets): every secret option of every topic handler kind, one distinctive value each."""
    cases = []
    for kind in topic_kinds.KINDS.values():
        options, secrets = {}, []
        for option in kind.options:
            if not option.secret:
                continue
            value = "S3CRET-topic-%s-%s-qz" % (kind.name, option.name)
            secrets.append(value)
            options[topic_kinds.user_name(option.name)] = {"Authorization": "Bearer " + value} \
                if option.type == topic_kinds.MAP else value
        if secrets:
            cases.append((kind.name, options, secrets))
    return cases


@pytest.mark.parametrize("kind, options, secrets", secret_kinds(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_secret_option_of_every_topic_handler_kind(capsys, monkeypatch, logs, kind, options, secrets):
    kap = FakeTopics()
    if kind == "post":
        options = dict(options, url="http://hooks.example")
    args = dict(topic="cpu", id="leaktest", kind=kind, options=options, _ansible_diff=True)
    out = run(capsys, monkeypatch, kapacitor_topic_handler, args, kap=kap)
    assert out["rc"] == 0 and out["changed"], out.get("msg")
    changed = dict(args, options=dict((k, v + "-2" if isinstance(v, str) else v) for k, v in options.items()))
    out_changed = run(capsys, monkeypatch, kapacitor_topic_handler, changed, kap=kap)
    assert out_changed["rc"] == 0
    assert logs.sent, "the invocation was not logged"
    assert_nowhere(secrets + [PASSWORD], logs, out)
    assert_nowhere(secrets + [s + "-2" for s in secrets] + [PASSWORD], logs, out_changed)


def test_topic_secrets_read_from_kapacitor_are_masked_in_the_list_and_info_modules(capsys, monkeypatch, logs):
    kap = FakeTopics()
    secrets = []
    for kind, options, found in secret_kinds():
        kap.add("read", kind, kind, options)
        secrets += found
    kap.add("read", "junk", "slack", {"webhook": "unknown-key-S3CRET"})
    secrets.append("unknown-key-S3CRET")
    out = run(capsys, monkeypatch, kapacitor_topic_handler_info, {}, kap=kap)
    assert out["rc"] == 0 and len(out["handlers"]) == len(secret_kinds()) + 1
    assert_nowhere(secrets + [PASSWORD], logs, out)
    # Kapacitor refuses the write of the handler with an unknown key, and echoes its value.
    kap.failures[("PUT", "/junk")] = (500, 'failed to update handler: invalid key "webhook": unknown-key-S3CRET')
    entries = [dict(topic="read", id="junk", kind="slack", options={"channel": "#x"})]
    out = run(capsys, monkeypatch, kapacitor_topic_handlers, dict(handlers=entries, purge=True, _ansible_diff=True),
              kap=kap)
    assert out["failed"] and out["status"] == 500
    assert_nowhere(secrets + [PASSWORD], logs, out)


def test_secrets_in_failing_topic_handler_input(capsys, monkeypatch, logs):
    bad = [dict(topic="cpu", id="a", kind="pagerduty2", options={"routing_key": "bad-S3CRET-rk", "link": "x"}),
           dict(topic="cpu", id="b", kind="slack", options={"chanel": "chan-S3CRET-typo"}),
           dict(topic="cpu", id="c", kind="nope", options={"channel": "unknown-kind-S3CRET"}),
           "free-S3CRET-entry"]
    out = run(capsys, monkeypatch, kapacitor_topic_handlers, dict(handlers=bad), kap=FakeTopics())
    assert out["failed"]
    assert_nowhere(["bad-S3CRET-rk", "chan-S3CRET-typo", "unknown-kind-S3CRET", "free-S3CRET-entry"], logs, out)
    out = run(capsys, monkeypatch, kapacitor_topic_handler, dict(topic="cpu", id="a", kind="teams", options={
        "channel_url": ["list-S3CRET-teams"]}), kap=FakeTopics())
    assert out["failed"]
    assert_nowhere(["list-S3CRET-teams"], logs, out)
