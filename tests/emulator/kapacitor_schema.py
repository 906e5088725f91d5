# -*- coding: utf-8 -*-
"""Kapacitor v1.8.3 alert sections: option types, built-in defaults, validation and the value
conversion that the config-override API applies (services/config/override in Kapacitor).

Values are kept in an internal form per type (durations as integer nanoseconds, structs as dicts
keyed by Go field name) and rendered the way encoding/json renders the Go value.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

import copy
import posixpath
import re

import gojson
from gojson import JsonNumber, go_kind, go_quote, go_type, go_value


class OptionError(Exception):
    """A value that cannot be copied into an option (weakCopyValue failed)."""


# ---------------------------------------------------------------------------------------------
# Option types. copy_value() follows weakCopyValue: `current` is the value before the override,
# `src` the decoded JSON value (float for request numbers, JsonNumber for stored ones).

class BoolType:
    kind = 'bool'

    def zero(self):
        return False

    def copy_value(self, current, src):
        if isinstance(src, bool):
            return src
        raise OptionError(wrong_kind(src, self.kind))

    def render(self, value):
        return value

    def from_toml(self, value, current):
        if not isinstance(value, bool):
            raise OptionError('expected a boolean')
        return value


class StringType:
    kind = 'string'

    def zero(self):
        return ''

    def copy_value(self, current, src):
        if isinstance(src, JsonNumber):
            raise OptionError('cannot copy mismatched types got json.Number exp string')
        if isinstance(src, str):
            return src
        raise OptionError(wrong_kind(src, self.kind))

    def render(self, value):
        return value

    def from_toml(self, value, current):
        if not isinstance(value, str):
            raise OptionError('expected a string')
        return value


class IntType:
    """Go int / int64: numbers are truncated, numeric strings parsed with strconv.ParseInt."""

    def __init__(self, kind='int'):
        self.kind = kind

    def zero(self):
        return 0

    def copy_value(self, current, src):
        if src is None:
            raise OptionError(ZERO_VALUE_PANIC)
        if isinstance(src, bool):
            raise OptionError('cannot convert bool into %s' % self.kind)
        if isinstance(src, str):
            if re.match(r'^[+-]?[0-9]+$', src) and -(1 << 63) <= int(src) < (1 << 63):
                return int(src)
            raise OptionError('cannot convert string %s into %s' % (go_quote(str(src)), self.kind))
        if isinstance(src, (int, float)):
            return int(src)
        raise OptionError('cannot convert %s into %s' % (go_kind(src), self.kind))

    def render(self, value):
        return value

    def from_toml(self, value, current):
        if isinstance(value, bool) or not isinstance(value, int):
            raise OptionError('expected an integer')
        return value


class DurationType:
    """toml.Duration: a TextUnmarshaler whose parse error Kapacitor discards (the value stays)."""
    kind = 'int64'

    def zero(self):
        return 0

    def copy_value(self, current, src):
        if src is None:
            raise OptionError(ZERO_VALUE_PANIC)
        if isinstance(src, str):
            if src == '':
                return current
            try:
                return gojson.parse_duration(src)
            except ValueError:
                return current
        raise OptionError('cannot unmarshal %s into int64' % go_kind(src))

    def render(self, value):
        return gojson.duration_string(value)

    def from_toml(self, value, current):
        if not isinstance(value, str):
            raise OptionError('expected a duration string such as "10s"')
        if value == '':
            return current
        try:
            return gojson.parse_duration(value)
        except ValueError as exc:
            raise OptionError(str(exc))


class StringListType:
    kind = 'slice'

    def zero(self):
        return None

    def copy_value(self, current, src):
        if isinstance(src, list):
            out = []
            for item in src:
                try:
                    out.append(STRING.copy_value('', item))
                except OptionError as exc:
                    raise OptionError('failed to copy slice value: %s' % exc)
            return out
        raise OptionError(wrong_kind(src, self.kind))

    def render(self, value):
        return value

    def from_toml(self, value, current):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise OptionError('expected an array of strings')
        return list(value)


class StringMapType:
    kind = 'map'

    def zero(self):
        return None

    def copy_value(self, current, src):
        if isinstance(src, dict):
            out = {}
            for key, item in src.items():
                try:
                    out[key] = STRING.copy_value('', item)
                except OptionError as exc:
                    raise OptionError('failed to copy map value: %s' % exc)
            return out
        raise OptionError(wrong_kind(src, self.kind))

    def render(self, value):
        return None if value is None else dict(sorted(value.items()))

    def from_toml(self, value, current):
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise OptionError('expected a table of strings')
        merged = dict(current or {})
        merged.update(value)
        return merged


class StructType:
    """A Go struct set from a JSON object through mapstructure (keys matched case-insensitively to
    the Go field names, unknown keys rejected, omitted fields kept, null values ignored)."""
    kind = 'struct'

    def __init__(self, go_name, fields, json_names=None):
        self.go_name = go_name
        self.fields = fields            # [(GoName, field type, toml name, default)]
        self.json_names = json_names or {}

    def zero(self):
        return dict((name, FIELD_ZERO[ftype]) for name, ftype, _toml, _default in self.fields)

    def default(self):
        return dict((name, copy.deepcopy(default)) for name, _ftype, _toml, default in self.fields)

    def copy_value(self, current, src):
        if not isinstance(src, dict):
            raise OptionError(wrong_kind(src, self.kind))
        result = copy.deepcopy(current)
        errors = []
        used = set()
        for name, ftype, _toml, _default in self.fields:
            key = name if name in src else next((k for k in src if k.lower() == name.lower()), None)
            if key is None:
                continue
            used.add(key)
            if src[key] is None:
                continue
            try:
                result[name] = decode_field(ftype, name, result[name], src[key])
            except OptionError as exc:
                errors.append(str(exc))
        unused = sorted(k for k in src if k not in used)
        if unused:
            errors.append("'' has invalid keys: %s" % ', '.join(unused))
        if errors:
            raise OptionError('failed to decode options into *%s: %d error(s) decoding:\n\n%s' % (
                self.go_name, len(errors), '\n'.join('* ' + e for e in errors)))
        return result

    def render(self, value):
        return dict((self.json_names.get(name, name), value[name]) for name, _f, _t, _d in self.fields)

    def from_toml(self, value, current):
        if not isinstance(value, dict):
            raise OptionError('expected a table')
        result = copy.deepcopy(current)
        for name, ftype, toml_name, _default in self.fields:
            key = toml_key(value, toml_name)
            if key is not None:
                result[name] = toml_field(ftype, value[key])
        return result

    def is_zero(self, value):
        return all(is_zero_value(v) for v in value.values())


class SeverityMapType:
    """zenoss SeverityMap: its own CustomMapStructure merges the lower-case keys it knows."""
    kind = 'struct'
    keys = (('ok', 'OK'), ('info', 'Info'), ('warning', 'Warning'), ('critical', 'Critical'))

    def zero(self):
        return dict((k, None) for k, _t in self.keys)

    def copy_value(self, current, src):
        if not isinstance(src, dict):
            raise OptionError(wrong_kind(src, self.kind))
        result = dict(current)
        for key in sorted(src):
            if key not in result:
                raise OptionError('Unknown field %s for SeverityMap' % key)
            result[key] = src[key]
        return result

    def render(self, value):
        return dict((k, value[k]) for k, _t in self.keys)

    def from_toml(self, value, current):
        if not isinstance(value, dict):
            raise OptionError('expected a table')
        result = dict(current)
        for key, toml_name in self.keys:
            found = toml_key(value, toml_name)
            if found is not None:
                result[key] = value[found]
        return result


ZERO_VALUE_PANIC = 'reflect: call of reflect.Value.Type on zero Value'
FIELD_ZERO = {'string': '', 'bool': False, 'strmap': None, 'strlist': None, 'intptr': None, 'nanos': 0}


def wrong_kind(src, kind):
    return 'wrong kind %s, expected value of kind %s: false' % (go_kind(src), kind)


def unconvertible(name, gotype, src):
    return "'%s' expected type '%s', got unconvertible type '%s', value: '%s'" % (name, gotype, go_type(src), go_value(src))


def decode_field(ftype, name, current, src):
    """mapstructure's decoding of one struct field (WeaklyTypedInput off)."""
    if ftype == 'string':
        if isinstance(src, str):
            return str(src)
        raise OptionError(unconvertible(name, 'string', src))
    if ftype == 'bool':
        if isinstance(src, bool):
            return src
        raise OptionError(unconvertible(name, 'bool', src))
    if ftype in ('intptr', 'nanos'):
        gotype = 'int' if ftype == 'intptr' else 'time.Duration'
        if isinstance(src, JsonNumber):
            if ftype == 'nanos':
                raise OptionError('interface conversion: interface {} is json.Number, not string')
            if not re.match(r'^[+-]?[0-9]+$', src):
                raise OptionError('error decoding json.Number into %s: strconv.ParseInt: parsing %s: invalid syntax' % (name, go_quote(str(src))))
            return int(src)
        if isinstance(src, str) and ftype == 'nanos':
            try:
                return gojson.parse_duration(src)
            except ValueError as exc:
                raise OptionError("error decoding '%s': %s" % (name, exc))
        if isinstance(src, (int, float)) and not isinstance(src, bool):
            return int(src)
        raise OptionError(unconvertible(name, gotype, src))
    if ftype == 'strlist':
        if not isinstance(src, list):
            raise OptionError("'%s': source data must be an array or slice, got %s" % (name, go_kind(src)))
        return [decode_field('string', '%s[%d]' % (name, i), '', v) for i, v in enumerate(src)]
    if ftype == 'strmap':
        if not isinstance(src, dict):
            raise OptionError("'%s' expected a map, got '%s'" % (name, go_kind(src)))
        merged = dict(current or {})
        for key, value in src.items():
            merged[key] = decode_field('string', '%s[%s]' % (name, key), '', value)
        return merged
    raise OptionError('unsupported field type %s' % ftype)


