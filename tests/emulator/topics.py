# -*- coding: utf-8 -*-
"""Kapacitor v1.8.3's alert topics and topic handlers API (services/alert) for the emulator.

Handler specs are validated and their options decoded as Kapacitor decodes them (encoding/json for the
spec, mapstructure v1.5.0 for the options, evanphx/json-patch v4.9.0 for PATCH, the TICK lambda parser
for `match`), stored in the emulator's state file and rebuilt at start. No handler ever runs: events
reach a topic only through the `/_emulator/events` test control. See docs/emulator.md.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

import copy
import json
import json.decoder
import json.scanner
import os
import posixpath
import re
import sys
import unicodedata
import urllib.parse

import gojson

BASE = '/kapacitor/v1'
TOPICS_PATH = BASE + '/alerts/topics'
PREVIEW_BASE = '/kapacitor/v1preview'
LEVELS = ['OK', 'INFO', 'WARNING', 'CRITICAL']
EMPTY_SPEC = {'id': '', 'topic': '', 'kind': '', 'options': None, 'match': ''}
SPEC_FIELDS = ('id', 'topic', 'kind', 'options', 'match')


class Rendered(str):
    """A response body already written as Kapacitor writes it (httpd.MarshalJSON(v, true))."""


class TopicsError(Exception):
    def __init__(self, status, message):
        super(TopicsError, self).__init__(message)
        self.status = status
        self.message = message


class BuildError(Exception):
    """createHandlerFromSpec failed: the message Kapacitor wraps in "failed to create handler: "."""


def render(value):
    return Rendered(gojson.dumps(value, indent=4))


def error(status, message):
    return TopicsError(status, message)


# ---------------------------------------------------------------------------------------------
# Handler kinds and their options (mapstructure v1.5.0 with ErrorUnused and a TextUnmarshaler hook)

S, B, I64, DUR, MODE, QOS = 'string', 'bool', 'int64', 'time.Duration', 'fs.FileMode', 'mqtt.QoSLevel'
LIST = '[]string'
MAP = 'map[string]interface {}'
SMAP = 'map[string]string'
TEMPLATE_PTR = '*template.Template'
LINK = ('struct', [('href', S), ('text', S)])
DATA = ('struct', [('oid', S), ('type', S), ('value', S)])


KINDS = {
    'aggregate': ('alert.AggregateHandlerConfig', [('id', S), ('interval', DUR), ('topic', S), ('message', S)]),
    'alerta': ('alerta.HandlerConfig', [('token', S), ('token-prefix', S), ('resource', S), ('event', S), ('environment', S),
                                        ('group', S), ('value', S), ('origin', S), ('service', LIST), ('correlate', LIST),
                                        ('attributes', MAP), ('timeout', DUR)]),
    'bigpanda': ('bigpanda.HandlerConfig', [('app-key', S), ('url', S), ('host', S), ('primary-property', S),
                                            ('secondary-property', S), ('attributes', MAP)]),
    'discord': ('discord.HandlerConfig', [('workspace', S), ('username', S), ('avatar-url', S), ('embed-title', S)]),
    'exec': ('alert.ExecHandlerConfig', [('prog', S), ('args', LIST)]),
    'hipchat': ('hipchat.HandlerConfig', [('room', S), ('token', S)]),
    'kafka': ('kafka.HandlerConfig', [('cluster', S), ('topic', S), ('template', S), ('disablePartitionById', B),
                                      ('partitionAlgorithm', S)]),
    'log': ('alert.LogHandlerConfig', [('path', S), ('mode', MODE)]),
    'mqtt': ('mqtt.HandlerConfig', [('broker-name', S), ('topic', S), ('qos', QOS), ('retained', B), ('topic-template', TEMPLATE_PTR)]),
    'opsgenie': ('opsgenie.HandlerConfig', [('teams-list', LIST), ('recipients-list', LIST)]),
    'opsgenie2': ('opsgenie2.HandlerConfig', [('teams-list', LIST), ('recipients-list', LIST), ('recovery_action', S)]),
    'pagerduty': ('pagerduty.HandlerConfig', [('service-key', S)]),
    'pagerduty2': ('pagerduty2.HandlerConfig', [('routing-key', S), ('links', ('slice', LINK))]),
    'post': ('httppost.HandlerConfig', [('url', S), ('endpoint', S), ('headers', SMAP), ('capture-response', B), ('timeout', DUR),
                                        ('skip-ssl-verification', B)]),
    'publish': ('alert.PublishHandlerConfig', [('topics', LIST)]),
    'pushover': ('pushover.HandlerConfig', [('device', S), ('title', S), ('url', S), ('url-title', S), ('sound', S), ('user-key', S)]),
    'sensu': ('sensu.HandlerConfig', [('source', S), ('handlers', LIST), ('metadata', MAP)]),
    # Fields with only a json tag are matched by their Go field name.
    'servicenow': ('servicenow.HandlerConfig', [('url', S), ('username', S), ('password', S), ('source', S), ('Node', S), ('Type', S),
                                                ('Resource', S), ('MetricName', S), ('MessageKey', S), ('additional_info', MAP)]),
    'slack': ('slack.HandlerConfig', [('workspace', S), ('channel', S), ('username', S), ('icon-emoji', S)]),
    'smtp': ('smtp.HandlerConfig', [('to', LIST), ('to-field', LIST)]),
    'snmptrap': ('snmptrap.HandlerConfig', [('trap-oid', S), ('data-list', ('slice', DATA))]),
    'talk': (None, None),
    'tcp': ('alert.TCPHandlerConfig', [('address', S)]),
    'teams': ('teams.HandlerConfig', [('channel-url', S)]),
    'telegram': ('telegram.HandlerConfig', [('chat-id', S), ('parse-mode', S), ('disable-web-page-preview', B),
                                            ('disable-notification', B)]),
    'victorops': ('victorops.HandlerConfig', [('routing-key', S)]),
    'zenoss': ('zenoss.HandlerConfig', [('action', S), ('method', S), ('type', S), ('tid', I64), ('Summary', S), ('Device', S),
                                        ('Component', S), ('EventClassKey', S), ('EventClass', S), ('Collector', S), ('Message', S),
                                        ('customField', MAP)]),
}
QOS_NAMES = {'at-most-once': 0, 'at-least-once': 1, 'exactly-one': 2}


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _unconvertible(name, typ, value):
    return "'%s' expected type '%s', got unconvertible type '%s', value: '%s'" % (name, typ, gojson.go_type(value), gojson.go_value(value))


def decode_value(name, value, typ, errors):
    """mapstructure's decode(): return the decoded value, appending error strings to errors."""
    if value is None:
        return None
    if typ == QOS and isinstance(value, str):
        # The decode hook hands strings to QoSLevel.UnmarshalText.
        if value not in QOS_NAMES:
            errors.append("error decoding '%s': invalid QoS" % name)
            return None
        return QOS_NAMES[value]
    if typ == S:
        if isinstance(value, str):
            return value
        errors.append(_unconvertible(name, typ, value))
    elif typ == B:
        if isinstance(value, bool):
            return value
        errors.append(_unconvertible(name, typ, value))
    elif typ in (I64, DUR):
        if _number(value):
            return int(value)
        errors.append(_unconvertible(name, typ, value))
    elif typ in (MODE, QOS):
        if _number(value):
            if value < 0:
                errors.append("cannot parse '%s', %.6f overflows uint" % (name, value))
                return None
            return int(value) & (0xffffffff if typ == MODE else 0xff)
        errors.append(_unconvertible(name, typ, value))
    elif typ in (MAP, SMAP):
        if not isinstance(value, dict):
            errors.append("'%s' expected a map, got '%s'" % (name, gojson.go_kind(value)))
            return None
        if typ == SMAP:
            return dict((k, decode_value('%s[%s]' % (name, k), v, S, errors)) for k, v in value.items())
        return value
    elif typ == TEMPLATE_PTR:
        return decode_struct(name, value, [], errors)
    elif typ == LIST or (isinstance(typ, tuple) and typ[0] == 'slice'):
        if not isinstance(value, list):
            errors.append("'%s': source data must be an array or slice, got %s" % (name, gojson.go_kind(value)))
            return None
        elem = S if typ == LIST else typ[1]
        return [decode_value('%s[%d]' % (name, i), v, elem, errors) for i, v in enumerate(value)]
    elif isinstance(typ, tuple) and typ[0] == 'struct':
        return decode_struct(name, value, typ[1], errors)
    return None


