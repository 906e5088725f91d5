# -*- coding: utf-8 -*-
"""An emulator of Kapacitor v1.8.3's config-override, service-test and topic handler HTTP API.

    python3 kapacitor_emulator.py --listen 127.0.0.1:9092 [--config kapacitor.conf]

See docs/emulator.md for the flags, the TOML support and the test controls.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

import argparse
import base64
import copy
import gzip
import hashlib
import hmac
import http.server
import json
import os
import posixpath
import re
import socket
import ssl
import sys
import threading
import time
import tomllib
import urllib.parse
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gojson  # noqa: E402 pylint: disable=wrong-import-position
import kapacitor_schema as schema  # noqa: E402 pylint: disable=wrong-import-position
import service_tests  # noqa: E402 pylint: disable=wrong-import-position
import topics  # noqa: E402 pylint: disable=wrong-import-position

VERSION = '1.8.3'
BASE = '/kapacitor/v1'
PREVIEW_BASE = '/kapacitor/v1preview'
CONFIG_PATH = BASE + '/config'
TESTS_PATH = BASE + '/service-tests'
VALID_NAME = re.compile(r'^[-\w+]+$', re.ASCII)


class ApiError(Exception):
    """An error answered as Kapacitor's JSON error body."""

    def __init__(self, status, message, pretty=True):
        super(ApiError, self).__init__(message)
        self.status = status
        self.message = message
        self.pretty = pretty


class DropConnection(Exception):
    """Close the connection without any HTTP response (what a Go handler panic does)."""


class ConfigFileError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# kapacitor.conf

class ServerConfig:
    """What a kapacitor.conf (TOML) sets, on top of Kapacitor's built-in defaults."""

    def __init__(self, data=None):
        data = data or {}
        self.sections = dict((name, [sec.default_element()]) for name, sec in schema.SECTIONS.items())
        self.influxdb = [{'name': 'default', 'enabled': True, 'urls': ['http://localhost:8086']}]
        http_conf = data.get('http', {})
        self.auth_enabled = bool(http_conf.get('auth-enabled', False))
        self.shared_secret = http_conf.get('shared-secret', '')
        self.gzip = http_conf.get('gzip', True)
        self.override_enabled = bool(data.get('config-override', {}).get('enabled', True))
        self.skip_overrides = bool(data.get('skip-config-overrides', False))
        self.users = {}
        for user in data.get('emulator', {}).get('users', []):
            if not isinstance(user, dict) or not isinstance(user.get('username'), str) or not user['username']:
                raise ConfigFileError('[[emulator.users]]: every user needs a username (string)')
            self.users[user['username']] = {
                'password': user.get('password', ''),
                'permissions': list(user.get('permissions', [])),
                'admin': bool(user.get('admin', False)),
            }
        for name, sec in schema.SECTIONS.items():
            if name in data:
                try:
                    self.sections[name] = self._read_section(name, sec, data[name])
                except schema.OptionError as exc:
                    raise ConfigFileError('[%s]: %s' % (name, exc))
        if 'influxdb' in data:
            self.influxdb = self._read_influxdb(data['influxdb'])

    @staticmethod
    def _read_element(name, sec, table, element):
        known = set()
        for opt in sec.options:
            if opt.embedded:
                element[opt.name] = opt.type.from_toml(table, element[opt.name])
                known.update(f[2] for f in opt.type.fields)
                continue
            key = schema.toml_key(table, opt.toml)
            if key is not None:
                known.add(key)
                try:
                    element[opt.name] = opt.type.from_toml(table[key], element[opt.name])
                except schema.OptionError as exc:
                    raise schema.OptionError('%s: %s' % (opt.toml, exc))
        unknown = sorted(k for k in table if k not in known and schema.toml_key(dict((x, 1) for x in known), k) is None)
        if unknown:
            sys.stderr.write('kapacitor-emulator: ignoring unknown keys in [%s]: %s\n' % (name, ', '.join(unknown)))
        return element

    def _read_section(self, name, sec, value):
        if not sec.is_list:
            if not isinstance(value, dict):
                raise schema.OptionError('expected a table')
            return [self._read_element(name, sec, value, self.sections[name][0])]
        if isinstance(value, dict):
            if sec.toml_reuses_defaults:
                raise schema.OptionError('toml: cannot load TOML value of type map[string]interface {} into a Go slice')
            value = [value]
        if not isinstance(value, list):
            raise schema.OptionError('expected an array of tables')
        reuse = sec.toml_reuses_defaults and len(value) <= len(self.sections[name])
        elements = []
        for index, table in enumerate(value):
            if not isinstance(table, dict):
                raise schema.OptionError('expected an array of tables ([[%s]])' % name)
            start = copy.deepcopy(self.sections[name][index]) if reuse else sec.zero_element()
            elements.append(self._read_element(name, sec, table, start))
        return elements

    def _read_influxdb(self, value):
        tables = value if isinstance(value, list) else [value]
        reuse = len(tables) <= len(self.influxdb)
        out = []
        for index, table in enumerate(tables):
            element = dict(self.influxdb[index]) if reuse else {'name': '', 'enabled': False, 'urls': []}
            element.update(dict((k, table[k]) for k in ('name', 'enabled', 'urls') if k in table))
            out.append(element)
        return out


