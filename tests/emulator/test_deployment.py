# -*- coding: utf-8 -*-
"""How the emulator starts and speaks HTTP: kapacitor.conf defaults, HTTPS, state file, headers, paths."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

import gzip
import http.client
import json
import os
import ssl
import subprocess
import sys

import pytest

from harness import EMULATOR, Emulator


def test_ping_and_headers(kapacitor):
    response = kapacitor.request('GET', '/kapacitor/v1/ping')
    assert response.status == 204 and response.data == b''
    assert response.headers['X-Kapacitor-Version'] == '1.8.3'
    assert response.headers['Request-Id']
    assert kapacitor.request('HEAD', '/kapacitor/v1/ping').status == 204
    other = kapacitor.request('GET', '/kapacitor/v1/ping')
    assert other.headers['Request-Id'] != response.headers['Request-Id']


def test_builtin_defaults(kapacitor):
    status, body = kapacitor.json('GET', '/kapacitor/v1/config')
    assert status == 200
    assert body['link'] == {'rel': 'self', 'href': '/kapacitor/v1/config'}
    assert len(body['sections']) == 22
    ids = dict((name, [e['link']['href'].rsplit('/', 1)[1] for e in s['elements']]) for name, s in body['sections'].items())
    assert (ids['discord'], ids['kafka'], ids['mqtt'], ids['httppost'], ids['slack']) == ([''], ['default'], ['default'], ['example'], [''])
    slack = body['sections']['slack']['elements'][0]['options']
    assert (slack['default'], slack['username']) == (True, 'kapacitor')
    assert body['sections']['httppost']['elements'][0]['options']['url'] == 'http://example.com'


def test_config_file_keeps_other_defaults(start_emulator):
    conf = '\n'.join([
        '[smtp]', '  enabled = true', '  host = "mail.example.com"', '  from = "kapacitor@example.com"',
        '  toTemplates = ["{{ .ID }}@example.com"]',
        '[[slack]]', '  workspace = "team"', '  default = true', '  url = "https://hooks.slack.com/x"',
        '[[kafka]]', '  brokers = ["k:9092"]', '  sasl-username = "ku"', '  timeout = "10s"',
        '[zenoss.severity-map]', '  OK = "Cleared"', '  Critical = 5',
    ]) + '\n'
    kapacitor = start_emulator(config=conf)
    smtp = kapacitor.json('GET', '/kapacitor/v1/config/smtp/')[1]['options']
    assert (smtp['host'], smtp['port'], smtp['idle-timeout'], smtp['enabled']) == ('mail.example.com', 25, '30s', True)
    assert smtp['to-templates'] == ['{{ .ID }}@example.com']
    slack = kapacitor.json('GET', '/kapacitor/v1/config/slack')[1]['elements']
    assert [e['options']['workspace'] for e in slack] == ['team']
    # a [[slack]] table starts from zero values, not from the built-in default element
    assert (slack[0]['options']['username'], slack[0]['options']['url']) == ('', True)
    # one [[kafka]] table is decoded into the built-in element: its id "default" stays
    kafka = kapacitor.json('GET', '/kapacitor/v1/config/kafka/default')[1]['options']
    assert (kafka['brokers'], kafka['timeout'], kafka['SASLAuth']['SASLUsername']) == (['k:9092'], '10s', 'ku')
    assert kafka['SASLAuth']['SASLOAUTHExpiryMargin'] == 10000000000
    zenoss = kapacitor.json('GET', '/kapacitor/v1/config/zenoss/')[1]['options']
    assert zenoss['severity-map'] == {'ok': 'Cleared', 'info': 'Info', 'warning': 'Warning', 'critical': 5}
    assert kapacitor.json('GET', '/kapacitor/v1/config/alerta/')[1]['options']['url'] == ''


def test_two_kafka_tables_start_from_zero(start_emulator):
    kapacitor = start_emulator(config={'kafka': [{'id': 'a'}, {'id': 'b'}], 'mqtt': []})
    elements = kapacitor.json('GET', '/kapacitor/v1/config/kafka')[1]['elements']
    assert [e['options']['id'] for e in elements] == ['a', 'b']
    assert elements[0]['options']['SASLAuth']['SASLOAUTHExpiryMargin'] == 0
    # an empty list section is absent from GET /config and 404 on its own path
    assert 'mqtt' not in kapacitor.json('GET', '/kapacitor/v1/config')[1]['sections']
    assert kapacitor.json('GET', '/kapacitor/v1/config/mqtt') == (404, {'error': 'unknown section: mqtt', 'message': 'unknown section: mqtt'})
    assert kapacitor.request('POST', '/kapacitor/v1/config/mqtt', {'add': {'name': 'm'}}).status == 204


def test_bad_config_file_fails_to_start(tmp_path):
    conf = tmp_path / 'kapacitor.conf'
    conf.write_text('[smtp]\nport = "twenty-five"\n')
    result = subprocess.run([sys.executable, EMULATOR, '--listen', '127.0.0.1:0', '--config', str(conf)],
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2
    assert 'port' in result.stderr


def test_config_override_disabled(start_emulator):
    kapacitor = start_emulator(config={'config-override': {'enabled': False}})
    for method, path in [('GET', '/kapacitor/v1/config'), ('GET', '/kapacitor/v1/config/smtp/'), ('POST', '/kapacitor/v1/config/smtp/')]:
        response = kapacitor.request(method, path, {'set': {'host': 'x'}} if method == 'POST' else None)
        assert response.status == 403
        assert response.text == ('{\n    "error": "config override service is not enabled",\n'
                                 '    "message": "config override service is not enabled"\n}')
    assert kapacitor.request('GET', '/kapacitor/v1/service-tests').status == 200


def test_https(start_emulator, certs):
    kapacitor = start_emulator(tls=(certs['server'], certs['server-key']), ca_file=certs['ca'])
    assert kapacitor.url.startswith('https://')
    assert kapacitor.request('GET', '/kapacitor/v1/ping').status == 204
    # a client that does not trust the CA fails the handshake
    conn = http.client.HTTPSConnection('127.0.0.1', kapacitor.port, timeout=10, context=ssl.create_default_context())
    with pytest.raises(ssl.SSLError):
        conn.request('GET', '/kapacitor/v1/ping')
    conn.close()


def test_state_file_keeps_overrides(tmp_path, start_emulator):
    state = str(tmp_path / 'overrides.json')
    kapacitor = start_emulator(state_file=state)
    assert kapacitor.request('POST', '/kapacitor/v1/config/slack', {'add': {'workspace': 'w', 'url': 'https://x'}}).status == 204
    assert kapacitor.request('POST', '/kapacitor/v1/config/smtp/', {'set': {'port': 2525}}).status == 204
    kapacitor.restart()
    assert kapacitor.json('GET', '/kapacitor/v1/config/smtp/')[1]['options']['port'] == 2525
    assert kapacitor.json('GET', '/kapacitor/v1/config/slack/w')[1]['options']['url'] is True
    with open(state, encoding='utf-8') as handle:
        stored = json.load(handle)['overrides']
    assert sorted(stored) == ['slack/w', 'smtp/']
    fresh = start_emulator()
    assert fresh.json('GET', '/kapacitor/v1/config/smtp/')[1]['options']['port'] == 25


def test_broken_stored_override_prevents_start(tmp_path, start_emulator):
    state = str(tmp_path / 'overrides.json')
    kapacitor = start_emulator(state_file=state)
    assert kapacitor.request('POST', '/kapacitor/v1/config/smtp/', {'set': {'port': 25.5}}).status == 204
    kapacitor.stop()
    with pytest.raises(RuntimeError, match='failed to apply config overrides'):
        Emulator(state_file=state).start()


def test_gzip(kapacitor):
    response = kapacitor.request('GET', '/kapacitor/v1/config/smtp/', headers={'Accept-Encoding': 'gzip'})
    assert response.headers['Content-Encoding'] == 'gzip'
    assert response.json()['options']['host'] == 'localhost'
    plain = kapacitor.request('GET', '/kapacitor/v1/config/smtp/')
    assert 'Content-Encoding' not in plain.headers
    # Kapacitor gunzips request bodies on /write only
    body = gzip.compress(json.dumps({'set': {'host': 'gz'}}).encode())
    response = kapacitor.request('POST', '/kapacitor/v1/config/smtp/', raw=body, headers={'Content-Encoding': 'gzip'})
    assert (response.status, response.json()['error']) == (400, "failed to decode JSON:invalid character '\\x1f' looking for beginning of value")


def test_paths(kapacitor):
    assert kapacitor.json('GET', '/kapacitor/v1/nothing') == (404, {'error': 'Not Found', 'message': 'Not Found'})
    assert kapacitor.request('POST', '/kapacitor/v1/config', {'set': {}}).status == 404
    response = kapacitor.request('GET', '/kapacitor/v1/config//smtp/')
    assert (response.status, response.headers['Location']) == (301, '/kapacitor/v1/config/smtp/')
    response = kapacitor.request('GET', '/kapacitor/v1/config/smtp/../slack')
    assert (response.status, response.headers['Location']) == (301, '/kapacitor/v1/config/slack')
    assert kapacitor.json('GET', '/kapacitor/v1preview/config/smtp/')[0] == 200


def test_port_file_and_listening_line(tmp_path):
    port_file = tmp_path / 'port'
    process = subprocess.Popen([sys.executable, EMULATOR, '--listen', '127.0.0.1:0', '--port-file', str(port_file)],  # pylint: disable=consider-using-with
                               stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        port = int(port_file.read_text())
        assert line.strip() == 'kapacitor-emulator listening on http://127.0.0.1:%d' % port
    finally:
        process.terminate()
        process.wait(10)
        process.stdout.close()
    assert not os.path.exists(str(port_file) + '.tmp')


def test_options_and_cors(start_emulator):
    kapacitor = start_emulator(config={'http': {'auth-enabled': True}})
    response = kapacitor.request('OPTIONS', '/kapacitor/v1/config/smtp/', headers={'Origin': 'https://chronograf.example'})
    assert (response.status, response.data) == (200, b'')
    assert response.headers['Access-Control-Allow-Origin'] == 'https://chronograf.example'
    assert kapacitor.request('GET', '/kapacitor/v1/config/smtp/', headers={'Origin': 'https://c'}).status == 401


def test_skip_config_overrides(tmp_path, start_emulator):
    state = str(tmp_path / 'overrides.json')
    kapacitor = start_emulator(state_file=state)
    body = {'set': {'enabled': True, 'url': 'https://alerta.example.com'}}
    assert kapacitor.request('POST', '/kapacitor/v1/config/alerta/', body).status == 204
    kapacitor.stop()
    skipping = start_emulator(config={'skip-config-overrides': True}, state_file=state)
    # the API shows the stored overrides, the running service does not have them
    assert skipping.json('GET', '/kapacitor/v1/config/alerta/')[1]['options']['enabled'] is True
    status, result = skipping.json('POST', '/kapacitor/v1/service-tests/alerta', {})
    assert (status, result) == (200, {'success': False, 'message': 'service is not enabled'})