def decode_struct(name, value, fields, errors):
    """decodeStructFromMap: exact key, else the first key equal ignoring case; unused keys are errors."""
    if not isinstance(value, dict):
        errors.append("'%s' expected a map, got '%s'" % (name, gojson.go_kind(value)))
        return None
    unused = set(value)
    out = {}
    for field, typ in fields:
        key = field if field in value else next((k for k in sorted(value) if k.lower() == field.lower()), None)
        if key is None:
            continue
        unused.discard(key)
        out[field] = decode_value(name + '.' + field if name else field, value[key], typ, errors)
    if unused:
        errors.append("'%s' has invalid keys: %s" % (name, ', '.join(sorted(unused))))
    return out


def decode_options(kind, options):
    type_name, fields = KINDS[kind]
    errors = []
    decoded = decode_struct('', options or {}, fields, errors)
    if errors:
        lines = sorted('* ' + e for e in errors)
        raise BuildError('failed to decode options into *%s: %d error(s) decoding:\n\n%s' % (type_name, len(errors), '\n'.join(lines)))
    return decoded


def file_mode_string(mode):
    """os.FileMode.String()."""
    out = ''.join(c for i, c in enumerate('dalTLDpSugct?') if mode & (1 << (31 - i)))
    out = out or '-'
    return out + ''.join(c if mode & (1 << (8 - i)) else '-' for i, c in enumerate('rwxrwxrwx'))


# ---------------------------------------------------------------------------------------------
# Go text/template: the parse errors handler options meet (no template is ever executed)

TEMPLATE_BUILTINS = ('and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery',
                     'eq', 'ge', 'gt', 'le', 'lt', 'ne')
TEMPLATE_KEYWORDS = ('block', 'break', 'continue', 'define', 'else', 'end', 'if', 'range', 'nil', 'template', 'with', 'true', 'false')
_TEMPLATE_TOKEN = re.compile(r'[0-9][\w.]*|"(?:[^"\\\n]|\\.)*"|`[^`]*`|\'(?:[^\'\\\n]|\\.)*\'|[.$]?[A-Za-z_][A-Za-z_0-9]*|}}|\S', re.S)