def load_config(path):
    if not path:
        return ServerConfig()
    with open(path, 'rb') as handle:
        try:
            data = tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigFileError('%s: %s' % (path, exc))
    return ServerConfig(data)


# ---------------------------------------------------------------------------------------------
# Stored overrides (Kapacitor keeps them in BoltDB and decodes them with UseNumber)

class OverrideStore:
    def __init__(self, state_file=None):
        self.state_file = state_file
        self._items = {}
        self.sections = {}
        if state_file and os.path.exists(state_file):
            with open(state_file, encoding='utf-8') as handle:
                data = json.load(handle)
            self._items = dict((i, (o['options'], o['create'])) for i, o in data.get('overrides', {}).items())
            self.sections = dict((k, v) for k, v in data.items() if k not in ('version', 'overrides'))

    def get(self, oid):
        if oid not in self._items:
            return None
        text, create = self._items[oid]
        return {'id': oid, 'options': gojson.loads_stored(text), 'create': create}

    def list(self):
        return [self.get(i) for i in sorted(self._items)]

    def set(self, override):
        self._items[override['id']] = (gojson.dumps(override['options']), override['create'])
        self._save()

    def delete(self, oid):
        self._items.pop(oid, None)
        self._save()

    def clear(self):
        self._items = {}
        self.sections = {}
        self._save()

    def save_sections(self):
        self._save()

    def _save(self):
        if not self.state_file:
            return
        data = dict(self.sections, version=1, overrides=dict((i, {'options': t, 'create': c}) for i, (t, c) in self._items.items()))
        tmp = self.state_file + '.tmp'
        with open(tmp, 'w', encoding='utf-8') as handle:
            json.dump(data, handle, indent=2, sort_keys=True)
        os.replace(tmp, self.state_file)


# ---------------------------------------------------------------------------------------------
# Applying overrides (services/config/override/override.go)

def split_id(oid):
    section, _sep, element = oid.partition('/')
    return section, element


def apply_overrides(file_sections, overrides):
    """OverrideConfig: return {section: [element, ...]} sorted by element id; errors raise ValueError."""
    sections = copy.deepcopy(file_sections)
    for override in overrides:
        section, element = split_id(override['id'])
        if override['create']:
            element = ''
        try:
            apply_override(sections, section, element, override['options'], override['create'])
        except ValueError as exc:
            raise ValueError('failed to override configuration %s/%s: %s' % (section, element, exc))
    for name in schema.SECTION_ORDER:
        sec = schema.SECTIONS[name]
        if sec.is_list:
            seen = set()
            for item in sections[name]:
                if item[sec.key] in seen:
                    raise ValueError('failed to read sections from configuration object: section %s has duplicate elements: %s' % (
                        gojson.go_quote(name), gojson.go_quote(item[sec.key])))
                seen.add(item[sec.key])
            sections[name].sort(key=lambda item, key=sec.key: item[key])
    return sections


def apply_override(sections, section, element, options, create):
    sec = schema.SECTIONS.get(section)
    used = set()

    def apply_to(item):
        for opt in sec.options:
            key = opt.name if opt.name in options else (opt.name.lower() if opt.name.lower() in options else None)
            if key is None:
                continue
            if not create and key == sec.key:
                raise ValueError('cannot override element key %s' % key)
            try:
                item[opt.name] = opt.type.copy_value(item[opt.name], options[key])
            except schema.OptionError as exc:
                raise ValueError('cannot set option %s: %s' % (key, exc))
            used.add(key)

    if sec is None:
        if options:
            raise ValueError('unknown options [%s] in section %s' % (' '.join(sorted(options)), section))
        raise ValueError('unknown section %s' % section)
    elements = sections[section]
    if not sec.is_list:
        target = ('element', elements[0])
        if element == '':
            apply_to(elements[0])
    else:
        if create:
            if sec.key not in options:
                raise ValueError('element key %s not present in options' % gojson.go_quote(sec.key))
            if not isinstance(options[sec.key], str):
                raise ValueError('type of element key must be a string, got %s ' % gojson.go_type(options[sec.key]))
            new = sec.zero_element()
            new[sec.key] = str(options[sec.key])
            elements.append(new)
            used.add(sec.key)
            element = new[sec.key]
        target = ('list', elements)
        for item in elements:
            if element == '' or item[sec.key] == element:
                apply_to(item)
                if element != '':
                    target = ('element', item)
    unused = sorted(k for k in options if k not in used)
    if unused:
        raise ValueError('unknown options [%s] in section %s' % (' '.join(unused), section))
    try:
        if target[0] == 'element':
            sec.validate(target[1])
        elif sec.validate_list:
            sec.validate_list(target[1])
    except schema.ValidationError as exc:
        raise ValueError('failed validation: %s' % exc)


# ---------------------------------------------------------------------------------------------
# The server state

