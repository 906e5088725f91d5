# -*- coding: utf-8 -*-
# Copyright (c) tickstack.kapacitor contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the tickstack.kapacitor collection: module_utils are not a public API and may
# change in any release. Use the modules instead.
"""HTTP client for Kapacitor's API, on ansible.module_utils.urls only.

Every failure becomes a KapacitorError that carries the method, the path, the HTTP status (None
when no response came) and Kapacitor's own message, with a hint for the common causes. No
message ever contains a credential: only the path of the URL is shown, never the query string,
the request body or the headers.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import socket
import ssl
import time

from http.client import HTTPException
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit, urlunsplit

from ansible.module_utils.urls import Request, make_context

try:
    from ansible.module_utils.urls import SSLValidationError
except ImportError:  # pragma: no cover - every supported ansible-core has it
    SSLValidationError = None

from ansible_collections.tickstack.kapacitor.plugins.module_utils import redaction
from ansible_collections.tickstack.kapacitor.plugins.module_utils.connection import USER_AGENT

API_PREFIX = "/kapacitor/v1"

# GETs are retried on these statuses and on dropped connections; writes (POST, PUT, DELETE)
# never are, because a write that reached Kapacitor may have been applied.
RETRY_STATUSES = (502, 503, 504)
GET_ATTEMPTS = 3
RETRY_DELAYS = (0.5, 1.5)


class KapacitorError(Exception):
    """A failed request, or a refusal to send one.

    kind is one of: connection, timeout, tls, dropped, http, invalid_response, not_kapacitor, url.
    """

    def __init__(self, message, method=None, path=None, status=None, kapacitor_message=None, kind="http"):
        self.method = method
        self.path = path
        self.status = status
        self.kapacitor_message = kapacitor_message
        self.kind = kind
        self.message = message
        super(KapacitorError, self).__init__(message)

    def to_result(self):
        """Fields to add to a failed module result."""
        return {
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "kapacitor_message": self.kapacitor_message,
            "error_kind": self.kind,
        }


def _hint_for_status(method, status, path, kapacitor_message):
    """What to do about a failed answer; None when there is nothing useful to say."""
    text = (kapacitor_message or "").lower()
    if status == 401:
        return ("authentication failed: check kapacitor_username/kapacitor_password or kapacitor_token"
                " (Kapacitor has [http] auth-enabled = true)")
    alerts = bool(path) and path.startswith(API_PREFIX + "/alerts/")
    if status == 403:
        if alerts:
            return "the Kapacitor user is not allowed to use this API: topic handlers need the 'api' permission"
        if "config override service is not enabled" in text:
            return ("Kapacitor's config override API is disabled ([config-override] enabled = false in"
                    " kapacitor.conf): enable it to manage alert endpoints through the API")
        return ("the Kapacitor user is not allowed to use this API: it needs the 'config' permission"
                " (and 'api' to send test alerts)")
    if status == 404:
        if path and path.startswith(API_PREFIX + "/config/"):
            return ("this Kapacitor does not know that section or element: the element does not exist,"
                    " or this Kapacitor is too old for the handler")
        if path and path.startswith(API_PREFIX + "/service-tests/"):
            return "this Kapacitor has no service test of that name: it may be too old for the handler"
        return None
    if status == 400:
        return "Kapacitor refused the request"
    if status == 500 and alerts and method in ("POST", "PUT"):
        return ("Kapacitor refused to build the handler (an option, the match expression, or a kafka cluster or"
                " httppost endpoint that its configuration does not define)")
    if status == 500 and method == "POST" and path and path.startswith(API_PREFIX + "/config/"):
        return "Kapacitor failed to apply the request (its running service refused the new configuration)"
    if status in RETRY_STATUSES:
        return "Kapacitor, or a proxy in front of it, is unavailable"
    return None


def _kapacitor_message(body):
    """Kapacitor's error text from an error body ({"error": msg, "message": msg})."""
    if not body:
        return None
    try:
        data = json.loads(body)
    except ValueError:
        text = body.strip()
        return text[:500] or None
    if isinstance(data, dict):
        for key in ("error", "message"):
            if isinstance(data.get(key), str) and data[key]:
                return data[key]
    return None


def _is_timeout(exc):
    return isinstance(exc, (socket.timeout, TimeoutError))