def check_template(name, text, funcs=()):
    """template.New(name).Parse(text): raise BuildError('template: <name>:<line>: <message>') as Go does."""
    def fail(pos, message):
        raise BuildError('template: %s:%d: %s' % (name, 1 + text.count('\n', 0, pos), message))
    controls = []
    pos = text.find('{{')
    while pos >= 0:
        start = pos + 2
        if text.startswith('- ', start):
            start += 2
        if text.startswith('/*', start):
            end = text.find('*/', start)
            if end < 0:
                fail(len(text), 'unclosed comment')
            after = end + 2 + (2 if text.startswith(' -', end + 2) else 0)
            if not text.startswith('}}', after):
                fail(end, 'comment ends before closing delimiter')
            pos = text.find('{{', after + 2)
            continue
        words, index = [], start
        while True:
            match = _TEMPLATE_TOKEN.match(text, index)
            while match is None and index < len(text) and text[index].isspace():
                index += 1
                match = _TEMPLATE_TOKEN.match(text, index)
            if match is None:
                fail(len(text), 'unclosed action')
            token = match.group(0)
            if token[0] == '"' and not token.endswith('"') or token == '"':
                fail(index, 'unterminated quoted string')
            if token == '`':
                fail(index, 'unterminated raw quoted string')
            if token == '}}':
                break
            words.append((index, token))
            index = match.end()
        if words and words[-1][1] == '-':
            words.pop()
        if not words:
            fail(index, 'missing value for command')
        first = words[0][1]
        if first in ('if', 'range', 'with', 'block', 'define'):
            controls.append(first)
        elif first == 'end':
            if not controls:
                fail(words[0][0], 'unexpected {{end}}')
            controls.pop()
        elif first == 'else' and not controls:
            fail(words[0][0], 'unexpected {{else}}')
        for where, word in words:
            if (word[0].isalpha() or word[0] == '_') and word not in TEMPLATE_KEYWORDS + TEMPLATE_BUILTINS + tuple(funcs):
                fail(where, 'function %s not defined' % gojson.go_quote(word))
        pos = text.find('{{', index + 2)
    if controls:
        fail(len(text), 'unexpected EOF')


def check_templates(kind, options):
    """The templates each service's Handler() parses, in its order."""
    def strings(value):
        return [v for v in value or [] if isinstance(v, str)]
    if kind == 'aggregate' and options.get('message') is not None:
        check_template('message', options['message'])
    elif kind == 'alerta':
        for key in ('resource', 'event', 'environment', 'group', 'value'):
            check_template(key, options.get(key) or '')
        for key in ('service', 'correlate'):
            for value in strings(options.get(key)):
                check_template(key, value)
        for key, value in sorted((options.get('attributes') or {}).items()):
            if isinstance(value, str):
                check_template(key, value)
    elif kind == 'discord':
        check_template('embedTitle', options.get('embed-title') or '')
    elif kind == 'kafka' and options.get('template'):
        try:
            check_template('kafka alert template', options['template'])
        except BuildError as exc:
            raise BuildError('failed to parse template: %s' % exc)
    elif kind == 'mqtt':
        check_template('topic', options.get('topic') or '')
    elif kind == 'pagerduty2':
        for link in options.get('links') or []:
            check_template('href', (link or {}).get('href') or '')
            if (link or {}).get('text'):
                check_template('text', link['text'])
    elif kind == 'sensu':
        check_template('source', options.get('source') or '')
    elif kind == 'snmptrap':
        for data in options.get('data-list') or []:
            check_template('data', (data or {}).get('value') or '')


# ---------------------------------------------------------------------------------------------
# match: the TICK lambda lexer and parser (tick/ast), as far as parse errors and identifiers go

TOKEN_NAMES = {'number': 'number', 'string': 'string', 'duration': 'duration', 'ident': 'identifier', 'TRUE': 'TRUE',
               'FALSE': 'FALSE', '==': '==', '(': '(', '-': '-', '!': '!', 'EOF': 'EOF', ')': ')'}
OPERATORS = {'OR': 0, 'AND': 1, '==': 2, '!=': 2, '=~': 2, '!~': 2, '>': 3, '>=': 3, '<': 3, '<=': 3, '+': 4, '-': 4, '*': 5, '/': 5,
             '%': 5}
MATCH_IDENTIFIERS = ('OK', 'INFO', 'WARNING', 'CRITICAL')


def lex_lambda(text):
    """tick/ast/lex.go: a list of (type, pos, value); an error token ('ERR', pos, message) ends the list."""
    tokens = []
    pos = [0, 0]  # start, current

    def emit(typ):
        tokens.append((typ, pos[0], text[pos[0]:pos[1]]))
        pos[0] = pos[1]

    def peek():
        return text[pos[1]] if pos[1] < len(text) else ''

    def fail(message):
        tokens.append(('ERR', pos[0], message))
        return None

    def skip_space():
        while peek() and peek().isspace():
            pos[1] += 1
        pos[0] = pos[1]

    def regex():
        if peek() != '/':
            return fail('unexpected "%s" expected "/"' % (peek() or '\ufffd'))
        pos[1] += 1
        while True:
            char = peek()
            pos[1] += 1
            if char == '\\' and peek() == '/':
                pos[1] += 1
            elif char == '/':
                emit('regex')
                return 'token'
            elif char == '':
                return fail('unterminated regex')

    def binary():
        """tryLexBinaryOperator."""
        skip_space()
        char = peek()
        if char == '' or char not in '+-*%/!<>=' or text[pos[1]:pos[1] + 2] == '//':
            return 'token'
        pos[1] += 1
        if char + peek() in ('!=', '!~', '<=', '>=', '==', '=~'):
            pos[1] += 1
        op = text[pos[0]:pos[1]]
        emit(op)
        if op in ('!~', '=~', '='):
            skip_space()
            if peek() == '/':
                return regex()
        return 'token'

    state = 'token'
    while state:
        state = _lex_step(text, pos, peek, emit, fail, regex, binary)
    return tokens