class Kapacitor:
    """File config, stored overrides and the configuration the running services use."""

    def __init__(self, config, store):
        self.config = config
        self.store = store
        self.lock = threading.RLock()
        self.running = {}
        self.start()

    def start(self):
        """What a (re)start does: push the effective config to every service."""
        overrides = self.store.list() if self.config.override_enabled and not self.config.skip_overrides else []
        try:
            sections = apply_overrides(self.config.sections, overrides)
        except ValueError as exc:
            raise ConfigFileError('failed to apply config overrides: %s' % exc)
        self.running = {}
        for name, elements in sections.items():
            self.update_service(name, elements, '')
        self.topics = topics.TopicService(self, decode_json_body, glob_regex)

    def effective(self):
        try:
            return apply_overrides(self.config.sections, self.store.list())
        except ValueError as exc:
            raise ApiError(500, 'failed to resolve current config:failed to apply configuration overrides: %s' % exc)

    def update_service(self, name, elements, element):
        """A service's Update(): slack and discord keep workspaces they no longer get; mqtt checks
        its whole list."""
        elements = copy.deepcopy(elements)
        if name == 'mqtt':
            try:
                schema.v_mqtt_list(elements)
            except schema.ValidationError as exc:
                raise ApiError(500, 'failed to update configuration %s/%s: %s' % (name, element, exc))
        if name in ('slack', 'discord'):
            workspaces = self.running.setdefault(name + '#workspaces', {})
            for item in elements:
                # An existing workspace is updated in place, so the "" alias of a named default sees it.
                if item['workspace'] in workspaces:
                    workspaces[item['workspace']].clear()
                    workspaces[item['workspace']].update(item)
                else:
                    workspaces[item['workspace']] = item
                if item['default'] and item['workspace'] != '':
                    workspaces[''] = workspaces[item['workspace']]
        self.running[name] = elements


# ---------------------------------------------------------------------------------------------
# Config API (services/config/service.go)

def parse_config_path(path):
    """(section, element, has_section, has_element) as sectionAndElementFromPath computes them."""
    prefix = CONFIG_PATH + '/'
    if not path.startswith(prefix):
        return '', '', False, False
    section, _sep, element = path[len(prefix):].partition('/')
    return section, element, True, element != '' or (section != '' and path.endswith('/'))


def render_section(name, elements):
    sec = schema.SECTIONS[name]
    out = []
    for item in elements:
        options, redacted = sec.render(item)
        element_id = sec.element_id(item)
        href = posixpath.normpath(posixpath.join(CONFIG_PATH, name, element_id)) + ('/' if element_id == '' else '')
        out.append({'link': {'rel': 'self', 'href': href}, 'options': options, 'redacted': redacted})
    return {'link': {'rel': 'self', 'href': posixpath.join(CONFIG_PATH, name)}, 'elements': out}


def get_config(state, path):
    if not state.config.override_enabled:
        raise ApiError(403, 'config override service is not enabled')
    section, element, has_section, has_element = parse_config_path(path)
    with state.lock:
        sections = state.effective()
    rendered = dict((name, render_section(name, items)) for name, items in sections.items() if items)
    if has_section and section == '':
        raise ApiError(400, "section not specified, do you have an extra trailing '/'?")
    if not has_section:
        return 200, {'link': {'rel': 'self', 'href': CONFIG_PATH}, 'sections': rendered}
    if section not in rendered:
        raise ApiError(404, 'unknown section: ' + section)
    if not has_element:
        return 200, rendered[section]
    key = schema.SECTIONS[section].key
    for item in rendered[section]['elements']:
        if (element == '' and key is None) or (key is not None and item['options'][key] == element):
            return 200, item
    raise ApiError(404, 'unknown section/element: %s/%s' % (section, element))


UPDATE_KEYS = {'set': dict, 'delete': list, 'add': dict, 'remove': list}
GO_FIELD_TYPES = {'set': 'map[string]interface {}', 'delete': '[]string', 'add': 'map[string]interface {}', 'remove': '[]string'}


def decode_update(raw):
    """json.Decode into Kapacitor's updateAction struct."""
    try:
        body = decode_json_body(raw)
    except ValueError as exc:
        raise ApiError(400, 'failed to decode JSON:%s' % exc)
    action = {'set': None, 'delete': None, 'add': None, 'remove': None}
    if body is None:
        return action
    if not isinstance(body, dict):
        raise ApiError(400, 'failed to decode JSON:json: cannot unmarshal %s into Go value of type config.updateAction' % gojson.json_kind(body))
    for key, value in body.items():
        field = key.lower()
        if field not in UPDATE_KEYS or value is None:
            continue
        kind = UPDATE_KEYS[field]
        bad = not isinstance(value, kind)
        if not bad and kind is list:
            bad = not all(isinstance(v, str) for v in value)
            if bad:
                value = next(v for v in value if not isinstance(v, str))
                raise ApiError(400, 'failed to decode JSON:json: cannot unmarshal %s into Go struct field updateAction.%s of type string' % (
                    gojson.json_kind(value), field))
        if bad:
            raise ApiError(400, 'failed to decode JSON:json: cannot unmarshal %s into Go struct field updateAction.%s of type %s' % (
                gojson.json_kind(value), field, GO_FIELD_TYPES[field]))
        action[field] = value
    return action


