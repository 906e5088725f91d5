# -*- coding: utf-8 -*-
# Copyright (c) tickstack.kapacitor contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the tickstack.kapacitor collection: module_utils are not a public API and may
# change in any release. Use the modules instead.
"""HTTP client for Chronograf's API (1.8.1 and newer), on ansible.module_utils.urls only.

Two clients:
  - ChronografClient: Chronograf's own API (sources, Kapacitor connections), with no
    authentication, htpasswd (HTTP basic) or the superadmin token (a signature of Chronograf's
    current nonce with the RSA private key whose public half Chronograf was started with);
  - ChronografProxyClient: KapacitorClient's interface, every Kapacitor request sent through
    Chronograf's proxy of one Kapacitor connection. Kapacitor's answers, errors included, pass
    through unchanged, so every module reads the same as when it talks to Kapacitor directly;
    Chronograf's own failures are named as Chronograf's.

Every failure becomes a ChronografError (a KapacitorError, so the module base reports it in the
same way) carrying the method, the path, the status and Chronograf's message. As in client.py, no
message contains a credential: only paths are shown, never query strings, bodies or headers.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import re
import time

from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlsplit, urlunsplit

from ansible.module_utils.urls import Request

from ansible_collections.tickstack.kapacitor.plugins.module_utils import client
from ansible_collections.tickstack.kapacitor.plugins.module_utils import connection
from ansible_collections.tickstack.kapacitor.plugins.module_utils import redaction
from ansible_collections.tickstack.kapacitor.plugins.module_utils.client import KapacitorClient, KapacitorError
from ansible_collections.tickstack.kapacitor.plugins.module_utils.connection import USER_AGENT
from ansible_collections.tickstack.kapacitor.plugins.module_utils.values import InputError

API_PREFIX = "/chronograf/v1"
TOKEN_SCHEME = "CHRONOGRAF-SHA256"
BASEPATH = re.compile(r"^(/[A-Za-z0-9_-]+)*$")
VERSION_HEADER = "X-Chronograf-Version"


class ChronografError(KapacitorError):
    """A failed request to Chronograf, or a refusal to send one; error_kind starts with chronograf_."""

    def __init__(self, message, method=None, path=None, status=None, chronograf_message=None, kind="http"):
        if not kind.startswith("chronograf_"):
            kind = "chronograf_" + kind
        super(ChronografError, self).__init__(message, method, path, status, None, kind)
        self.chronograf_message = chronograf_message

    def to_result(self):
        result = super(ChronografError, self).to_result()
        result["chronograf_message"] = self.chronograf_message
        return result


# ---------------------------------------------------------------------------------------------
# The superadmin token

def load_private_key(path):
    """The RSA private key in the PEM file at path (chronoctl gen-keypair writes one)."""
    try:
        # Imported here: only the superadmin token needs it. ansible-core depends on it, so every
        # controller has it; a managed host may not.
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
    except ImportError:
        raise ChronografError("chronograf_private_key needs the Python package 'cryptography' on the host that runs the"
                              " module, which does not have it: install it there, or run the task on the controller"
                              " (delegate_to: localhost), where ansible-core brings it", kind="auth")
    try:
        with open(path, "rb") as handle:
            pem = handle.read()
    except (IOError, OSError) as exc:
        raise ChronografError("chronograf_private_key: cannot read %s (%s)" % (path, exc.strerror or exc),
                              kind="auth")
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise ChronografError("chronograf_private_key: %s is not an unencrypted PEM private key (chronoctl gen-keypair"
                              " writes one): %s" % (path, str(exc).split("\n", maxsplit=1)[0][:200]), kind="auth")
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ChronografError("chronograf_private_key: %s is not an RSA private key; Chronograf's superadmin token is"
                              " an RSA signature" % path, kind="auth")
    return key


def sign_nonce(key, nonce):
    """The Authorization header value for a nonce: its RSASSA-PKCS1-v1_5 SHA-256 signature, in base64."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    if not isinstance(nonce, bytes):
        nonce = nonce.encode("utf-8")
    signature = key.sign(nonce, padding.PKCS1v15(), hashes.SHA256())
    return "%s %s" % (TOKEN_SCHEME, base64.b64encode(signature).decode("ascii"))


# ---------------------------------------------------------------------------------------------
# Paths