def _lex_step(text, pos, peek, emit, fail, regex, binary):
    char = peek()
    if char == '':
        emit('EOF')
        return None
    if char in '-!':
        pos[1] += 1
        emit(char)
        return 'token'
    if char.isdigit() or char == '.':
        decimal, first = False, True
        while True:
            char = peek()
            pos[1] += 1
            if char == '.':
                if first and not peek().isdigit():
                    emit('.')
                    return 'token'
                if decimal:
                    return fail('multiple decimals in number')
                decimal = True
            elif char.isdigit():
                pass
            elif char and not decimal and char in 'u\u00b5smhdw':
                if char == 'm' and peek() == 's':
                    pos[1] += 1
                emit('duration')
                return binary()
            else:
                pos[1] -= 1
                emit('number')
                return binary()
            first = False
    if char.isalpha():
        while peek() and (peek().isalnum() or peek() == '_' or unicodedata.category(peek()).startswith('L')):
            pos[1] += 1
        word = text[pos[0]:pos[1]]
        if word in ('AND', 'OR', 'TRUE', 'FALSE'):
            emit(word)
        elif word in ('var', 'dbrp'):
            emit(word)
        elif word == 'lambda' and peek() == ':':
            pos[1] += 1
            emit('lambda')
        else:
            emit('ident')
        return binary()
    if char == '"':
        pos[1] += 1
        while True:
            char = peek()
            if char == '':
                return fail('unterminated field reference')
            pos[1] += 1
            if char == '\\' and peek() == '"':
                pos[1] += 1
            elif char == '"':
                emit('reference')
                return binary()
    if char == "'":
        return _lex_string(text, pos, peek, emit, fail, binary)
    if char.isspace():
        pos[1] += 1
        pos[0] = pos[1]
        return 'token'
    if char in '()[]|@,*':
        pos[1] += 1
        emit(char)
        return binary() if char == ')' else 'token'
    if char == '/':
        if text[pos[1] + 1:pos[1] + 2] == '/':
            end = text.find('\n', pos[1])
            pos[1] = len(text) if end < 0 else end
            pos[0] = pos[1]
            return 'token'
        return regex()
    return fail('unknown state, last char: %s' % gojson.go_quote(char).replace('"', "'"))


def _lex_string(text, pos, peek, emit, fail, binary):
    triple = text[pos[1]:pos[1] + 3] == "'''"
    if text[pos[1]:pos[1] + 2] == "''" and not triple:
        pos[1] += 2
        emit('string')
        return binary()
    quote = "'''" if triple else "'"
    pos[1] += len(quote)
    while True:
        if text.startswith(quote, pos[1]):
            pos[1] += len(quote)
            emit('string')
            return binary()
        char = peek()
        if char == '':
            return fail('unterminated string')
        pos[1] += 2 if (char == '\\' and not triple and text[pos[1] + 1:pos[1] + 2] == "'") else 1


def parse_match(text):
    """ast.ParseLambda plus newMatchHandler's identifier walk; raise BuildError with Kapacitor's message."""
    tokens = lex_lambda(text)
    index = [0]
    idents = []

    def peek():
        return tokens[index[0]] if index[0] < len(tokens) else ('ERR', 0, '')

    def take():
        tok = peek()
        index[0] += 1
        return tok

    def unexpected(tok, expected):
        start = max(tok[1] - 10, 0)
        newline = text.rfind('\n', start, tok[1])
        start = newline + 1 if newline >= 0 else start
        stop = min(tok[1] + 10, len(text))
        newline = text.find('\n', tok[1], stop)
        stop = newline if newline >= 0 else stop
        line = 1 + text.count('\n', 0, tok[1])
        char = tok[1] - text.rfind('\n', 0, tok[1])
        name = tok[2] if tok[0] == 'ERR' else TOKEN_NAMES.get(tok[0], tok[0])
        raise BuildError('invalid match expression: parser: unexpected %s line %d char %d in "%s". expected: %s' % (
            name, line, char, text[start:stop], ','.join('"%s"' % TOKEN_NAMES[e] for e in expected)))

    def expect(typ):
        tok = take()
        if tok[0] != typ:
            unexpected(tok, [typ])
        return tok

    def primary():
        tok = peek()
        if tok[0] == '(':
            take()
            precedence(primary(), 0)
            expect(')')
        elif tok[0] in ('number', 'string', 'TRUE', 'FALSE', 'duration', 'regex', '*', 'reference'):
            take()
        elif tok[0] == 'ident':
            take()
            if peek()[0] == '(':
                take()
                while peek()[0] != ')':
                    precedence(primary(), 0)
                    if take()[0] != ',':
                        index[0] -= 1
                        break
                expect(')')
            else:
                idents.append(tok[2])
        elif tok[0] in ('-', '!'):
            take()
            primary()
        else:
            unexpected(tok, ['number', 'string', 'duration', 'ident', 'TRUE', 'FALSE', '==', '(', '-', '!'])

    def precedence(_lhs, min_prec):
        look = peek()
        while look[0] in OPERATORS and OPERATORS[look[0]] >= min_prec:
            op = take()
            primary()
            look = peek()
            while look[0] in OPERATORS and OPERATORS[look[0]] > OPERATORS[op[0]]:
                precedence(None, OPERATORS[look[0]])
                look = peek()

    precedence(primary(), 0)
    expect('EOF')
    for ident in idents:
        if ident not in MATCH_IDENTIFIERS:
            raise BuildError('unknown identifier %s' % gojson.go_quote(ident))


# ---------------------------------------------------------------------------------------------
# HandlerSpec: encoding/json decoding and Validate (services/alert/dao.go)

def _letters_ok(text, extra):
    return text != '' and all(c in extra or ('0' <= c <= '9') or unicodedata.category(c).startswith('L') for c in text)


def validate(spec):
    if not _letters_ok(spec['topic'], '-:._'):
        return "handler topic must contain only letters, numbers, '-', '.' and '_'. %s" % gojson.go_quote(spec['id'])
    if not _letters_ok(spec['id'], '-._'):
        return "handler ID must contain only letters, numbers, '-', '.' and '_'. %s" % gojson.go_quote(spec['id'])
    if spec['kind'] == '':
        return 'handler Kind must not be empty'
    return None