def validate_update(action, section, element, has_element):
    def invalid(message):
        raise ApiError(400, 'failed to apply update: invalid update action: ' + message)
    if section == '':
        invalid('must provide section name')
    if not VALID_NAME.fullmatch(section):
        invalid('invalid section name %s' % gojson.go_quote(section))
    if element != '' and not VALID_NAME.fullmatch(element):
        invalid('invalid element name %s' % gojson.go_quote(element))
    set_delete = bool(action['set']) or bool(action['delete'])
    add, remove = bool(action['add']), bool(action['remove'])
    if set_delete and (add or remove):
        invalid('cannot provide both set/delete and add/remove actions in the same update')
    if add and element != '':
        invalid('must not provide an element name when adding an a new override')
    if remove and element != '':
        invalid('must not provide element when removing an override')
    if not remove and not add and not has_element:
        invalid("element not specified, are you missing a trailing '/'?")


def override_id(section, element):
    """sectionAndElementToID: path.Join (which cleans the path), plus a trailing slash for no element."""
    if element == '':
        return section + '/'
    return posixpath.normpath(section + '/' + element)


def overrides_for_update(state, action, section, element):
    """Return (overrides to apply, save function or None for Kapacitor's nil-save panic)."""
    store = state.store
    if not action['remove']:
        if action['add']:
            sec = schema.SECTIONS.get(section)
            if sec is None:
                raise ApiError(400, 'failed to apply update: unknown section %s' % gojson.go_quote(section))
            if not sec.is_list:
                raise ApiError(400, 'failed to apply update: section %s is not a list, cannot add new element' % gojson.go_quote(section))
            if sec.key not in action['add']:
                raise ApiError(400, 'failed to apply update: missing key %s in "add" map' % gojson.go_quote(sec.key))
            value = action['add'][sec.key]
            if not isinstance(value, str):
                raise ApiError(400, 'failed to apply update: expected %s key to be a string, got %s' % (
                    gojson.go_quote(sec.key), gojson.go_type(value)))
            element = value
        oid = override_id(section, element)
        existing = store.get(oid)
        if existing is not None and action['add']:
            # errors.Wrapf(nil, ...) is nil: Kapacitor goes on with no overrides and no save function.
            return [], None
        override = existing or {'id': oid, 'options': {}, 'create': False}
        if action['add']:
            override = {'id': oid, 'options': dict(action['add']), 'create': True}
        else:
            override['options'].update(action['set'] or {})
            for name in action['delete'] or []:
                override['options'].pop(name, None)
        overrides = store.list()
        for index, item in enumerate(overrides):
            if item['id'] == oid:
                overrides[index] = override
                break
        else:
            overrides.append(override)
        return overrides, lambda: store.set(override)
    removed = [override_id(section, name) for name in action['remove']]
    overrides = [o for o in store.list() if o['id'] not in removed]

    def save():
        for oid in removed:
            store.delete(oid)
    return overrides, save


def update_config(state, path, raw_body):
    if not state.config.override_enabled:
        raise ApiError(403, 'config override service is not enabled')
    section, element, has_section, has_element = parse_config_path(path)
    if not has_section:
        raise ApiError(400, 'no section specified')
    action = decode_update(raw_body)
    validate_update(action, section, element, has_element)
    with state.lock:
        overrides, save = overrides_for_update(state, action, section, element)
        try:
            sections = apply_overrides(state.config.sections, overrides)
        except ValueError as exc:
            raise ApiError(400, str(exc))
        if section in sections:
            state.update_service(section, sections[section], element)
        if save is None:
            raise DropConnection()
        save()
    return 204, None


# ---------------------------------------------------------------------------------------------
# Service tests (services/servicetest/service.go)

def test_name(path):
    return path[len(TESTS_PATH) + 1:].rstrip('/')


def test_entry(name, running):
    return {'link': {'rel': 'self', 'href': posixpath.join(TESTS_PATH, name)}, 'name': name,
            'options': service_tests.options(name, running)}


def glob_regex(pattern):
    """path/filepath.Match syntax (`*`, `?`, `[a-z]`, `[^x]`, `\\` escapes) as a regex; ValueError if malformed."""
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if char == '*':
            out.append('[^/]*')
        elif char == '?':
            out.append('[^/]')
        elif char == '\\':
            if i + 1 >= len(pattern):
                raise ValueError('syntax error in pattern')
            i += 1
            out.append(re.escape(pattern[i]))
        elif char == '[':
            end = i + 1
            if end < len(pattern) and pattern[end] == '^':
                end += 1
            if end < len(pattern) and pattern[end] == ']':
                raise ValueError('syntax error in pattern')
            while end < len(pattern) and pattern[end] != ']':
                end += 2 if pattern[end] == '\\' else 1
            if end >= len(pattern):
                raise ValueError('syntax error in pattern')
            body = pattern[i + 1:end]
            negate = body.startswith('^')
            body = body[1:] if negate else body
            out.append('[' + ('^/' if negate else '') + re.sub(r'([\[\]^])', r'\\\1', body) + ']')
            i = end
        else:
            out.append(re.escape(char))
        i += 1
    return re.compile(''.join(out) + r'\Z', re.S)


