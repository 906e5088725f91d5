# -*- coding: utf-8 -*-
"""An emulator of Chronograf 1.11.4's Kapacitor-connection API, its Kapacitor proxy and its authentication.

    python3 chronograf_emulator.py --listen 127.0.0.1:8888 [--config FILE] [--htpasswd FILE] [--pub-key FILE]
        [--basepath PATH] [--test-controls] [--port-file FILE] [--state-file FILE]

See docs/emulator.md ("The Chronograf emulator") for the flags, the configuration file and what is modelled.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

import argparse
import base64
import gzip
import hashlib
import http.client
import json
import os
import posixpath
import re
import signal
import ssl
import sys
import threading
import time
import urllib.parse
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gojson  # noqa: E402 pylint: disable=wrong-import-position
import kapacitor_emulator  # noqa: E402 pylint: disable=wrong-import-position

VERSION = '1.11.4'
API = '/chronograf/v1'
DEFAULT_ORG = 'default'
SOURCE_TYPES = ('influx', 'influx-enterprise', 'influx-relay', 'influx-v2', 'influx-v3-core', 'influx-v3-enterprise',
                'influx-v3-clustered', 'influx-v3-cloud-dedicated', 'influx-v3-serverless')
VALID_BASEPATH = re.compile(r'^(/[\w-]+)+$', re.ASCII)
UUID_FORM = re.compile(r'^(urn:uuid:)?\{?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\}?$')
HOP_BY_HOP = ('connection', 'proxy-connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer',
              'transfer-encoding', 'upgrade')
INDEX_HTML = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>Chronograf</title></head>'
              '<body><div id="react-root" data-basepath="%s"></div></body></html>')
KAPACITOR_FIELDS = (('name', str), ('url', str), ('username', str), ('password', str), ('insecureSkipVerify', bool),
                    ('active', bool), ('organization', str))


class ApiError(Exception):
    """A Chronograf JSON error: {"code": status, "message": text}."""

    def __init__(self, status, message):
        super(ApiError, self).__init__(message)
        self.status = status
        self.message = message


class StartupError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Go's net/url, as far as Chronograf's checks use it

def go_unescape(text, mode):
    """url.unescape: the first invalid %-escape (or host character) is an error; returns the error text or None."""
    index = 0
    while index < len(text):
        char = text[index]
        if char == '%':
            if index + 2 >= len(text) or not all(c in '0123456789abcdefABCDEF' for c in text[index + 1:index + 3]):
                return 'invalid URL escape %s' % gojson.go_quote(text[index:index + 3])
            index += 3
            continue
        if mode == 'host' and ord(char) < 0x80 and not (char.isalnum() or char in '-_.~!$&\'()*+,;=:[]<>"'):
            return 'invalid character %s in host name' % gojson.go_quote(char)
        index += 1
    return None


def go_parse_authority(authority):
    userinfo, at_sign, host = authority.rpartition('@')
    if at_sign and any(not (c.isalnum() or c in "-._:~!$&'()*+,;=%@") for c in userinfo):
        return 'net/url: invalid userinfo'
    if host.startswith('['):
        end = host.find(']')
        if end < 0:
            return 'missing \']\' in host'
        port = host[end + 1:]
    else:
        colon = host.rfind(':')
        port = host[colon:] if colon >= 0 else ''
    if port and (port[0] != ':' or not port[1:].isdigit() and port != ':'):
        return 'invalid port %s after host' % gojson.go_quote(port)
    return go_unescape(host, 'host')


def go_parse(raw, via_request):
    """url.Parse (via_request False) or url.ParseRequestURI (True). Returns (error text or None, parts dict)."""
    def fail(err):
        return 'parse %s: %s' % (gojson.go_quote(raw), err), None
    text, fragment = raw, None
    if not via_request:
        text, fragment = raw.partition('#')[::2]
    if any(ord(c) < 0x20 or ord(c) == 0x7f for c in text):
        return 'parse %s: net/url: invalid control character in URL' % gojson.go_quote(raw), None
    if text == '' and via_request:
        return fail('empty url')
    scheme, rest = '', text
    for index, char in enumerate(text):
        if char.isascii() and char.isalpha():
            continue
        if char.isascii() and (char.isdigit() or char in '+-.'):
            if index == 0:
                break
            continue
        if char == ':':
            if index == 0:
                return fail('missing protocol scheme')
            scheme, rest = text[:index].lower(), text[index + 1:]
        break
    parts = {'scheme': scheme, 'host': '', 'path': '', 'query': None, 'opaque': None}
    if rest.endswith('?') and rest.count('?') == 1:
        rest, parts['query'] = rest[:-1], ''
    elif '?' in rest:
        rest, parts['query'] = rest.split('?', 1)
    if not rest.startswith('/'):
        if scheme:
            parts['opaque'] = rest
            return None, parts
        if via_request:
            return fail('invalid URI for request')
        if ':' in rest.split('/', 1)[0]:
            return fail('first path segment in URL cannot contain colon')
    if (scheme or not via_request and not rest.startswith('///')) and rest.startswith('//'):
        authority, slash, path = rest[2:].partition('/')
        err = go_parse_authority(authority)
        if err:
            return fail(err)
        parts['host'] = authority.rpartition('@')[2]
        rest = slash + path
    err = go_unescape(rest, 'path')
    if err is None and fragment:
        err = go_unescape(fragment, 'fragment')
    if err:
        return fail(err)
    parts['path'] = rest
    return None, parts


def go_parse_query(query):
    """url.ParseQuery: pairs with a ';' or a bad escape are dropped. Returns {key: [values]}."""
    values = {}
    for pair in query.split('&'):
        if ';' in pair or not pair:
            continue
        key, value = pair.partition('=')[::2]
        try:
            key, value = go_query_unescape(key), go_query_unescape(value)
        except ValueError:
            continue
        values.setdefault(key, []).append(value)
    return values


def go_query_unescape(text):
    if go_unescape(text, 'query') is not None:
        raise ValueError(text)
    return urllib.parse.unquote_to_bytes(text.replace('+', ' ')).decode('utf-8', 'replace')


def check_kapacitor_url(url):
    """NewKapacitor/UpdateKapacitor's URL check (ParseRequestURI plus a scheme). Raises ApiError 422."""
    err, parts = go_parse(url, True)
    if err:
        raise ApiError(422, 'invalid source URI: %s' % err)
    if not parts['scheme']:
        raise ApiError(422, 'invalid URL; no URL scheme defined')


