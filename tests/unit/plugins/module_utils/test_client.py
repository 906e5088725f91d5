# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import io
import json
import socket
import ssl
from http.client import RemoteDisconnected
from urllib.error import HTTPError, URLError

import pytest

from ansible_collections.tickstack.kapacitor.plugins.module_utils.client import KapacitorClient, KapacitorError


class Response:
    def __init__(self, body=b"", status=200):
        self.body = body
        self.status = status

    def read(self):
        return self.body


def http_error(status, message):
    body = json.dumps({"error": message, "message": message}).encode() if message is not None else b""
    return HTTPError("http://k/x", status, "status", {"X-Kapacitor-Version": "1.8.3"}, io.BytesIO(body))


class FakeRequest:
    """Stands in for ansible.module_utils.urls.Request: records calls, plays scripted outcomes."""

    def __init__(self, outcomes, **kwargs):
        self.kwargs = kwargs
        self.outcomes = list(outcomes)
        self.calls = []
        self.contexts = []

    def open(self, method, url, data=None, headers=None, context=None):
        self.calls.append((method, url, data, headers))
        self.contexts.append(context)
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def client(outcomes, **kwargs):
    made = {}

    def factory(**req_kwargs):
        made["request"] = FakeRequest(outcomes, **req_kwargs)
        return made["request"]

    sleeps = []
    options = dict(url="https://admin:pw@kapacitor.example:9092/", sleep=sleeps.append, request_factory=factory)
    options.update(kwargs)
    c = KapacitorClient(**options)
    return c, made["request"], sleeps


def test_request_options_and_json():
    # Plain HTTP, so that the TLS files named need not exist.
    options = dict(url="http://kapacitor.example:9092/", username="u", password="p", timeout=5, validate_certs=False,
                   ca_path="/ca.pem", client_cert="/c.pem", client_key="/k.pem", use_proxy=False)
    c, req, unused_sleeps = client([Response(b'{"a": 1}'), Response(b"")], **options)
    assert c.get("/config/smtp/") == {"a": 1}
    assert c.post("/config/smtp/", {"set": {"enabled": True}}) is None
    assert req.calls[0][:2] == ("GET", "http://kapacitor.example:9092/kapacitor/v1/config/smtp/")
    assert req.calls[1][2] == b'{"set": {"enabled": true}}'
    assert req.calls[1][3] == {"Content-Type": "application/json"}
    kw = req.kwargs
    assert (kw["url_username"], kw["url_password"], kw["force_basic_auth"]) == ("u", "p", True)
    assert (kw["timeout"], kw["validate_certs"], kw["ca_path"], kw["use_proxy"]) == (5, False, "/ca.pem", False)
    assert (kw["client_cert"], kw["client_key"]) == ("/c.pem", "/k.pem")
    assert kw["http_agent"].startswith("ansible-tickstack.kapacitor/")
    assert "Authorization" not in kw["headers"]


def test_bearer_token():
    unused_client, req, unused_sleeps = client([], token="jwt.token.value")
    assert req.kwargs["headers"]["Authorization"] == "Bearer jwt.token.value"
    assert req.kwargs["url_username"] is None and not req.kwargs["force_basic_auth"]


def test_credentials_in_url_never_reach_messages():
    c, unused_req, unused_sleeps = client([URLError(ConnectionRefusedError(111, "refused"))])
    with pytest.raises(KapacitorError) as err:
        c.post("/config/smtp/", {})
    assert "pw" not in str(err.value) and "admin" not in str(err.value)
    assert "connection refused by kapacitor.example:9092" in str(err.value)
    assert err.value.kind == "connection" and err.value.status is None


@pytest.mark.parametrize("status, message, expected", [
    (400, "failed to override configuration smtp/: cannot set option port", "HTTP 400: failed to override configuration"),
    (401, "authorization failed", "HTTP 401: authorization failed: authentication failed: check kapacitor_username"),
    (403, "config override service is not enabled", "[config-override] enabled = false"),
    (403, 'user bob does not have "write" privilege', "needs the 'config' permission"),
    (404, "unknown section: discord", "this Kapacitor is too old for the handler"),
    (500, "failed to update configuration mqtt/a: no configuration is marked as the default",
     "HTTP 500: failed to update configuration mqtt/a"),
])
def test_http_errors_carry_method_path_status_and_kapacitor_message(status, message, expected):
    c, unused_req, unused_sleeps = client([http_error(status, message)])
    with pytest.raises(KapacitorError) as err:
        c.post("/config/smtp/", {"set": {}})
    e = err.value
    assert (e.method, e.path, e.status, e.kapacitor_message) == ("POST", "/kapacitor/v1/config/smtp/", status, message)
    assert str(e).startswith("POST /kapacitor/v1/config/smtp/: HTTP %d" % status)
    assert expected in str(e)
    assert e.to_result()["status"] == status