def list_tests(state, query):
    pattern = query.get('pattern', [''])[0] or '*'
    try:
        matcher = glob_regex(pattern)
    except (ValueError, re.error):
        raise ApiError(400, 'bad pattern: syntax error in pattern')
    with state.lock:
        services = [test_entry(n, state.running) for n in service_tests.TESTERS if matcher.match(n)]
    # An empty Go slice that was never appended to encodes as null.
    return 200, {'link': {'rel': 'self', 'href': TESTS_PATH}, 'services': services or None}


def get_test(state, path):
    name = test_name(path)
    if name == '':
        raise ApiError(400, 'must provide service name')
    if name not in service_tests.TESTERS:
        raise ApiError(404, 'service %s not found' % gojson.go_quote(name))
    with state.lock:
        return 200, test_entry(name, state.running)


def run_test(state, path, raw_body):
    name = test_name(path)
    if name == '':
        raise ApiError(400, 'must provide service name')
    if name not in service_tests.TESTERS:
        raise ApiError(404, 'service %s not found' % gojson.go_quote(name))
    try:
        body = decode_json_body(raw_body)
    except ValueError as exc:
        raise ApiError(400, 'failed to decode JSON body:%s' % exc)
    with state.lock:
        running = copy.deepcopy(state.running)
    try:
        options = service_tests.decode_options(name, running, body)
    except service_tests.TestDecodeError as exc:
        raise ApiError(400, 'failed to decode JSON body:%s' % exc)
    message = service_tests.run(name, running, options, state.config.influxdb)
    return 200, {'success': message == '', 'message': message}


def decode_json_body(raw):
    """Decode the first JSON value of a body as Go's json.Decoder does (errors in Go's words)."""
    text = raw.decode('utf-8', 'replace')
    if text.strip(' \t\r\n') == '':
        raise ValueError('EOF')
    try:
        value, _end = json.JSONDecoder(parse_int=float).raw_decode(text.lstrip(' \t\r\n'))
    except ValueError as exc:
        stripped = text.lstrip(' \t\r\n')
        pos = getattr(exc, 'pos', 0)
        if pos >= len(stripped):
            raise ValueError('unexpected EOF')
        raise ValueError('invalid character %s looking for beginning of value' % gojson.quote_char(stripped[pos]))
    return value


# ---------------------------------------------------------------------------------------------
# Authentication (services/httpd/handler.go, services/auth)

def b64url_decode(text):
    return base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))


def parse_jwt(token, secret):
    """Validate an HS256/384/512 token as golang-jwt v4 does; return its claims or raise ValueError."""
    parts = token.split('.')
    if len(parts) != 3:
        raise ValueError('token contains an invalid number of segments')
    try:
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
    except (ValueError, TypeError):
        raise ValueError('invalid character looking for beginning of value')
    algs = {'HS256': hashlib.sha256, 'HS384': hashlib.sha384, 'HS512': hashlib.sha512}
    alg = header.get('alg')
    if alg not in algs:
        if alg in ('none', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'EdDSA'):
            raise ValueError('unexpected signing method: %s' % alg)
        raise ValueError('signing method (alg) is unavailable.')
    expected = hmac.new(secret.encode(), (parts[0] + '.' + parts[1]).encode(), algs[alg]).digest()
    try:
        signature = b64url_decode(parts[2])
    except (ValueError, TypeError):
        raise ValueError('illegal base64 data')
    if not hmac.compare_digest(expected, signature):
        raise ValueError('signature is invalid')
    now = time.time()
    exp = claims.get('exp')
    if isinstance(exp, (int, float)) and not isinstance(exp, bool) and exp != 0 and now >= exp:
        raise ValueError('Token is expired')
    iat = claims.get('iat')
    if isinstance(iat, (int, float)) and not isinstance(iat, bool) and now < iat:
        raise ValueError('Token used before issued')
    nbf = claims.get('nbf')
    if isinstance(nbf, (int, float)) and not isinstance(nbf, bool) and now < nbf:
        raise ValueError('Token is not valid yet')
    return claims


def authenticate(config, headers, query):
    """Return the user dict, or raise ApiError(401)."""
    def fail(message):
        raise ApiError(401, message, pretty=False)
    authorization = headers.get('Authorization', '')
    creds = None
    if authorization:
        scheme, sep, token = authorization.partition(' ')
        if sep and scheme == 'Bearer':
            return bearer_user(config, token, fail)
        if scheme.lower() == 'basic' and sep:
            try:
                username, colon, password = base64.b64decode(token.strip()).decode('utf-8').partition(':')
                if colon:
                    creds = (username, password)
            except (ValueError, UnicodeDecodeError):
                creds = None
    if creds is None and query.get('u', [''])[0] and query.get('p', [''])[0]:
        creds = (query['u'][0], query['p'][0])
    if creds is None:
        fail('unable to parse authentication credentials')
    if creds[0] == '':
        fail('username required')
    user = config.users.get(creds[0])
    if user is None or not hmac.compare_digest(user['password'].encode(), creds[1].encode()):
        fail('authorization failed')
    return dict(user, name=creds[0])


