# -*- coding: utf-8 -*-
"""Replay Kapacitor's own server tests (as data) on the emulator.

fixtures/update-config.json and cases/*.json: TestServer_UpdateConfig cases; fixtures/service-tests.json:
TestServer_ListServiceTests, ..._WithPattern and TestServer_DoServiceTest; fixtures/topic-handlers.json: the
alert topic and handler tests (replay_topics.py). Prints one line per failure and a final `N passed, N failed`;
exits non-zero on any failure.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

import copy
import glob
import http.server
import json
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Emulator  # noqa: E402 pylint: disable=wrong-import-position
import replay_chronograf  # noqa: E402 pylint: disable=wrong-import-position
import replay_topics  # noqa: E402 pylint: disable=wrong-import-position
from replay_topics import numbers_as_floats  # noqa: E402 pylint: disable=wrong-import-position

HERE = os.path.dirname(os.path.abspath(__file__))

# Kapacitor's test server (server_helper_test.go NewConfig): Go defaults, no mqtt brokers, one
# non-default slack element from slack.NewConfig(), influxdb disabled.
TEST_SERVER_CONFIG = {
    'mqtt': [],
    'slack': [{'username': 'kapacitor'}],
    'influxdb': [{'enabled': False}],
}


def server_config(case):
    config = copy.deepcopy(TEST_SERVER_CONFIG)
    values = case['server_config']['file_values_set_by_test']
    if isinstance(values, list):
        config[case['section']] = values
    else:
        config[case['section']] = dict(values)
    return config


def element_diff(got, exp):
    if not isinstance(got, dict):
        return 'not an element: %r' % (got,)
    if got.get('link') != exp['link']:
        return 'link %r, expected %r' % (got.get('link'), exp['link'])
    if numbers_as_floats(got.get('options')) != numbers_as_floats(exp['options']):
        keys = sorted(set(got.get('options', {})) | set(exp['options']))
        diffs = ['%s: got %s expected %s' % (k, json.dumps(got['options'].get(k, '<missing>')), json.dumps(exp['options'].get(k, '<missing>')))
                 for k in keys if numbers_as_floats(got['options'].get(k, '<missing>')) != numbers_as_floats(exp['options'].get(k, '<missing>'))]
        return 'options differ: ' + '; '.join(diffs)
    if sorted(got.get('redacted') or []) != sorted(exp['redacted'] or []):
        return 'redacted %r, expected %r' % (got.get('redacted'), exp['redacted'])
    return None


def section_diff(got, exp):
    if not isinstance(got, dict):
        return 'not a section: %r' % (got,)
    if got.get('link') != exp['link']:
        return 'link %r, expected %r' % (got.get('link'), exp['link'])
    if len(got.get('elements') or []) != len(exp['elements']):
        return '%d elements, expected %d' % (len(got.get('elements') or []), len(exp['elements']))
    for index, (g, e) in enumerate(zip(got['elements'], exp['elements'])):
        diff = element_diff(g, e)
        if diff:
            return 'element %d: %s' % (index, diff)
    return None


def validate(kapacitor, section, section_path, element_path, exp_section, exp_element):
    """The three GETs of TestServer_UpdateConfig's validate(): /config, the section, the element."""
    failures = []
    status, whole = kapacitor.json('GET', '/kapacitor/v1/config')
    got = (whole or {}).get('sections', {}).get(section) if status == 200 else None
    diff = section_diff(got, exp_section) if status == 200 else 'status %s' % status
    if diff:
        failures.append('GET /kapacitor/v1/config [%s]: %s' % (section, diff))
    status, got = kapacitor.json('GET', section_path)
    diff = section_diff(got, exp_section) if status == 200 else 'status %s: %s' % (status, got)
    if diff:
        failures.append('GET %s: %s' % (section_path, diff))
    status, got = kapacitor.json('GET', element_path)
    diff = element_diff(got, exp_element) if status == 200 else 'status %s: %s' % (status, got)
    if diff:
        failures.append('GET %s: %s' % (element_path, diff))
    return failures


def replay_update_case(case, label):
    """Return (passed checks, failure lines) for one TestServer_UpdateConfig case."""
    passed, failures = 0, []
    with Emulator(server_config(case), controls=False) as kapacitor:
        init = case['initial_expected']
        problems = validate(kapacitor, case['section'], init['section_get_path'], init['element_get_path'], init['section'], init['element'])
        failures += ['%s initial: %s' % (label, p) for p in problems]
        passed += 0 if problems else 1
        for index, update in enumerate(case['updates']):
            name = '%s update %d%s' % (label, index, ' (%s)' % update['name'] if update.get('name') else '')
            response = kapacitor.request(update['method'], update['path'], update['body'])
            if response.status != update['expected_status']:
                failures.append('%s: POST %s answered %s, expected %s: %s' % (
                    name, update['path'], response.status, update['expected_status'], response.text))
                continue
            problems = validate(kapacitor, case['section'], '/kapacitor/v1/config/' + case['section'], update['element_get_path'],
                                update['expected_section'], update['expected_element'])
            failures += ['%s: %s' % (name, p) for p in problems]
            passed += 0 if problems else 1
    return passed, failures


