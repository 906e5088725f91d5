# -*- coding: utf-8 -*-
"""Start and stop a Kapacitor emulator process for tests, demos and benchmarks (standard library only).

    with Emulator(config={'smtp': {'host': 'mail'}}) as kapacitor:
        status, body = kapacitor.json('GET', '/kapacitor/v1/config/smtp/')
        log = kapacitor.requests()
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

import base64
import gzip
import hashlib
import hmac
import http.client
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
EMULATOR = os.path.join(HERE, 'kapacitor_emulator.py')
CHRONOGRAF_EMULATOR = os.path.join(HERE, 'chronograf_emulator.py')


def toml_value(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return '[' + ', '.join(toml_value(v) for v in value) + ']'
    if isinstance(value, dict):
        return '{' + ', '.join('%s = %s' % (toml_key(k), toml_value(v)) for k, v in value.items()) + '}'
    raise TypeError('cannot write %r as TOML' % (value,))


def toml_key(key):
    return key if key.replace('-', '').replace('_', '').isalnum() else json.dumps(key)


def to_toml(data):
    """Write a dict as TOML: scalars first, then tables, then arrays of tables ([[x]])."""
    lines = []
    tables = []
    for key, value in data.items():
        if isinstance(value, dict):
            tables.append(('[%s]' % toml_key(key), value))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            tables.extend(('[[%s]]' % toml_key(key), v) for v in value)
        else:
            lines.append('%s = %s' % (toml_key(key), toml_value(value)))
    for header, table in tables:
        lines.append('')
        lines.append(header)
        lines.extend('%s = %s' % (toml_key(k), toml_value(v)) for k, v in table.items())
    return '\n'.join(lines) + '\n'


def make_token(secret, claims, alg='HS256'):
    """A JWT signed with the shared secret, as Kapacitor's [http] shared-secret expects."""
    def enc(data):
        return base64.urlsafe_b64encode(data).rstrip(b'=').decode()
    digest = {'HS256': hashlib.sha256, 'HS384': hashlib.sha384, 'HS512': hashlib.sha512}[alg]
    signing_input = enc(json.dumps({'alg': alg, 'typ': 'JWT'}).encode()) + '.' + enc(json.dumps(claims).encode())
    signature = hmac.new(secret.encode(), signing_input.encode(), digest).digest()
    return signing_input + '.' + enc(signature)


class Response:
    def __init__(self, status, headers, data):
        self.status = status
        self.headers = headers
        self.data = data

    @property
    def text(self):
        return self.data.decode('utf-8')

    def json(self):
        return json.loads(self.text) if self.data else None


class Emulator:
    """A Kapacitor emulator in its own process on a free port.

    config: a dict written as kapacitor.conf TOML, or TOML text. tls: (cert, key) paths or None.
    """

    def __init__(self, config=None, tls=None, controls=True, state_file=None, extra_args=(), port=0, ca_file=None):
        self.config = config
        self.tls = tls
        self.ca_file = ca_file
        self.controls = controls
        self.state_file = state_file
        self.extra_args = list(extra_args)
        self.port = port
        self.process = None
        self.workdir = None
        self.stderr_path = None

    # -- process
    program = EMULATOR

    def config_arguments(self):
        """The flags for the configuration file (written into self.workdir) and TLS."""
        args = []
        if self.config is not None:
            path = os.path.join(self.workdir, 'kapacitor.conf')
            with open(path, 'w', encoding='utf-8') as handle:
                handle.write(self.config if isinstance(self.config, str) else to_toml(self.config))
            args += ['--config', path]
        if self.tls:
            args += ['--tls-cert', self.tls[0], '--tls-key', self.tls[1]]
        return args

    def start(self, timeout=15):
        self.workdir = tempfile.mkdtemp(prefix='kapacitor-emulator-')
        args = [sys.executable, self.program, '--listen', '127.0.0.1:%d' % self.port,
                '--port-file', os.path.join(self.workdir, 'port')] + self.config_arguments()
        if self.controls:
            args.append('--test-controls')
        if self.state_file:
            args += ['--state-file', self.state_file]
        args += self.extra_args
        self.stderr_path = os.path.join(self.workdir, 'stderr')
        with open(self.stderr_path, 'w', encoding='utf-8') as err, open(os.devnull, 'w', encoding='utf-8') as out:
            self.process = subprocess.Popen(args, stdout=out, stderr=err)  # pylint: disable=consider-using-with
        port_file = os.path.join(self.workdir, 'port')
        deadline = time.time() + timeout
        while time.time() < deadline:
            if os.path.exists(port_file):
                with open(port_file, encoding='utf-8') as handle:
                    self.port = int(handle.read())
                return self
            if self.process.poll() is not None:
                raise RuntimeError('emulator exited with %s: %s' % (self.process.returncode, self.stderr()))
            time.sleep(0.02)
        self.stop()
        raise RuntimeError('emulator did not start within %s s' % timeout)

    def stderr(self):
        with open(self.stderr_path, encoding='utf-8') as handle:
            return handle.read()

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def restart(self):
        """Stop and start again on the same port (the state file, if any, is kept)."""
        self.stop()
        return self.start()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self):
        return '%s://127.0.0.1:%d' % ('https' if self.tls else 'http', self.port)

    # -- HTTP
    def connection(self, timeout=30):
        if self.tls:
            context = ssl.create_default_context(cafile=self.ca_file)
            return http.client.HTTPSConnection('127.0.0.1', self.port, timeout=timeout, context=context)
        return http.client.HTTPConnection('127.0.0.1', self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, raw=None, timeout=30):
        """Send one request. body is JSON-encoded; raw is sent as it is. Returns a Response."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        conn = self.connection(timeout)
        try:
            conn.request(method, path, body=data, headers=headers or {})
            response = conn.getresponse()
            payload = response.read()
            if response.getheader('Content-Encoding') == 'gzip':
                payload = gzip.decompress(payload)
            return Response(response.status, dict(response.getheaders()), payload)
        finally:
            conn.close()

    def json(self, method, path, body=None, headers=None):
        response = self.request(method, path, body, headers)
        return response.status, response.json()

    # -- test controls
    def requests(self, kapacitor_only=True):
        entries = self.request('GET', '/_emulator/requests').json()['requests']
        return entries if not kapacitor_only else [e for e in entries if e['path'].startswith('/kapacitor/')]

    def clear_requests(self):
        self.request('DELETE', '/_emulator/requests')

    def add_fault(self, **fault):
        response = self.request('POST', '/_emulator/faults', fault)
        if response.status != 201:
            raise RuntimeError(response.text)
        return response.json()['id']

    def clear_faults(self):
        self.request('DELETE', '/_emulator/faults')

    def reset(self):
        self.request('POST', '/_emulator/reset')


class ChronografEmulator(Emulator):
    """A Chronograf emulator in its own process on a free port.

    config: a dict written as the --config JSON file (sources, kapacitors), or None for one default source.
    extra_args: further flags, e.g. ['--htpasswd', path] or ['--pub-key', path, '--basepath', '/chronograf'].
    """

    program = CHRONOGRAF_EMULATOR

    def config_arguments(self):
        if self.config is None:
            return []
        path = os.path.join(self.workdir, 'chronograf.json')
        with open(path, 'w', encoding='utf-8') as handle:
            json.dump(self.config, handle)
        return ['--config', path]

    def requests(self, kapacitor_only=False):
        return Emulator.requests(self, kapacitor_only)
