# -*- coding: utf-8 -*-
"""Kapacitor's service-test API: the test options of every tester, with defaults taken from the
running configuration, and what each test answers.

The emulator never contacts the external services an alert handler talks to: a test of an enabled
handler succeeds. Two testers reproduce their network behaviour because Kapacitor's own test does
not depend on an external SaaS: httppost posts to the given url, influxdb pings its cluster.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

import datetime
import json
import urllib.error
import urllib.request

from gojson import go_quote, json_kind

# alert.Level's UnmarshalText takes the first match of the text in "OKINFOWARNINGCRITICAL" and accepts it only
# where a level starts: "" is OK, a prefix such as "WARN" or "OKINFO" names the level it starts, case matters.
LEVEL_TEXT = 'OKINFOWARNINGCRITICAL'
LEVEL_OFFSETS = (0, 2, 6, 13)
# mqtt.QoSLevel's UnmarshalText: Kapacitor spells the third level "exactly-one" (it writes "exactly-once").
QOS_LEVELS = ('at-most-once', 'at-least-once', 'exactly-one')
EVENT_DATA = {'Name': '', 'TaskName': '', 'Group': '', 'Tags': {}, 'Fields': {}, 'Result': {'series': None},
              'Recoverable': False, 'Category': ''}
DISCOVERY = ('azure', 'consul', 'dns', 'ec2', 'file-discovery', 'gce', 'marathon', 'nerve', 'serverset',
             'static-discovery', 'triton')


class TestDecodeError(Exception):
    """The test options in a request body do not fit the tester's option types."""


def _element(running, section):
    elements = running.get(section) or [{}]
    return elements[0]


def _event_data(name):
    data = dict(EVENT_DATA)
    data['Name'] = name
    return data


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat().replace('+00:00', 'Z')


def default_workspace(running, section):
    """The workspace slack/discord use when none is given (their element stashed under "")."""
    workspaces = running.get(section + '#workspaces') or {}
    element = workspaces.get('')
    return element