def toml_field(ftype, value):
    checks = {
        'string': lambda v: isinstance(v, str),
        'bool': lambda v: isinstance(v, bool),
        'intptr': lambda v: isinstance(v, int) and not isinstance(v, bool),
        'strlist': lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v),
        'strmap': lambda v: isinstance(v, dict) and all(isinstance(i, str) for i in v.values()),
    }
    if ftype == 'nanos':
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            try:
                return gojson.parse_duration(value)
            except ValueError as exc:
                raise OptionError(str(exc))
        raise OptionError('expected a duration')
    if not checks[ftype](value):
        raise OptionError('expected a value of type %s' % ftype)
    return copy.deepcopy(value)


def toml_key(table, name):
    """BurntSushi/toml matches the tag exactly, then case-insensitively."""
    if name in table:
        return name
    return next((k for k in table if k.lower() == name.lower()), None)


def is_zero_value(value):
    """Go's zero test used for redaction: nil lists and maps are zero, empty ones are not."""
    if value is None:
        return True
    if isinstance(value, (list, dict)):
        return False
    return value in ('', False, 0)


BOOL = BoolType()
STRING = StringType()
INT = IntType('int')
INT64 = IntType('int64')
DURATION = DurationType()
STRLIST = StringListType()
STRMAP = StringMapType()
SEVERITY_MAP = SeverityMapType()
BASIC_AUTH = StructType('httppost.BasicAuth', [
    ('Username', 'string', 'username', ''),
    ('Password', 'string', 'password', ''),
], json_names={'Username': 'username', 'Password': 'password'})
SASL_AUTH = StructType('kafka.SASLAuth', [
    ('SASLUsername', 'string', 'sasl-username', ''),
    ('SASLPassword', 'string', 'sasl-password', ''),
    ('SASLExtensions', 'strmap', 'sasl_extensions', None),
    ('SASLMechanism', 'string', 'sasl-mechanism', ''),
    ('SASLVersion', 'intptr', 'sasl-version', None),
    ('SASLGSSAPIServiceName', 'string', 'sasl-gssapi-service-name', ''),
    ('SASLGSSAPIAuthType', 'string', 'sasl-gssapi-auth-type', ''),
    ('SASLGSSAPIDisablePAFXFAST', 'bool', 'sasl-gssapi-disable-pafxfast', False),
    ('SASLGSSAPIKerberosConfigPath', 'string', 'sasl-gssapi-kerberos-config-path', ''),
    ('SASLGSSAPIKeyTabPath', 'string', 'sasl-gssapi-key-tab-path', ''),
    ('SASLGSSAPIRealm', 'string', 'sasl-gssapi-realm', ''),
    ('SASLOAUTHService', 'string', 'sasl-oauth-service', ''),
    ('SASLOAUTHClientID', 'string', 'sasl-oauth-client-id', ''),
    ('SASLOAUTHClientSecret', 'string', 'sasl-oauth-client-secret', ''),
    ('SASLOAUTHTokenURL', 'string', 'sasl-oauth-token-url', ''),
    ('SASLOAUTHScopes', 'strlist', 'sasl-oauth-scopes', None),
    ('SASLOAUTHParams', 'strmap', 'sasl-oauth-parameters', None),
    ('SASLOAUTHExpiryMargin', 'nanos', 'sasl-oauth-token-expiry-margin', 10 * gojson.SECOND),
    ('SASLAccessToken', 'string', 'sasl-access-token', ''),
    ('SASLOAUTHTenant', 'string', 'sasl-oauth-tenant-id', ''),
])