def bearer_user(config, token, fail):
    try:
        claims = parse_jwt(token, config.shared_secret)
    except ValueError as exc:
        fail('invalid token: %s' % exc)
    exp = claims.get('exp')
    if not isinstance(exp, (int, float)) or isinstance(exp, bool) or exp <= 0:
        fail('token expiration required')
    username = claims.get('username')
    if not isinstance(username, str):
        fail('username in token must be a string')
    if username == '':
        fail('token must contain a username')
    user = config.users.get(username)
    if user is None:
        fail('retrieving user %s from store: no user exists' % gojson.go_quote(username))
    return dict(user, name=username)


def privileges(user):
    """convertPermissions: resource -> 'all' or 'none'."""
    granted = {}
    for perm in user['permissions']:
        if perm == 'api':
            granted['/api'] = 'all'
            granted.setdefault('/api/write', 'none')
            granted.setdefault('/api/config', 'none')
        elif perm == 'config':
            granted['/api/ping'] = 'all'
            granted['/api/config'] = 'all'
        elif perm == 'write':
            granted['/api/ping'] = 'all'
            granted['/api/write'] = 'all'
        elif perm == 'all':
            granted.update({'/api': 'all', '/api/config': 'all', '/api/write': 'all'})
    return granted


def authorize(user, method, path):
    required = {'HEAD': None, 'OPTIONS': None, 'GET': 'read', 'POST': 'write', 'PATCH': 'write', 'PUT': 'write',
                'DELETE': 'delete'}.get(method, 'all')
    if required is None or user['admin']:
        return
    rel = path[len(BASE):] if path.startswith(BASE) else path
    resource = posixpath.normpath(posixpath.join('/api', rel.lstrip('/'))) if rel not in ('', '/') else '/api'
    granted = privileges(user)
    while True:
        if resource in granted:
            if granted[resource] == 'all':
                return
            break
        if resource == '/':
            break
        resource = posixpath.dirname(resource)
    raise ApiError(403, 'user %s does not have "%s" privilege for API endpoint %s' % (user['name'], required, gojson.go_quote(path)),
                   pretty=False)


# ---------------------------------------------------------------------------------------------
# Test controls

class Controls:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []
        self.faults = []
        self.next_id = 1

    def log(self, entry):
        with self.lock:
            self.requests.append(entry)

    def add_fault(self, spec):
        if not isinstance(spec, dict):
            raise ValueError('a fault is a JSON object')
        allowed = {'method', 'path', 'delay', 'status', 'message', 'drop', 'count'}
        unknown = sorted(set(spec) - allowed)
        if unknown:
            raise ValueError('unknown fault keys: %s' % ', '.join(unknown))
        checks = {
            'method': lambda v: isinstance(v, str),
            'path': lambda v: isinstance(v, str),
            'message': lambda v: isinstance(v, str),
            'drop': lambda v: isinstance(v, bool),
            'delay': lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0,
            'status': lambda v: isinstance(v, int) and not isinstance(v, bool) and 200 <= v <= 599,
            'count': lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
        }
        bad = sorted(k for k, v in spec.items() if v is not None and not checks[k](v))
        if bad:
            raise ValueError('invalid fault values: %s (method, path, message: strings; drop: boolean; delay: seconds >= 0; '
                             'status: 200-599; count: >= 1)' % ', '.join(bad))
        fault = dict(spec)
        fault['regex'] = re.compile(spec.get('path') or '')
        with self.lock:
            fault['id'] = self.next_id
            self.next_id += 1
            self.faults.append(fault)
        return fault['id']

    def match(self, method, path):
        with self.lock:
            for fault in self.faults:
                if fault.get('method') and fault['method'].upper() != method:
                    continue
                if not fault['regex'].search(path):
                    continue
                if fault.get('count') is not None:
                    fault['count'] -= 1
                    if fault['count'] <= 0:
                        self.faults.remove(fault)
                return fault
        return None

    def reset(self):
        with self.lock:
            self.requests = []
            self.faults = []