def test_posts_are_never_retried():
    c, req, sleeps = client([http_error(503, "busy")])
    with pytest.raises(KapacitorError):
        c.post("/config/smtp/", {"set": {}})
    assert len(req.calls) == 1 and sleeps == []


def test_gets_are_retried_on_dropped_connections_and_gateway_errors():
    c, req, sleeps = client([RemoteDisconnected("gone"), http_error(502, "bad gateway"), Response(b'{"ok": true}')])
    assert c.get("/config/smtp/") == {"ok": True}
    assert len(req.calls) == 3 and len(sleeps) == 2


def test_gets_give_up_after_three_attempts():
    c, req, unused_sleeps = client([http_error(504, None)] * 3)
    with pytest.raises(KapacitorError) as err:
        c.get("/config/smtp/")
    assert len(req.calls) == 3 and "(tried 3 times)" in str(err.value)


def test_gets_are_not_retried_on_client_errors():
    c, req, unused_sleeps = client([http_error(400, "bad")])
    with pytest.raises(KapacitorError):
        c.get("/config/")
    assert len(req.calls) == 1


@pytest.mark.parametrize("exc, kind, text", [
    (URLError(ConnectionRefusedError(111, "Connection refused")), "connection", "connection refused"),
    (URLError(socket.timeout("timed out")), "timeout", "within 10 seconds (timeout)"),
    (socket.timeout("timed out"), "timeout", "(timeout)"),
    (URLError(ssl.SSLCertVerificationError(1, "certificate verify failed: self-signed certificate")), "tls",
     "set ca_path"),
    (RemoteDisconnected("Remote end closed connection without response"), "dropped", "closed the connection"),
    (ConnectionResetError(104, "reset"), "dropped", "closed the connection"),
    (URLError(socket.gaierror(-2, "Name or service not known")), "connection", "cannot resolve the host"),
])
def test_transport_errors_are_distinct(exc, kind, text):
    c, unused_req, unused_sleeps = client([exc])
    with pytest.raises(KapacitorError) as err:
        c.post("/config/smtp/", {})
    assert err.value.kind == kind and text in str(err.value)


def test_non_json_answer():
    c, unused_req, unused_sleeps = client([Response(b"<html>")])
    with pytest.raises(KapacitorError) as err:
        c.get("/config/smtp/")
    assert err.value.kind == "invalid_response"


def test_get_or_none():
    c, unused_req, unused_sleeps = client([http_error(404, "unknown section/element: slack/x")])
    assert c.get_or_none("/config/slack/x") is None


@pytest.mark.parametrize("url", ["localhost:9092", "ftp://k", "http://"])
def test_bad_url(url):
    with pytest.raises(KapacitorError) as err:
        KapacitorClient(url)
    assert err.value.kind == "url"


def test_one_tls_context_for_every_request():
    c, req, unused_sleeps = client([Response(b"{}"), Response(b"{}")], validate_certs=False)
    c.get("/config/smtp/")
    c.get("/config/slack")
    assert req.contexts[0] is req.contexts[1]
    assert req.contexts[0].verify_mode == ssl.CERT_NONE


def test_plain_http_loads_no_certificate():
    c, req, unused_sleeps = client([Response(b"{}")], url="http://kapacitor.example:9092")
    c.get("/config/smtp/")
    assert req.contexts[0].cert_store_stats()["x509_ca"] == 0


def test_an_unreadable_ca_path_is_named_before_any_request(tmp_path):
    c, req, unused_sleeps = client([Response(b"{}")], ca_path=str(tmp_path / "missing.pem"))
    with pytest.raises(KapacitorError) as info:
        c.get("/config/smtp/")
    assert info.value.kind == "tls" and "ca_path, client_cert or client_key cannot be loaded" in info.value.message
    assert info.value.method == "GET" and info.value.path == "/kapacitor/v1/config/smtp/"
    assert req.calls == []