def single_joining_slash(left, right):
    if left.endswith('/') and right.startswith('/'):
        return left + right[1:]
    if not left.endswith('/') and not right.startswith('/'):
        return left + '/' + right
    return left + right


# ---------------------------------------------------------------------------------------------
# Sources

def valid_source_request(source, default_org_id):
    """ValidSourceRequest: returns the error text or None; fills in the organisation like Chronograf."""
    if source is None:
        return 'source must be non-nil'
    if not source.get('url'):
        return 'url required'
    kind = source.get('type') or ''
    if kind and kind not in SOURCE_TYPES:
        return 'invalid source type %s' % kind
    if not source.get('organization'):
        source['organization'] = default_org_id
    err, parts = go_parse(source['url'], True)
    if err:
        return 'invalid source URI: %s' % err
    if not parts['scheme']:
        return 'invalid URL; no URL scheme defined'
    database_token, management_token = source.get('databaseToken'), source.get('managementToken')
    if kind in ('influx-v3-core', 'influx-v3-enterprise', 'influx-v3-serverless', 'influx-v3-clustered', 'influx-v3-cloud-dedicated'):
        if not database_token:
            return 'database token required'
    if kind == 'influx-v3-clustered' and not management_token and not source.get('defaultDB'):
        return 'management token or default database is required'
    if kind == 'influx-v3-cloud-dedicated':
        cluster, account = source.get('clusterId'), source.get('accountId')
        if not cluster and not account and not management_token:
            return None if source.get('defaultDB') else 'default database is required for queries'
        for value, name in ((cluster, 'cluster ID'), (account, 'account ID')):
            if not value:
                return '%s required' % name
            if not UUID_FORM.match(value):
                return '%s is not a valid UUID' % name
        if not management_token:
            return 'management token required'
    return None


def source_response(source, probe=True):
    """newSourceResponse (plus the version probe of GET, which never reaches an InfluxDB here)."""
    out = {'id': str(source['id']), 'name': source.get('name', '')}
    for key in ('type', 'username', 'clusterId', 'accountId', 'managementToken', 'databaseToken', 'tagsCSVPath'):
        if source.get(key):
            out[key] = source[key]
    out['url'] = source.get('url', '')
    for key in ('metaUrl', 'insecureSkipVerify'):
        if source.get(key):
            out[key] = source[key]
    out['default'] = bool(source.get('default'))
    out['telegraf'] = source.get('telegraf') or 'telegraf'
    out['organization'] = source.get('organization', '')
    if source.get('role'):
        out['role'] = source['role']
    out['defaultRP'] = source.get('defaultRP', '')
    if source.get('defaultDB'):
        out['defaultDB'] = source['defaultDB']
    version = source.get('version', '')
    if probe and not version.startswith(('1.', '2.')):
        version = 'Unknown'
    if version:
        out['version'] = version
    if source.get('type') in ('influx-v2', 'influx-v3-serverless'):
        out['authentication'] = 'token'
    elif source.get('username') and source.get('password'):
        out['authentication'] = 'basic'
    elif source.get('sharedSecret'):
        out['authentication'] = 'shared'
    else:
        out['authentication'] = 'unknown'
    base = '%s/sources/%s' % (API, source['id'])
    links = {'self': base}
    for key, tail in (('kapacitors', 'kapacitors'), ('services', 'services'), ('proxy', 'proxy'), ('queries', 'queries'),
                      ('write', 'write'), ('permissions', 'permissions'), ('users', 'users')):
        links[key] = base + '/' + tail
    if source.get('type') == 'influx-enterprise' and source.get('metaUrl'):
        links['roles'] = base + '/roles'
    links.update(databases=base + '/dbs', annotations=base + '/annotations', health=base + '/health')
    out['links'] = links
    return out


def kapacitor_response(server):
    base = '%s/sources/%s/kapacitors/%s' % (API, server['srcId'], server['id'])
    out = {'id': str(server['id']), 'name': server['name'], 'url': server['url']}
    if server['username']:
        out['username'] = server['username']
    out['insecureSkipVerify'] = server['insecureSkipVerify']
    out['active'] = server['active']
    out['links'] = {'proxy': base + '/proxy', 'self': base, 'rules': base + '/rules',
                    'tasks': base + '/proxy?path=/kapacitor/v1/tasks', 'ping': base + '/proxy?path=/kapacitor/v1/ping'}
    return out


def new_server(server_id, source_id, fields):
    record = {'id': server_id, 'srcId': source_id, 'name': '', 'url': '', 'username': '', 'password': '',
              'insecureSkipVerify': False, 'active': False, 'organization': DEFAULT_ORG, 'type': '', 'metadata': None}
    record.update((k, v) for k, v in fields.items() if k in record and v is not None)
    return record


class Store:
    """Sources (read-only) and servers (Kapacitor connections and Flux services) with bolt's id sequence."""

    def __init__(self, config, state_file=None):
        self.lock = threading.Lock()
        self.config = config
        self.state_file = state_file
        self.sources, self.servers, self.sequence = {}, {}, 0
        self.load()

    def load(self):
        self.sources = dict((int(s['id']), dict(s, id=int(s['id']))) for s in self.config['sources'])
        self.servers = {}
        for item in self.config['kapacitors']:
            record = new_server(int(item['id']), int(item['srcId']), item)
            self.servers[record['id']] = record
        self.sequence = max([0] + list(self.servers))
        if self.state_file and os.path.exists(self.state_file):
            with open(self.state_file, encoding='utf-8') as handle:
                saved = json.load(handle)
            self.servers = dict((int(s['id']), s) for s in saved['servers'])
            self.sequence = saved['sequence']

    def reset(self):
        with self.lock:
            if self.state_file and os.path.exists(self.state_file):
                os.remove(self.state_file)
            self.load()

    def save(self):
        if not self.state_file:
            return
        tmp = self.state_file + '.tmp'
        with open(tmp, 'w', encoding='utf-8') as handle:
            json.dump({'sequence': self.sequence, 'servers': sorted(self.servers.values(), key=lambda s: s['id'])}, handle)
        os.replace(tmp, self.state_file)

    def deactivate_others(self, keep):
        """Raw-store semantics: the other Kapacitors (type "") of the same source become inactive."""
        for server in self.servers.values():
            if server['id'] != keep['id'] and server['srcId'] == keep['srcId'] and server['type'] == '':
                server['active'] = False


