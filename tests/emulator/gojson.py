# -*- coding: utf-8 -*-
"""Go flavoured JSON, durations and quoting, as Kapacitor's HTTP API produces them.

Only the Python standard library is used so that the emulator starts on a bare Python 3.11.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

import decimal
import json
import re

NANOSECOND = 1
MICROSECOND = 1000
MILLISECOND = 1000 * MICROSECOND
SECOND = 1000 * MILLISECOND
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE

_UNITS = {
    'ns': NANOSECOND,
    'us': MICROSECOND,
    '\u00b5s': MICROSECOND,  # U+00B5 micro sign
    '\u03bcs': MICROSECOND,  # U+03BC Greek letter mu
    'ms': MILLISECOND,
    's': SECOND,
    'm': MINUTE,
    'h': HOUR,
}
_INT64_MAX = (1 << 63) - 1


class JsonNumber(str):
    """A number read back from Kapacitor's store, which decodes with UseNumber (Go json.Number)."""


def go_quote(text):
    """Go's %q for the strings that appear in Kapacitor's messages."""
    return json.dumps(text, ensure_ascii=False)


def quote_char(char):
    """encoding/json's quoteChar: a character in single quotes, escaped as strconv.Quote escapes it."""
    if char == "'":
        return "'\\''"
    if char == '"':
        return "'\"'"
    escapes = {'\a': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\'}
    if char in escapes:
        return "'%s'" % escapes[char]
    if ord(char) < 0x20 or ord(char) == 0x7f:
        return "'\\x%02x'" % ord(char)
    if char == '\ufffd':
        return "'\\ufffd'"
    return "'%s'" % char


def parse_duration(text):
    """time.ParseDuration: return nanoseconds or raise ValueError with Go's message."""
    orig = text
    quoted = go_quote(orig)
    neg = False
    if text and text[0] in '+-':
        neg = text[0] == '-'
        text = text[1:]
    if text == '0':
        return 0
    if text == '':
        raise ValueError('time: invalid duration ' + quoted)
    total = 0.0
    exact = 0
    while text:
        match = re.match(r'([0-9]*)(\.([0-9]*))?', text)
        whole, frac = match.group(1), match.group(3)
        if not whole and not frac:
            raise ValueError('time: invalid duration ' + quoted)
        if match.group(2) is not None and not whole and not frac:
            raise ValueError('time: invalid duration ' + quoted)
        text = text[match.end():]
        unit_match = re.match(r'[^0-9.]+', text)
        if not unit_match:
            raise ValueError('time: missing unit in duration ' + quoted)
        unit = unit_match.group(0)
        text = text[unit_match.end():]
        if unit not in _UNITS:
            raise ValueError('time: unknown unit %s in duration %s' % (go_quote(unit), quoted))
        scale = _UNITS[unit]
        value = int(whole or '0') * scale
        if frac:
            value += int(int(frac) * scale / (10 ** len(frac)))
        exact += value
        total += value
        if exact > _INT64_MAX + (1 if neg else 0):
            raise ValueError('time: invalid duration ' + quoted)
    return -exact if neg else exact


def _fmt_frac(value, prec):
    """Digits after the point of value / 10**prec, trailing zeros removed (Go's fmtFrac)."""
    digits = ''
    printed = False
    for _digit in range(prec):
        digit = value % 10
        printed = printed or digit != 0
        if printed:
            digits = str(digit) + digits
        value //= 10
    return ('.' + digits if printed else ''), value


def duration_string(nanos):
    """time.Duration.String()."""
    if nanos == 0:
        return '0s'
    neg = nanos < 0
    value = -nanos if neg else nanos
    if value < SECOND:
        if value < MICROSECOND:
            out = '%dns' % value
        elif value < MILLISECOND:
            frac, whole = _fmt_frac(value, 3)
            out = '%d%s\u00b5s' % (whole, frac)
        else:
            frac, whole = _fmt_frac(value, 6)
            out = '%d%sms' % (whole, frac)
    else:
        frac, whole = _fmt_frac(value, 9)
        out = '%d%ss' % (whole % 60, frac)
        whole //= 60
        if whole > 0:
            out = '%dm' % (whole % 60) + out
            whole //= 60
            if whole > 0:
                out = '%dh' % whole + out
    return ('-' if neg else '') + out


def format_float(value):
    """How encoding/json writes a float64."""
    if value == int(value) and abs(value) < 1e21:
        return str(int(value))
    if 1e-6 <= abs(value) < 1e21:
        return format(decimal.Decimal(repr(value)), 'f')
    return re.sub(r'e-0(\d)$', r'e-\1', repr(value))


def _prepare(obj):
    """Replace floats and JsonNumbers by markers that dumps() leaves alone, then substitutes."""
    if isinstance(obj, bool) or obj is None:
        return obj
    if isinstance(obj, JsonNumber):
        return _Raw(str(obj))
    if isinstance(obj, float):
        return _Raw(format_float(obj))
    if isinstance(obj, dict):
        return dict((k, _prepare(v)) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return [_prepare(v) for v in obj]
    return obj


class _Raw(str):
    """Text written into the JSON document as it is."""


def dumps(obj, indent=None, sort_keys=False):
    """encoding/json output: HTML-safe escapes, Go number formatting, optional 4-space indent."""
    raws = []

    def mark(value):
        if isinstance(value, _Raw):
            raws.append(str(value))
            return '\u0000RAW%d\u0000' % (len(raws) - 1)
        if isinstance(value, dict):
            return dict((k, mark(v)) for k, v in value.items())
        if isinstance(value, list):
            return [mark(v) for v in value]
        return value

    marked = mark(_prepare(obj))
    if indent:
        text = json.dumps(marked, ensure_ascii=False, indent=indent, sort_keys=sort_keys)
    else:
        text = json.dumps(marked, ensure_ascii=False, separators=(',', ':'), sort_keys=sort_keys)
    text = text.replace('<', '\\u003c').replace('>', '\\u003e').replace('&', '\\u0026')
    text = text.replace('\u2028', '\\u2028').replace('\u2029', '\\u2029')
    return re.sub(r'"\\u0000RAW(\d+)\\u0000"', lambda m: raws[int(m.group(1))], text)


def loads_request(text):
    """Decode a request body as Go does without UseNumber: every number is a float64."""
    return json.loads(text, parse_int=float, parse_constant=_reject_constant)


def loads_stored(text):
    """Decode a stored override as Kapacitor's store does (UseNumber)."""
    return json.loads(text, parse_int=JsonNumber, parse_float=JsonNumber, parse_constant=_reject_constant)


def _reject_constant(name):
    raise ValueError('invalid character %s looking for beginning of value' % go_quote(name[0]))


def go_kind(value):
    """reflect.Kind name of a decoded JSON value."""
    if value is None:
        return 'invalid'
    if isinstance(value, bool):
        return 'bool'
    if isinstance(value, str):
        return 'string'
    if isinstance(value, (int, float)):
        return 'float64'
    if isinstance(value, list):
        return 'slice'
    if isinstance(value, dict):
        return 'map'
    return 'invalid'


def go_type(value):
    """fmt's %T of a decoded JSON value."""
    if value is None:
        return '<nil>'
    if isinstance(value, bool):
        return 'bool'
    if isinstance(value, JsonNumber):
        return 'json.Number'
    if isinstance(value, str):
        return 'string'
    if isinstance(value, (int, float)):
        return 'float64'
    if isinstance(value, list):
        return '[]interface {}'
    return 'map[string]interface {}'


def json_kind(value):
    """The JSON value kind named in encoding/json's UnmarshalTypeError."""
    if isinstance(value, bool):
        return 'bool'
    if isinstance(value, str):
        return 'string'
    if isinstance(value, (int, float)):
        return 'number'
    if isinstance(value, list):
        return 'array'
    if isinstance(value, dict):
        return 'object'
    return 'null'


def go_value(value):
    """fmt's %v of a decoded JSON value (for mapstructure messages)."""
    if value is None:
        return '<nil>'
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, float):
        return format_float(value)
    if isinstance(value, list):
        return '[' + ' '.join(go_value(v) for v in value) + ']'
    if isinstance(value, dict):
        return 'map[' + ' '.join('%s:%s' % (k, go_value(value[k])) for k in sorted(value)) + ']'
    return str(value)