def option_defaults(name, running):
    """Ordered (option, type, default) of the tester `name` for the current running config."""
    c = _element(running, name) if name in running else {}
    get = c.get
    table = {
        'alerta': [('resource', 'string', 'testResource'), ('event', 'string', 'testEvent'),
                   ('environment', 'string', get('environment', '')), ('severity', 'string', 'critical'),
                   ('group', 'string', 'testGroup'), ('value', 'string', 'testValue'),
                   ('message', 'string', 'test alerta message'), ('origin', 'string', get('origin', '')),
                   ('service', 'strlist', ['testServiceA', 'testServiceB']),
                   ('correlate', 'strlist', ['testServiceX', 'testServiceY']),
                   ('attributes', 'anymap', {'testAttributeA': 'A', 'testAttributeB': True, 'testAttributeC': 9001.0}),
                   ('timeout', 'string', '24h0m0s')],
        'bigpanda': [('app_key', 'string', '012345'), ('host', 'string', 'serverA'), ('level', 'level', 'CRITICAL'),
                     ('message', 'string', 'test bigpanda message'), ('timestamp', 'time', _now()),
                     ('primary_property', 'string', ''), ('secondary_property', 'string', ''),
                     ('event_data', 'object', _event_data('testBigPanda'))],
        'discord': [('workspace', 'string', (default_workspace(running, 'discord') or {}).get('workspace', '')),
                    ('avatar-url', 'string', 'https://influxdata.github.io/branding/img/downloads/influxdata-logo--symbol--pool-alpha.png'),
                    ('level', 'level', 'INFO'), ('message', 'string', 'test discord message'),
                    ('username', 'string', 'Kapacitor'), ('embed-title', 'string', 'Kapacitor Alert'),
                    ('time-val', 'time', '1970-01-01T00:00:01Z')],
        'hipchat': [('room', 'string', get('room', '')), ('message', 'string', 'test hipchat message'),
                    ('level', 'level', 'CRITICAL')],
        'httppost': [('endpoint', 'string', 'example'), ('url', 'string', 'http://localhost:3000/'),
                     ('headers', 'strmap', {'Auth': 'secret'}), ('timeout', 'int', 0)],
        'influxdb': [('cluster', 'string', '')],
        'kafka': [('cluster', 'string', 'example'), ('topic', 'string', 'test'), ('key', 'string', 'key'),
                  ('message', 'string', 'test kafka message')],
        'kubernetes': [('id', 'string', '')],
        'mqtt': [('broker-name', 'string', default_broker(running)), ('topic', 'string', ''),
                 ('message', 'string', 'test MQTT message'), ('qos', 'qos', 'at-most-once'), ('retained', 'bool', False)],
        'opsgenie': [('teams', 'strlist', get('teams')), ('recipients', 'strlist', get('recipients')),
                     ('message-type', 'string', 'CRITICAL'), ('message', 'string', 'test opsgenie message'),
                     ('entity-id', 'string', 'testEntityID')],
        'opsgenie2': [('teams', 'strlist', get('teams')), ('recipients', 'strlist', get('recipients')),
                      ('message-type', 'string', 'CRITICAL'), ('message', 'string', 'test opsgenie message'),
                      ('entity-id', 'string', 'testEntityID'), ('recovery_action', 'string', get('recovery_action', ''))],
        'pagerduty': [('incident-key', 'string', 'testIncidentKey'), ('description', 'string', 'test pagerduty message'),
                      ('level', 'level', 'CRITICAL'), ('details', 'string', '')],
        'pagerduty2': [('alert_id', 'string', 'testAlertID'), ('description', 'string', 'test pagerduty2 message'),
                       ('level', 'level', 'CRITICAL'), ('event_data', 'object', _event_data('testPagerDuty2')),
                       ('timestamp', 'time', '2014-11-12T11:45:26.371Z'),
                       ('links', 'list', [{'href': 'https://example.com/a', 'text': 'a'},
                                          {'href': 'https://example.com/b', 'text': 'b'}])],
        'pushover': [('user-key', 'string', get('user-key', '')), ('message', 'string', 'test pushover message'),
                     ('device', 'string', ''), ('title', 'string', ''), ('url', 'string', ''), ('url-title', 'string', ''),
                     ('sound', 'string', ''), ('level', 'level', 'CRITICAL')],
        'scraper': [('name', 'string', '')],
        'sensu': [('name', 'string', 'testName'), ('output', 'string', 'testOutput'), ('source', 'string', 'Kapacitor'),
                  ('handlers', 'strlist', []), ('metadata', 'anymap', {}), ('level', 'level', 'CRITICAL')],
        'servicenow': [('alert_id', 'string', '1001'), ('message', 'string', 'test servicenow message'),
                       ('level', 'level', 'CRITICAL'), ('source', 'string', 'Kapacitor'), ('node', 'string', ''),
                       ('type', 'string', ''), ('resource', 'string', ''), ('metric_name', 'string', ''),
                       ('message_key', 'string', ''), ('additional_info', 'anymap', {})],
        'slack': [('workspace', 'string', (default_workspace(running, 'slack') or {}).get('workspace', '')),
                  ('channel', 'string', (default_workspace(running, 'slack') or {}).get('channel', '')),
                  ('message', 'string', 'test slack message'), ('level', 'level', 'CRITICAL'),
                  ('username', 'string', ''), ('icon-emoji', 'string', '')],
        'smtp': [('to', 'strlist', get('to')), ('subject', 'string', 'test subject'), ('body', 'string', 'test body')],
        'snmptrap': [('trap-oid', 'string', '1.1.1.1'),
                     ('data-list', 'list', [{'oid': '1.1.1.1.2', 'type': 's', 'value': 'test snmptrap message'}])],
        'swarm': [('id', 'string', '')],
        'talk': [('title', 'string', 'testTitle'), ('text', 'string', 'test talk text')],
        'teams': [('channel_url', 'string', get('channel-url', '')), ('alert_topic', 'string', 'test kapacitor alert topic'),
                  ('alert_id', 'string', 'foo/bar/bat'), ('message', 'string', 'test teams message'),
                  ('level', 'level', 'CRITICAL')],
        'telegram': [('chat-id', 'string', get('chat-id', '')), ('parse-mode', 'string', get('parse-mode', '')),
                     ('message', 'string', 'test telegram message'),
                     ('disable-web-page-preview', 'bool', get('disable-web-page-preview', False)),
                     ('disable-notification', 'bool', get('disable-notification', False))],
        'victorops': [('routingKey', 'string', get('routing-key', '')), ('messageType', 'string', 'CRITICAL'),
                      ('message', 'string', 'test victorops message'), ('entityID', 'string', 'testEntityID')],
        'zenoss': [('alert_id', 'string', '1001'), ('level', 'level', 'CRITICAL'), ('message', 'string', 'test zenoss message'),
                   ('action', 'string', get('action', '')), ('method', 'string', get('method', '')),
                   ('type', 'string', get('type', '')), ('tid', 'int', get('tid', 0)), ('summary', 'string', ''),
                   ('device', 'string', ''), ('component', 'string', ''), ('eventclasskey', 'string', ''),
                   ('eventclass', 'string', ''), ('collector', 'string', get('collector', '')),
                   ('custom_fields', 'anymap', {})],
    }
    for discovery in DISCOVERY:
        table[discovery] = [('id', 'string', '')]
    return table[name]


