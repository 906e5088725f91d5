# -*- coding: utf-8 -*-
"""Kapacitor's alert topics and topic handlers API on the emulator, beyond what fixtures/topic-handlers.json replays.

One test per quirk of the API an idempotent client meets (docs/emulator.md, "Topic handlers"), persistence,
authentication, and the option decoding of all 27 handler kinds.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

import http.client
import json

import pytest

from harness import Emulator

TOPICS = '/kapacitor/v1/alerts/topics'
SYSTEM = TOPICS + '/system/handlers'
KAFKA_ON = {'kafka': [{'enabled': True, 'id': 'default', 'brokers': ['127.0.0.1:9']}]}


def create(kapacitor, spec, topic='system'):
    response = kapacitor.request('POST', TOPICS + '/' + topic + '/handlers', spec)
    return response.status, response.json()


def get(kapacitor, path):
    return kapacitor.json('GET', path)


def error(message):
    return {'error': message, 'message': message}


def handler(topic, spec):
    return {'link': {'rel': 'self', 'href': '%s/%s/handlers/%s' % (TOPICS, topic, spec['id'])}, 'id': spec['id'], 'kind': spec['kind'],
            'options': spec.get('options'), 'match': spec.get('match', '')}


def decode_error(prefix, type_name, *lines):
    return error('%s: failed to decode options into *%s: %d error(s) decoding:\n\n%s' % (
        prefix, type_name, len(lines), '\n'.join('* ' + line for line in sorted(lines))))


# -- quirks an idempotent client must handle

def test_quirk_1_create_or_update_and_stored_as_sent(kapacitor):
    spec = {'id': 'h', 'kind': 'slack', 'options': {'Channel': '#a'}}
    assert kapacitor.request('PUT', SYSTEM + '/h', spec).status == 404  # PUT is not an upsert
    assert get(kapacitor, SYSTEM + '/h') == (404, error('unknown handler: "h"'))
    assert create(kapacitor, spec) == (200, handler('system', spec))
    # Keys keep the client's spelling and no default (workspace, username, ...) is added.
    assert get(kapacitor, SYSTEM + '/h') == (200, handler('system', spec))
    assert create(kapacitor, spec) == (500, error('failed to create handler: cannot register handler, handler with ID "h" already exists'))
    # A duplicate with bad options reports the options, not the duplicate.
    status, body = create(kapacitor, {'id': 'h', 'kind': 'slack', 'options': {'x': 1}})
    assert status == 500 and "'' has invalid keys: x" in body['error']


def test_quirk_2_put_replaces_everything_and_renames(kapacitor):
    create(kapacitor, {'id': 'h', 'kind': 'slack', 'options': {'channel': '#a'}, 'match': 'changed()'})
    status, body = kapacitor.json('PUT', SYSTEM + '/h', {'id': 'h', 'kind': 'slack'})
    assert status == 200 and body['options'] is None and body['match'] == ''
    status, body = kapacitor.json('PUT', SYSTEM + '/h', {'kind': 'slack'})
    assert (status, body) == (400, error("invalid handler spec: handler ID must contain only letters, numbers, '-', '.' and '_'. \"\""))
    status, body = kapacitor.json('PUT', SYSTEM + '/h', {'id': 'h2', 'kind': 'slack', 'options': {}})
    assert status == 200 and body['link']['href'] == SYSTEM + '/h2' and body['options'] == {}
    assert get(kapacitor, SYSTEM + '/h')[0] == 404
    # A rename onto an existing ID overwrites it and still answers 200.
    create(kapacitor, {'id': 'other', 'kind': 'tcp', 'options': {'address': 'a:1'}})
    assert kapacitor.json('PUT', SYSTEM + '/h2', {'id': 'other', 'kind': 'slack'})[0] == 200
    assert [h['id'] for h in get(kapacitor, SYSTEM)[1]['handlers']] == ['other']
    assert get(kapacitor, SYSTEM + '/other')[1]['kind'] == 'slack'


def test_quirk_3_status_codes_of_client_mistakes(kapacitor):
    assert create(kapacitor, {'id': 'h', 'kind': 'email'}) == (500, error('failed to create handler: unsupported action kind "email"'))
    assert create(kapacitor, {'id': 'h', 'kind': 'slack', 'match': '"host" =='})[0] == 500
    assert create(kapacitor, {'id': 'a b', 'kind': 'slack'}) == (
        400, error("invalid handler spec: handler ID must contain only letters, numbers, '-', '.' and '_'. \"a b\""))
    assert create(kapacitor, {'id': 'h'}) == (400, error('invalid handler spec: handler Kind must not be empty'))
    create(kapacitor, {'id': 'h', 'kind': 'slack'})
    assert kapacitor.json('PUT', SYSTEM + '/h', {'id': 'h', 'kind': 'email'}) == (
        500, error('failed to update handler: unsupported action kind "email"'))
    assert kapacitor.json('PUT', SYSTEM + '/h', {'id': 'h', 'kind': 'slack', 'match': 'foo'}) == (
        500, error('failed to update handler: unknown identifier "foo"'))
    assert kapacitor.json('PATCH', SYSTEM + '/h', [{'op': 'replace', 'path': '/kind', 'value': 'email'}]) == (
        500, error('failed to update handler: unsupported action kind "email"'))
    assert kapacitor.json('PATCH', SYSTEM + '/h', [{'op': 'replace', 'path': '/kind', 'value': 5}]) == (
        500, error('failed to unmarshal patched json: json: cannot unmarshal number into Go struct field HandlerSpec.kind of type string'))
    assert kapacitor.json('PATCH', SYSTEM + '/h', [{'op': 'replace', 'path': '/id', 'value': 'a/b'}]) == (
        400, error("invalid handler spec: handler ID must contain only letters, numbers, '-', '.' and '_'. \"a/b\""))
    assert create(kapacitor, {'id': 5, 'kind': 'slack'}) == (
        400, error('invalid handler json: json: cannot unmarshal number into Go struct field HandlerSpec.id of type string'))
    assert create(kapacitor, ['x']) == (400, error('invalid handler json: json: cannot unmarshal array into Go value of type alert.HandlerSpec'))


def test_quirk_3_match_expressions(kapacitor):
    ok = ['"host" == \'serverA\' AND level() == CRITICAL', 'changed() == TRUE', 'alertDuration() < 1m OR (level() >= WARNING)',
          '!changed()', 'name() =~ /^cpu/']
    for index, match in enumerate(ok):
        assert create(kapacitor, {'id': 'm%d' % index, 'kind': 'slack', 'match': match})[0] == 200, match
    assert get(kapacitor, SYSTEM + '/m0')[1]['match'] == ok[0]  # echoed verbatim
    bad = {
        '"host" ==': 'invalid match expression: parser: unexpected EOF line 1 char 10 in ""host" ==". expected: "number",'
                     '"string","duration","identifier","TRUE","FALSE","==","(","-","!"',
        'level() == CRITICAL x': 'invalid match expression: parser: unexpected identifier line 1 char 21 in " CRITICAL x". expected: "EOF"',
        "'abc": 'invalid match expression: parser: unexpected unterminated string line 1 char 1 in "\'abc". expected: "number",'
                '"string","duration","identifier","TRUE","FALSE","==","(","-","!"',
        'level() == critical': 'unknown identifier "critical"',
    }
    for match, message in bad.items():
        assert create(kapacitor, {'id': 'bad', 'kind': 'slack', 'match': match}) == (500, error('failed to create handler: ' + message))


def test_quirk_4_failed_create_stores_nothing(kapacitor):
    assert create(kapacitor, {'id': 'h', 'kind': 'telegram', 'options': {'chat-id': 1}})[0] == 500
    assert get(kapacitor, SYSTEM + '/h')[0] == 404
    assert get(kapacitor, TOPICS + '/system')[0] == 404  # and no topic either


def test_quirk_5_secrets_in_clear_text(kapacitor):
    spec = {'id': 'pd', 'kind': 'pagerduty2', 'options': {'routing-key': 's3cret'}}
    create(kapacitor, spec)
    assert get(kapacitor, SYSTEM + '/pd')[1]['options'] == {'routing-key': 's3cret'}


def test_quirk_6_and_durations_in_nanoseconds(kapacitor):
    spec = {'id': 'a', 'kind': 'alerta', 'options': {'timeout': 86400000000000, 'token': 't'}}
    assert create(kapacitor, spec) == (200, handler('system', spec))
    assert '"timeout": 86400000000000' in kapacitor.request('GET', SYSTEM + '/a').text  # not 8.64e+13, not "24h0m0s"
    assert create(kapacitor, {'id': 'b', 'kind': 'alerta', 'options': {'timeout': '24h'}}) == (500, decode_error(
        'failed to create handler', 'alerta.HandlerConfig',
        "'timeout' expected type 'time.Duration', got unconvertible type 'string', value: '24h'"))
    assert create(kapacitor, {'id': 'c', 'kind': 'post', 'options': {'url': 'http://x', 'timeout': '10s'}}) == (500, decode_error(
        'failed to create handler', 'httppost.HandlerConfig',
        "'timeout' expected type 'time.Duration', got unconvertible type 'string', value: '10s'"))
    # A fractional number is truncated, not rejected, and stored as sent.
    assert create(kapacitor, {'id': 'd', 'kind': 'post', 'options': {'url': 'http://x', 'timeout': 1.5}})[1]['options']['timeout'] == 1.5
    assert create(kapacitor, {'id': 'e', 'kind': 'log', 'options': {'path': '/tmp/a', 'mode': -1}}) == (500, decode_error(
        'failed to create handler', 'alert.LogHandlerConfig', "cannot parse 'mode', -1.000000 overflows uint"))
    assert create(kapacitor, {'id': 'f', 'kind': 'log', 'options': {'path': '/tmp/a', 'mode': 256}}) == (
        500, error('failed to create handler: invalid file mode -r--------, must be user writable'))
    assert create(kapacitor, {'id': 'g', 'kind': 'log', 'options': {'path': 'rel/a.log'}}) == (
        500, error('failed to create handler: log path must be absolute: rel/a.log is not absolute'))
    # Several errors come sorted, keys of invalid-key errors too.
    assert create(kapacitor, {'id': 'h', 'kind': 'slack', 'options': {'zz': 1, 'aa': 2, 'channel': 3}}) == (500, decode_error(
        'failed to create handler', 'slack.HandlerConfig', "'' has invalid keys: aa, zz",
        "'channel' expected type 'string', got unconvertible type 'float64', value: '3'"))


def test_templates_in_options_are_parsed(start_emulator):
    kapacitor = start_emulator(config=KAFKA_ON)
    cases = [
        ('mqtt', {'topic': 'alerts/{{ .TaskName'}, 'template: topic:1: unclosed action'),
        ('kafka', {'cluster': 'default', 'template': '{{ if .ID }}x'},
         'failed to parse template: template: kafka alert template:1: unexpected EOF'),
        ('post', {'url': 'http://x/{{ foo . }}'}, 'failed to parse template: template: body:1: function "foo" not defined'),
        ('alerta', {'attributes': {'env': 'prod{{ end }}', 'n': 1}}, 'template: env:1: unexpected {{end}}'),
        ('sensu', {'source': 'a\n{{ "b }}'}, 'template: source:2: unterminated quoted string'),
        ('aggregate', {'interval': 1, 'message': '{{/* x'}, 'template: message:1: unclosed comment'),
        ('pagerduty2', {'links': [{'href': 'http://x', 'text': '{{}}'}]}, 'template: text:1: missing value for command'),
    ]
    for kind, options, message in cases:
        assert create(kapacitor, {'id': 'bad-' + kind, 'kind': kind, 'options': options}) == (
            500, error('failed to create handler: ' + message)), kind
    assert create(kapacitor, {'id': 'json', 'kind': 'post', 'options': {'url': 'http://x/{{ json . }}'}})[0] == 200
    # smtp only logs a bad to-field template; post does not parse its url when the endpoint exists
    assert create(kapacitor, {'id': 'smtp', 'kind': 'smtp', 'options': {'to-field': ['{{ .X']}})[0] == 200
    assert create(kapacitor, {'id': 'ep', 'kind': 'post', 'options': {'endpoint': 'example', 'url': '{{ foo }}'}})[0] == 200


def test_quirk_7_aggregate_without_interval_kills_the_server(tmp_path, start_emulator):
    state = str(tmp_path / 'state.json')
    kapacitor = start_emulator(state_file=state)
    assert create(kapacitor, {'id': 'ok', 'kind': 'aggregate', 'options': {'interval': 100000000, 'topic': 'agg'}})[0] == 200
    with pytest.raises((http.client.HTTPException, ConnectionError)):
        create(kapacitor, {'id': 'bad', 'kind': 'aggregate', 'options': {'topic': 'agg'}})
    assert kapacitor.process.wait(10) == 2
    assert 'panic: non-positive interval for NewTicker' in kapacitor.stderr()
    kapacitor.restart()
    assert [h['id'] for h in get(kapacitor, SYSTEM)[1]['handlers']] == ['ok']


def test_quirk_8_kafka_cluster_and_post_endpoint(start_emulator):
    kapacitor = start_emulator(config={'httppost': [{'endpoint': 'hook', 'url': 'http://hook.example'}]})
    # The built-in kafka cluster "default" is disabled: Kapacitor's start-up Update() dropped it.
    assert create(kapacitor, {'id': 'k', 'kind': 'kafka', 'options': {'cluster': 'default'}}) == (
        500, error('failed to create handler: unknown cluster "default"'))
    assert create(kapacitor, {'id': 'k2', 'kind': 'kafka', 'options': {'topic': 't'}}) == (
        500, error('failed to create handler: unknown cluster ""'))
    assert kapacitor.request('POST', '/kapacitor/v1/config/kafka/default', {'set': {'enabled': True, 'brokers': ['b:9092']}}).status == 204
    assert create(kapacitor, {'id': 'k', 'kind': 'kafka', 'options': {'cluster': 'default'}})[0] == 200
    # Without overrides applied at start, every configured cluster exists until the section is updated.
    skipping = start_emulator(config={'skip-config-overrides': True})
    assert create(skipping, {'id': 'k', 'kind': 'kafka', 'options': {'cluster': 'default'}})[0] == 200
    assert skipping.request('POST', '/kapacitor/v1/config/kafka/default', {'set': {'brokers': ['b:9092']}}).status == 204
    assert create(skipping, {'id': 'k3', 'kind': 'kafka', 'options': {'cluster': 'default'}}) == (
        500, error('failed to create handler: unknown cluster "default"'))
    assert create(kapacitor, {'id': 'p', 'kind': 'post', 'options': {'endpoint': 'hook'}})[0] == 200
    assert create(kapacitor, {'id': 'p2', 'kind': 'post', 'options': {'endpoint': 'example'}}) == (
        500, error('failed to create handler: An appropriately formatted url must be specified if an endpoint is not specified'))
    assert kapacitor.request('POST', '/kapacitor/v1/config/httppost', {'add': {'endpoint': 'example', 'url': 'http://x'}}).status == 204
    assert create(kapacitor, {'id': 'p2', 'kind': 'post', 'options': {'endpoint': 'example'}})[0] == 200


def test_quirk_9_deleting_a_topic_keeps_its_handlers(kapacitor):
    create(kapacitor, {'id': 'h', 'kind': 'slack'})
    assert kapacitor.request('DELETE', SYSTEM + '/h/').status == 204  # trailing slash: the topic goes, not the handler
    assert get(kapacitor, TOPICS + '/system') == (404, error('unknown topic: "system"'))
    assert get(kapacitor, SYSTEM + '/h')[0] == 200
    assert [h['id'] for h in get(kapacitor, SYSTEM)[1]['handlers']] == ['h']
    create(kapacitor, {'id': 'h2', 'kind': 'slack'})
    assert get(kapacitor, TOPICS + '/system')[0] == 200  # registering a handler creates the topic again
    assert kapacitor.request('DELETE', SYSTEM).status == 204  # the collection path deletes the topic too
    assert get(kapacitor, TOPICS + '/system')[0] == 404 and len(get(kapacitor, SYSTEM)[1]['handlers']) == 2
    kapacitor.json('PATCH', SYSTEM + '/h', [])  # an update attaches the handler again
    assert get(kapacitor, TOPICS + '/system')[0] == 200


def test_quirk_10_delete_is_idempotent(kapacitor):
    create(kapacitor, {'id': 'h', 'kind': 'slack'})
    for _attempt in range(2):
        response = kapacitor.request('DELETE', SYSTEM + '/h')
        assert (response.status, response.data) == (204, b'')
    assert kapacitor.request('DELETE', TOPICS + '/never').status == 204
    assert get(kapacitor, SYSTEM + '/h')[0] == 404
    assert get(kapacitor, TOPICS + '/system')[0] == 200  # the topic stays when its last handler goes


def test_quirk_11_ids_and_topics(kapacitor):
    assert create(kapacitor, {'id': 'h\u00e9-1.x_y', 'kind': 'slack'}, topic='main:task:alert2')[0] == 200
    status, body = get(kapacitor, TOPICS + '/main:task:alert2/handlers/h%C3%A9-1.x_y')
    assert status == 200 and body['link']['href'] == TOPICS + '/main:task:alert2/handlers/h\u00e9-1.x_y'
    assert create(kapacitor, {'id': 'a:b', 'kind': 'slack'})[0] == 400
    assert create(kapacitor, {'id': '\u0663', 'kind': 'slack'})[0] == 400  # digits are ASCII only
    assert create(kapacitor, {'id': 'h', 'kind': 'slack'}, topic='a%40b') == (
        400, error("invalid handler spec: handler topic must contain only letters, numbers, '-', '.' and '_'. \"h\""))
    # The list's self link echoes the request, escaped as Go's url.URL.String() does.
    assert get(kapacitor, TOPICS + '/main:task:alert2/handlers?pattern=h*')[1]['link']['href'] == \
        TOPICS + '/main:task:alert2/handlers?pattern=h*'


def test_quirk_12_disabled_kind(start_emulator):
    kapacitor = start_emulator(extra_args=['--disable-handlers', 'alerta,slack'])
    spec = {'id': 'h', 'kind': 'alerta', 'options': {'token': 't'}}
    assert create(kapacitor, spec) == (200, handler('system', spec))
    empty = {'link': {'rel': 'self', 'href': TOPICS + '/handlers'}, 'id': '', 'kind': '', 'options': None, 'match': ''}
    assert get(kapacitor, SYSTEM + '/h') == (200, empty)
    assert get(kapacitor, SYSTEM)[1]['handlers'] == [empty]
    assert get(kapacitor, TOPICS + '/system')[0] == 404  # no topic is created
    assert kapacitor.json('PUT', SYSTEM + '/h', spec) == (500, error('failed to update handler: cannot change topic in update'))
    assert kapacitor.request('DELETE', SYSTEM + '/h').status == 204
    assert get(kapacitor, SYSTEM + '/h') == (200, empty)  # still there in memory
    assert create(kapacitor, spec)[0] == 500  # "already exists"
    # Options of a disabled kind are not even decoded.
    assert create(kapacitor, {'id': 's', 'kind': 'slack', 'options': {'bogus': 1}})[0] == 200


def test_quirk_12_and_13_startup(tmp_path, start_emulator):
    state = str(tmp_path / 'state.json')
    config = {'httppost': [{'endpoint': 'hook', 'url': 'http://hook.example'}]}
    kapacitor = start_emulator(config=config, state_file=state)
    assert create(kapacitor, {'id': 'p', 'kind': 'post', 'options': {'endpoint': 'hook'}})[0] == 200
    assert create(kapacitor, {'id': 'a', 'kind': 'alerta'})[0] == 200
    kapacitor.stop()
    # The endpoint is gone from the configuration and alerta is disabled: p no longer builds, a is an empty entry.
    restarted = start_emulator(state_file=state, extra_args=['--disable-handlers', 'alerta'])
    assert 'failed to load handler on startup' in restarted.stderr()
    assert get(restarted, SYSTEM + '/p') == (404, error('unknown handler: "p"'))
    assert restarted.request('DELETE', SYSTEM + '/p').status == 204  # does nothing
    assert get(restarted, SYSTEM + '/a')[1]['id'] == ''
    with open(state, encoding='utf-8') as handle:
        assert sorted(json.load(handle)['handlers']) == ['system/a', 'system/p']
    assert create(restarted, {'id': 'p', 'kind': 'post', 'options': {'url': 'http://x'}})[0] == 200  # overwrites the stored one
    restarted.stop()
    again = start_emulator(config=config, state_file=state)
    assert get(again, SYSTEM + '/p')[1]['options'] == {'url': 'http://x'}
    assert get(again, SYSTEM + '/a')[1]['id'] == 'a'


# -- persistence, routing and the emulator's machinery

def test_persistence_across_restart(tmp_path, start_emulator):
    state = str(tmp_path / 'state.json')
    kapacitor = start_emulator(state_file=state)
    assert kapacitor.request('POST', '/kapacitor/v1/config/smtp/', {'set': {'host': 'mail'}}).status == 204
    create(kapacitor, {'id': 'h', 'kind': 'smtp', 'options': {'to': ['a@b']}, 'match': 'changed()'}, topic='cpu')
    for level in ('WARNING', 'CRITICAL'):
        event = {'topic': 'cpu', 'id': 'host1', 'level': level, 'message': 'm', 'details': 'd', 'duration': 2000000}
        assert kapacitor.request('POST', '/_emulator/events', event).status == 204
    assert get(kapacitor, TOPICS + '/cpu')[1]['collected'] == 2
    kapacitor.restart()
    assert get(kapacitor, TOPICS + '/cpu/handlers/h')[1]['match'] == 'changed()'
    topic = get(kapacitor, TOPICS + '/cpu')[1]
    assert (topic['level'], topic['collected']) == ('CRITICAL', 0)
    assert get(kapacitor, TOPICS + '/cpu/events/host1')[1]['state'] == {
        'message': 'm', 'details': 'd', 'time': '1970-01-01T00:00:00Z', 'duration': '2ms', 'level': 'CRITICAL'}
    assert get(kapacitor, '/kapacitor/v1/config/smtp/')[1]['options']['host'] == 'mail'
    kapacitor.reset()  # back to nothing, the state file too
    assert get(kapacitor, TOPICS)[1]['topics'] == []
    kapacitor.restart()
    assert get(kapacitor, TOPICS + '/cpu/handlers')[1]['handlers'] == []


def test_old_state_file_without_handlers_loads(tmp_path, start_emulator):
    state = tmp_path / 'state.json'
    state.write_text(json.dumps({'version': 1, 'overrides': {'smtp/': {'options': '{"host":"old"}', 'create': False}}}))
    kapacitor = start_emulator(state_file=str(state))
    assert get(kapacitor, '/kapacitor/v1/config/smtp/')[1]['options']['host'] == 'old'
    assert create(kapacitor, {'id': 'h', 'kind': 'slack'})[0] == 200
    data = json.loads(state.read_text())
    assert data['version'] == 1 and 'smtp/' in data['overrides'] and 'system/h' in data['handlers']


def test_events_and_topic_lists(kapacitor):
    for topic, event_id, level in (('a', 'x', 'INFO'), ('a', 'y', 'CRITICAL'), ('b', 'x', 'OK')):
        kapacitor.request('POST', '/_emulator/events', {'topic': topic, 'id': event_id, 'level': level})
    assert [t['id'] for t in get(kapacitor, TOPICS + '?min-level=warning')[1]['topics']] == ['a']
    assert [t['id'] for t in get(kapacitor, TOPICS + '?pattern=b')[1]['topics']] == ['b']
    assert get(kapacitor, TOPICS + '?pattern=[')[0] == 400
    events = get(kapacitor, TOPICS + '/a/events?min-level=INFO')[1]
    assert events['link']['href'] == TOPICS + '/a/events' and [e['id'] for e in events['events']] == ['y', 'x']
    assert get(kapacitor, TOPICS + '/a/events?min-level=bad') == (400, error("unknown alert level 'BAD'"))
    assert get(kapacitor, TOPICS + '/never/events') == (500, error('failed to get topic events: unknown topic "never"'))
    assert get(kapacitor, TOPICS + '/a/events/z') == (404, error('unknown event "z" in topic "a"'))
    assert kapacitor.request('POST', '/_emulator/events', {'topic': 'a', 'id': 'x', 'level': 'critical'}).status == 400


def test_routing(kapacitor):
    assert kapacitor.json('POST', TOPICS + '/foo', {'id': 'h', 'kind': 'slack'})[0] == 200  # any POST below a topic creates
    assert kapacitor.json('POST', TOPICS + '/foo/events', {'id': 'h2', 'kind': 'slack'})[0] == 200
    assert get(kapacitor, TOPICS + '/foo/x/y/z')[1]['id'] == 'foo'  # anything else GETs the topic
    assert get(kapacitor, TOPICS + '/foo/handlers/') == (404, error('unknown handler: ""'))
    assert kapacitor.json('PUT', TOPICS + '/foo/h', {'id': 'h', 'kind': 'slack'}) == (404, error('unknown handler: ""'))
    assert get(kapacitor, TOPICS + '/') == (404, error('unknown topic: ""'))
    for method in ('POST', 'PUT', 'PATCH', 'DELETE'):
        assert kapacitor.json(method, TOPICS, {}) == (404, error('Not Found'))
    response = kapacitor.request('GET', TOPICS + '/foo/handlers/../handlers/h')
    assert response.status == 301 and response.headers['Location'] == TOPICS + '/foo/handlers/h'
    assert kapacitor.json('GET', '/kapacitor/v1preview/alerts/topics/foo/handlers/h')[1]['id'] == 'h'
    assert kapacitor.request('OPTIONS', TOPICS + '/foo').status == 200


def test_patch_semantics(kapacitor):
    create(kapacitor, {'id': 'h', 'kind': 'zenoss', 'options': {'action': 'a:1', 'tid': 1}})

    def patch(*ops):
        return kapacitor.json('PATCH', SYSTEM + '/h', list(ops))
    # replace of a missing key adds it (json-patch v4); the stray top-level key is then ignored
    assert patch({'op': 'replace', 'path': '/topics', 'value': ['x']})[0] == 200
    assert patch({'op': 'test', 'path': '/options/tid', 'value': 1.0}) == (400, error('failed to apply patch: testing value /options/tid failed: test failed'))
    assert patch({'op': 'test', 'path': '/options/tid', 'value': 1}, {'op': 'copy', 'from': '/options/action', 'path': '/options/method'},
                 {'op': 'remove', 'path': '/options/method'})[0] == 200
    assert patch({'op': 'remove', 'path': '/options/x'}) == (
        400, error("failed to apply patch: error in remove for path: '/options/x': Unable to remove nonexistent key: x: missing value"))
    assert patch({'op': 'move', 'from': '/options/tid', 'path': '/match'}) == (
        500, error('failed to unmarshal patched json: json: cannot unmarshal number into Go struct field HandlerSpec.match of type string'))
    assert patch({'path': '/kind'}) == (400, error('failed to apply patch: Unexpected kind: unknown'))
    assert kapacitor.json('PATCH', SYSTEM + '/h', None) == (400, error('invalid patch json: unexpected end of JSON input'))
    assert patch({'op': 'replace', 'path': '/options/tid', 'value': 2}, {'op': 'replace', 'path': '/options/action', 'value': 'b:2'}) == (
        200, handler('system', {'id': 'h', 'kind': 'zenoss', 'options': {'action': 'b:2', 'tid': 2}}))
    assert kapacitor.json('PATCH', SYSTEM + '/nope', []) == (404, error('unknown handler: "nope"'))
    # Kapacitor's recovery wrapper does not recover: a panic in json-patch drops the connection.
    for ops in ([{'op': 'test', 'path': '/options/x'}], [{'op': 'add', 'path': '/x', 'value': [1]}, {'op': 'replace', 'path': '/x/-1', 'value': 2}]):
        with pytest.raises((http.client.HTTPException, ConnectionError)):
            kapacitor.request('PATCH', SYSTEM + '/h', ops)
    assert [r['status'] for r in kapacitor.requests()][-2:] == [None, None]
    assert patch({'op': 'test', 'path': '', 'value': {}}) == (
        400, error('failed to apply patch: test operation does not apply: is missing path: : missing value'))


def test_http_machinery_applies(kapacitor):
    kapacitor.clear_requests()
    spec = {'id': 'h', 'kind': 'slack', 'options': {'channel': '<&>'}}
    response = kapacitor.request('POST', SYSTEM, spec, headers={'Accept-Encoding': 'gzip'})
    assert response.status == 200 and response.headers['Content-Encoding'] == 'gzip'
    assert response.headers['X-Kapacitor-Version'] == '1.8.3' and response.headers['Request-Id']
    assert response.headers['Content-Type'] == 'application/json; charset=utf-8'
    assert '"channel": "\\u003c\\u0026\\u003e"' in response.text and response.text.startswith('{\n    "link": {')
    assert [(r['method'], r['path'], r['body'], r['status']) for r in kapacitor.requests()] == [('POST', SYSTEM, spec, 200)]
    kapacitor.add_fault(method='DELETE', path='/alerts/topics/', status=503, message='busy', count=1)
    assert kapacitor.json('DELETE', SYSTEM + '/h') == (503, error('busy'))
    assert get(kapacitor, SYSTEM + '/h')[0] == 200


def test_auth(start_emulator):
    users = [{'username': 'cfg', 'password': 'p', 'permissions': ['config']},
             {'username': 'api', 'password': 'p', 'permissions': ['api']}]
    kapacitor = start_emulator(config={'http': {'auth-enabled': True, 'shared-secret': 's'}, 'emulator': {'users': users}})
    assert kapacitor.request('GET', TOPICS).status == 401
    response = kapacitor.request('GET', TOPICS + '?u=cfg&p=p')
    assert (response.status, response.json()) == (403, error(
        'user cfg does not have "read" privilege for API endpoint "/kapacitor/v1/alerts/topics"'))
    assert kapacitor.request('POST', SYSTEM + '?u=cfg&p=p', {'id': 'h', 'kind': 'slack'}).status == 403
    assert kapacitor.request('POST', SYSTEM + '?u=api&p=p', {'id': 'h', 'kind': 'slack'}).status == 200
    assert kapacitor.request('GET', SYSTEM + '?u=api&p=p').json()['link']['href'] == SYSTEM + '?u=api&p=p'


# -- option decoding of every kind: one valid create, one option of the wrong type

KINDS = [
    ('aggregate', 'alert.AggregateHandlerConfig', {'id': 'agg', 'interval': 100000000, 'topic': 'out'}, {'interval': 1, 'topic': 5},
     "'topic' expected type 'string', got unconvertible type 'float64', value: '5'"),
    ('alerta', 'alerta.HandlerConfig', {'token': 't', 'timeout': 86400000000000, 'service': ['web'], 'attributes': {'a': 1}},
     {'service': 'web'}, "'service': source data must be an array or slice, got string"),
    ('bigpanda', 'bigpanda.HandlerConfig', {'app-key': 'k', 'attributes': {'a': 1}}, {'attributes': 'x'},
     "'attributes' expected a map, got 'string'"),
    ('discord', 'discord.HandlerConfig', {'workspace': 'w', 'embed-title': 't'}, {'username': True},
     "'username' expected type 'string', got unconvertible type 'bool', value: 'true'"),
    ('exec', 'alert.ExecHandlerConfig', {'prog': '/bin/true', 'args': ['a']}, {'args': [1]},
     "'args[0]' expected type 'string', got unconvertible type 'float64', value: '1'"),
    ('hipchat', 'hipchat.HandlerConfig', {'room': 'r', 'token': 't'}, {'room': 1234567},
     "'room' expected type 'string', got unconvertible type 'float64', value: '1234567'"),
    ('kafka', 'kafka.HandlerConfig', {'cluster': 'default', 'topic': 't'}, {'cluster': 'default', 'disablePartitionById': 'yes'},
     "'disablePartitionById' expected type 'bool', got unconvertible type 'string', value: 'yes'"),
    ('log', 'alert.LogHandlerConfig', {'path': '/tmp/alert.log', 'mode': 388}, {'path': '/tmp/a', 'mode': '0644'},
     "'mode' expected type 'fs.FileMode', got unconvertible type 'string', value: '0644'"),
    ('mqtt', 'mqtt.HandlerConfig', {'topic': 'test/{{.TaskName}}', 'qos': 'at-least-once', 'retained': True}, {'retained': 'true'},
     "'retained' expected type 'bool', got unconvertible type 'string', value: 'true'"),
    ('opsgenie', 'opsgenie.HandlerConfig', {'teams-list': ['A team']}, {'recipients-list': 'x'},
     "'recipients-list': source data must be an array or slice, got string"),
    ('opsgenie2', 'opsgenie2.HandlerConfig', {'recovery_action': 'close'}, {'recovery_action': ['x']},
     "'recovery_action' expected type 'string', got unconvertible type '[]interface {}', value: '[x]'"),
    ('pagerduty', 'pagerduty.HandlerConfig', {'service-key': 'k'}, {'service-key': 5},
     "'service-key' expected type 'string', got unconvertible type 'float64', value: '5'"),
    ('pagerduty2', 'pagerduty2.HandlerConfig', {'routing-key': 'k', 'links': [{'href': 'http://x', 'text': 't'}]},
     {'links': [{'href': 'h', 'foo': 1}]}, "'links[0]' has invalid keys: foo"),
    ('post', 'httppost.HandlerConfig', {'url': 'http://x', 'timeout': 10000000000, 'headers': {'A': 'b'}}, {'url': 'u', 'headers': {'A': 1}},
     "'headers[A]' expected type 'string', got unconvertible type 'float64', value: '1'"),
    ('publish', 'alert.PublishHandlerConfig', {'topics': ['a']}, {'topics': 'a'}, "'topics': source data must be an array or slice, got string"),
    ('pushover', 'pushover.HandlerConfig', {'user-key': 'u', 'sound': 's'}, {'sound': 1},
     "'sound' expected type 'string', got unconvertible type 'float64', value: '1'"),
    ('sensu', 'sensu.HandlerConfig', {'source': 'Kapacitor', 'handlers': ['h'], 'metadata': {'k2': 5}}, {'metadata': [1]},
     "'metadata' expected a map, got 'slice'"),
    ('servicenow', 'servicenow.HandlerConfig', {'metricName': 'm', 'messageKey': 'k', 'node': 'n'}, {'metric_name': 'm'},
     "'' has invalid keys: metric_name"),
    ('slack', 'slack.HandlerConfig', {'channel': '#c'}, {'channel': ['#c']},
     "'channel' expected type 'string', got unconvertible type '[]interface {}', value: '[#c]'"),
    ('smtp', 'smtp.HandlerConfig', {'to': ['a@example.com'], 'to-field': ['{{.ID}}']}, {'to': 'a@example.com'},
     "'to': source data must be an array or slice, got string"),
    ('snmptrap', 'snmptrap.HandlerConfig', {'trap-oid': '1.1', 'data-list': [{'oid': '1.1.1', 'type': 's', 'value': '{{.Message}}'}]},
     {'data-list': ['x']}, "'data-list[0]' expected a map, got 'string'"),
    ('talk', None, None, {'anything': 1}, None),
    ('tcp', 'alert.TCPHandlerConfig', {'address': '127.0.0.1:9'}, {'address': 9},
     "'address' expected type 'string', got unconvertible type 'float64', value: '9'"),
    ('teams', 'teams.HandlerConfig', {'channel-url': 'http://x'}, {'channel-url': False},
     "'channel-url' expected type 'string', got unconvertible type 'bool', value: 'false'"),
    ('telegram', 'telegram.HandlerConfig', {'chat-id': '123', 'disable-notification': True}, {'disable-web-page-preview': 'no'},
     "'disable-web-page-preview' expected type 'bool', got unconvertible type 'string', value: 'no'"),
    ('victorops', 'victorops.HandlerConfig', {'routing-key': 'k'}, {'routing-key': {'a': 'b'}},
     "'routing-key' expected type 'string', got unconvertible type 'map[string]interface {}', value: 'map[a:b]'"),
    ('zenoss', 'zenoss.HandlerConfig', {'action': 'EventsRouter', 'TID': 1, 'eventclass': '/App'}, {'tid': '1'},
     "'tid' expected type 'int64', got unconvertible type 'string', value: '1'"),
]


def test_every_kind_is_listed():
    assert len(KINDS) == 27


@pytest.fixture(scope='module')
def shared():
    with Emulator(config=KAFKA_ON) as kapacitor:
        yield kapacitor


@pytest.mark.parametrize('kind, type_name, valid, wrong, message', KINDS, ids=[k[0] for k in KINDS])
def test_kind_options(shared, kind, type_name, valid, wrong, message):
    spec = {'id': 'valid-' + kind, 'kind': kind, 'options': valid}
    assert create(shared, spec, topic='kinds') == (200, handler('kinds', spec))
    assert get(shared, TOPICS + '/kinds/handlers/valid-' + kind) == (200, handler('kinds', spec))
    wrong_spec = {'id': 'wrong-' + kind, 'kind': kind, 'options': wrong}
    if message is None:  # talk never decodes its options
        assert create(shared, wrong_spec, topic='kinds') == (200, handler('kinds', wrong_spec))
    else:
        assert create(shared, wrong_spec, topic='kinds') == (500, decode_error('failed to create handler', type_name, message))
        assert shared.json('PUT', TOPICS + '/kinds/handlers/valid-' + kind, dict(wrong_spec, id='valid-' + kind)) == (
            500, decode_error('failed to update handler', type_name, message))