class Opt:
    """One option of a section. `default` is the value in Kapacitor's server.NewConfig()."""

    def __init__(self, name, otype, default=None, redact=False, toml=None, embedded=False):
        self.name = name
        self.type = otype
        self.default = default
        self.redact = redact
        self.toml = toml or name
        self.embedded = embedded     # kafka SASLAuth: its fields are read from the element's table

    def default_value(self):
        if isinstance(self.type, StructType):
            return self.type.default()
        if isinstance(self.type, DurationType) and isinstance(self.default, str):
            return gojson.parse_duration(self.default)
        return copy.deepcopy(self.default if self.default is not None else self.type.zero())

    def zero_value(self):
        return self.type.zero()

    def render(self, value):
        if self.redact:
            return not (self.type.is_zero(value) if hasattr(self.type, 'is_zero') else is_zero_value(value))
        return self.type.render(value)


class Section:
    """An alert section: element key (None for a single-element section) and options in Go
    struct order; `validate` checks one element, `validate_list` the whole list."""

    def __init__(self, key, options, validate, validate_list=None, toml_reuses_defaults=False):
        self.key = key
        self.options = options
        self.by_name = dict((o.name, o) for o in options)
        self.validate = validate
        self.validate_list = validate_list
        # BurntSushi/toml decodes [[x]] tables into the existing slice when it is long enough
        # (kafka, mqtt, httppost); slack and discord decode every table into a zero element.
        self.toml_reuses_defaults = toml_reuses_defaults

    @property
    def is_list(self):
        return self.key is not None

    def default_element(self):
        return dict((o.name, o.default_value()) for o in self.options)

    def zero_element(self):
        return dict((o.name, o.zero_value()) for o in self.options)

    def element_id(self, element):
        return element[self.key] if self.key else ''

    def render(self, element):
        options = dict(sorted((o.name, o.render(element[o.name])) for o in self.options))
        redacted = [o.name for o in self.options if o.redact] or None
        return options, redacted