# ---------------------------------------------------------------------------------------------
# Request decoding (encoding/json into a struct)

class JsonObject(list):
    """A JSON object as its list of (key, value) pairs, in order, repeats kept."""


def reject_constant(name):
    raise ValueError('%s is not JSON' % name)


def decode_struct(raw, fields):
    """json.NewDecoder(body).Decode(&struct): the first value only, keys case-insensitive, last key wins.

    Returns a dict of the fields that were present (None for JSON null) or raises ApiError 400."""
    invalid = ApiError(400, 'Unparsable JSON')
    try:
        text = raw.decode('utf-8')
        decoder = json.JSONDecoder(object_pairs_hook=JsonObject, parse_constant=reject_constant)
        value = decoder.raw_decode(text.lstrip(' \t\r\n'))[0]
    except ValueError:
        raise invalid
    if value is None:
        return {}
    if not isinstance(value, JsonObject):
        raise invalid
    found = {}
    for key, item in value:
        names = [field[0] for field in fields]
        name = next((f for f in names if f == key), None) or next((f for f in names if f.lower() == key.lower()), None)
        if name is None:
            continue
        kind = dict(fields)[name]
        if item is not None and not isinstance(item, kind):
            raise invalid
        found[name] = item
    return found


def parse_id(raw):
    """strconv.Atoi as paramID uses it."""
    if re.match(r'^[+-]?[0-9]+$', raw, re.ASCII) and -(1 << 63) <= int(raw) < (1 << 63):
        return int(raw)
    raise ApiError(422, 'Error converting ID %s' % raw)


# ---------------------------------------------------------------------------------------------
# Authentication

def md5_crypt(password, salt, magic):
    """The MD5-crypt of $1$ and Apache's $apr1$ (public algorithm by Poul-Henning Kamp)."""
    password, salt, magic = password.encode(), salt.encode(), magic.encode()
    alternate = hashlib.md5(password + salt + password).digest()
    context = password + magic + salt
    length = len(password)
    while length > 0:
        context += alternate[:min(16, length)]
        length -= 16
    length = len(password)
    while length:
        context += b'\0' if length & 1 else password[:1]
        length >>= 1
    digest = hashlib.md5(context).digest()
    for round_number in range(1000):
        step = password if round_number & 1 else digest
        if round_number % 3:
            step += salt
        if round_number % 7:
            step += password
        step += digest if round_number & 1 else password
        digest = hashlib.md5(step).digest()
    alphabet = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
    out = ''
    for first, second, third in ((0, 6, 12), (1, 7, 13), (2, 8, 14), (3, 9, 15), (4, 10, 5)):
        value = (digest[first] << 16) | (digest[second] << 8) | digest[third]
        out += ''.join(alphabet[(value >> shift) & 0x3f] for shift in (0, 6, 12, 18))
    out += ''.join(alphabet[(digest[11] >> shift) & 0x3f] for shift in (0, 6))
    return magic.decode() + salt.decode() + '$' + out


def check_secret(password, secret):
    """go-http-auth's comparison for the formats the standard library can check: {SHA} and MD5-crypt."""
    if secret.startswith('{SHA}'):
        return base64.b64encode(hashlib.sha1(password.encode()).digest()).decode() == secret[5:]
    if secret.startswith(('$2a$', '$2b$', '$2x$', '$2y$')):
        return False  # bcrypt: not in the standard library, never matches here
    # Anything else is read as $magic$salt$hash ($apr1$, $1$); plain text and DES-crypt never match.
    parts = secret.split('$', 3)
    return len(parts) == 4 and md5_crypt(password, parts[2], '$%s$' % parts[1]) == secret


def read_htpasswd(text):
    """go-http-auth reads the file as CSV with ':' between fields, '#' comments and leading spaces trimmed.

    Every record must have as many fields as the first, and at least two; the second is the secret.
    Quoted fields are not supported here: a '"' counts as malformed (Go accepts well-formed quoting)."""
    users, width = {}, None
    for line in text.splitlines():
        if not line or line.startswith('#'):
            continue
        fields = [field.lstrip(' \t') for field in line.split(':')]
        width = width or len(fields)
        if '"' in line or len(fields) != width or width < 2:
            raise ValueError('malformed htpasswd file')
        users[fields[0]] = fields[1]
    return users


class Htpasswd:
    """The htpasswd file, re-read whenever its modification time changes (go-http-auth HtpasswdFileProvider)."""

    def __init__(self, path):
        self.path = path
        self.mtime = None
        self.users = {}
        self.lock = threading.Lock()

    def secret(self, user):
        with self.lock:
            try:
                mtime = os.stat(self.path).st_mtime_ns
                if mtime != self.mtime:
                    with open(self.path, encoding='utf-8') as handle:
                        self.users = read_htpasswd(handle.read())
                    self.mtime = mtime
            except (OSError, ValueError) as exc:
                # Chronograf panics on a missing or malformed file: the client sees a dropped connection.
                raise kapacitor_emulator.DropConnection(str(exc))
            return self.users.get(user, '')

    def check(self, header):
        scheme, space, encoded = (header or '').partition(' ')
        if scheme != 'Basic' or not space:
            return False
        try:
            user, colon, password = base64.b64decode(encoded, validate=True).decode('utf-8', 'replace').partition(':')
        except ValueError:
            return False
        if not colon:
            return False
        secret = self.secret(user)
        return bool(secret) and check_secret(password, secret)