def _is_tls(exc):
    if isinstance(exc, ssl.SSLError) or isinstance(exc, ssl.CertificateError):
        return True
    return SSLValidationError is not None and isinstance(exc, SSLValidationError)


def _is_dropped(exc):
    return isinstance(exc, (HTTPException, ConnectionResetError, ConnectionAbortedError, BrokenPipeError))


class KapacitorClient:
    """One Kapacitor server. Paths are relative to /kapacitor/v1."""

    # Named in messages about the TLS setup (the Chronograf client shares it).
    error_class = KapacitorError
    server_label = ""

    def __init__(self, url, username=None, password=None, token=None, timeout=10, validate_certs=True,
                 ca_path=None, client_cert=None, client_key=None, use_proxy=True, sleep=time.sleep,
                 request_factory=Request):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise KapacitorError("kapacitor_url must be an http:// or https:// URL, got a value without scheme or host",
                                 kind="url")
        # Credentials in the URL would end up in messages; keep only scheme, host and path.
        netloc = parts.netloc.rpartition("@")[2]
        self.base_url = urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
        self.host = netloc
        self.timeout = timeout
        self.sleep = sleep
        # Kapacitor sends its version in the X-Kapacitor-Version header of every answer.
        self.kapacitor_version = None
        # Answers read so far, and writes that Kapacitor accepted (a failed run still reports changed).
        self.answers = 0
        self.writes = 0
        self._tls = dict(cafile=ca_path, validate_certs=validate_certs, client_cert=client_cert, client_key=client_key)
        self._context = None
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + token
        self._request = request_factory(
            headers=headers,
            use_proxy=use_proxy,
            force=True,
            timeout=timeout,
            validate_certs=validate_certs,
            url_username=username if not token else None,
            url_password=password if not token else None,
            http_agent=USER_AGENT,
            force_basic_auth=bool(username) and not token,
            follow_redirects="safe",
            client_cert=client_cert,
            client_key=client_key,
            ca_path=ca_path,
            use_netrc=False,
        )

    def get(self, path):
        """GET a path and return the decoded JSON body (None for an empty body)."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._send("GET", path)
            except KapacitorError as exc:
                retryable = exc.kind == "dropped" or exc.status in RETRY_STATUSES
                if not retryable or attempt >= GET_ATTEMPTS:
                    if retryable and attempt > 1:
                        exc.message += " (tried %d times)" % attempt
                        exc.args = (exc.message,)
                    raise
                self.sleep(RETRY_DELAYS[min(attempt - 1, len(RETRY_DELAYS) - 1)])

    def get_or_none(self, path):
        """GET a path; None when Kapacitor answers 404."""
        try:
            return self.get(path)
        except KapacitorError as exc:
            if exc.status == 404:
                return None
            raise

    def post(self, path, body, write=True):
        """POST a JSON body once (never retried) and return the decoded JSON answer or None.

        write: whether the request changes Kapacitor's configuration (a service test does not).
        """
        answer = self._send("POST", path, body)
        self.writes += int(write)
        return answer

    def put(self, path, body):
        """PUT a JSON body once (never retried; a write) and return the decoded JSON answer or None."""
        answer = self._send("PUT", path, body)
        self.writes += 1
        return answer

    def delete(self, path):
        """DELETE a path once (never retried; a write) and return the decoded JSON answer or None."""
        answer = self._send("DELETE", path)
        self.writes += 1
        return answer

    def _send(self, method, path, body=None):
        full_path = API_PREFIX + path
        url = self.base_url + full_path
        data = None
        headers = {}
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        where = "%s %s" % (method, full_path)
        context = self._tls_context(method, full_path)
        try:
            response = self._request.open(method, url, data=data, headers=headers, context=context)
            raw = response.read()
            self._note_version(response)
            self.answers += 1
        except HTTPError as exc:
            err_body = read_error_body(exc)
            if not self._looks_like_kapacitor(exc):
                raise KapacitorError("%s: HTTP %s: this does not look like Kapacitor's API at %s (no X-Kapacitor-Version"
                                     " header in the answer): check kapacitor_url" % (where, exc.code, self.base_url),
                                     method, full_path, exc.code, redaction.scrub(_kapacitor_message(err_body)),
                                     "not_kapacitor")
            self.answers += 1
            raise kapacitor_http_error(method, full_path, exc.code, err_body)
        except URLError as exc:
            raise self._transport_error(method, full_path, exc.reason)
        except Exception as exc:  # pylint: disable=broad-except
            raise self._transport_error(method, full_path, exc)
        if not raw:
            return None
        try:
            return json.loads(raw.decode("utf-8"))
        except ValueError:
            raise KapacitorError("%s: the answer is not JSON: is kapacitor_url the URL of a Kapacitor server?" % where,
                                 method, full_path, getattr(response, "status", None), None, "invalid_response")

    def _tls_context(self, method, full_path):
        """One TLS context for every request of this client.

        Given none, ansible.module_utils.urls builds one for each request, loading the system's CA
        certificates, for plain HTTP too: that was the most expensive part of a request. Plain HTTP
        never uses it, so it gets an empty one.
        """
        if self._context is None:
            if self.base_url.startswith("http:"):
                self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                return self._context
            try:
                self._context = make_context(**self._tls)
            except (OSError, ssl.SSLError) as exc:
                raise self.error_class("%s %s: cannot set up TLS for %s%s: ca_path, client_cert or client_key cannot"
                                       " be loaded (%s)" % (method, full_path, self.server_label, self.host, _short(exc)),
                                       method, full_path, None, None, "tls")
        return self._context

    def _looks_like_kapacitor(self, error):
        """Whether an error answer came from Kapacitor: it names its version in every answer.

        Only the first answer of a run is judged (a 404 from another web server would otherwise
        read as a Kapacitor without the handler), and a proxy's 502, 503 or 504 in front of a
        Kapacitor is not doubted.
        """
        self._note_version(error)
        if self.answers or error.code in RETRY_STATUSES:
            return True
        return self.kapacitor_version is not None

    def _note_version(self, response):
        headers = getattr(response, "headers", None)
        version = headers.get("X-Kapacitor-Version") if headers is not None else None
        if version:
            self.kapacitor_version = version

    def _transport_error(self, method, full_path, reason):
        return transport_error(method, full_path, reason, self.host, self.timeout)


def read_error_body(error):
    """The text of an error answer ("" when it cannot be read)."""
    try:
        return error.read().decode("utf-8", "replace")
    except Exception:  # pylint: disable=broad-except
        return ""


def kapacitor_http_error(method, full_path, status, body):
    """The KapacitorError of an error answer from Kapacitor: status, Kapacitor's message and a hint."""
    kmsg = redaction.scrub(_kapacitor_message(body))
    hint = _hint_for_status(method, status, full_path, kmsg)
    parts = ["%s %s: HTTP %s" % (method, full_path, status)]
    if kmsg:
        parts.append(kmsg)
    if hint:
        parts.append(hint)
    return KapacitorError(": ".join(parts), method, full_path, status, kmsg, "http")