# ---------------------------------------------------------------------------------------------
# Validation helpers, mirroring Go's net/url and net/mail closely enough for configuration values.

class ValidationError(Exception):
    pass


def url_error(raw, request_uri=False):
    """The error net/url.Parse (or ParseRequestURI) reports for raw, or None."""
    prefix = 'parse %s: ' % go_quote(raw)
    if any(ord(c) < 0x20 or ord(c) == 0x7f for c in raw):
        return prefix + 'net/url: invalid control character in URL'
    if request_uri and raw == '':
        return prefix + 'empty url'
    rest = raw.split('#', 1)[0] if not request_uri else raw
    bad = re.search(r'%(?![0-9A-Fa-f]{2})(.{0,2})', rest.split('?', 1)[0])
    scheme_match = re.match(r'^([A-Za-z][A-Za-z0-9+.-]*):', rest)
    if rest.startswith(':'):
        return prefix + 'missing protocol scheme'
    if scheme_match:
        after = rest[scheme_match.end():]
        if after.startswith('//'):
            authority = after[2:].split('/', 1)[0].split('?', 1)[0]
            host = authority.rsplit('@', 1)[-1]
            if host.startswith('[') and ']' not in host:
                return prefix + 'missing \']\' in host'
            port = host.rsplit(']', 1)[-1].rpartition(':')
            if port[1] and port[2] and not port[2].isdigit():
                return prefix + 'invalid port %s after host' % go_quote(':' + port[2])
        elif request_uri and not after.startswith('/'):
            return None
    else:
        if request_uri and not rest.startswith('/'):
            return prefix + 'invalid URI for request'
        first = rest.split('/', 1)[0].split('?', 1)[0]
        if ':' in first:
            return prefix + 'first path segment in URL cannot contain colon'
    if bad:
        return prefix + 'invalid URL escape %s' % go_quote('%' + bad.group(1))
    return None