def proxy_target(proxy_link, kapacitor_request_uri):
    """The proxy URL path for a Kapacitor request-URI: the URI, already percent-encoded itself, is
    percent-encoded once more as the value of the path parameter (as Chronograf's UI does)."""
    return "%s?path=%s" % (proxy_link, quote(kapacitor_request_uri, safe=""))


def split_url(url, basepath=None):
    """(base URL without path, basepath) of chronograf_url and chronograf_basepath.

    A path in chronograf_url is the basepath (a trailing /chronograf/v1 is left out), unless
    chronograf_basepath is given, in which case the two must agree.
    """
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ChronografError("chronograf_url must be an http:// or https:// URL with a host, got a value without"
                              " scheme or host", kind="url")
    netloc = parts.netloc.rpartition("@")[2]
    path = parts.path.rstrip("/")
    if path.endswith(API_PREFIX):
        path = path[:-len(API_PREFIX)]
    if basepath is not None:
        basepath = basepath.rstrip("/")
        if path and path != basepath:
            raise ChronografError("chronograf_url has the path %s but chronograf_basepath is %s: give the basepath"
                                  " in one of them" % (path, basepath or "/"), kind="url")
        path = basepath
    if not BASEPATH.match(path):
        raise ChronografError("chronograf_basepath must look like /segment[/segment...] (letters, digits, _ and -),"
                              " as Chronograf's --basepath does, got %s" % path, kind="url")
    return urlunsplit((parts.scheme, netloc, "", "", "")), path


def _header(headers, name):
    return headers.get(name) if headers is not None else None