TESTERS = sorted(['alerta', 'bigpanda', 'discord', 'hipchat', 'httppost', 'influxdb', 'kafka', 'kubernetes', 'mqtt',
                  'opsgenie', 'opsgenie2', 'pagerduty', 'pagerduty2', 'pushover', 'scraper', 'sensu', 'servicenow',
                  'slack', 'smtp', 'snmptrap', 'swarm', 'talk', 'teams', 'telegram', 'victorops', 'zenoss'] + list(DISCOVERY))


def default_broker(running):
    """mqtt's default broker: the element marked default, else the only element."""
    elements = running.get('mqtt') or []
    for element in elements:
        if element.get('default'):
            return element['name']
    return elements[0]['name'] if len(elements) == 1 else ''


def options(name, running):
    return dict((key, value) for key, _kind, value in option_defaults(name, running))


GO_TYPES = {'string': 'string', 'bool': 'bool', 'int': 'int64', 'strlist': '[]string', 'strmap': 'map[string]string',
            'anymap': 'map[string]interface {}', 'level': 'alert.Level', 'time': 'time.Time', 'qos': 'mqtt.QoSLevel',
            'object': 'alert.EventData', 'list': '[]interface {}'}
ACCEPTS = {'string': (str,), 'bool': (bool,), 'int': (int, float), 'strlist': (list,), 'strmap': (dict,),
           'anymap': (dict,), 'level': (str,), 'time': (str,), 'qos': (str,), 'object': (dict,), 'list': (list,)}


def _field(spec, key):
    """The option a body key sets: the exact name, else the first name equal to it case-insensitively."""
    for option, kind, _default in spec:
        if option == key:
            return option, kind
    return next(((option, kind) for option, kind, _default in spec if option.lower() == key.lower()), (None, None))


def decode_options(name, running, body):
    """json.Decode of the request body over the default test options, key by key in body order (keys
    matched case-insensitively, unknown keys ignored, null leaves a value as it is or clears a list or
    map, an object is merged into a default map). A value of the wrong type is reported once the body
    is read, but a level or QoS that does not parse stops the decoding at once, so it wins."""
    spec = option_defaults(name, running)
    values = dict((key, value) for key, _kind, value in spec)
    if body is None:
        return values
    if not isinstance(body, dict):
        raise TestDecodeError('json: cannot unmarshal %s into Go value of type %s.testOptions' % (json_kind(body), name))
    type_error = None
    for found, value in body.items():
        key, kind = _field(spec, found)
        if key is None:
            continue
        if value is None:
            if kind in ('strlist', 'strmap', 'anymap', 'list'):
                values[key] = None
            continue
        bad = not isinstance(value, ACCEPTS[kind]) or (kind != 'bool' and isinstance(value, bool))
        if not bad and kind == 'strlist':
            bad = not all(isinstance(v, str) for v in value)
        if not bad and kind == 'strmap':
            bad = not all(isinstance(v, str) for v in value.values())
        if bad:
            type_error = type_error or TestDecodeError('json: cannot unmarshal %s into Go struct field testOptions.%s of type %s' % (
                json_kind(value), key, GO_TYPES[kind]))
            continue
        if kind == 'level' and LEVEL_TEXT.find(value) not in LEVEL_OFFSETS:
            raise TestDecodeError("unknown alert level '%s'" % value)
        if kind == 'qos' and value not in QOS_LEVELS:
            raise TestDecodeError('invalid QoS')
        if kind in ('strmap', 'anymap') and isinstance(values[key], dict):
            # Go decodes an object into the existing map: default entries stay unless overwritten.
            merged = dict(values[key])
            merged.update(value)
            value = merged
        values[key] = int(value) if kind == 'int' else value
    if type_error:
        raise type_error
    return values