def check_url(value, label='url', request_uri=False):
    err = url_error(value, request_uri)
    if err:
        raise ValidationError('invalid %s %s: %s' % (label, go_quote(value), err))


def mail_error(address):
    """A rough net/mail.ParseAddress: returns its error text or None."""
    text = address.strip()
    if not text:
        return 'mail: no address'
    if '<' in text:
        if not text.endswith('>'):
            return 'mail: unclosed angle-addr'
        text = text[text.rindex('<') + 1:-1]
    if '@' not in text:
        return 'mail: missing @ in addr-spec'
    local, domain = text.rsplit('@', 1)
    if not local or not domain or ' ' in text:
        return 'mail: no angle-addr'
    return None


def need(condition, message):
    if not condition:
        raise ValidationError(message)


def v_url_enabled(message, key='url'):
    def validate(c):
        need(not (c['enabled'] and c[key] == ''), message)
        check_url(c[key])
    return validate


def v_bigpanda(c):
    need(not (c['enabled'] and c['url'] == ''), 'must specify the BigPanda webhook URL')
    need(not (c['enabled'] and c['app-key'] == ''), 'must specify BigPanda app-key')
    check_url(c['url'])
    need(not (c['enabled'] and c['token'] == ''), 'must specify BigPanda token')


def v_discord(c):
    need(not (c['enabled'] and c['url'] == ''), 'Must specify the Discord channel webhook URL')
    check_url(c['url'])
    if c['avatar-url']:
        check_url(c['avatar-url'])


def v_httppost(c):
    need(c['endpoint'] != '', 'must specify endpoint name')
    need(c['url'] != '', 'must specify url')
    if '{{' not in c['url']:
        err = url_error(c['url'])
        if err:
            raise ValidationError('invalid URL %s: %s' % (go_quote(c['url']), err))
    need(not (c['alert-template'] and c['alert-template-file']), 'must specify only one of alert-template and alert-template-file')
    need(not c['alert-template-file'] or posixpath.isabs(c['alert-template-file']), 'must use an absolute path for alert-template-file')
    need(not (c['row-template'] and c['row-template-file']), 'must specify only one of row-template and row-template-file')
    need(not c['row-template-file'] or posixpath.isabs(c['row-template-file']), 'must use an absolute path for row-template-file')


SASL_MECHANISMS = ('', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'GSSAPI', 'PLAIN')


def v_kafka(c):
    if not c['enabled']:
        return
    need(c['id'] != '', 'id must not be empty')
    need(bool(c['brokers']), 'no brokers specified, must provide at least one broker URL')
    sasl = c['SASLAuth']
    mechanism = sasl['SASLMechanism']
    if mechanism in SASL_MECHANISMS:
        return
    need(mechanism == 'OAUTHBEARER', 'invalid sasl-mechanism')
    need(not (sasl['SASLAccessToken'] and (sasl['SASLOAUTHService'] or sasl['SASLOAUTHTokenURL'])),
         "cannot set 'sasl-access-token' with 'sasl-oauth-service' and 'sasl-oauth-token-url'")
    need(sasl['SASLOAUTHClientID'] and sasl['SASLOAUTHClientSecret'], "'sasl-oauth-client-id' and 'sasl-oauth-client-secret' are required")
    service = sasl['SASLOAUTHService'].lower()
    if service in ('', 'custom'):
        need(sasl['SASLOAUTHTokenURL'], "'sasl-oauth-token-url' required for custom service")
    elif service == 'auth0':
        need(sasl['SASLOAUTHTokenURL'], "'sasl-oauth-token-url' required for Auth0")
        need((sasl['SASLOAUTHParams'] or {}).get('audience'), "'audience' parameter is required for Auth0")
    elif service == 'azuread':
        need(sasl['SASLOAUTHTenant'], "'sasl-oauth-tenant-id' required for AzureAD")
        need(not sasl['SASLOAUTHTokenURL'], "'sasl-oauth-token-url' cannot be set for service " + sasl['SASLOAUTHService'])
    else:
        raise ValidationError('service ' + sasl['SASLOAUTHService'] + ' not supported')


def v_mqtt(c):
    need(c['name'] != '', 'must specify a name for the mqtt broker')
    need(not (c['enabled'] and c['url'] == ''), 'must specify a url for mqtt service')