def transport_error(method, full_path, reason, host, timeout, server="Kapacitor", option="kapacitor_url",
                    error_class=KapacitorError):
    """The error of a request that got no answer from host (server names what runs there)."""
    where = "%s %s" % (method, full_path)
    if isinstance(reason, ConnectionRefusedError):
        return error_class("%s: connection refused by %s: is %s running and is %s right?"
                           % (where, host, server, option), method, full_path, None, None, "connection")
    if _is_timeout(reason) or "timed out" in str(reason):
        return error_class("%s: no answer from %s within %s seconds (timeout): raise timeout or check the network"
                           % (where, host, timeout), method, full_path, None, None, "timeout")
    if _is_tls(reason) or "certificate" in str(reason).lower() or "ssl" in type(reason).__name__.lower():
        return error_class("%s: TLS failure talking to %s (%s): set ca_path to the CA that signed %s's"
                           " certificate, or validate_certs=false for a test server"
                           % (where, host, _short(reason), server), method, full_path, None, None, "tls")
    if _is_dropped(reason):
        return error_class("%s: %s closed the connection without an answer (%s)"
                           % (where, host, type(reason).__name__), method, full_path, None, None, "dropped")
    if isinstance(reason, socket.gaierror):
        return error_class("%s: cannot resolve the host of %s: check %s" % (where, host, option),
                           method, full_path, None, None, "connection")
    if isinstance(reason, OSError):
        return error_class("%s: cannot connect to %s: %s" % (where, host, _short(reason)),
                           method, full_path, None, None, "connection")
    return error_class("%s: request to %s failed: %s" % (where, host, _short(reason)),
                       method, full_path, None, None, "connection")


def _short(exc):
    text = str(exc) or type(exc).__name__
    return text[:300]
