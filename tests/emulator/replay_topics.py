# -*- coding: utf-8 -*-
"""Replay fixtures/topic-handlers.json (Kapacitor's alert topic and handler server tests, as data) on the emulator.

Called from replay.py's main. Every request step is sent and its answer compared with the expectation: the
status, the decoded body (numbers as numbers) and the layout (4-space indentation, key order, Go's escapes).
Steps that only a real Kapacitor can take are mapped onto the emulator: `restart` restarts it on its state
file, `create_task` + `write_points` put the task's alert event on its topics through /_emulator/events, and
`startup_load`/`files` send the requests Kapacitor's load service sends. `verify_side_effect` steps check
alerts delivered to services, which the emulator never sends: they are not counted.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

import collections
import copy
import json
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gojson  # noqa: E402 pylint: disable=wrong-import-position
from harness import Emulator  # noqa: E402 pylint: disable=wrong-import-position

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, 'fixtures', 'topic-handlers.json')
PLACEHOLDERS = {'${TCP_ADDR}': '127.0.0.1:9', '${POST_URL}': 'http://127.0.0.1:9', '${LOG_PATH}': '/tmp/kapacitor-replay/alert.log'}
LEVELS = {'crit': 'CRITICAL', 'warn': 'WARNING', 'info': 'INFO', 'ok': 'OK'}
HANDLERS_PATH = '/kapacitor/v1/alerts/topics/%s/handlers'
# The handler files of server/testdata/load, as TestLoadService's server config describes them.
LOAD_FILES = [{'id': 'example', 'topic': 'cpu', 'kind': 'slack', 'match': 'changed() == TRUE', 'options': {'channel': '#alerts'}},
              {'id': 'other', 'topic': 'cpu', 'kind': 'slack', 'match': 'changed() == TRUE', 'options': {'channel': '#alerts'}}]
# What code_derived_cases' "setup" prose says exists before the request.
SETUP = {
    'handler system/h1': {'id': 'h1', 'kind': 'slack', 'options': {'channel': '#a'}},
    'handler system/h2': {'id': 'h2', 'kind': 'slack'},
}


def substitute(value):
    if isinstance(value, str):
        for key, replacement in PLACEHOLDERS.items():
            value = value.replace(key, replacement)
        return value
    if isinstance(value, list):
        return [substitute(v) for v in value]
    if isinstance(value, dict):
        return dict((k, substitute(v)) for k, v in value.items())
    return value


def server_options(base_config, prose):
    """The emulator's configuration and flags for a case's server_config."""
    config = copy.deepcopy(base_config)
    args = []
    if "httppost = [{endpoint 'test'" in prose:
        config['httppost'] = [{'endpoint': 'test', 'url': 'http://127.0.0.1:9'}]
    if prose.startswith('kafka = [{enabled'):
        config['kafka'] = [{'enabled': True, 'id': 'default', 'brokers': ['127.0.0.1:9']}]
    disabled = re.search(r'disabled handlers \{([^}]*)\}', prose)
    if disabled:
        args += ['--disable-handlers', disabled.group(1).replace(' ', '')]
    return config, args


def numbers_as_floats(value):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, list):
        return [numbers_as_floats(v) for v in value]
    if isinstance(value, dict):
        return dict((k, numbers_as_floats(v)) for k, v in value.items())
    return value


def check(response, expect):
    """None when the response is what the fixture expects, else the difference."""
    if response.status != expect['status']:
        return 'status %s, expected %s: %s' % (response.status, expect['status'], response.text)
    if 'body' not in expect:
        return None
    exp = substitute(expect['body'])
    if exp is None:
        return None if response.data == b'' else 'body %r, expected none' % response.text
    try:
        got = json.loads(response.text, object_pairs_hook=collections.OrderedDict)
    except ValueError:
        return 'body is not JSON: %r' % response.text
    if numbers_as_floats(got) != numbers_as_floats(exp):
        return 'body %s, expected %s' % (json.dumps(got), json.dumps(exp))
    if list(got) != list(exp):
        return 'keys in order %s, expected %s' % (list(got), list(exp))
    if response.text != gojson.dumps(got, indent=4):
        return 'body not written as Kapacitor writes it (4-space indentation, Go escapes): %r' % response.text
    return None


def send(kapacitor, request):
    body = substitute(request.get('body'))
    headers = request.get('headers') or {}
    if isinstance(body, str):
        return kapacitor.request(request['method'], request['path'], raw=body.encode(), headers=headers)
    return kapacitor.request(request['method'], request['path'], body, headers=headers)


def task_events(detail):
    """The events an alert task of the fixture puts on its topics: (topic, event) pairs."""
    found = dict((key, re.search(r"\.%s\('([^']*)'\)" % key, detail)) for key in ('topic', 'id', 'message', 'details'))
    level = re.search(r'\.(crit|warn|info|ok)\(lambda', detail)
    if not found['topic'] or not level:
        return []
    event = dict((key, found[key].group(1) if found[key] else '') for key in ('id', 'message', 'details'))
    event.update(level=LEVELS[level.group(1)], time='1970-01-01T00:00:00Z', duration=0)
    topics = [found['topic'].group(1)] + re.findall(r"anonymous topic '([^']+)'", detail)
    return [dict(event, topic=topic) for topic in topics]


def load_handlers(kapacitor, files):
    """services/load: GET each handler, POST it when the answer has no id, else PUT it."""
    for spec in files:
        path = HANDLERS_PATH % spec['topic']
        current = kapacitor.request('GET', path + '/' + spec['id'])
        exists = current.status == 200 and (current.json() or {}).get('id')
        body = dict(spec, topic=spec['topic'])
        kapacitor.request('PUT' if exists else 'POST', path + ('/' + spec['id'] if exists else ''), body)


def run_action(kapacitor, step, pending):
    action = step['action']
    if action == 'restart':
        kapacitor.restart()
    elif action == 'create_task':
        pending[:] = task_events(step.get('detail', ''))
    elif action == 'write_points':
        for event in pending:
            response = kapacitor.request('POST', '/_emulator/events', event)
            if response.status != 204:
                raise RuntimeError('event not accepted: %s' % response.text)
    elif action == 'startup_load':
        load_handlers(kapacitor, LOAD_FILES)
    elif action == 'files':
        # new.tick is not a handler file (only .yml, .yaml and .json are); other.yaml is gone, so its handler is deleted.
        kapacitor.request('DELETE', HANDLERS_PATH % 'cpu' + '/other')
        load_handlers(kapacitor, LOAD_FILES[:1])


def replay_case(case, base_config, workdir):
    label = case['test'] + ('/' + case['subtest'] if case.get('subtest') else '')
    config, args = server_options(base_config, case['server_config'])
    state_file = os.path.join(workdir, re.sub(r'\W', '_', label) + '.json')
    passed, failures, pending = 0, [], []
    with Emulator(config, controls=True, state_file=state_file, extra_args=args) as kapacitor:
        for index, step in enumerate(case['steps']):
            if 'action' in step:
                run_action(kapacitor, step, pending)
                continue
            problem = check(send(kapacitor, step['request']), step['expect'])
            if problem:
                failures.append('topic-handlers %s step %d %s %s: %s' % (label, index, step['request']['method'], step['request']['path'],
                                                                         problem))
            else:
                passed += 1
    return passed, failures


def replay_code_derived(cases, base_config):
    passed, failures = 0, []
    with Emulator(base_config, controls=True) as kapacitor:
        for case in cases:
            kapacitor.reset()
            for prefix, spec in SETUP.items():
                if (case.get('setup') or '').startswith(prefix):
                    kapacitor.request('POST', HANDLERS_PATH % 'system', spec)
            problem = check(send(kapacitor, case['request']), case['expect'])
            if problem:
                failures.append('topic-handlers code-derived %r: %s' % (case['name'], problem))
            else:
                passed += 1
    return passed, failures


def replay(base_config):
    """Return (passed, failure lines) for every case of fixtures/topic-handlers.json."""
    with open(FIXTURE, encoding='utf-8') as handle:
        fixture = json.load(handle)
    passed, failures = 0, []
    workdir = tempfile.mkdtemp(prefix='replay-topics-')
    try:
        for case in fixture['cases']:
            ok, bad = replay_case(case, base_config, workdir)
            passed += ok
            failures += bad
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    ok, bad = replay_code_derived(fixture['code_derived_cases'], base_config)
    return passed + ok, failures + bad