def _chronograf_message(text):
    """Chronograf's message from its JSON error body ({"code": N, "message": msg})."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return data["message"]
    return None


# ---------------------------------------------------------------------------------------------
# Chronograf's own API

class ChronografClient:
    """One Chronograf server. Paths are absolute (/chronograf/v1/..., /nonce), without the basepath."""

    def __init__(self, url, username=None, password=None, private_key=None, basepath=None, timeout=10,
                 validate_certs=True, ca_path=None, client_cert=None, client_key=None, use_proxy=True,
                 request_factory=Request):
        self.base_url, self.basepath = split_url(url, basepath)
        self.url = self.base_url + self.basepath
        self.host = urlsplit(self.base_url).netloc
        self.timeout = timeout
        self.username = username
        self.private_key = private_key
        # Answers read so far, and writes that Chronograf accepted.
        self.answers = 0
        self.writes = 0
        self._basic = None
        if username:
            pair = ("%s:%s" % (username, password or "")).encode("utf-8")
            self._basic = "Basic " + base64.b64encode(pair).decode("ascii")
        self._key = None
        self._signature = None
        self._tls = dict(cafile=ca_path, validate_certs=validate_certs, client_cert=client_cert, client_key=client_key)
        self._context = None
        self._request = request_factory(
            headers={"Accept": "application/json"},
            use_proxy=use_proxy,
            force=True,
            timeout=timeout,
            validate_certs=validate_certs,
            http_agent=USER_AGENT,
            follow_redirects="none",
            client_cert=client_cert,
            client_key=client_key,
            ca_path=ca_path,
            use_netrc=False,
        )

    # -- the exchange ---------------------------------------------------------------------------

    def exchange(self, method, target, body=None):
        """Send one request (target: a path with its query) and return (status, headers, text),
        error answers included. A refused superadmin token is signed again with a fresh nonce, once."""
        status, headers, text = self._open(method, target, body, self._authorization(method, target))
        # Chronograf accepts a signature of its current nonce only, which it replaces every
        # --nonce-expiration, even between the GET /nonce and the request signed with it.
        if status == 403 and self.private_key and not text.strip():
            self._signature = None
            status, headers, text = self._open(method, target, body, self._authorization(method, target))
        return status, headers, text

    def _authorization(self, method, target):
        if self._basic:
            return self._basic
        if not self.private_key:
            return None
        if self._key is None:
            self._key = load_private_key(self.private_key)
        if self._signature is None:
            self._signature = sign_nonce(self._key, self.nonce())
        return self._signature

    def nonce(self):
        """Chronograf's current nonce (GET /nonce, plain text)."""
        status, headers, text = self._open("GET", "/nonce", None, None)
        if status != 200:
            raise self.error("GET", "/nonce", status, headers, text)
        content_type = _header(headers, "Content-Type") or ""
        if "html" in content_type or not text.strip():
            raise ChronografError("GET %s/nonce: the answer is not a nonce: this Chronograf does not take superadmin"
                                  " tokens (it needs 1.8.1 or newer), or chronograf_url is not Chronograf's"
                                  % self.basepath, "GET", self.basepath + "/nonce", status, None, "not_chronograf")
        return text.strip()

    def _open(self, method, target, body, authorization):
        url = self.url + target
        path = self.basepath + target.split("?", 1)[0]
        headers = {}
        data = None
        if authorization:
            headers["Authorization"] = authorization
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        context = self._tls_context(method, path)
        try:
            response = self._request.open(method, url, data=data, headers=headers, context=context)
            text = response.read().decode("utf-8", "replace")
            status = getattr(response, "status", None) or response.getcode()
            answer_headers = response.headers
        except HTTPError as exc:
            text = client.read_error_body(exc)
            status = exc.code
            answer_headers = exc.headers
        except URLError as exc:
            raise self._transport_error(method, path, exc.reason)
        except Exception as exc:  # pylint: disable=broad-except
            raise self._transport_error(method, path, exc)
        self.answers += 1
        return status, answer_headers, text

    # One TLS context for every request, as KapacitorClient builds it.
    error_class = ChronografError
    server_label = "Chronograf at "
    _tls_context = KapacitorClient._tls_context

    def _transport_error(self, method, path, reason):
        error = client.transport_error(method, path, reason, self.host, self.timeout, server="Chronograf",
                                       option="chronograf_url", error_class=ChronografError)
        if "Chronograf" not in error.message:
            error.message = error.message.replace(self.host, "Chronograf at " + self.host, 1)
            error.args = (error.message,)
        return error

    # -- errors ---------------------------------------------------------------------------------

    def error(self, method, target, status, headers, text):
        """The ChronografError of an error answer (or of an answer that is not Chronograf's)."""
        path = self.basepath + target.split("?", 1)[0]
        where = "%s %s" % (method, path)
        message = redaction.scrub(_chronograf_message(text))
        if _header(headers, VERSION_HEADER) is None:
            return ChronografError("%s: HTTP %s: this does not look like Chronograf's API at %s (no %s header in the"
                                   " answer): check chronograf_url" % (where, status, self.url, VERSION_HEADER),
                                   method, path, status, message, "not_chronograf")
        if status == 401:
            if self.username:
                hint = ("Chronograf refused the user name or password (htpasswd authentication): check"
                        " chronograf_username and chronograf_password")
            else:
                hint = ("Chronograf requires HTTP basic authentication (it runs with --htpasswd): give"
                        " chronograf_username and chronograf_password")
            return ChronografError("%s: HTTP 401: %s" % (where, hint), method, path, status,
                                   message or text.strip()[:100] or None, "auth")
        if status == 403 and message is None:
            if self.private_key:
                hint = ("Chronograf did not accept the superadmin token signed with chronograf_private_key (tried"
                        " with a fresh nonce): the key must be the private half of Chronograf's --pub-key")
            else:
                hint = ("Chronograf requires authentication (it runs with OAuth): give chronograf_private_key, the"
                        " private half of the key pair whose public key Chronograf was started with (--pub-key)")
            return ChronografError("%s: HTTP 403: %s" % (where, hint), method, path, status, None, "auth")
        if status == 404 and text.strip() == "404 page not found":
            return ChronografError("%s: HTTP 404: 404 page not found: Chronograf serves under another basepath:"
                                   " check chronograf_basepath (or the path of chronograf_url)" % where,
                                   method, path, status, text.strip(), "not_chronograf")
        if 300 <= status < 400:
            return ChronografError("%s: HTTP %s: Chronograf redirected the request to %s" % (
                where, status, redaction.scrub(_header(headers, "Location") or "nowhere")),
                method, path, status, None, "http")
        parts = ["%s: HTTP %s from Chronograf" % (where, status)]
        if message:
            parts.append(message)
        return ChronografError(": ".join(parts), method, path, status, message, "http")

    def decode(self, method, target, status, headers, text):
        """The JSON of a successful answer (None for an empty one); the UI page is refused."""
        path = self.basepath + target.split("?", 1)[0]
        content_type = _header(headers, "Content-Type") or ""
        if not text.strip():
            return None
        if "json" not in content_type:
            raise ChronografError("%s %s: HTTP %s with %s, not JSON: this does not look like Chronograf's API at %s"
                                  " (Chronograf answers its UI page for every path it does not know): check"
                                  " chronograf_url and chronograf_basepath"
                                  % (method, path, status, content_type.split(";")[0] or "no content type", self.url),
                                  method, path, status, None, "not_chronograf")
        try:
            return json.loads(text)
        except ValueError:
            raise ChronografError("%s %s: the answer is not JSON: this does not look like Chronograf's API at %s"
                                  % (method, path, self.url), method, path, status, None, "invalid_response")

    # -- requests -------------------------------------------------------------------------------

    def call(self, method, target, body=None):
        status, headers, text = self.exchange(method, target, body)
        if status >= 300:
            raise self.error(method, target, status, headers, text)
        if _header(headers, VERSION_HEADER) is None:
            raise self.error(method, target, status, headers, text)
        result = self.decode(method, target, status, headers, text)
        if method != "GET":
            self.writes += 1
        return result

    def get(self, target):
        return self.call("GET", target)

    def sources(self):
        """Every source: GET /chronograf/v1/sources."""
        return (self.get(API_PREFIX + "/sources") or {}).get("sources") or []

    def find_source(self, source):
        """The source record named or numbered source; None: the default source. One GET."""
        if source is not None and str(source).isdigit():
            return self.get("%s/sources/%s" % (API_PREFIX, source))
        found = self.sources()
        if source is None:
            default = [s for s in found if s.get("default")] or found[:1]
            if not default:
                raise ChronografError("Chronograf has no source: add an InfluxDB source to Chronograf first",
                                      "GET", self.basepath + API_PREFIX + "/sources", 200, None, "not_found")
            return default[0]
        named = [s for s in found if s.get("name") == source]
        if len(named) != 1:
            raise ChronografError("Chronograf has %s source named %r: give chronograf_source as an id (sources: %s)" % (
                "no" if not named else "more than one", source,
                ", ".join("%s (id %s)" % (s.get("name"), s.get("id")) for s in found) or "none"),
                "GET", self.basepath + API_PREFIX + "/sources", 200, None, "not_found")
        return named[0]

    def kapacitors(self, source_id):
        """The Kapacitor connections of a source."""
        return (self.get("%s/sources/%s/kapacitors" % (API_PREFIX, source_id)) or {}).get("kapacitors") or []