def spec_from_value(value, topic, keys=None):
    """json.Unmarshal into HandlerSpec{Topic: topic}: keys match case-insensitively, wrong types fail."""
    spec = dict(EMPTY_SPEC, topic=topic)
    if value is None:
        return spec
    if not isinstance(value, dict):
        raise ValueError('json: cannot unmarshal %s into Go value of type alert.HandlerSpec' % gojson.json_kind(value))
    first = None
    for key in keys or list(value):
        field = key if key in SPEC_FIELDS else next((f for f in SPEC_FIELDS if f.lower() == key.lower()), None)
        if field is None:
            continue
        item = value[key]
        if item is None:
            if field == 'options':
                spec['options'] = None
            continue
        ok = isinstance(item, dict) if field == 'options' else isinstance(item, str)
        if not ok:
            first = first or 'json: cannot unmarshal %s into Go struct field HandlerSpec.%s of type %s' % (
                gojson.json_kind(item), field, MAP if field == 'options' else 'string')
            continue
        spec[field] = plain(item)
    if first:
        raise ValueError(first)
    return spec


def plain(value):
    """Drop the raw-text wrappers of a patch document (numbers become float64, as Go decodes them)."""
    if isinstance(value, dict):
        return dict((str(k), plain(v)) for k, v in value.items())
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, RawNumber):
        return float(value)
    if isinstance(value, RawString):
        return str(value)
    return value


# ---------------------------------------------------------------------------------------------
# JSON Patch (evanphx/json-patch v4.9.0): scalars keep their raw text for the `test` op

class RawNumber(float):
    raw = ''


class RawString(str):
    raw = ''


class _RawDecoder(json.JSONDecoder):
    def __init__(self):
        super(_RawDecoder, self).__init__()

        def number(text):
            value = RawNumber(text)
            value.raw = text
            return value

        def string(source, end, strict=True):
            value, new_end = json.decoder.scanstring(source, end, strict)
            wrapped = RawString(value)
            wrapped.raw = source[end - 1:new_end]
            return wrapped, new_end

        self.parse_float = number
        self.parse_int = number
        self.parse_string = string
        self.scan_once = json.scanner.py_make_scanner(self)


def raw_text(value):
    """The compact bytes lazyNode.equal compares: as sent for patch values, as Go marshals stored ones."""
    return getattr(value, 'raw', None) or gojson.dumps(plain(value))