def der_read(data, offset):
    """One DER TLV: returns (tag, value bytes, offset after it)."""
    tag, length = data[offset], data[offset + 1]
    offset += 2
    if length & 0x80:
        count = length & 0x7f
        length = int.from_bytes(data[offset:offset + count], 'big')
        offset += count
    if offset + length > len(data):
        raise ValueError('truncated DER')
    return tag, data[offset:offset + length], offset + length


def load_public_key(text):
    """Chronograf's public key: a PEM block labelled PUBLIC KEY holding a PKCS#1 RSAPublicKey. Returns (n, e)."""
    match = re.search(r'-----BEGIN ([A-Z0-9 ]+)-----\s*(.*?)-----END \1-----', text, re.S)
    if not match:
        raise StartupError('no key found')
    if match.group(1) != 'PUBLIC KEY':
        raise StartupError('unsupported key type %s' % gojson.go_quote(match.group(1)))
    try:
        der = base64.b64decode(''.join(match.group(2).split()))
        tag, body = der_read(der, 0)[:2]
        first_tag, first, after = der_read(body, 0)
        if tag != 0x30 or first_tag != 0x02:
            raise ValueError('not PKCS#1')
        second_tag, second = der_read(body, after)[:2]
        if second_tag != 0x02:
            raise ValueError('not PKCS#1')
    except (ValueError, IndexError):
        raise StartupError('x509: failed to parse public key (use ParsePKIXPublicKey instead for this key format)')
    return int.from_bytes(first, 'big'), int.from_bytes(second, 'big')


SHA256_DIGEST_INFO = bytes.fromhex('3031300d060960864801650304020105000420')


def verify_pkcs1v15_sha256(key, message, signature):
    """RSASSA-PKCS1-v1_5 verification with SHA-256 (RFC 8017 section 8.2.2), integers only."""
    modulus, exponent = key
    size = (modulus.bit_length() + 7) // 8
    if len(signature) != size:
        return False
    value = int.from_bytes(signature, 'big')
    if value >= modulus:
        return False
    encoded = pow(value, exponent, modulus).to_bytes(size, 'big')
    digest_info = SHA256_DIGEST_INFO + hashlib.sha256(message).digest()
    expected = b'\x00\x01' + b'\xff' * (size - len(digest_info) - 3) + b'\x00' + digest_info
    return size >= len(digest_info) + 11 and encoded == expected


class Nonce:
    """The superadmin nonce: a UUID, replaced every expiration (the rotation is applied when next looked at)."""

    def __init__(self, expiration):
        self.expiration = expiration
        self.lock = threading.Lock()
        self.rotate()

    def rotate(self):
        self.value, self.rotated = str(uuid.uuid4()), time.time()

    def current(self):
        with self.lock:
            now = time.time()
            if now >= self.rotated + self.expiration:
                # As if a timer had replaced the nonce at every full period since the last rotation.
                periods = (now - self.rotated) // self.expiration
                self.value, self.rotated = str(uuid.uuid4()), self.rotated + periods * self.expiration
            return self.value, self.rotated + self.expiration

    def valid_signature(self, key, header):
        """validSignature: the prefix CHRONOGRAF-SHA256 is optional; standard padded base64."""
        if key is None or not header:
            return False
        encoded = header[len('CHRONOGRAF-SHA256'):] if header.startswith('CHRONOGRAF-SHA256') else header
        try:
            signature = base64.b64decode(encoded.strip(' '), validate=True)
        except ValueError:
            return False
        return verify_pkcs1v15_sha256(key, self.current()[0].encode(), signature)


# ---------------------------------------------------------------------------------------------
# Configuration

def load_config(path):
    """The --config JSON file: {"sources": [...], "kapacitors": [...]} (see docs/emulator.md)."""
    data = {}
    if path:
        with open(path, encoding='utf-8') as handle:
            data = json.load(handle)
        if not isinstance(data, dict):
            raise StartupError('%s: expected a JSON object' % path)
    unknown = sorted(set(data) - {'sources', 'kapacitors'})
    if unknown:
        raise StartupError('%s: unknown keys %s' % (path, ', '.join(unknown)))
    sources = data.get('sources')
    if sources is None:
        sources = [{'id': 1, 'name': 'Influx 1', 'url': 'http://localhost:8086', 'default': True, 'telegraf': 'telegraf',
                    'organization': DEFAULT_ORG}]
    for source in sources:
        if 'id' not in source:
            raise StartupError('every source needs an id')
        # Checked as POST /sources would; a source without a URL (as Chronograf's tests store them) is kept.
        err = valid_source_request(dict(source), DEFAULT_ORG)
        if err and source.get('url'):
            raise StartupError('source %s: %s' % (source['id'], err))
    kapacitors = data.get('kapacitors') or []
    for item in kapacitors:
        if 'id' not in item or 'srcId' not in item:
            raise StartupError('every kapacitor needs an id and a srcId')
    return {'sources': sources, 'kapacitors': kapacitors}


# ---------------------------------------------------------------------------------------------
# HTTP

ROUTES = [
    # (pattern, methods): ':id' matches one segment. The index is added per basepath in routes().
    ('/ping', ('GET',)),
    ('/nonce', ('GET',)),
    (API + '/me', ('GET', 'PUT')),
    (API + '/config', ('GET',)),
    (API + '/sources', ('GET', 'POST')),
    (API + '/sources/:id', ('GET', 'PATCH', 'DELETE')),
    (API + '/sources/:id/kapacitors', ('GET', 'POST')),
    (API + '/sources/:id/kapacitors/:kid', ('GET', 'PATCH', 'DELETE')),
    (API + '/sources/:id/kapacitors/:kid/proxy', ('GET', 'POST', 'PATCH', 'DELETE')),
    (API + '/sources/:id/services/:kid/proxy', ('GET', 'POST', 'PATCH', 'DELETE')),
    # Chronograf routes the emulator does not model: 501, not the UI page.
    (API + '/sources/:id/health', ('GET',)),
    (API + '/sources/:id/services', ('GET', 'POST')),
    (API + '/sources/:id/kapacitors/:kid/rules', ('GET', 'POST')),
    (API + '/sources/:id/kapacitors/:kid/rules/:tid', ('GET', 'PUT', 'PATCH', 'DELETE')),
]


