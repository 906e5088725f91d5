# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Chronograf client and the proxy transport, on scripted answers."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import builtins
import io
import json
import types
from urllib.error import HTTPError

import pytest

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ansible_collections.tickstack.kapacitor.plugins.module_utils import chronograf
from ansible_collections.tickstack.kapacitor.plugins.module_utils import connection
from ansible_collections.tickstack.kapacitor.plugins.module_utils.client import KapacitorClient, KapacitorError
from ansible_collections.tickstack.kapacitor.plugins.module_utils.values import InputError

CHRONOGRAF = {"X-Chronograf-Version": "1.11.4", "Content-Type": "application/json"}
KAPACITOR = dict(CHRONOGRAF, **{"X-Kapacitor-Version": "1.8.3"})
CONNECTION = {"id": "3", "name": "prod", "url": "http://kapacitor:9092", "active": True,
              "links": {"proxy": "/chronograf/v1/sources/1/kapacitors/3/proxy"}}


class Response:
    def __init__(self, body=b"", status=200, headers=None):
        self.body = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.status = status
        self.headers = CHRONOGRAF if headers is None else headers

    def read(self):
        return self.body


def error(status, body=b"", headers=None):
    body = body if isinstance(body, bytes) else json.dumps(body).encode()
    return HTTPError("http://c/x", status, "status", CHRONOGRAF if headers is None else headers, io.BytesIO(body))


class FakeRequest:
    def __init__(self, outcomes, **kwargs):
        self.kwargs = kwargs
        self.outcomes = list(outcomes)
        self.calls = []

    def open(self, method, url, data=None, headers=None, context=None):
        self.calls.append((method, url, data, dict(headers or {})))
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def make(outcomes, url="http://chronograf:8888", **kwargs):
    made = {}

    def factory(**options):
        made["request"] = FakeRequest(outcomes, **options)
        return made["request"]

    return chronograf.ChronografClient(url, request_factory=factory, **kwargs), made["request"]


@pytest.fixture(scope="module")
def key_pair(tmp_path_factory):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path_factory.mktemp("key") / "chronograf-rsa"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                       serialization.NoEncryption()))
    return key, str(path)


def verify(key, header, nonce):
    scheme, signature = header.split(" ")
    assert scheme == "CHRONOGRAF-SHA256"
    raw = base64.b64decode(signature, validate=True)  # standard base64 with padding, as Chronograf wants
    key.public_key().verify(raw, nonce.encode(), padding.PKCS1v15(), hashes.SHA256())


# -- signing ----------------------------------------------------------------------------------

def test_the_nonce_is_signed_with_pkcs1v15_sha256(key_pair):
    key, path = key_pair
    header = chronograf.sign_nonce(chronograf.load_private_key(path), "0f8e2a7c-9b1d-4c3e-8f6a-5d4c3b2a1f0e")
    verify(key, header, "0f8e2a7c-9b1d-4c3e-8f6a-5d4c3b2a1f0e")
    assert "=" in header or len(header.split(" ")[1]) % 4 == 0


def test_a_token_request_gets_the_nonce_first_and_a_fresh_one_after_a_403(key_pair):
    key, path = key_pair
    plain = {"Content-Type": "text/plain", "X-Chronograf-Version": "1.11.4"}
    c, req = make([Response(b"nonce-one", headers=plain), Response({"sources": []}),
                   error(403), Response(b"nonce-two", headers=plain), Response({"sources": []})], private_key=path)
    assert c.sources() == []
    assert c.sources() == []
    paths = [(m, u.replace("http://chronograf:8888", "")) for m, u, _d, _h in req.calls]
    assert paths == [("GET", "/nonce"), ("GET", "/chronograf/v1/sources"), ("GET", "/chronograf/v1/sources"),
                     ("GET", "/nonce"), ("GET", "/chronograf/v1/sources")]
    assert "Authorization" not in req.calls[0][3]
    verify(key, req.calls[1][3]["Authorization"], "nonce-one")
    verify(key, req.calls[4][3]["Authorization"], "nonce-two")