def json_equal(left, right):
    if isinstance(left, dict) and isinstance(right, dict):
        return len(left) == len(right) and all(k in right and (left[k] is None and right[k] is None or json_equal(left[k], right[k]))
                                               for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(json_equal(a, b) for a, b in zip(left, right))
    if isinstance(left, (dict, list)) or isinstance(right, (dict, list)):
        return False
    return raw_text(left) == raw_text(right)


def decode_patch(raw, decode_json):
    text = raw.decode('utf-8', 'replace')
    try:
        decode_json(raw)
        value, end = _RawDecoder().raw_decode(text.lstrip(' \t\r\n'))
    except ValueError as exc:
        message = str(exc) if str(exc).startswith('invalid character') else 'unexpected end of JSON input'
        raise error(400, 'invalid patch json: ' + message)
    rest = text.lstrip(' \t\r\n')[end:].lstrip(' \t\r\n')
    if rest:
        raise error(400, 'invalid patch json: invalid character %s after top-level value' % gojson.quote_char(rest[0]))
    if value is not None and not isinstance(value, list):
        raise error(400, 'invalid patch json: json: cannot unmarshal %s into Go value of type jsonpatch.Patch' % gojson.json_kind(value))
    for item in value or []:
        if item is not None and not isinstance(item, dict):
            raise error(400, 'invalid patch json: json: cannot unmarshal %s into Go value of type jsonpatch.Operation' %
                        gojson.json_kind(item))
    return [item or {} for item in value or []]


def _op_string(op, key):
    value = op.get(key)
    return str(value) if isinstance(value, str) else 'unknown'


def _unescape(part):
    """decodePatchKey: one pass of strings.NewReplacer("~1", "/", "~0", "~")."""
    return re.sub('~[01]', lambda m: '/' if m.group(0) == '~1' else '~', part)


class PatchError(Exception):
    pass


class PatchPanic(Exception):
    """A nil dereference inside json-patch: net/http recovers it and drops the connection."""


def _find(doc, path):
    parts = path.split('/')
    if len(parts) < 2:
        return None, ''
    for part in parts[1:-1]:
        try:
            node = _get(doc, _unescape(part))
        except PatchError:
            return None, ''
        if not isinstance(node, (dict, list)):
            return None, ''
        doc = node
    return doc, _unescape(parts[-1])


def _index(key):
    if not re.fullmatch(r'[+-]?[0-9]+', key):
        raise PatchError('strconv.Atoi: parsing %s: invalid syntax' % gojson.go_quote(key))
    return int(key)


def _bad_index(idx):
    return PatchError('Unable to access invalid index: %d: invalid index referenced' % idx)


def _get(doc, key):
    if isinstance(doc, dict):
        return doc.get(key)
    idx = _index(key)
    if idx < 0:
        raise PatchPanic()  # partialArray.get indexes the slice with it: index out of range
    if idx >= len(doc):
        raise _bad_index(idx)
    return doc[idx]


def _add(doc, key, value):
    if isinstance(doc, dict):
        doc[key] = value
        return
    if key == '-':
        doc.append(value)
        return
    try:
        idx = _index(key)
    except PatchError as exc:
        raise PatchError('value was not a proper array index: %s: %s' % (gojson.go_quote(key).replace('"', "'"), exc))
    if idx >= len(doc) + 1 or idx < -(len(doc) + 1):
        raise _bad_index(idx)
    doc.insert(idx + len(doc) + 1 if idx < 0 else idx, value)


def _remove(doc, key):
    if isinstance(doc, dict):
        if key not in doc:
            raise PatchError('Unable to remove nonexistent key: %s: missing value' % key)
        del doc[key]
        return
    idx = _index(key)
    if idx >= len(doc) or idx < -len(doc):
        raise _bad_index(idx)
    del doc[idx]


def apply_patch(doc, ops):
    for op in ops:
        kind, path = _op_string(op, 'op'), _op_string(op, 'path')
        value = op.get('value')
        if kind not in ('add', 'remove', 'replace', 'move', 'copy', 'test'):
            raise PatchError('Unexpected kind: %s' % kind)
        if kind in ('move', 'copy'):
            source = _op_string(op, 'from')
            con, key = _find(doc, source)
            if con is None:
                raise PatchError('%s operation does not apply: doc is missing from path: %s: missing value' % (kind, source))
            try:
                value = _get(con, key)
                if kind == 'move':
                    _remove(con, key)
            except PatchError as exc:
                raise PatchError('error in %s for %s: \'%s\': %s' % (kind, 'path' if kind == 'move' else 'from',
                                                                     key if kind == 'move' else source, exc))
            value = copy.deepcopy(value) if kind == 'copy' else value  # deepCopy keeps the raw text
        con, key = _find(doc, path)
        if con is None:
            where = {'add': 'doc is missing path: "%s"', 'remove': 'doc is missing path: "%s"', 'replace': 'doc is missing path: %s',
                     'test': 'is missing path: %s', 'move': 'doc is missing destination path: %s',
                     'copy': 'doc is missing destination path: %s'}[kind] % path
            raise PatchError('%s operation does not apply: %s: missing value' % (kind, where))
        try:
            if kind in ('add', 'move', 'copy'):
                _add(con, key, value)
            elif kind == 'remove':
                _remove(con, key)
            elif kind == 'replace':
                _get(con, key)
                if isinstance(con, list):
                    con[_index(key)] = value
                else:
                    con[key] = value
            else:
                current = _get(con, key)
                if current is None:
                    if 'value' not in op:
                        raise PatchPanic()
                    if value is None:
                        continue
                    raise PatchError('testing value %s failed: test failed' % path)
                if 'value' not in op or not json_equal(current, value):
                    raise PatchError('testing value %s failed: test failed' % path)
        except PatchError as exc:
            if str(exc).startswith('testing value'):
                raise
            if kind == 'copy':
                raise PatchError('error while adding value during copy: %s' % exc)
            if kind == 'replace' and not str(exc).startswith('strconv'):
                raise PatchError('replace operation does not apply: doc is missing key: %s: missing value' % path)
            raise PatchError("error in %s for path: '%s': %s" % ('remove' if kind == 'replace' else kind, path, exc))
    return doc


# ---------------------------------------------------------------------------------------------
# Paths and links (path.Match, path.Dir, url.URL.String as Go has them)

def go_clean(path):
    if path == '':
        return '.'
    cleaned = posixpath.normpath(path)
    return '/' + cleaned.lstrip('/') if cleaned.startswith('//') else cleaned


def go_dir(path):
    return go_clean(path[:path.rfind('/') + 1])


def topic_from_path(path):
    """topicIDFromPath: the first segment."""
    topic, current = '', path
    while current != '.' and current != topic:
        topic = current
        current = go_dir(current)
    return topic


def _path_safe(char):
    return char.isascii() and (char.isalnum() or char in "-_.~$&+,/:;=@!'()*[]%")


def request_link(raw_target, path):
    """r.URL.String() of a server request: the raw path when it is a valid encoding, else Path escaped."""
    raw_path, mark, query = raw_target.partition('?')
    if raw_path.startswith(PREVIEW_BASE + '/') or not all(_path_safe(c) for c in raw_path):
        raw_path = urllib.parse.quote(path, safe="-_.~$&+,/:;=@")
    return raw_path + (mark + query if mark else '')


def handler_link(topic, handler):
    return {'rel': 'self', 'href': go_clean(posixpath.join(TOPICS_PATH, topic, 'handlers', handler))}


def handler_body(spec):
    return {'link': handler_link(spec['topic'], spec['id']), 'id': spec['id'], 'kind': spec['kind'], 'options': spec['options'],
            'match': spec['match']}


def topic_body(topic, level, collected):
    return {'link': {'rel': 'self', 'href': go_clean(TOPICS_PATH + '/' + topic)}, 'id': topic, 'level': level, 'collected': collected,
            'events-link': {'rel': 'events', 'href': go_clean(TOPICS_PATH + '/' + topic + '/events')},
            'handlers-link': {'rel': 'handlers', 'href': go_clean(TOPICS_PATH + '/' + topic + '/handlers')}}


def parse_level(text):
    upper = text.upper()
    if upper == '':
        return 0
    if upper not in LEVELS:
        raise error(400, "unknown alert level '%s'" % upper)
    return LEVELS.index(upper)


# ---------------------------------------------------------------------------------------------
# The alert service

class TopicService:
    """Handler specs (in memory and stored), topics and their events, as services/alert keeps them."""

    def __init__(self, state, decode_json, glob_regex):
        self.state = state
        self.decode_json = decode_json
        self.glob_regex = glob_regex
        self.disabled = set(getattr(state.config, 'disabled_handlers', None) or ())
        self.kafka_at_start = state.running.get('kafka')
        self.handlers = {}
        self.topics = {}
        stored = self._stored('handlers')
        for key in sorted(stored):
            spec = stored[key]
            try:
                built = self.build(spec)
            except BuildError as exc:
                sys.stderr.write('kapacitor-emulator: failed to load handler on startup: %s\n' % exc)
                continue
            self._register(spec, built)
        for topic, events in sorted(self._stored('topic_states').items()):
            self._topic(topic)['events'].update(events)

    # -- storage
    def _stored(self, name):
        return self.state.store.sections.setdefault(name, {})

    def _save(self):
        self.state.store.save_sections()

    # -- building (createHandlerFromSpec)
    def build(self, spec):
        """Return the spec kept in memory (an empty one for a disabled kind) or raise BuildError."""
        kind = spec['kind']
        if kind in self.disabled:
            return dict(EMPTY_SPEC)
        if kind not in KINDS:
            raise BuildError('unsupported action kind %s' % gojson.go_quote(kind))
        options = decode_options(kind, spec['options']) if KINDS[kind][0] else {}
        self._service_checks(kind, options)
        if spec['match'] != '':
            parse_match(spec['match'])
        return spec

    def _service_checks(self, kind, options):
        if kind == 'aggregate' and (options.get('interval') or 0) <= 0:
            # time.NewTicker panics in the handler's goroutine: kapacitord dies.
            sys.stderr.write('panic: non-positive interval for NewTicker\n')
            sys.stderr.flush()
            os._exit(2)  # pylint: disable=protected-access
        if kind == 'kafka':
            running = self.state.running.get('kafka') or []
            # kafka.Service.Update keeps only the enabled clusters, and Kapacitor calls it at start unless
            # overrides are skipped there: only then does every configured cluster exist until an update.
            config = self.state.config
            every = running is self.kafka_at_start and (config.skip_overrides or not config.override_enabled)
            known = [c['id'] for c in running if c['enabled'] or every]
            if (options.get('cluster') or '') not in known:
                raise BuildError('unknown cluster %s' % gojson.go_quote(options.get('cluster') or ''))
        if kind == 'log':
            mode = 0o600 if options.get('mode') is None else options['mode']
            if mode & 0o200 == 0:
                raise BuildError('invalid file mode %s, must be user writable' % file_mode_string(mode))
            path = options.get('path') or ''
            if not path.startswith('/'):
                raise BuildError('log path must be absolute: %s is not absolute' % path)
        if kind == 'post':
            endpoints = [e['endpoint'] for e in self.state.running.get('httppost') or []]
            if (options.get('endpoint') or '') not in endpoints:
                if not options.get('url'):
                    raise BuildError('An appropriately formatted url must be specified if an endpoint is not specified')
                try:
                    check_template('body', options['url'], funcs=('json', 'jsonCompact'))
                except BuildError as exc:
                    raise BuildError('failed to parse template: %s' % exc)
        check_templates(kind, options)

    def _register(self, spec, built):
        self.handlers.setdefault(spec['topic'], {})[spec['id']] = built
        if built['kind'] != '':
            self._topic(spec['topic'])

    def _topic(self, topic):
        return self.topics.setdefault(topic, {'events': {}, 'collected': 0})

    # -- routing (apiServer)
    def route(self, method, path, raw_target, raw):
        """Answer one request under /kapacitor/v1/alerts/topics: (status, Rendered body or None)."""
        path = urllib.parse.unquote(path)
        query = urllib.parse.parse_qs(raw_target.partition('?')[2], keep_blank_values=True)
        link = request_link(raw_target, path)
        try:
            with self.state.lock:
                return self._route(method, path, query, raw, link)
        except TopicsError as exc:
            return exc.status, render({'error': exc.message, 'message': exc.message})

    def _route(self, method, path, query, raw, link):
        if path == TOPICS_PATH:
            if method != 'GET':
                raise error(404, 'Not Found')
            return self.list_topics(query, link)
        rest = path[len(TOPICS_PATH) + 1:]
        topic = topic_from_path(rest)
        directory, slash, last = rest.rpartition('/')
        is_handler_path = (directory + slash).endswith('handlers/')
        handler = last if is_handler_path else ''
        if method == 'GET':
            for pattern, action in (('*/events', self.list_events), ('*/events/*', self.get_event), ('*/handlers', self.list_handlers),
                                    ('*/handlers/*', self.get_handler)):
                if self.glob_regex(pattern).match(rest):
                    return action(topic, rest, query, link)
            return self.get_topic(topic)
        if method == 'POST':
            return self.create_handler(topic, raw)
        if method in ('PUT', 'PATCH'):
            return (self.put_handler if method == 'PUT' else self.patch_handler)(topic, handler, raw)
        if method == 'DELETE':
            if is_handler_path:
                return self.delete_handler(topic, handler)
            return self.delete_topic(topic)
        raise error(404, 'Not Found')

    def _pattern(self, query):
        pattern = query.get('pattern', [''])[0]
        try:
            return self.glob_regex(pattern) if pattern else None
        except (ValueError, re.error):
            raise error(400, 'invalid pattern: syntax error in pattern')

    # -- topics and events
    def _level(self, topic):
        events = self.topics[topic]['events'].values()
        return max([LEVELS.index(e['level']) for e in events] or [0])

    def list_topics(self, query, link):
        matcher = self._pattern(query)
        min_level = parse_level(query.get('min-level', [''])[0])
        out = [topic_body(t, LEVELS[self._level(t)], self.topics[t]['collected']) for t in sorted(self.topics)
               if (matcher is None or matcher.match(t)) and self._level(t) >= min_level]
        return 200, render({'link': {'rel': 'self', 'href': link}, 'topics': out})

    def get_topic(self, topic):
        if topic not in self.topics:
            raise error(404, 'unknown topic: %s' % gojson.go_quote(topic))
        return 200, render(topic_body(topic, LEVELS[self._level(topic)], self.topics[topic]['collected']))

    def delete_topic(self, topic):
        self.topics.pop(topic, None)
        if self._stored('topic_states').pop(topic, None) is not None:
            self._save()
        return 204, None

    @staticmethod
    def _event_body(topic, event_id, state):
        href = go_clean(posixpath.join(TOPICS_PATH, topic, 'events', event_id))
        return {'link': {'rel': 'self', 'href': href}, 'id': event_id,
                'state': {'message': state['message'], 'details': state['details'], 'time': state['time'],
                          'duration': gojson.duration_string(state['duration']), 'level': state['level']}}

    def list_events(self, topic, _rest, query, _link):
        min_level = parse_level(query.get('min-level', [''])[0])
        if topic not in self.topics:
            raise error(500, 'failed to get topic events: unknown topic %s' % gojson.go_quote(topic))
        events = self.topics[topic]['events']
        ordered = sorted(events, key=lambda e: (-LEVELS.index(events[e]['level']), e))
        out = [self._event_body(topic, e, events[e]) for e in ordered if LEVELS.index(events[e]['level']) >= min_level]
        return 200, render({'link': {'rel': 'self', 'href': go_clean(posixpath.join(TOPICS_PATH, topic, 'events'))}, 'topic': topic,
                            'events': out})

    def get_event(self, topic, rest, _query, _link):
        event_id = posixpath.basename(rest.rstrip('/')) or '/'
        state = self.topics.get(topic, {'events': {}})['events'].get(event_id)
        if state is None:
            raise error(404, 'unknown event %s in topic %s' % (gojson.go_quote(event_id), gojson.go_quote(topic)))
        return 200, render(self._event_body(topic, event_id, state))

    def collect(self, event):
        """The /_emulator/events control: an event arrives on a topic, as from a task's alert node."""
        if not isinstance(event, dict) or not isinstance(event.get('topic'), str) or not isinstance(event.get('id'), str):
            raise ValueError('an event needs "topic" and "id" (strings)')
        unknown = sorted(set(event) - {'topic', 'id', 'level', 'message', 'details', 'time', 'duration'})
        if unknown:
            raise ValueError('unknown event keys: %s' % ', '.join(unknown))
        level = event.get('level', 'CRITICAL')
        duration = event.get('duration', 0)
        if level not in LEVELS or not isinstance(duration, int) or isinstance(duration, bool):
            raise ValueError('level is one of %s; duration is integer nanoseconds' % ', '.join(LEVELS))
        state = {'message': str(event.get('message', '')), 'details': str(event.get('details', '')),
                 'time': str(event.get('time', '1970-01-01T00:00:00Z')), 'duration': duration, 'level': level}
        with self.state.lock:
            topic = self._topic(event['topic'])
            topic['events'][event['id']] = state
            topic['collected'] += 1
            self._stored('topic_states').setdefault(event['topic'], {})[event['id']] = state
            self._save()

    # -- handlers
    def list_handlers(self, topic, _rest, query, link):
        matcher = self._pattern(query)
        specs = [s for i, s in self.handlers.get(topic, {}).items() if matcher is None or matcher.match(i)]
        specs.sort(key=lambda s: s['id'].encode('utf-8'))
        return 200, render({'link': {'rel': 'self', 'href': link}, 'topic': topic, 'handlers': [handler_body(s) for s in specs]})

    def _lookup(self, topic, handler):
        spec = self.handlers.get(topic, {}).get(handler)
        if spec is None:
            raise error(404, 'unknown handler: %s' % gojson.go_quote(handler))
        return spec

    def get_handler(self, topic, rest, _query, _link):
        return 200, render(handler_body(self._lookup(topic, rest.rpartition('/')[2])))

    def _spec_from_body(self, topic, raw, prefix):
        try:
            spec = spec_from_value(self.decode_json(raw), topic)
        except ValueError as exc:
            raise error(400, prefix + str(exc))
        spec['topic'] = topic  # handlerSpecFromJSON: the URL's topic, whatever the body says
        return spec

    def create_handler(self, topic, raw):
        spec = self._spec_from_body(topic, raw, 'invalid handler json: ')
        problem = validate(spec)
        if problem:
            raise error(400, 'invalid handler spec: ' + problem)
        try:
            built = self.build(spec)
        except BuildError as exc:
            raise error(500, 'failed to create handler: %s' % exc)
        if spec['id'] in self.handlers.get(topic, {}):
            raise error(500, 'failed to create handler: cannot register handler, handler with ID %s already exists' %
                        gojson.go_quote(spec['id']))
        self._stored('handlers')[topic + '/' + spec['id']] = spec
        self._save()
        self._register(spec, built)
        return 200, render(handler_body(spec))

    def put_handler(self, topic, handler, raw):
        old = self._lookup(topic, handler)
        new = self._spec_from_body(topic, raw, 'failed to unmarshal JSON: ')
        return self._update(old, new)

    def patch_handler(self, topic, handler, raw):
        old = self._lookup(topic, handler)
        ops = decode_patch(raw, self.decode_json)
        doc = json.loads(gojson.dumps(old), parse_int=float)
        try:
            doc = apply_patch(doc, ops)
        except PatchError as exc:
            raise error(400, 'failed to apply patch: %s' % exc)
        except PatchPanic:
            raise ConnectionAbortedError('json-patch panic')
        try:
            # json.Marshal sorts the keys of the patched document before it is decoded again.
            new = spec_from_value(doc, topic, keys=sorted(doc) if isinstance(doc, dict) else None)
        except ValueError as exc:
            raise error(500, 'failed to unmarshal patched json: %s' % exc)
        return self._update(old, new)

    def _update(self, old, new):
        problem = validate(new)
        if problem:
            raise error(400, 'invalid handler spec: ' + problem)
        if new['topic'] != old['topic']:
            raise error(500, 'failed to update handler: cannot change topic in update')
        try:
            built = self.build(new)
        except BuildError as exc:
            raise error(500, 'failed to update handler: %s' % exc)
        topic, stored = new['topic'], self._stored('handlers')
        # A rename writes the new ID over any handler stored under it (IndexedStore.Put), then deletes the old one.
        stored[topic + '/' + new['id']] = new
        if new['id'] != old['id']:
            stored.pop(topic + '/' + old['id'], None)
        self._save()
        self.handlers[topic].pop(old['id'], None)
        self.handlers[topic][new['id']] = built
        self._topic(topic)
        return 200, render(handler_body(new))

    def delete_handler(self, topic, handler):
        spec = self.handlers.get(topic, {}).get(handler)
        if spec is not None:
            self._stored('handlers').pop(topic + '/' + handler, None)
            self._save()
            # The entry of a disabled kind has topic "": Kapacitor deletes it from the wrong map and it stays.
            self.handlers.get(spec['topic'], {}).pop(handler, None)
        return 204, None