# ---------------------------------------------------------------------------------------------
# HTTP

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'kapacitor-emulator'
    sys_version = ''

    timeout = 300

    def setup(self):
        # The TLS handshake happens here, in the request's thread, so a silent client blocks nobody.
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(10)
            self.request.do_handshake()
            self.request.settimeout(None)
        super(Handler, self).setup()

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.verbose:
            super(Handler, self).log_message(format, *args)

    def log_request(self, code='-', size='-'):
        # The query string may carry credentials (u, p): log the path only.
        if self.server.verbose:
            self.log_message('"%s %s" %s', self.command, urllib.parse.urlsplit(self.path).path, code)

    def do_GET(self):
        self.handle_any()

    def do_HEAD(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def do_DELETE(self):
        self.handle_any()

    def do_PUT(self):
        self.handle_any()

    def do_PATCH(self):
        self.handle_any()

    def do_OPTIONS(self):
        self.handle_any()

    def read_body(self):
        if 'chunked' in self.headers.get('Transfer-Encoding', '').lower():
            body = b''
            while True:
                size = int(self.rfile.readline().split(b';')[0].strip() or b'0', 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass
                    break
                body += self.rfile.read(size)
                self.rfile.readline()
        else:
            length = int(self.headers.get('Content-Length') or 0)
            body = self.rfile.read(length) if length else b''
        # Kapacitor gunzips request bodies on /write only: the config API gets the bytes as sent.
        return body

    def handle_any(self):
        url = urllib.parse.urlsplit(self.path)
        path, query = url.path, urllib.parse.parse_qs(url.query, keep_blank_values=True)
        raw = self.read_body()
        controls = self.server.controls
        if controls is not None and path.startswith('/_emulator/'):
            self.handle_control(path, raw)
            return
        entry = None
        if controls is not None:
            entry = {'method': self.command, 'path': path, 'query': query, 'headers': dict(self.headers.items()),
                     'body': parse_logged_body(raw), 'status': None}
            controls.log(entry)
            fault = controls.match(self.command, path)
            if fault is not None:
                if fault.get('delay'):
                    time.sleep(float(fault['delay']))
                if fault.get('drop'):
                    self.drop()
                    return
                if fault.get('status'):
                    message = fault.get('message') or 'injected fault'
                    self.send_kapacitor(int(fault['status']), error_body(message, True), entry)
                    return
        if self.command == 'OPTIONS' and clean_path(path) == path:
            # Kapacitor's CORS filter answers every OPTIONS request itself, before authentication.
            self.send_options(entry)
            return
        try:
            status, body = self.route(path, query, raw)
        except DropConnection:
            self.drop()
            return
        except ApiError as exc:
            self.send_kapacitor(exc.status, error_body(exc.message, exc.pretty), entry)
            return
        except Redirect as exc:
            self.send_redirect(exc.location, entry)
            return
        if not isinstance(body, topics.Rendered):
            body = gojson.dumps(body) + '\n' if body is not None else None
        self.send_kapacitor(status, body, entry)

    def route(self, path, query, raw):
        method = self.command
        state = self.server.state
        if method != 'CONNECT':
            clean = clean_path(path)
            if clean != path:
                raise Redirect(clean + ('?' + urllib.parse.urlsplit(self.path).query if '?' in self.path else ''))
        if path.startswith(PREVIEW_BASE + '/'):
            path = BASE + path[len(PREVIEW_BASE):]
        if state.config.auth_enabled:
            user = authenticate(state.config, self.headers, query)
            authorize(user, method, path)
        if method in ('GET', 'HEAD') and path == BASE + '/ping':
            return 204, None
        if method == 'GET' and (path == CONFIG_PATH or path.startswith(CONFIG_PATH + '/')):
            return get_config(state, path)
        if method == 'POST' and path.startswith(CONFIG_PATH + '/'):
            return update_config(state, path, raw)
        if method == 'GET' and path == TESTS_PATH:
            return list_tests(state, query)
        if method == 'GET' and path.startswith(TESTS_PATH + '/'):
            return get_test(state, path)
        if method == 'POST' and path.startswith(TESTS_PATH + '/'):
            return run_test(state, path, raw)
        if path == topics.TOPICS_PATH or path.startswith(topics.TOPICS_PATH + '/'):
            return state.topics.route(method, path, self.path, raw)
        raise ApiError(404, 'Not Found')

    def send_kapacitor(self, status, body, entry):
        if entry is not None:
            entry['status'] = status
        data = body.encode('utf-8') if body is not None and status not in (204, 304) and status >= 200 else b''
        self.log_request(status)
        self.send_response_only(status)
        self.send_header('Date', self.date_time_string())
        self.send_header('Request-Id', str(uuid.uuid1()))
        self.send_header('X-Kapacitor-Version', VERSION)
        self.send_header('Content-Type', 'application/json; charset=utf-8')
        self.send_cors_headers()
        if data:
            if self.server.state.config.gzip and 'gzip' in self.headers.get('Accept-Encoding', ''):
                data = gzip.compress(data)
                self.send_header('Content-Encoding', 'gzip')
        if status not in (204, 304) and status >= 200:
            self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        if data and self.command != 'HEAD':
            self.wfile.write(data)

    def send_options(self, entry):
        if entry is not None:
            entry['status'] = 200
        self.log_request(200)
        self.send_response_only(200)
        self.send_header('Date', self.date_time_string())
        self.send_header('Request-Id', str(uuid.uuid1()))
        self.send_cors_headers()
        self.send_header('Content-Length', '0')
        self.end_headers()

    def send_cors_headers(self):
        if self.headers.get('Origin'):
            self.send_header('Access-Control-Allow-Origin', self.headers['Origin'])
            self.send_header('Access-Control-Allow-Methods', 'DELETE, GET, OPTIONS, POST, PATCH')
            self.send_header('Access-Control-Allow-Headers', 'Accept, Accept-Encoding, Authorization, Content-Length, Content-Type, '
                                                             'X-CSRF-Token, X-HTTP-Method-Override')

    def send_redirect(self, location, entry):
        if entry is not None:
            entry['status'] = 301
        body = ('<a href="%s">Moved Permanently</a>.\n\n' % location).encode() if self.command in ('GET', 'HEAD') else b''
        self.log_request(301)
        self.send_response_only(301)
        self.send_header('Date', self.date_time_string())
        self.send_header('Location', location)
        if body:
            self.send_header('Content-Type', 'text/html; charset=utf-8')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if body and self.command != 'HEAD':
            self.wfile.write(body)

    def drop(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def handle_control(self, path, raw):
        controls = self.server.controls
        method = self.command
        try:
            if path == '/_emulator/requests' and method == 'GET':
                with controls.lock:
                    data = json.dumps({'requests': controls.requests})
                self.send_plain(200, data)
            elif path == '/_emulator/requests' and method == 'DELETE':
                with controls.lock:
                    controls.requests = []
                self.send_plain(204, None)
            elif path == '/_emulator/faults' and method == 'POST':
                fault_id = controls.add_fault(json.loads(raw.decode('utf-8') or '{}'))
                self.send_plain(201, json.dumps({'id': fault_id}))
            elif path == '/_emulator/faults' and method == 'DELETE':
                with controls.lock:
                    controls.faults = []
                self.send_plain(204, None)
            elif path == '/_emulator/events' and method == 'POST':
                self.server.state.topics.collect(json.loads(raw.decode('utf-8') or 'null'))
                self.send_plain(204, None)
            elif path == '/_emulator/reset' and method == 'POST':
                controls.reset()
                with self.server.state.lock:
                    self.server.state.store.clear()
                    self.server.state.start()
                self.send_plain(204, None)
            else:
                self.send_plain(404, json.dumps({'error': 'unknown test control'}))
        except (ValueError, re.error) as exc:
            self.send_plain(400, json.dumps({'error': str(exc)}))

    def send_plain(self, status, text):
        data = text.encode('utf-8') if text is not None else b''
        self.send_response_only(status)
        self.send_header('Date', self.date_time_string())
        if data:
            self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Redirect(Exception):
    def __init__(self, location):
        super(Redirect, self).__init__(location)
        self.location = location


def clean_path(path):
    """The mux's cleanPath: path.Clean keeping a trailing slash."""
    if path == '':
        return '/'
    if path[0] != '/':
        path = '/' + path
    cleaned = posixpath.normpath(path)
    if cleaned.startswith('//'):
        cleaned = '/' + cleaned.lstrip('/')
    if path.endswith('/') and cleaned != '/':
        cleaned += '/'
    return cleaned


def error_body(message, pretty):
    body = {'error': message, 'message': message}
    return gojson.dumps(body, indent=4) if pretty else gojson.dumps(body)


def parse_logged_body(raw):
    if not raw:
        return None
    text = raw.decode('utf-8', 'replace')
    try:
        return json.loads(text)
    except ValueError:
        return text


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, state, controls, verbose=False):
        self.state = state
        self.controls = controls
        self.verbose = verbose
        http.server.ThreadingHTTPServer.__init__(self, address, Handler)

    def handle_error(self, request, client_address):
        # Clients that hang up or fail the TLS handshake are not the server's problem.
        if self.verbose or not isinstance(sys.exc_info()[1], (OSError, ssl.SSLError)):
            http.server.ThreadingHTTPServer.handle_error(self, request, client_address)


def parse_listen(value):
    host, sep, port = value.rpartition(':')
    if not sep or not port.isdigit():
        raise argparse.ArgumentTypeError('expected HOST:PORT, got %r' % value)
    return host.strip('[]') or '127.0.0.1', int(port)


def main(argv=None):
    parser = argparse.ArgumentParser(description='Emulate Kapacitor %s config-override and service-test API.' % VERSION)
    parser.add_argument('--listen', type=parse_listen, default=('127.0.0.1', 9092), help='HOST:PORT (port 0: any free port)')
    parser.add_argument('--config', help='kapacitor.conf-style TOML file')
    parser.add_argument('--state-file', help='keep config overrides in this JSON file across restarts')
    parser.add_argument('--tls-cert', help='serve HTTPS with this certificate (PEM)')
    parser.add_argument('--tls-key', help='private key of --tls-cert (PEM)')
    parser.add_argument('--port-file', help='write the bound port to this file once listening')
    parser.add_argument('--test-controls', action='store_true', help='enable the /_emulator/ test controls')
    parser.add_argument('--verbose', action='store_true', help='log every request on stderr')
    parser.add_argument('--disable-handlers', default='', help='comma-separated handler kinds to disable (kapacitord -disable-handlers)')
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error('--tls-cert and --tls-key go together')
    try:
        config = load_config(args.config)
        config.disabled_handlers = set(k for k in args.disable_handlers.split(',') if k)
        state = Kapacitor(config, OverrideStore(args.state_file))
    except (ConfigFileError, OSError, KeyError, TypeError) as exc:
        sys.stderr.write('kapacitor-emulator: %s\n' % exc)
        return 2
    server = Server(args.listen, state, Controls() if args.test_controls else None, args.verbose)
    scheme = 'http'
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        scheme = 'https'
    host, port = server.server_address[:2]
    if args.port_file:
        tmp = args.port_file + '.tmp'
        with open(tmp, 'w', encoding='utf-8') as handle:
            handle.write('%d\n' % port)
        os.replace(tmp, args.port_file)
    print('kapacitor-emulator listening on %s://%s:%d' % (scheme, host, port), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