def find_kapacitor(connections, wanted, source_id, path):
    """The connection whose id or name is wanted (None: the active one, or the only one)."""
    def listed():
        return ", ".join("%r (id %s%s)" % (c.get("name"), c.get("id"), ", active" if c.get("active") else "")
                         for c in connections) or "none"

    if wanted is None:
        chosen = [c for c in connections if c.get("active")] or (connections if len(connections) == 1 else [])
        if len(chosen) != 1:
            raise ChronografError("Chronograf source %s has no active Kapacitor connection: name one with"
                                  " chronograf_kapacitor (connections: %s)" % (source_id, listed()),
                                  "GET", path, 200, None, "not_found")
        return chosen[0]
    wanted = str(wanted)
    chosen = [c for c in connections if str(c.get("id")) == wanted]
    chosen = chosen or [c for c in connections if c.get("name") == wanted]
    if not chosen:
        raise ChronografError("Chronograf source %s has no Kapacitor connection named or numbered %r (connections: %s)"
                              % (source_id, wanted, listed()), "GET", path, 200, None, "not_found")
    if len(chosen) > 1:
        raise ChronografError("Chronograf source %s has %d Kapacitor connections named %r: give chronograf_kapacitor as"
                              " an id (connections: %s)" % (source_id, len(chosen), wanted, listed()),
                              "GET", path, 200, None, "ambiguous")
    return chosen[0]


# ---------------------------------------------------------------------------------------------
# Kapacitor through Chronograf's proxy