def run(name, running, opts, influxdb):
    """Run the test: return '' on success or Kapacitor's failure message."""
    if name in ('slack', 'discord'):
        return _run_workspace(name, running, opts)
    if name == 'kafka':
        cluster = next((c for c in running.get('kafka') or [] if c['id'] == opts['cluster'] and c['enabled']), None)
        return '' if cluster else 'unknown cluster %s' % go_quote(opts['cluster'])
    if name == 'mqtt':
        if not opts['topic']:
            return 'missing MQTT topic'
        broker = opts['broker-name'] or default_broker(running)
        element = next((c for c in running.get('mqtt') or [] if c['name'] == broker and c['enabled']), None)
        return '' if element else 'unknown MQTT broker %s' % go_quote(broker)
    if name == 'httppost':
        return _post(opts['url'], opts['headers'])
    if name == 'influxdb':
        return _ping_influxdb(influxdb, opts['cluster'])
    if name == 'kubernetes':
        return 'unknown kubernetes cluster %s' % go_quote(opts['id'])
    if name == 'swarm':
        return 'unknown swarm cluster %s' % go_quote(opts['id'])
    if name in DISCOVERY:
        return 'discoverer %s is not enabled or does not exist' % go_quote(opts['id'])
    if name == 'scraper':
        return ''
    element = _element(running, name)
    if not element.get('enabled'):
        return 'failed to prepare API request: service is not enabled' if name == 'opsgenie2' else 'service is not enabled'
    if name == 'telegram' and opts['parse-mode'] and opts['parse-mode'].lower() not in ('markdown', 'html'):
        return "parseMode %s is not valid, please use 'Markdown' or 'HTML'" % opts['parse-mode']
    return ''


def _run_workspace(name, running, opts):
    workspaces = running.get(name + '#workspaces') or {}
    if not workspaces:
        return 'no %s configuration found' % name
    element = workspaces.get(opts['workspace'])
    if element is None:
        return 'workspace id not found'
    if not element['enabled']:
        return 'service is not enabled'
    return ''


def _post(url, headers):
    body = json.dumps({'id': '', 'message': '', 'details': '', 'time': '0001-01-01T00:00:00Z', 'duration': 0,
                       'level': 'OK', 'data': {'series': None}, 'previousLevel': '', 'recoverable': False}).encode()
    try:
        request = urllib.request.Request(url, data=body, method='POST')
        request.add_header('Content-Type', 'application/json')
        for key, value in (headers or {}).items():
            request.add_header(key, value)
    except ValueError:
        return 'failed to POST alert data: Post %s: unsupported protocol scheme %s' % (go_quote(url), go_quote(url.split(':', 1)[0] if ':' in url else ''))
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
    except urllib.error.HTTPError:
        return ''
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, 'reason', exc)
        return 'failed to POST alert data: Post %s: %s' % (go_quote(url), reason)
    return ''


def _ping_influxdb(influxdb, cluster):
    element = next((c for c in influxdb if c['name'] == cluster and c['enabled']), None)
    if element is None:
        return 'cluster %s is not enabled or does not exist' % go_quote(cluster)
    for url in element['urls']:
        try:
            with urllib.request.urlopen(url.rstrip('/') + '/ping', timeout=5) as response:
                response.read()
            return ''
        except (urllib.error.URLError, OSError) as exc:
            last = str(getattr(exc, 'reason', exc))
    return 'failed to ping InfluxDB cluster %s: %s' % (go_quote(cluster), last if element['urls'] else 'no urls')