def test_a_key_that_chronograf_refuses_fails_after_one_fresh_nonce(key_pair):
    unused_key, path = key_pair
    plain = {"Content-Type": "text/plain", "X-Chronograf-Version": "1.11.4"}
    c, req = make([Response(b"n1", headers=plain), error(403), Response(b"n2", headers=plain), error(403)],
                  private_key=path)
    with pytest.raises(chronograf.ChronografError) as info:
        c.sources()
    assert [u.rsplit("/", 1)[1] for _m, u, _d, _h in req.calls] == ["nonce", "sources", "nonce", "sources"]
    assert "did not accept the superadmin token" in info.value.message
    assert info.value.kind == "chronograf_auth" and info.value.status == 403


def test_a_key_file_that_is_not_a_private_key(tmp_path):
    path = tmp_path / "chronograf-rsa.pub"
    path.write_text("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    with pytest.raises(chronograf.ChronografError) as info:
        chronograf.load_private_key(str(path))
    assert "is not an unencrypted PEM private key" in info.value.message
    with pytest.raises(chronograf.ChronografError) as info:
        chronograf.load_private_key(str(tmp_path / "missing"))
    assert "cannot read" in info.value.message


def test_without_cryptography_the_message_says_to_delegate_to_the_controller(monkeypatch, key_pair):
    real_import = builtins.__import__

    def no_cryptography(name, *args, **kwargs):
        if name.startswith("cryptography"):
            raise ImportError("No module named 'cryptography'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_cryptography)
    with pytest.raises(chronograf.ChronografError) as info:
        chronograf.load_private_key(key_pair[1])
    assert "cryptography" in info.value.message and "delegate_to: localhost" in info.value.message


# -- paths ------------------------------------------------------------------------------------

@pytest.mark.parametrize("uri, encoded", [
    # The example of Chronograf's documentation of the proxy.
    ("/kapacitor/v1/config/slack/my%20team?x=1", "%2Fkapacitor%2Fv1%2Fconfig%2Fslack%2Fmy%2520team%3Fx%3D1"),
    ("/kapacitor/v1/config/smtp/", "%2Fkapacitor%2Fv1%2Fconfig%2Fsmtp%2F"),
    # + would become a space, & would split the inner query, # would never leave the client.
    ("/kapacitor/v1/config/kafka/a+b", "%2Fkapacitor%2Fv1%2Fconfig%2Fkafka%2Fa%2Bb"),
    ("/kapacitor/v1/service-tests?pattern=s*&x=1", "%2Fkapacitor%2Fv1%2Fservice-tests%3Fpattern%3Ds%2A%26x%3D1"),
    ("/kapacitor/v1/config/a;b#c", "%2Fkapacitor%2Fv1%2Fconfig%2Fa%3Bb%23c"),
])
def test_proxy_path_encoding(uri, encoded):
    assert chronograf.proxy_target("/chronograf/v1/sources/1/kapacitors/3/proxy", uri) == \
        "/chronograf/v1/sources/1/kapacitors/3/proxy?path=" + encoded


@pytest.mark.parametrize("url, basepath, expected", [
    ("http://c:8888", None, ("http://c:8888", "")),
    ("http://c:8888/", None, ("http://c:8888", "")),
    ("https://admin:pw@c/chronograf/", None, ("https://c", "/chronograf")),
    ("http://c:8888/chronograf/v1", None, ("http://c:8888", "")),
    ("http://c:8888/mon/chronograf/v1/", None, ("http://c:8888", "/mon")),
    ("http://c:8888", "/mon/a-b_1", ("http://c:8888", "/mon/a-b_1")),
    ("http://c:8888/mon", "/mon/", ("http://c:8888", "/mon")),
])
def test_basepath(url, basepath, expected):
    assert chronograf.split_url(url, basepath) == expected


@pytest.mark.parametrize("url, basepath, words", [
    ("chronograf:8888", None, "http:// or https://"),
    ("http://c:8888/a", "/b", "chronograf_url has the path /a but chronograf_basepath is /b"),
    ("http://c:8888", "mon", "chronograf_basepath must look like"),
    ("http://c:8888/a.b", None, "chronograf_basepath must look like"),
])
def test_bad_url_or_basepath(url, basepath, words):
    with pytest.raises(chronograf.ChronografError) as info:
        chronograf.split_url(url, basepath)
    assert words in info.value.message


def test_requests_go_under_the_basepath_with_basic_auth():
    c, req = make([Response({"sources": [{"id": "1", "default": True}]})], url="http://c:8888/mon",
                  username="ops", password="pw")
    assert c.find_source(None)["id"] == "1"
    method, url, unused_data, headers = req.calls[0]
    assert (method, url) == ("GET", "http://c:8888/mon/chronograf/v1/sources")
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"ops:pw").decode()
    assert req.kwargs["follow_redirects"] == "none"


# -- Chronograf's failures, named as Chronograf's -------------------------------------------------

@pytest.mark.parametrize("answer, kwargs, kind, words", [
    (error(401, b"401 Unauthorized\n", {"X-Chronograf-Version": "1.11.4", "Content-Type": "text/plain"}),
     dict(username="ops", password="wrong"), "chronograf_auth", "Chronograf refused the user name or password"),
    (error(401, b"401 Unauthorized\n", {"X-Chronograf-Version": "1.11.4", "Content-Type": "text/plain"}),
     {}, "chronograf_auth", "Chronograf requires HTTP basic authentication"),
    (error(403), {}, "chronograf_auth", "Chronograf requires authentication (it runs with OAuth)"),
    (error(404, {"code": 404, "message": "ID 9 not found"}), {}, "chronograf_http",
     "GET /chronograf/v1/sources/9: HTTP 404 from Chronograf: ID 9 not found"),
    (error(404, b"404 page not found\n", {"X-Chronograf-Version": "1.11.4", "Content-Type": "text/plain"}), {},
     "chronograf_not_chronograf", "Chronograf serves under another basepath"),
    (Response(b"<!DOCTYPE html><html>Chronograf</html>", headers={"X-Chronograf-Version": "1.11.4",
                                                                  "Content-Type": "text/html; charset=utf-8"}),
     {}, "chronograf_not_chronograf", "HTTP 200 with text/html, not JSON: this does not look like Chronograf's API"),
    (error(404, b"Not Found", {}), {}, "chronograf_not_chronograf", "no X-Chronograf-Version header"),
    (ConnectionRefusedError(111, "refused"), {}, "chronograf_connection",
     "connection refused by chronograf:8888: is Chronograf running and is chronograf_url right?"),
    (OSError(113, "No route to host"), {}, "chronograf_connection", "cannot connect to Chronograf at chronograf:8888"),
])
def test_chronograf_failures(answer, kwargs, kind, words):
    c, unused_req = make([answer], **kwargs)
    with pytest.raises(chronograf.ChronografError) as info:
        c.find_source("9")
    assert info.value.kind == kind
    assert words in info.value.message
    assert "Chronograf" in info.value.message
    assert isinstance(info.value, KapacitorError)  # the module base reports it as any failure
    assert info.value.to_result()["kapacitor_message"] is None


def test_chronograf_messages_are_scrubbed():
    c, unused_req = make([error(422, {"code": 422, "message": "invalid source URI: parse \"http://u:p@k:9092/x y\""})])
    with pytest.raises(chronograf.ChronografError) as info:
        c.call("POST", "/chronograf/v1/sources/1/kapacitors", {})
    assert "u:p" not in info.value.message and info.value.chronograf_message.startswith("invalid source URI")
    assert info.value.to_result()["chronograf_message"] == info.value.chronograf_message


# -- the proxy transport ---------------------------------------------------------------------------

def proxy(answers, **kwargs):
    lookups = [Response({"id": "1", "name": "Influx 1", "default": True}),
               Response({"kapacitors": [dict(CONNECTION, id="2", name="old", active=False), CONNECTION]})]
    c, req = make(lookups + list(answers))
    return chronograf.ChronografProxyClient(c, source="1", sleep=lambda s: None, **kwargs), req


def test_every_kapacitor_request_goes_through_the_proxy_of_the_connection():
    p, req = proxy([Response({"options": {}}, headers=KAPACITOR), Response(b"", 204, KAPACITOR)], kapacitor="prod")
    assert p.get("/config/smtp/") == {"options": {}}
    assert p.post("/config/smtp/", {"set": {"enabled": True}}) is None
    assert (p.writes, p.kapacitor_version, p.base_url) == (1, "1.8.3", "http://kapacitor:9092")
    urls = [(m, u) for m, u, _d, _h in req.calls]
    base = "http://chronograf:8888/chronograf/v1/sources/1/kapacitors/3/proxy?path="
    assert urls == [("GET", "http://chronograf:8888/chronograf/v1/sources/1"),
                    ("GET", "http://chronograf:8888/chronograf/v1/sources/1/kapacitors"),
                    ("GET", base + "%2Fkapacitor%2Fv1%2Fconfig%2Fsmtp%2F"),
                    ("POST", base + "%2Fkapacitor%2Fv1%2Fconfig%2Fsmtp%2F")]
    assert req.calls[3][2] == b'{"set": {"enabled": true}}'


@pytest.mark.parametrize("wanted, expected", [(None, "3"), ("3", "3"), ("old", "2"), ("2", "2")])
def test_the_connection_by_name_or_id_default_the_active_one(wanted, expected):
    p, unused_req = proxy([], kapacitor=wanted)
    assert p.resolve()["id"] == expected


def test_an_unknown_or_ambiguous_connection_is_refused():
    p, unused_req = proxy([], kapacitor="nope")
    with pytest.raises(chronograf.ChronografError) as info:
        p.get("/config")
    assert "Chronograf source 1 has no Kapacitor connection named or numbered 'nope'" in info.value.message
    assert "'prod' (id 3, active)" in info.value.message
    with pytest.raises(chronograf.ChronografError) as info:
        chronograf.find_kapacitor([CONNECTION, dict(CONNECTION, id="4")], "prod", "1", "/x")
    assert "has 2 Kapacitor connections named 'prod': give chronograf_kapacitor as an id" in info.value.message


def test_kapacitors_errors_read_exactly_as_direct():
    body = json.dumps({"error": "unknown section: nosuch", "message": "unknown section: nosuch"}).encode()
    p, unused_req = proxy([error(404, body, KAPACITOR), error(403, body, KAPACITOR)])
    direct = KapacitorClient("http://kapacitor:9092", request_factory=lambda **kw: FakeRequest(
        [error(404, body, KAPACITOR), error(403, body, KAPACITOR)]))
    for path in ("/config/nosuch", "/config/smtp/"):
        with pytest.raises(KapacitorError) as through:
            p.get(path)
        with pytest.raises(KapacitorError) as straight:
            direct.get(path)
        assert through.value.message == straight.value.message
        assert through.value.to_result() == straight.value.to_result()
    assert p.get_or_none is not None


def test_an_unreachable_kapacitor_is_chronografs_502():
    empty = {"X-Chronograf-Version": "1.11.4", "Content-Length": "0"}
    p, req = proxy([error(502, b"", empty)] * 3)
    with pytest.raises(chronograf.ChronografError) as info:
        p.get("/config")
    assert info.value.message.startswith("GET /kapacitor/v1/config: Chronograf could not reach Kapacitor at"
                                         " http://kapacitor:9092: 502")
    assert info.value.status == 502 and info.value.kind == "chronograf_kapacitor_unreachable"
    assert len(req.calls) == 5  # two look-ups, and the GET tried three times as a direct GET is on a 502


def test_a_server_behind_the_proxy_that_is_not_kapacitor():
    p, unused_req = proxy([error(404, b"<html>nginx</html>", {"X-Chronograf-Version": "1.11.4"})])
    with pytest.raises(chronograf.ChronografError) as info:
        p.get("/config")
    assert info.value.kind == "chronograf_not_kapacitor"
    assert "does not answer as Kapacitor's API does" in info.value.message


def test_chronografs_own_error_on_the_proxy():
    p, unused_req = proxy([error(422, {"code": 422, "message": "path query parameter required"})])
    with pytest.raises(chronograf.ChronografError) as info:
        p.post("/config/smtp/", {"set": {}})
    assert info.value.chronograf_message == "path query parameter required"
    assert p.writes == 0


# -- choosing the transport ------------------------------------------------------------------------

def params(**given):
    out = dict((name, None) for name in connection.CONNECTION_ARGUMENT_SPEC)
    out.update(timeout=10, validate_certs=True, use_proxy=True)
    out.update(given)
    return out


def test_client_from_module_picks_the_transport():
    direct = connection.client_from_module(types.SimpleNamespace(params=params(), given=set()))
    assert isinstance(direct, KapacitorClient) and direct.base_url == connection.DEFAULT_URL
    through = connection.client_from_module(types.SimpleNamespace(
        params=params(chronograf_url="http://c:8888/mon", chronograf_kapacitor="prod"), given={"chronograf_url"}))
    assert isinstance(through, chronograf.ChronografProxyClient)
    assert (through.chronograf.basepath, through.kapacitor) == ("/mon", "prod")


@pytest.mark.parametrize("given, env, words", [
    ({"kapacitor_url": "http://k:9092", "chronograf_url": "http://c:8888"}, {}, "are mutually exclusive: give"),
    ({}, {"kapacitor_url": "http://k:9092", "chronograf_url": "http://c:8888"}, "both are set in the environment"),
    ({"chronograf_url": "http://c:8888", "kapacitor_token": "t"}, {}, "kapacitor_token: not used through Chronograf"),
    ({"chronograf_kapacitor": "prod"}, {}, "chronograf_kapacitor: only used with chronograf_url"),
    ({"chronograf_url": "http://u:pw@c:8888"}, {}, "give them as chronograf_username and chronograf_password"),
])
def test_connection_refusals(given, env, words):
    with pytest.raises(InputError) as info:
        connection.check_connection(params(**dict(env, **given)), set(given))
    assert words in str(info.value)


@pytest.mark.parametrize("given, env, proxied", [
    ({"chronograf_url": "http://c:8888"}, {"kapacitor_url": "http://k:9092", "kapacitor_username": "u"}, True),
    ({"kapacitor_url": "http://k:9092"}, {"chronograf_url": "http://c:8888"}, False),
    ({}, {"chronograf_url": "http://c:8888"}, True),
    ({}, {}, False),
])
def test_an_option_of_the_task_wins_over_the_environment(given, env, proxied):
    values = params(**dict(env, **given))
    connection.check_connection(values, set(given))
    assert connection.through_chronograf(values, set(given)) is proxied


def test_a_ca_file_that_cannot_be_loaded_is_named_as_chronografs(tmp_path):
    c, req = make([], url="https://chronograf:8888", ca_path=str(tmp_path / "missing-ca.pem"))
    with pytest.raises(chronograf.ChronografError) as info:
        c.sources()
    assert "cannot set up TLS for Chronograf at chronograf:8888" in info.value.message
    assert info.value.kind == "chronograf_tls" and not req.calls