def routes(basepath):
    return ROUTES + [(API if basepath else API + '/', ('GET',))]


def match_route(path, table, fold=False):
    segments = path.split('/')
    for pattern, methods in table:
        wanted = pattern.split('/')
        if len(wanted) != len(segments):
            continue
        params = {}
        for want, got in zip(wanted, segments):
            if want.startswith(':'):
                if not got:
                    break
                params[want[1:]] = got
            elif want != got and not (fold and want.lower() == got.lower()):
                break
        else:
            return pattern, methods, params
    return None


class Handler(kapacitor_emulator.Handler):
    server_version = 'chronograf-emulator'

    def handle_any(self):
        server = self.server
        raw_url = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(raw_url.path)
        raw = self.read_body()
        self.extra_headers = []
        controls = server.controls
        if controls is not None and path.startswith('/_emulator/'):
            self.handle_control(path, raw)
            return
        self.entry = None
        if controls is not None:
            self.entry = {'method': self.command, 'path': path, 'query': urllib.parse.parse_qs(raw_url.query, keep_blank_values=True),
                          'headers': dict(self.headers.items()), 'body': kapacitor_emulator.parse_logged_body(raw), 'status': None}
            controls.log(self.entry)
            if self.apply_fault(controls.match(self.command, path)):
                return
        try:
            self.dispatch(path, raw_url.query, raw)
        except ApiError as exc:
            self.send_json_error(exc)
        except kapacitor_emulator.DropConnection:
            self.drop()

    def apply_fault(self, fault):
        """Delay, then drop or answer (502: empty, as an unreachable Kapacitor; else a JSON error). True if answered."""
        if fault is None:
            return False
        time.sleep(float(fault.get('delay') or 0))
        if fault.get('drop'):
            self.drop()
        elif fault.get('status') == 502:
            self.send_body(502, b'', None)
        elif fault.get('status'):
            self.send_json_error(ApiError(int(fault['status']), fault.get('message') or 'injected fault'))
        return bool(fault.get('drop') or fault.get('status'))

    # -- middleware chain of server/mux.go
    def dispatch(self, path, query, raw):
        server = self.server
        cookie = self.headers.get('Cookie') or ''
        has_session = any(part.strip().split('=', 1)[0] == 'session' for part in cookie.split(';'))
        if self.command in ('POST', 'PUT', 'PATCH', 'DELETE') and has_session and not self.same_origin():
            raise ApiError(403, 'cross-origin request blocked')
        if server.htpasswd is not None and not server.htpasswd.check(self.headers.get('Authorization')):
            body = b'401 Unauthorized\n'
            self.extra_headers = [('WWW-Authenticate', 'Basic realm="%s"' % server.realm)]
            self.send_body(401, body, 'text/plain')
            return
        if server.oauth:
            root = server.basepath + API
            clean = posixpath.normpath(path) if path else '/'
            if clean.startswith(root) and len(clean) > len(root) and \
                    not server.nonce.valid_signature(server.public_key, self.headers.get('Authorization')):
                self.send_body(403, b'', None)
                return
        bp = server.basepath
        if bp:
            # Unrouted paths go to http.StripPrefix(basepath, assets): a plain prefix test, then the UI page.
            if not path.startswith(bp):
                self.send_body(404, b'404 page not found\n', 'text/plain; charset=utf-8')
                return
            path = path[len(bp):] or '/'
        self.route(path, query, raw)

    def same_origin(self):
        """isRequestSameOrigin: Origin (else Referer) has the scheme, host and port of the request."""
        host = self.headers.get('Host') or ''
        forwarded = (self.headers.get('X-Forwarded-Proto') or '').strip()
        scheme = forwarded.split(',')[0].strip().lower() if forwarded else 'http'
        origin = self.headers.get('Origin') or self.headers.get('Referer')
        if not host or not origin:
            return False
        try:
            theirs, ours = urllib.parse.urlsplit(origin), urllib.parse.urlsplit('//' + host)
            defaults = {'http': 80, 'https': 443}
            return (theirs.scheme.lower() == scheme and theirs.hostname == ours.hostname
                    and (theirs.port or defaults.get(theirs.scheme.lower())) == (ours.port or defaults.get(scheme)))
        except ValueError:
            return False

    def route(self, path, query, raw):
        table = routes(self.server.basepath)
        found = match_route(path, table)
        if found is None:
            location = self.fixed_path(path, table)
            if location is not None:
                self.send_redirect_chronograf(location, query)
                return
            self.send_index()
            return
        pattern, methods, params = found
        method = self.command
        if method == 'OPTIONS':
            self.extra_headers = [('Allow', ', '.join(methods + ('OPTIONS',)))]
            self.send_body(200, b'', None)
            return
        if method not in methods:
            self.extra_headers = [('Allow', ', '.join(methods + ('OPTIONS',)))]
            self.send_body(405, b'Method Not Allowed\n', 'text/plain; charset=utf-8')
            return
        handler = getattr(self, 'api_' + re.sub(r'[^a-z]+', '_', (pattern + '_' + method).lower()).strip('_'), None)
        if handler is None:
            raise ApiError(501, 'not emulated: %s %s' % (method, pattern))
        handler(params, query, raw)

    def fixed_path(self, path, table):
        """httprouter's RedirectTrailingSlash and RedirectFixedPath (clean path, case-insensitive)."""
        if self.command == 'CONNECT' or path == '/':
            return None
        clean = posixpath.normpath(path)
        if clean.startswith('//'):
            clean = '/' + clean.lstrip('/')
        candidates = [(path[:-1] if path.endswith('/') else path + '/', False), (clean, True), (clean + '/', True)]
        for candidate, fold in candidates:
            found = match_route(candidate, table, fold=fold)
            if found is not None:
                wanted = found[0].split('/')
                return '/'.join(got if want.startswith(':') else want for want, got in zip(wanted, candidate.split('/')))
        return None

    # -- responses
    def send_body(self, status, data, content_type, headers=()):
        if self.entry is not None:
            self.entry['status'] = status
        self.log_request(status)
        self.send_response_only(status)
        if not any(header[0].lower() == 'date' for header in headers):
            self.send_header('Date', self.date_time_string())
        self.send_header('X-Chronograf-Version', VERSION)
        self.send_header('X-Frame-Options', 'SAMEORIGIN')
        self.send_header('Cross-Origin-Resource-Policy', 'same-origin')
        for name, value in list(headers) + self.extra_headers:
            self.send_header(name, value)
        if content_type:
            self.send_header('Content-Type', content_type)
        if status != 204 and status != 304:
            self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        if data and self.command != 'HEAD':
            self.wfile.write(data)

    def send_json(self, status, body, headers=()):
        self.send_body(status, (gojson.dumps(body) + '\n').encode(), 'application/json', headers)

    def send_json_error(self, exc):
        self.send_body(exc.status, gojson.dumps({'code': exc.status, 'message': exc.message}).encode(), 'application/json')

    def send_index(self):
        self.send_body(200, (INDEX_HTML % self.server.basepath).encode(), 'text/html; charset=utf-8')

    def send_redirect_chronograf(self, location, query):
        location = self.server.basepath + location + ('?' + query if query else '')
        if self.command == 'GET':
            body = ('<a href="%s">Moved Permanently</a>.\n\n' % location).encode()
            self.send_body(301, body, 'text/html; charset=utf-8', [('Location', location)])
        else:
            self.send_body(307, b'', None, [('Location', location)])

    # -- open routes
    def api_ping_get(self, params, query, raw):
        self.send_body(200, b'', None)

    def api_nonce_get(self, params, query, raw):
        value, expires = self.server.nonce.current()
        stamp = time.strftime('%a, %d %b %Y %H:%M:%S UTC', time.gmtime(expires))
        self.send_body(200, value.encode(), 'text/plain', [('Expires', stamp)])

    def api_chronograf_v_get(self, params, query, raw):
        server = self.server
        external = {'statusFeed': server.status_feed}
        if server.custom_links:
            external['custom'] = [{'name': name, 'url': url} for name, url in server.custom_links]
        body = {'layouts': API + '/layouts', 'protoboards': API + '/protoboards', 'users': API + '/organizations/default/users',
                'allUsers': API + '/users', 'organizations': API + '/organizations', 'mappings': API + '/mappings',
                'sources': API + '/sources', 'me': API + '/me', 'environment': API + '/env', 'dashboards': API + '/dashboards',
                'config': {'self': API + '/config', 'auth': API + '/config/auth'}, 'auth': [], 'external': external,
                'orgConfig': {'self': API + '/org_config', 'logViewer': API + '/org_config/logviewer'},
                'flux': {'ast': API + '/flux/ast', 'self': API + '/flux', 'suggestions': API + '/flux/suggestions'},
                'validateTextTemplates': 'chronograf/v1/validate_text_templates'}
        if server.oauth:
            body['logout'] = server.basepath + '/oauth/logout'
        self.send_json(200, body)

    def api_chronograf_v_me_get(self, params, query, raw):
        if self.server.oauth:
            raise ApiError(422, 'Token not found')
        self.send_json(200, {'links': {'self': API + '/me'}})

    def api_chronograf_v_config_get(self, params, query, raw):
        self.send_json(200, {'links': {'self': API + '/config', 'auth': API + '/config/auth'}, 'auth': {'superAdminNewUsers': False}})

    # -- sources
    def api_chronograf_v_sources_get(self, params, query, raw):
        with self.server.store.lock:
            sources = [source_response(s) for s in self.server.store.sources.values()]
        self.send_json(200, {'sources': sources})

    def api_chronograf_v_sources_id_get(self, params, query, raw):
        source_id = parse_id(params['id'])
        with self.server.store.lock:
            source = self.server.store.sources.get(source_id)
            if source is None:
                raise ApiError(404, 'ID %d not found' % source_id)
            body = source_response(source)
        self.send_json(200, body)

    # -- Kapacitor connections
    def api_chronograf_v_sources_id_kapacitors_get(self, params, query, raw):
        source_id = parse_id(params['id'])
        store = self.server.store
        with store.lock:
            found = [kapacitor_response(store.servers[kid]) for kid in sorted(store.servers)
                     if store.servers[kid]['srcId'] == source_id and store.servers[kid]['type'] == '']
        self.send_json(200, {'kapacitors': found})

    def api_chronograf_v_sources_id_kapacitors_post(self, params, query, raw):
        source_id = parse_id(params['id'])
        store = self.server.store
        with store.lock:
            if source_id not in store.sources:
                raise ApiError(404, 'ID %d not found' % source_id)
        fields = decode_struct(raw, KAPACITOR_FIELDS)
        if fields.get('name') is None or fields.get('url') is None:
            raise ApiError(422, 'name and url required')
        check_kapacitor_url(fields['url'])
        with store.lock:
            store.sequence += 1
            record = new_server(store.sequence, source_id, fields)
            store.servers[record['id']] = record
            if record['active']:
                store.deactivate_others(record)
            store.save()
            body = kapacitor_response(record)
        self.send_json(201, body, [('Location', body['links']['self'])])

    def lookup_server(self, params):
        kid = parse_id(params['kid'])
        source_id = parse_id(params['id'])
        server = self.server.store.servers.get(kid)
        if server is None or server['srcId'] != source_id or server['type'] != '':
            raise ApiError(404, 'ID %d not found' % kid)
        return server

    def api_chronograf_v_sources_id_kapacitors_kid_get(self, params, query, raw):
        with self.server.store.lock:
            body = kapacitor_response(self.lookup_server(params))
        self.send_json(200, body)

    def api_chronograf_v_sources_id_kapacitors_kid_patch(self, params, query, raw):
        store = self.server.store
        with store.lock:
            self.lookup_server(params)
        fields = decode_struct(raw, KAPACITOR_FIELDS)
        if fields.get('url') is not None:
            check_kapacitor_url(fields['url'])
        with store.lock:
            server = self.lookup_server(params)
            server.update((k, v) for k, v in fields.items() if v is not None and k != 'organization')
            if fields.get('active'):
                store.deactivate_others(server)
            store.save()
            body = kapacitor_response(server)
        self.send_json(200, body)

    def api_chronograf_v_sources_id_kapacitors_kid_delete(self, params, query, raw):
        store = self.server.store
        with store.lock:
            server = self.lookup_server(params)
            del store.servers[server['id']]
            store.save()
        self.send_body(204, b'', None)

    # -- the proxy (server/proxy.go)
    def api_chronograf_v_sources_id_kapacitors_kid_proxy_get(self, params, query, raw):
        source_id = parse_id(params['id'])
        kid = parse_id(params['kid'])
        target_path = (go_parse_query(query).get('path') or [''])[0]
        if not target_path:
            raise ApiError(422, 'path query parameter required')
        with self.server.store.lock:
            server = self.server.store.servers.get(kid)
            server = dict(server) if server is not None else None
        if server is None or server['srcId'] != source_id:
            raise ApiError(404, 'ID %d not found' % kid)
        target = single_joining_slash(server['url'], target_path)
        err, parts = go_parse(target, False)
        if err:
            raise ApiError(422, 'Error parsing kapacitor url: %s' % err)
        self.forward(server, target, parts, raw)

    api_chronograf_v_sources_id_kapacitors_kid_proxy_post = api_chronograf_v_sources_id_kapacitors_kid_proxy_get
    api_chronograf_v_sources_id_kapacitors_kid_proxy_patch = api_chronograf_v_sources_id_kapacitors_kid_proxy_get
    api_chronograf_v_sources_id_kapacitors_kid_proxy_delete = api_chronograf_v_sources_id_kapacitors_kid_proxy_get
    api_chronograf_v_sources_id_services_kid_proxy_get = api_chronograf_v_sources_id_kapacitors_kid_proxy_get
    api_chronograf_v_sources_id_services_kid_proxy_post = api_chronograf_v_sources_id_kapacitors_kid_proxy_get
    api_chronograf_v_sources_id_services_kid_proxy_patch = api_chronograf_v_sources_id_kapacitors_kid_proxy_get
    api_chronograf_v_sources_id_services_kid_proxy_delete = api_chronograf_v_sources_id_kapacitors_kid_proxy_get

    def outgoing_headers(self, server, host):
        named = set(h.strip().lower() for h in ','.join(self.headers.get_all('Connection') or []).split(',') if h.strip())
        headers = []
        for name, value in self.headers.items():
            lower = name.lower()
            if lower in ('cookie', 'authorization', 'host', 'content-length') or lower in named:
                continue
            if lower in HOP_BY_HOP and not (lower == 'te' and value.strip().lower() == 'trailers'):
                continue
            if lower == 'x-forwarded-for':
                continue
            headers.append((name, value))
        previous = ', '.join(self.headers.get_all('X-Forwarded-For') or [])
        client_ip = self.client_address[0]
        headers.append(('X-Forwarded-For', previous + ', ' + client_ip if previous else client_ip))
        if server['username'] and server['password']:
            token = base64.b64encode(('%s:%s' % (server['username'], server['password'])).encode()).decode()
            headers.append(('Authorization', 'Basic ' + token))
        headers.insert(0, ('Host', host))
        return headers

    def forward(self, server, target, parts, raw):
        scheme, host = parts['scheme'], parts['host']
        if scheme not in ('http', 'https') or not host:
            self.send_body(502, b'', None)
            return
        path = urllib.parse.quote(parts['path'] or '/', safe="/%:@!$&'()*+,;=-._~")
        request_uri = path + ('?' + urllib.parse.quote(parts['query'], safe="/%:@!$&'()*+,;=-._~?") if parts['query'] is not None else '')
        headers = self.outgoing_headers(server, host)
        asked_gzip = any(header[0].lower() == 'accept-encoding' for header in headers)
        if not asked_gzip:
            headers.append(('Accept-Encoding', 'gzip'))
        if self.entry is not None:
            self.entry['proxied_to'] = {'url': scheme + '://' + host + request_uri, 'headers': dict(headers)}
        hostname, port = host.rpartition(':')[::2] if not host.endswith(']') else (host, '')
        hostname = (hostname or host).strip('[]')
        port = int(port) if port.isdigit() else (443 if scheme == 'https' else 80)
        try:
            if scheme == 'https':
                context = ssl.create_default_context()
                if server['insecureSkipVerify']:
                    context.check_hostname = False
                    context.verify_mode = ssl.CERT_NONE
                conn = http.client.HTTPSConnection(hostname, port, timeout=self.server.proxy_timeout, context=context)
            else:
                conn = http.client.HTTPConnection(hostname, port, timeout=self.server.proxy_timeout)
            try:
                conn.putrequest(self.command, request_uri, skip_host=True, skip_accept_encoding=True)
                for name, value in headers:
                    conn.putheader(name, value)
                if raw:
                    conn.putheader('Content-Length', str(len(raw)))
                conn.endheaders(raw or None)
                response = conn.getresponse()
                data = response.read()
                reply_headers = response.getheaders()
                status = response.status
            finally:
                conn.close()
        except (OSError, http.client.HTTPException, ValueError):
            self.send_body(502, b'', None)
            return
        passed = []
        gunzip = not asked_gzip and any(n.lower() == 'content-encoding' and v.lower() == 'gzip' for n, v in reply_headers)
        if gunzip:
            data = gzip.decompress(data)
        content_type = None
        for name, value in reply_headers:
            lower = name.lower()
            if lower in HOP_BY_HOP or lower == 'content-length' or gunzip and lower == 'content-encoding':
                continue
            if lower == 'content-type':
                content_type = value
                continue
            passed.append((name, value))
        self.send_body(status, data, content_type, passed)

    # -- test controls (same shapes as the Kapacitor emulator's)
    def handle_control(self, path, raw):
        if path == '/_emulator/reset' and self.command == 'POST':
            self.server.controls.reset()
            self.server.store.reset()
            with self.server.nonce.lock:
                self.server.nonce.rotate()
            self.send_plain(204, None)
            return
        if path == '/_emulator/store' and self.command == 'GET':
            store = self.server.store
            with store.lock:
                data = json.dumps({'sequence': store.sequence, 'servers': sorted(store.servers.values(), key=lambda s: s['id']),
                                   'sources': sorted(store.sources.values(), key=lambda s: s['id'])})
            self.send_plain(200, data)
            return
        if path == '/_emulator/nonce' and self.command == 'POST':
            with self.server.nonce.lock:
                self.server.nonce.rotate()
            self.send_plain(204, None)
            return
        super(Handler, self).handle_control(path, raw)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    handle_error = kapacitor_emulator.Server.handle_error

    def __init__(self, address, options):
        self.store = options['store']
        self.basepath = options['basepath']
        self.htpasswd = options['htpasswd']
        self.realm = options['realm']
        self.public_key = options['public_key']
        self.oauth = options['oauth']
        self.nonce = Nonce(options['nonce_expiration'])
        self.status_feed = options['status_feed']
        self.custom_links = options['custom_links']
        self.proxy_timeout = options['proxy_timeout']
        self.controls = kapacitor_emulator.Controls() if options['controls'] else None
        self.verbose = options['verbose']
        self.state = None
        http.server.ThreadingHTTPServer.__init__(self, address, Handler)