def v_opsgenie(c):
    need(c['url'] != '', 'url cannot be empty')
    need(c['recovery_url'] != '', 'recovery_url cannot be empty')
    check_url(c['url'], 'URL')
    if url_error(c['recovery_url']):
        # Kapacitor names the recovery URL but quotes the main url here.
        raise ValidationError('invalid recovery_url %s: %s' % (go_quote(c['url']), url_error(c['recovery_url'])))
    need(not (c['enabled'] and c['api-key'] == ''), 'api-key cannot be empty')


def v_opsgenie2(c):
    need(c['url'] != '', 'url cannot be empty')
    need(c['recovery_action'] != '', 'recovery_action cannot be empty')
    check_url(c['url'], 'URL')
    need(not (c['enabled'] and c['api-key'] == ''), 'api-key cannot be empty')


def v_url_required(c):
    need(c['url'] != '', 'url cannot be empty')
    check_url(c['url'], 'URL')


def v_pushover(c):
    if c['enabled']:
        need(c['token'] != '', 'must specify token')
        need(c['user-key'] != '', 'must specify user key')
        need(c['url'] != '', 'must specify url')
        check_url(c['url'], 'URL')


def v_sensu(c):
    need(not (c['enabled'] and c['addr'] == ''), 'must specify client address')


def v_smtp(c):
    need(c['host'] != '', 'host cannot be empty')
    need(c['port'] > 0, 'invalid port %d' % c['port'])
    need(c['idle-timeout'] >= 0, 'idle timeout must be positive')
    need(not (c['enabled'] and c['from'] == ''), "must provide a 'from' address")
    if c['from'] and mail_error(c['from']):
        raise ValidationError('invalid from email address: %s, %s' % (go_quote(c['from']), mail_error(c['from'])))
    for address in c['to'] or []:
        if mail_error(address):
            raise ValidationError('invalid to email address: %s, %s' % (go_quote(address), mail_error(address)))


def v_snmptrap(c):
    need(not (c['enabled'] and c['addr'] == ''), 'must specify addr')


def v_telegram(c):
    if c['enabled']:
        need(c['url'] != '', 'must specify url')
        need(c['token'] != '', 'must specify token')
    check_url(c['url'])


def v_zenoss(c):
    need(not (c['enabled'] and c['url'] == ''), 'must specify events URL')
    check_url(c['url'], request_uri=True)
    need(all(v is not None for v in c['severity-map'].values()), 'invalid severity mapping')


def v_workspaces(product):
    """slack.Configs / discord.Configs Validate."""
    def validate(elements):
        has_default = len(elements) == 1
        for c in elements:
            SECTIONS[product.lower()].validate(c)
            need(not (len(elements) > 1 and c['workspace'] == ''), 'id must not be empty')
            has_default = has_default or c['default']
            need(not (c['global'] and not c['default']), 'only the default config may be assigned as global')
            need(not (c['state-changes-only'] and (not c['default'] or not c['global'])),
                 'stateChangesOnly may only be assigned when the config is both default and global')
        need(not elements or has_default, 'at least one %s config must be set as default' % product)
    return validate


def v_each(name):
    def validate(elements):
        for c in elements:
            SECTIONS[name].validate(c)
    return validate


def v_mqtt_list(elements):
    defaults = 0
    for c in elements:
        defaults += 1 if c['default'] else 0
        v_mqtt(c)
    need(defaults <= 1, 'more than one configuration is marked as the default')
    need(not (defaults == 0 and len(elements) > 1), 'no configuration is marked as the default')


SSL = [Opt('ssl-ca', STRING, ''), Opt('ssl-cert', STRING, ''), Opt('ssl-key', STRING, ''), Opt('insecure-skip-verify', BOOL, False)]