class ChronografProxyClient(KapacitorClient):
    """KapacitorClient's interface over Chronograf's proxy of one Kapacitor connection.

    The connection is looked up with two GETs to Chronograf before the first Kapacitor request.
    """

    def __init__(self, chronograf, source=None, kapacitor=None, sleep=time.sleep):
        # KapacitorClient.__init__ is not called: there is no Kapacitor URL to talk to.
        # pylint: disable=super-init-not-called
        self.chronograf = chronograf
        self.source = source
        self.kapacitor = kapacitor
        self.sleep = sleep
        self.timeout = chronograf.timeout
        self.kapacitor_version = None
        self.answers = 0
        self.writes = 0
        self.connection = None
        self.base_url = chronograf.url
        self.host = chronograf.host

    def resolve(self):
        """The Kapacitor connection record (id, name, url, links), looked up once."""
        if self.connection is None:
            source = self.chronograf.find_source(self.source)
            source_id = source.get("id")
            found = self.chronograf.kapacitors(source_id)
            path = "%s%s/sources/%s/kapacitors" % (self.chronograf.basepath, API_PREFIX, source_id)
            self.connection = find_kapacitor(found, self.kapacitor, source_id, path)
            self.base_url = redaction.scrub(self.connection.get("url") or "")
        return self.connection

    def _send(self, method, path, body=None):
        full_path = client.API_PREFIX + path
        where = "%s %s" % (method, full_path)
        connection = self.resolve()
        target = proxy_target(connection["links"]["proxy"], full_path)
        status, headers, text = self.chronograf.exchange(method, target, body)
        version = _header(headers, "X-Kapacitor-Version")
        if version:
            self.kapacitor_version = version
        elif status == 502 and not text.strip():
            raise ChronografError("%s: Chronograf could not reach Kapacitor at %s: 502 (Kapacitor is down, or the"
                                  " URL of Chronograf's connection %r is wrong)"
                                  % (where, self.base_url, connection.get("name")),
                                  method, full_path, 502, None, "kapacitor_unreachable")
        elif self._chronografs_own(status, headers, text):
            raise self.chronograf.error(method, target, status, headers, text)
        else:
            raise ChronografError("%s: HTTP %s: the URL of Chronograf's Kapacitor connection %r (%s) does not answer"
                                  " as Kapacitor's API does (no X-Kapacitor-Version header)"
                                  % (where, status, connection.get("name"), self.base_url),
                                  method, full_path, status, None, "not_kapacitor")
        self.answers += 1
        if status >= 300:
            raise client.kapacitor_http_error(method, full_path, status, text)
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            raise KapacitorError("%s: the answer is not JSON: is the URL of Chronograf's Kapacitor connection the"
                                 " URL of a Kapacitor server?" % where, method, full_path, status, None,
                                 "invalid_response")

    @staticmethod
    def _chronografs_own(status, headers, text):
        """Whether an answer without Kapacitor's header is Chronograf's own failure (its JSON error, its
        authentication answers), not the answer of a server behind the proxy that is not Kapacitor."""
        if _header(headers, VERSION_HEADER) is None:
            return True
        return status >= 300 and (status in (401, 403) or _chronograf_message(text) is not None)


# ---------------------------------------------------------------------------------------------
# The connection options of a module that talks to Chronograf alone (chronograf_kapacitor)

class ChronografConnection:
    """The connection_options of KapacitorModule for Chronograf's own API (see base.py)."""

    ARGUMENT_SPEC = dict(
        [(name, connection.CONNECTION_ARGUMENT_SPEC[name]) for name in connection.CHRONOGRAF_OPTIONS],
        validate_certs=dict(type="bool", default=True),
        ca_path=dict(type="path"),
        timeout=dict(type="int", default=10),
    )

    @classmethod
    def module_kwargs(cls, argument_spec, **kwargs):
        spec = dict((name, dict(option)) for name, option in cls.ARGUMENT_SPEC.items())
        return connection.merge_kwargs(spec, argument_spec, connection.CHRONOGRAF_MUTUALLY_EXCLUSIVE,
                                       connection.CHRONOGRAF_REQUIRED_TOGETHER, {}, kwargs)

    @staticmethod
    def connection_secrets(raw_params):
        return redaction.url_secrets(raw_params.get("chronograf_url"))

    @staticmethod
    def check_connection(params, given=None):
        if not params.get("chronograf_url"):
            raise InputError("chronograf_url is required (or the environment variable CHRONOGRAF_URL)")
        if redaction.url_secrets(params["chronograf_url"]):
            raise InputError("chronograf_url: credentials in the URL (user:password@host) are not used; give them as"
                             " chronograf_username and chronograf_password instead")
        if params.get("timeout") is not None and params["timeout"] <= 0:
            raise InputError("timeout: expected a positive number of seconds, got %s" % params["timeout"])

    @staticmethod
    def client_from_module(module):
        return connection.chronograf_from_params(module.params)