def parse_custom_link(value):
    name, sep, url = value.partition(':')
    if not sep or not name or not url:
        raise argparse.ArgumentTypeError('expected NAME:URL, got %r' % value)
    return name, url


def write_port_file(path, port):
    """Written in one step, so that a reader never sees a partial number."""
    with open(path + '.tmp', 'w', encoding='utf-8') as handle:
        handle.write('%d\n' % port)
    os.replace(path + '.tmp', path)


def main(argv=None):
    parser = argparse.ArgumentParser(description='Emulate Chronograf %s Kapacitor connections, proxy and authentication.' % VERSION)
    parser.add_argument('--listen', type=kapacitor_emulator.parse_listen, default=('127.0.0.1', 8888),
                        help='HOST:PORT (port 0: any free port)')
    parser.add_argument('--config', help='JSON file of sources and Kapacitor connections')
    parser.add_argument('--htpasswd', help='turn on HTTP basic authentication with this htpasswd file')
    parser.add_argument('--basic-auth-realm', default='Chronograf', help='realm of the basic authentication')
    parser.add_argument('--pub-key', help='PEM file of the RSA public key for superadmin tokens (turns on OAuth mode)')
    parser.add_argument('--oauth', action='store_true', help='OAuth mode without a public key: /chronograf/v1/* answers 403')
    parser.add_argument('--nonce-expiration', default='10m', help='Go duration after which the nonce is replaced')
    parser.add_argument('--basepath', default='', help='URL path prefix of every route, e.g. /chronograf')
    parser.add_argument('--status-feed-url', default='https://influxdata.com/feed/json', help='external.statusFeed of the index')
    parser.add_argument('--custom-link', type=parse_custom_link, action='append', default=[], help='NAME:URL (repeatable)')
    parser.add_argument('--proxy-timeout', type=float, default=300.0, help='seconds to wait for Kapacitor through the proxy')
    parser.add_argument('--state-file', help='keep the Kapacitor connections in this JSON file across restarts')
    parser.add_argument('--port-file', help='write the bound port to this file once listening')
    parser.add_argument('--test-controls', action='store_true', help='enable the /_emulator/ test controls')
    parser.add_argument('--verbose', action='store_true', help='log every request on stderr')
    args = parser.parse_args(argv)
    if args.basepath and not VALID_BASEPATH.match(args.basepath):
        sys.stderr.write('chronograf-emulator: invalid basepath, must follow format "/mybasepath"\n')
        return 1
    try:
        expiration = gojson.parse_duration(args.nonce_expiration) / 1e9
    except ValueError as exc:
        parser.error('--nonce-expiration: %s' % exc)
    if expiration <= 0:
        parser.error('--nonce-expiration must be positive')
    public_key = None
    try:
        if args.pub_key:
            with open(args.pub_key, encoding='utf-8') as handle:
                public_key = load_public_key(handle.read())
    except (StartupError, OSError) as exc:
        sys.stderr.write('chronograf-emulator: Unable to set public key: %s\n' % exc)
        return 1
    try:
        config = load_config(args.config)
    except (StartupError, OSError, ValueError, TypeError, KeyError) as exc:
        sys.stderr.write('chronograf-emulator: %s\n' % exc)
        return 2
    options = {
        'store': Store(config, args.state_file), 'basepath': args.basepath, 'realm': args.basic_auth_realm,
        'htpasswd': Htpasswd(args.htpasswd) if args.htpasswd and not (args.pub_key or args.oauth) else None,
        'public_key': public_key, 'oauth': bool(args.pub_key or args.oauth), 'nonce_expiration': expiration,
        'status_feed': args.status_feed_url, 'custom_links': args.custom_link, 'proxy_timeout': args.proxy_timeout,
        'controls': args.test_controls, 'verbose': args.verbose,
    }
    server = Server(args.listen, options)
    host, port = server.server_address[:2]

    def stop(signum, frame):
        raise KeyboardInterrupt()
    signal.signal(signal.SIGTERM, stop)
    if args.port_file:
        write_port_file(args.port_file, port)
    print('chronograf-emulator listening on http://%s:%d%s' % (host, port, args.basepath), flush=True)
    with server:
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == '__main__':
    sys.exit(main())