def blank_timestamps(services):
    services = copy.deepcopy(services)
    for service in services:
        if 'timestamp' in service.get('options', {}):
            service['options']['timestamp'] = ''
    return services


def compare_list(kapacitor, path, expected, label):
    status, got = kapacitor.json('GET', path)
    if status != 200:
        return ['%s: GET %s answered %s' % (label, path, status)]
    failures = []
    if got.get('link') != expected['link']:
        failures.append('%s: link %r' % (label, got.get('link')))
    got_services = dict((s['name'], s) for s in blank_timestamps(got['services']))
    exp_services = dict((s['name'], s) for s in blank_timestamps(expected['services']))
    if [s['name'] for s in got['services']] != [s['name'] for s in expected['services']]:
        failures.append('%s: services %s, expected %s' % (label, [s['name'] for s in got['services']], [s['name'] for s in expected['services']]))
    for name, exp in exp_services.items():
        if name in got_services and numbers_as_floats(got_services[name]) != numbers_as_floats(exp):
            failures.append('%s: %s is %s, expected %s' % (label, name, json.dumps(got_services[name]), json.dumps(exp)))
    return failures


class _InfluxPing(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(204 if self.path == '/ping' else 404)
        self.send_header('Content-Length', '0')
        self.end_headers()

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass


def replay_service_tests(fixture):
    passed, failures = 0, []
    with Emulator(TEST_SERVER_CONFIG, controls=False) as kapacitor:
        problems = compare_list(kapacitor, '/kapacitor/v1/service-tests', fixture['list_all'], 'service-tests list_all')
        failures += problems
        passed += 0 if problems else 1
        pattern = fixture['list_pattern_s']
        problems = compare_list(kapacitor, '/kapacitor/v1/service-tests?pattern=' + pattern['query']['pattern'], pattern['expected'],
                                'service-tests list_pattern_s')
        failures += problems
        passed += 0 if problems else 1
        influx = http.server.ThreadingHTTPServer(('127.0.0.1', 0), _InfluxPing)
        threading.Thread(target=influx.serve_forever, daemon=True).start()
        enabled_influxdb = dict(TEST_SERVER_CONFIG, influxdb=[{'name': 'default', 'enabled': True,
                                                               'urls': ['http://127.0.0.1:%d' % influx.server_address[1]]}])
        try:
            with Emulator(enabled_influxdb, controls=False) as with_influxdb:
                for index, case in enumerate(fixture['do_tests']):
                    # The upstream test enables its influxdb cluster (pointing at a mock) before the first influxdb test.
                    target = with_influxdb if case['service'] == 'influxdb' and case['expected']['success'] else kapacitor
                    response = target.request('POST', case['post_path'], case['body'])
                    got = response.json() if response.status == 200 else response.text
                    if response.status != case['expected_status'] or got != case['expected']:
                        failures.append('service-tests do_tests %d %s: %s %s, expected %s %s' % (
                            index, case['service'], response.status, json.dumps(got), case['expected_status'], json.dumps(case['expected'])))
                    else:
                        passed += 1
        finally:
            influx.shutdown()
            influx.server_close()
    return passed, failures


def main():
    passed, failures = 0, []
    with open(os.path.join(HERE, 'fixtures', 'update-config.json'), encoding='utf-8') as handle:
        cases = [('fixtures/update-config.json', case) for case in json.load(handle)]
    for path in sorted(glob.glob(os.path.join(HERE, 'cases', '*.json'))):
        with open(path, encoding='utf-8') as handle:
            cases += [('cases/' + os.path.basename(path), case) for case in json.load(handle)]
    for source, case in cases:
        label = '%s %s/%s' % (source, case['section'], case['element'])
        ok, bad = replay_update_case(case, label)
        passed += ok
        failures += bad
    with open(os.path.join(HERE, 'fixtures', 'service-tests.json'), encoding='utf-8') as handle:
        ok, bad = replay_service_tests(json.load(handle))
    passed += ok
    failures += bad
    ok, bad, not_replayed = replay_chronograf.replay_all()  # fixtures/chronograf.json on the Chronograf emulator
    passed += ok
    failures += bad
    for line in not_replayed:
        print('NOT REPLAYED ' + line)
    ok, bad = replay_topics.replay(TEST_SERVER_CONFIG)
    passed += ok
    failures += bad
    for line in failures:
        print('FAIL ' + line)
    print('%d passed, %d failed' % (passed, len(failures)))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