def test_a_first_answer_without_kapacitors_header_does_not_look_like_kapacitor():
    not_kapacitor = HTTPError("http://k/x", 404, "Not Found", {}, io.BytesIO(b"<html>404 page</html>"))
    c, unused_req, unused_sleeps = client([not_kapacitor])
    with pytest.raises(KapacitorError) as failure:
        c.get("/config/smtp/")
    assert failure.value.kind == "not_kapacitor" and failure.value.status == 404
    assert "this does not look like Kapacitor's API at https://kapacitor.example:9092" in failure.value.message
    assert "too old" not in failure.value.message


def test_a_404_from_kapacitor_itself_keeps_its_hint():
    c, unused_req, unused_sleeps = client([http_error(404, "unknown section: zenoss")])
    with pytest.raises(KapacitorError) as failure:
        c.get("/config/zenoss/")
    assert failure.value.kind == "http" and "too old for the handler" in failure.value.message


@pytest.mark.parametrize("method, path, hinted", [
    ("POST", "/config/smtp/", True),
    ("GET", "/config", False),
    ("POST", "/service-tests/smtp", False),
])
def test_the_running_service_hint_is_only_for_a_failed_config_write(method, path, hinted):
    c, unused_req, unused_sleeps = client([Response(b"{}"), http_error(500, "boom")])
    c.get("/config")
    with pytest.raises(KapacitorError) as failure:
        c.post(path, {}) if method == "POST" else c.get(path)
    assert ("its running service refused the new configuration" in failure.value.message) == hinted


def test_writes_are_counted_and_service_tests_are_not_writes():
    c, unused_req, unused_sleeps = client([Response(b""), Response(b'{"success": true}')])
    c.post("/config/smtp/", {"set": {"port": 25}})
    c.post("/service-tests/smtp", {}, write=False)
    assert c.writes == 1


def test_put_and_delete_are_writes_sent_once():
    c, req, sleeps = client([Response(b'{"id": "h"}'), Response(b"", status=204)], url="http://k:9092")
    assert c.put("/alerts/topics/cpu/handlers/h", {"id": "h", "kind": "log"}) == {"id": "h"}
    assert c.delete("/alerts/topics/cpu/handlers/h") is None
    handler_url = "http://k:9092/kapacitor/v1/alerts/topics/cpu/handlers/h"
    assert [call[:2] for call in req.calls] == [("PUT", handler_url), ("DELETE", handler_url)]
    assert req.calls[0][2] == b'{"id": "h", "kind": "log"}' and req.calls[0][3] == {"Content-Type": "application/json"}
    assert req.calls[1][2] is None and req.calls[1][3] == {}
    assert c.writes == 2 and sleeps == []


@pytest.mark.parametrize("method", ["put", "delete"])
def test_put_and_delete_are_never_retried_and_map_errors_as_post(method):
    c, req, sleeps = client([http_error(503, "busy")])
    args = ("/alerts/topics/cpu/handlers/h",) + (({"id": "h"},) if method == "put" else ())
    with pytest.raises(KapacitorError) as err:
        getattr(c, method)(*args)
    e = err.value
    assert (e.method, e.path, e.status, e.kapacitor_message, e.kind) == (
        method.upper(), "/kapacitor/v1/alerts/topics/cpu/handlers/h", 503, "busy", "http")
    assert str(e).startswith("%s /kapacitor/v1/alerts/topics/cpu/handlers/h: HTTP 503: busy" % method.upper())
    assert len(req.calls) == 1 and sleeps == [] and c.writes == 0


def test_a_refused_topic_handler_gets_its_own_hints():
    message = 'failed to create handler: unknown cluster "nope"'
    c, unused_req, unused_sleeps = client([http_error(500, message), http_error(403, "no privilege")])
    with pytest.raises(KapacitorError) as err:
        c.post("/alerts/topics/cpu/handlers", {"id": "h"})
    assert err.value.kapacitor_message == message and "kafka cluster" in str(err.value)
    with pytest.raises(KapacitorError) as err:
        c.get("/alerts/topics/cpu/handlers/h")
    assert "'api' permission" in str(err.value)