# Sections in the order of Kapacitor's server.Config struct.
SECTIONS = {
    'alerta': Section(None, [
        Opt('enabled', BOOL, False), Opt('url', STRING, ''), Opt('insecure-skip-verify', BOOL, False),
        Opt('token', STRING, '', redact=True), Opt('token-prefix', STRING, ''), Opt('environment', STRING, ''),
        Opt('origin', STRING, ''), Opt('timeout', DURATION, '0s'),
    ], v_url_enabled('must specify url')),
    'bigpanda': Section(None, [
        Opt('enabled', BOOL, False), Opt('global', BOOL, False), Opt('app-key', STRING, ''),
        Opt('token', STRING, '', redact=True), Opt('state-changes-only', BOOL, False),
        Opt('insecure-skip-verify', BOOL, False), Opt('url', STRING, 'https://api.bigpanda.io/data/v2/alerts'),
        Opt('auto-attributes', STRING, 'tags,fields'),
    ], v_bigpanda),
    'discord': Section('workspace', [
        Opt('enabled', BOOL, False), Opt('default', BOOL, True), Opt('workspace', STRING, ''), Opt('url', STRING, ''),
        Opt('timestamp', BOOL, False), Opt('username', STRING, ''), Opt('avatar-url', STRING, ''),
        Opt('embed-title', STRING, ''), Opt('global', BOOL, False), Opt('state-changes-only', BOOL, False),
    ] + SSL, v_discord, v_workspaces('Discord')),
    'hipchat': Section(None, [
        Opt('enabled', BOOL, False), Opt('url', STRING, ''), Opt('token', STRING, '', redact=True),
        Opt('room', STRING, ''), Opt('global', BOOL, False), Opt('state-changes-only', BOOL, False),
    ], v_url_enabled('must specify url')),
    'kafka': Section('id', [
        Opt('enabled', BOOL, False), Opt('id', STRING, 'default'), Opt('brokers', STRLIST, None),
        Opt('timeout', DURATION, '0s'), Opt('batch-size', INT, 0), Opt('batch-timeout', DURATION, '0s'),
        Opt('use-ssl', BOOL, False),
    ] + SSL + [Opt('SASLAuth', SASL_AUTH, embedded=True)], v_kafka, v_each('kafka'), toml_reuses_defaults=True),
    'mqtt': Section('name', [
        Opt('enabled', BOOL, False), Opt('name', STRING, 'default'), Opt('default', BOOL, False), Opt('url', STRING, ''),
    ] + SSL + [
        Opt('client-id', STRING, ''), Opt('username', STRING, ''), Opt('password', STRING, '', redact=True),
    ], v_mqtt, v_mqtt_list, toml_reuses_defaults=True),
    'opsgenie': Section(None, [
        Opt('enabled', BOOL, False), Opt('api-key', STRING, '', redact=True), Opt('teams', STRLIST, None),
        Opt('recipients', STRLIST, None), Opt('url', STRING, 'https://api.opsgenie.com/v1/json/alert'),
        Opt('recovery_url', STRING, 'https://api.opsgenie.com/v1/json/alert/note'), Opt('global', BOOL, False),
    ], v_opsgenie),
    'opsgenie2': Section(None, [
        Opt('enabled', BOOL, False), Opt('api-key', STRING, '', redact=True), Opt('teams', STRLIST, None),
        Opt('recipients', STRLIST, None), Opt('url', STRING, 'https://api.opsgenie.com/v2/alerts'),
        Opt('recovery_action', STRING, 'notes'), Opt('global', BOOL, False), Opt('details', BOOL, False),
    ], v_opsgenie2),
    'pagerduty': Section(None, [
        Opt('enabled', BOOL, False), Opt('url', STRING, 'https://events.pagerduty.com/generic/2010-04-15/create_event.json'),
        Opt('service-key', STRING, '', redact=True), Opt('global', BOOL, False),
    ], v_url_required),
    'pagerduty2': Section(None, [
        Opt('enabled', BOOL, False), Opt('url', STRING, 'https://events.pagerduty.com/v2/enqueue'),
        Opt('routing-key', STRING, '', redact=True), Opt('global', BOOL, False),
    ], v_url_required),
    'pushover': Section(None, [
        Opt('enabled', BOOL, False), Opt('token', STRING, '', redact=True), Opt('user-key', STRING, '', redact=True),
        Opt('url', STRING, 'https://api.pushover.net/1/messages.json'),
    ], v_pushover),
    'httppost': Section('endpoint', [
        Opt('endpoint', STRING, 'example'), Opt('url', STRING, 'http://example.com'), Opt('headers', STRMAP, None),
        Opt('basic-auth', BASIC_AUTH, redact=True), Opt('alert-template', STRING, ''),
        Opt('alert-template-file', STRING, ''), Opt('row-template', STRING, ''), Opt('row-template-file', STRING, ''),
    ], v_httppost, v_each('httppost'), toml_reuses_defaults=True),
    'smtp': Section(None, [
        Opt('enabled', BOOL, False), Opt('host', STRING, 'localhost'), Opt('port', INT, 25), Opt('username', STRING, ''),
        Opt('password', STRING, '', redact=True), Opt('no-verify', BOOL, False), Opt('global', BOOL, False),
        Opt('state-changes-only', BOOL, False), Opt('from', STRING, ''), Opt('to', STRLIST, None),
        Opt('to-templates', STRLIST, None, toml='toTemplates'), Opt('idle-timeout', DURATION, '30s'),
    ], v_smtp),
    'snmptrap': Section(None, [
        Opt('enabled', BOOL, False), Opt('addr', STRING, 'localhost:162'), Opt('community', STRING, 'kapacitor', redact=True),
        Opt('retries', INT, 1),
    ], v_snmptrap),
    'sensu': Section(None, [
        Opt('enabled', BOOL, False), Opt('addr', STRING, ''), Opt('source', STRING, 'Kapacitor'), Opt('handlers', STRLIST, None),
    ], v_sensu),
    'servicenow': Section(None, [
        Opt('enabled', BOOL, False), Opt('url', STRING, 'https://instance.service-now.com/api/global/em/jsonv2'),
        Opt('source', STRING, ''), Opt('username', STRING, ''), Opt('password', STRING, '', redact=True),
        Opt('global', BOOL, False), Opt('state-changes-only', BOOL, False),
    ], v_url_enabled('must specify events URL')),
    'slack': Section('workspace', [
        Opt('enabled', BOOL, False), Opt('default', BOOL, True), Opt('workspace', STRING, ''),
        Opt('url', STRING, '', redact=True), Opt('token', STRING, '', redact=True), Opt('channel', STRING, ''),
        Opt('username', STRING, 'kapacitor'), Opt('icon-emoji', STRING, ''), Opt('global', BOOL, False),
        Opt('state-changes-only', BOOL, False),
    ] + SSL, v_url_enabled('must specify url'), v_workspaces('Slack')),
    'talk': Section(None, [
        Opt('enabled', BOOL, False), Opt('url', STRING, '', redact=True), Opt('author_name', STRING, ''),
    ], v_url_enabled('must specify url')),
    'teams': Section(None, [
        Opt('enabled', BOOL, False), Opt('channel-url', STRING, ''), Opt('global', BOOL, False),
        Opt('state-changes-only', BOOL, False),
    ], v_url_enabled('must specify Teams channel webhook URL', key='channel-url')),
    'telegram': Section(None, [
        Opt('enabled', BOOL, False), Opt('url', STRING, 'https://api.telegram.org/bot'), Opt('token', STRING, '', redact=True),
        Opt('chat-id', STRING, ''), Opt('parse-mode', STRING, ''), Opt('disable-web-page-preview', BOOL, False),
        Opt('disable-notification', BOOL, False), Opt('global', BOOL, False), Opt('state-changes-only', BOOL, False),
    ], v_telegram),
    'victorops': Section(None, [
        Opt('enabled', BOOL, False), Opt('api-key', STRING, '', redact=True), Opt('routing-key', STRING, ''),
        Opt('url', STRING, 'https://alert.victorops.com/integrations/generic/20131114/alert'), Opt('global', BOOL, False),
        Opt('json-data', BOOL, False),
    ], v_url_required),
    'zenoss': Section(None, [
        Opt('enabled', BOOL, False), Opt('url', STRING, 'https://tenant.zenoss.io:8080/zport/dmd/evconsole_router'),
        Opt('username', STRING, ''), Opt('password', STRING, '', redact=True), Opt('action', STRING, 'EventsRouter'),
        Opt('method', STRING, 'add_event'), Opt('type', STRING, 'rpc'), Opt('tid', INT64, 1),
        Opt('collector', STRING, 'Kapacitor'),
        Opt('severity-map', SEVERITY_MAP, {'ok': 'Clear', 'info': 'Info', 'warning': 'Warning', 'critical': 'Critical'}),
        Opt('global', BOOL, False), Opt('state-changes-only', BOOL, False),
    ], v_zenoss),
}

# The order in which Kapacitor's server.Config declares the sections (duplicate checks follow it).
SECTION_ORDER = ['alerta', 'bigpanda', 'discord', 'hipchat', 'kafka', 'mqtt', 'opsgenie', 'opsgenie2', 'pagerduty',
                 'pagerduty2', 'pushover', 'httppost', 'smtp', 'snmptrap', 'sensu', 'servicenow', 'slack', 'talk',
                 'teams', 'telegram', 'victorops', 'zenoss']
