# -*- coding: utf-8 -*-
"""The service-test API for every alert section."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

import http.server
import threading

import pytest

TESTS = '/kapacitor/v1/service-tests/'
# What each single-element section needs besides enabled=true to pass its validation.
ENABLE = {
    'alerta': {'url': 'https://alerta.example.com'},
    'bigpanda': {'app-key': 'app', 'token': 'tok'},
    'hipchat': {'url': 'https://hipchat.example.com'},
    'opsgenie': {'api-key': 'key'},
    'opsgenie2': {'api-key': 'key'},
    'pagerduty': {},
    'pagerduty2': {},
    'pushover': {'token': 'tok', 'user-key': 'user'},
    'sensu': {'addr': 'sensu:3030'},
    'servicenow': {},
    'smtp': {'from': 'kapacitor@example.com'},
    'snmptrap': {},
    'talk': {'url': 'https://talk.example.com'},
    'teams': {'channel-url': 'https://teams.example.com/hook'},
    'telegram': {'token': 'tok'},
    'victorops': {},
    'zenoss': {},
}


def run_test(kapacitor, name, body):
    status, result = kapacitor.json('POST', TESTS + name, body)
    assert status == 200
    return result


@pytest.mark.parametrize('section', sorted(ENABLE))
def test_single_element_sections(kapacitor, section):
    disabled = 'failed to prepare API request: service is not enabled' if section == 'opsgenie2' else 'service is not enabled'
    assert run_test(kapacitor, section, {}) == {'success': False, 'message': disabled}
    options = dict(ENABLE[section], enabled=True)
    assert kapacitor.request('POST', '/kapacitor/v1/config/%s/' % section, {'set': options}).status == 204
    assert run_test(kapacitor, section, {}) == {'success': True, 'message': ''}


def test_options_follow_the_config(kapacitor):
    kapacitor.request('POST', '/kapacitor/v1/config/smtp/', {'set': {'to': ['ops@example.com']}})
    kapacitor.request('POST', '/kapacitor/v1/config/telegram/', {'set': {'chat-id': '42', 'disable-notification': True}})
    kapacitor.request('POST', '/kapacitor/v1/config/opsgenie2/', {'set': {'recovery_action': 'close', 'teams': ['t']}})
    kapacitor.request('POST', '/kapacitor/v1/config/victorops/', {'set': {'routing-key': 'rk'}})
    assert kapacitor.json('GET', TESTS + 'smtp')[1]['options']['to'] == ['ops@example.com']
    telegram = kapacitor.json('GET', TESTS + 'telegram')[1]['options']
    assert (telegram['chat-id'], telegram['disable-notification']) == ('42', True)
    opsgenie2 = kapacitor.json('GET', TESTS + 'opsgenie2')[1]['options']
    assert (opsgenie2['recovery_action'], opsgenie2['teams']) == ('close', ['t'])
    assert kapacitor.json('GET', TESTS + 'victorops')[1]['options']['routingKey'] == 'rk'
    entry = kapacitor.json('GET', TESTS + 'smtp')[1]
    assert entry['link'] == {'rel': 'self', 'href': TESTS + 'smtp'} and entry['name'] == 'smtp'


def test_slack_workspaces(start_emulator):
    kapacitor = start_emulator(config={'slack': [{'workspace': 'main', 'default': True, 'enabled': True, 'url': 'https://h/1',
                                                  'channel': '#main'}, {'workspace': 'off', 'url': 'https://h/2'}]})
    assert kapacitor.json('GET', TESTS + 'slack')[1]['options']['workspace'] == 'main'
    assert kapacitor.json('GET', TESTS + 'slack')[1]['options']['channel'] == '#main'
    assert run_test(kapacitor, 'slack', {}) == {'success': True, 'message': ''}
    assert run_test(kapacitor, 'slack', {'workspace': 'off'}) == {'success': False, 'message': 'service is not enabled'}
    assert run_test(kapacitor, 'slack', {'workspace': 'nope'}) == {'success': False, 'message': 'workspace id not found'}
    assert kapacitor.request('POST', '/kapacitor/v1/config/slack', {'add': {'workspace': 'new', 'enabled': True, 'url': 'https://h/3'}}).status == 204
    assert run_test(kapacitor, 'slack', {'workspace': 'new'}) == {'success': True, 'message': ''}
    # slack keeps a removed workspace running until restart
    assert kapacitor.request('POST', '/kapacitor/v1/config/slack', {'remove': ['new']}).status == 204
    assert run_test(kapacitor, 'slack', {'workspace': 'new'}) == {'success': True, 'message': ''}
    kapacitor.restart()
    assert run_test(kapacitor, 'slack', {'workspace': 'new'}) == {'success': False, 'message': 'workspace id not found'}


def test_discord_workspace(kapacitor):
    assert run_test(kapacitor, 'discord', {}) == {'success': False, 'message': 'service is not enabled'}
    kapacitor.request('POST', '/kapacitor/v1/config/discord/', {'set': {'enabled': True, 'url': 'https://discord/h'}})
    assert run_test(kapacitor, 'discord', {}) == {'success': True, 'message': ''}
    assert run_test(kapacitor, 'discord', {'workspace': 'x'}) == {'success': False, 'message': 'workspace id not found'}


def test_kafka_cluster(kapacitor):
    assert run_test(kapacitor, 'kafka', {}) == {'success': False, 'message': 'unknown cluster "example"'}
    assert run_test(kapacitor, 'kafka', {'cluster': 'default'}) == {'success': False, 'message': 'unknown cluster "default"'}
    kapacitor.request('POST', '/kapacitor/v1/config/kafka/default', {'set': {'enabled': True, 'brokers': ['k:9092']}})
    assert run_test(kapacitor, 'kafka', {'cluster': 'default'}) == {'success': True, 'message': ''}


def test_mqtt_broker(kapacitor):
    assert kapacitor.json('GET', TESTS + 'mqtt')[1]['options']['broker-name'] == 'default'
    assert run_test(kapacitor, 'mqtt', {}) == {'success': False, 'message': 'missing MQTT topic'}
    assert run_test(kapacitor, 'mqtt', {'topic': 't'}) == {'success': False, 'message': 'unknown MQTT broker "default"'}
    kapacitor.request('POST', '/kapacitor/v1/config/mqtt/default', {'set': {'enabled': True, 'url': 'tcp://m:1883'}})
    assert run_test(kapacitor, 'mqtt', {'topic': 't'}) == {'success': True, 'message': ''}
    assert run_test(kapacitor, 'mqtt', {'topic': 't', 'broker-name': 'x'}) == {'success': False, 'message': 'unknown MQTT broker "x"'}
    assert run_test(kapacitor, 'mqtt', {'topic': 't', 'qos': 'exactly-one'}) == {'success': True, 'message': ''}
    # Kapacitor's parser knows the third QoS level only as "exactly-one"
    assert kapacitor.json('POST', TESTS + 'mqtt', {'topic': 't', 'qos': 'exactly-once'}) == (
        400, {'error': 'failed to decode JSON body:invalid QoS', 'message': 'failed to decode JSON body:invalid QoS'})


def test_mqtt_bad_qos_wins_over_an_earlier_type_error(kapacitor):
    # a QoS that does not parse stops the decoding; a wrong type is only reported at the end
    assert kapacitor.json('POST', TESTS + 'mqtt', {'topic': 5, 'qos': 'exactly-once'}) == (
        400, {'error': 'failed to decode JSON body:invalid QoS', 'message': 'failed to decode JSON body:invalid QoS'})
    assert kapacitor.json('POST', TESTS + 'mqtt', {'qos': 'exactly-one', 'topic': 5})[1]['error'] == (
        'failed to decode JSON body:json: cannot unmarshal number into Go struct field testOptions.topic of type string')


@pytest.mark.parametrize('level, ok', [('CRITICAL', True), ('OK', True), ('', True), ('critical', False), ('WARN', True), ('NFO', False),
                                       ('Warning', False), ('OKINFO', True), ('C', True), ('N', False), ('CRITICAL ', False)])
def test_alert_levels(kapacitor, level, ok):
    status, body = kapacitor.json('POST', TESTS + 'pagerduty', {'level': level})
    if ok:
        assert (status, body) == (200, {'success': False, 'message': 'service is not enabled'})
    else:
        message = "failed to decode JSON body:unknown alert level '%s'" % level
        assert (status, body) == (400, {'error': message, 'message': message})


def test_bad_alert_level_wins_over_an_earlier_type_error(kapacitor):
    # the level's parse error stops the decoding; a wrong type is only reported once the body is read
    message = "failed to decode JSON body:unknown alert level 'critical'"
    assert kapacitor.json('POST', TESTS + 'pagerduty', {'description': 5, 'level': 'critical'}) == (400, {'error': message, 'message': message})
    status, body = kapacitor.json('POST', TESTS + 'pagerduty', {'level': 7, 'description': 5})
    assert (status, body['error']) == (
        400, 'failed to decode JSON body:json: cannot unmarshal number into Go struct field testOptions.level of type alert.Level')


class _Receiver(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        self.received.append((self.path, self.headers.get('Auth'), self.rfile.read(int(self.headers['Content-Length'])), self.headers.get('X-Team')))
        self.send_response(200)
        self.send_header('Content-Length', '0')
        self.end_headers()

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass


def test_httppost_posts_to_the_url(kapacitor):
    receiver = http.server.ThreadingHTTPServer(('127.0.0.1', 0), _Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    try:
        url = 'http://127.0.0.1:%d/alert' % receiver.server_address[1]
        assert run_test(kapacitor, 'httppost', {'url': url, 'headers': {'Auth': 'k'}}) == {'success': True, 'message': ''}
        assert _Receiver.received[-1][:2] == ('/alert', 'k')
    finally:
        receiver.shutdown()
        receiver.server_close()
    result = run_test(kapacitor, 'httppost', {'url': url})
    assert not result['success'] and result['message'].startswith('failed to POST alert data: Post "%s": ' % url)


def test_httppost_headers_merge_into_the_default(kapacitor):
    # the headers option is decoded into the default map {"Auth": "secret"}: its entry stays unless
    # overwritten, and null clears the map
    receiver = http.server.ThreadingHTTPServer(('127.0.0.1', 0), _Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    try:
        url = 'http://127.0.0.1:%d/merge' % receiver.server_address[1]
        assert run_test(kapacitor, 'httppost', {'url': url, 'headers': {'X-Team': 'ops'}})['success']
        assert (_Receiver.received[-1][:2], _Receiver.received[-1][3]) == (('/merge', 'secret'), 'ops')
        assert run_test(kapacitor, 'httppost', {'url': url, 'headers': {}})['success']
        assert _Receiver.received[-1][1] == 'secret'
        assert run_test(kapacitor, 'httppost', {'url': url, 'headers': None})['success']
        assert _Receiver.received[-1][1] is None
    finally:
        receiver.shutdown()
        receiver.server_close()


def test_errors(kapacitor):
    assert kapacitor.json('POST', TESTS + 'nosuch', {}) == (404, {'error': 'service "nosuch" not found', 'message': 'service "nosuch" not found'})
    assert kapacitor.json('GET', TESTS) == (400, {'error': 'must provide service name', 'message': 'must provide service name'})
    assert kapacitor.json('GET', TESTS.rstrip('/'))[0] == 200
    response = kapacitor.request('POST', TESTS + 'smtp', raw=b'')
    assert (response.status, response.json()['error']) == (400, 'failed to decode JSON body:EOF')
    status, body = kapacitor.json('POST', TESTS + 'slack', {'workspace': 5})
    assert status == 400
    assert body['error'] == 'failed to decode JSON body:json: cannot unmarshal number into Go struct field testOptions.workspace of type string'
    assert kapacitor.json('GET', TESTS.rstrip('/') + '?pattern=[')[0] == 400
    names = [s['name'] for s in kapacitor.json('GET', TESTS.rstrip('/') + '?pattern=*ops*')[1]['services']]
    assert names == ['opsgenie', 'opsgenie2', 'victorops']
    names = [s['name'] for s in kapacitor.json('GET', TESTS.rstrip('/') + '?pattern=[^a-s]*')[1]['services']]
    assert names == ['talk', 'teams', 'telegram', 'triton', 'victorops', 'zenoss']
    assert kapacitor.json('GET', TESTS.rstrip('/') + '?pattern=nothing*')[1]['services'] is None
    # unknown option keys are ignored, keys match case-insensitively
    assert run_test(kapacitor, 'smtp', {'nonsense': 1, 'SUBJECT': 'x'}) == {'success': False, 'message': 'service is not enabled'}
