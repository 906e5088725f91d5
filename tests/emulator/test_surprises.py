# -*- coding: utf-8 -*-
"""One test per numbered surprise of Kapacitor's config API (docs/emulator.md lists them)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

import http.client

import pytest

SLACK = '/kapacitor/v1/config/slack'
KAFKA = '/kapacitor/v1/config/kafka'
SMTP = '/kapacitor/v1/config/smtp/'


def options(kapacitor, path):
    status, body = kapacitor.json('GET', path)
    assert status == 200, body
    return body['options']


def post(kapacitor, path, body):
    response = kapacitor.request('POST', path, body)
    return response.status, response.json()


def run_test(kapacitor, name, body=None):
    status, result = kapacitor.json('POST', '/kapacitor/v1/service-tests/' + name, body or {})
    assert status == 200
    return result


def test_1_redaction(kapacitor):
    assert options(kapacitor, SMTP)['password'] is False
    assert post(kapacitor, SMTP, {'set': {'password': 's3cret'}}) == (204, None)
    element = kapacitor.json('GET', SMTP)[1]
    assert element['options']['password'] is True
    assert element['redacted'] == ['password']
    assert 's3cret' not in kapacitor.request('GET', '/kapacitor/v1/config').text
    # snmptrap's default community is non-empty; discord url and teams channel-url are not redacted
    assert options(kapacitor, '/kapacitor/v1/config/snmptrap/')['community'] is True
    assert post(kapacitor, '/kapacitor/v1/config/discord/', {'set': {'url': 'https://discord.example/hook'}}) == (204, None)
    discord = kapacitor.json('GET', '/kapacitor/v1/config/discord/')[1]
    assert discord['options']['url'] == 'https://discord.example/hook' and discord['redacted'] is None
    assert post(kapacitor, '/kapacitor/v1/config/teams/', {'set': {'channel-url': 'https://teams.example/x'}}) == (204, None)
    assert options(kapacitor, '/kapacitor/v1/config/teams/')['channel-url'] == 'https://teams.example/x'
    # kafka SASL secrets come back in clear text; pushover's user-key is echoed by the service tests
    assert post(kapacitor, KAFKA + '/default', {'set': {'SASLAuth': {'SASLPassword': 'kpass'}}}) == (204, None)
    assert options(kapacitor, KAFKA + '/default')['SASLAuth']['SASLPassword'] == 'kpass'
    assert post(kapacitor, '/kapacitor/v1/config/pushover/', {'set': {'user-key': 'ukey'}}) == (204, None)
    assert options(kapacitor, '/kapacitor/v1/config/pushover/')['user-key'] is True
    assert kapacitor.json('GET', '/kapacitor/v1/service-tests/pushover')[1]['options']['user-key'] == 'ukey'


def test_2_durations(kapacitor):
    assert options(kapacitor, SMTP)['idle-timeout'] == '30s'
    assert post(kapacitor, SMTP, {'set': {'idle-timeout': '60s'}}) == (204, None)
    assert options(kapacitor, SMTP)['idle-timeout'] == '1m0s'
    assert post(kapacitor, '/kapacitor/v1/config/alerta/', {'set': {'timeout': '1.5h'}}) == (204, None)
    assert options(kapacitor, '/kapacitor/v1/config/alerta/')['timeout'] == '1h30m0s'
    # an invalid duration is accepted and silently ignored: with no earlier override nothing changes,
    # and when it replaces an earlier override the option falls back to its file value
    assert post(kapacitor, '/kapacitor/v1/config/kafka/default', {'set': {'timeout': 'abc'}}) == (204, None)
    assert options(kapacitor, '/kapacitor/v1/config/kafka/default')['timeout'] == '0s'
    assert post(kapacitor, SMTP, {'set': {'idle-timeout': '1d'}}) == (204, None)
    assert options(kapacitor, SMTP)['idle-timeout'] == '30s'
    log = kapacitor.requests()
    assert log[-2]['body'] == {'set': {'idle-timeout': '1d'}} and log[-2]['status'] == 204
    status, body = post(kapacitor, SMTP, {'set': {'idle-timeout': 30}})
    assert status == 400
    assert body['error'] == 'failed to override configuration smtp/: cannot set option idle-timeout: cannot unmarshal float64 into int64'


def test_3_element_paths(kapacitor):
    status, body = post(kapacitor, '/kapacitor/v1/config/smtp', {'set': {'host': 'x'}})
    assert status == 400
    assert body['message'] == "failed to apply update: invalid update action: element not specified, are you missing a trailing '/'?"
    status, element = kapacitor.json('GET', SLACK + '/')
    assert status == 200 and element['link']['href'] == SLACK + '/'
    assert kapacitor.json('GET', SMTP)[1]['link']['href'] == SMTP
    assert kapacitor.json('GET', KAFKA + '/default')[1]['link']['href'] == KAFKA + '/default'


def test_4_element_creation(kapacitor):
    assert post(kapacitor, SLACK, {'add': {'workspace': 'team', 'channel': '#ops'}}) == (204, None)
    added = options(kapacitor, SLACK + '/team')
    assert added['username'] == '' and added['default'] is False and added['channel'] == '#ops'
    assert post(kapacitor, KAFKA, {'add': {'id': 'k2'}}) == (204, None)
    kafka = options(kapacitor, KAFKA + '/k2')
    assert kafka['batch-size'] == 0 and kafka['timeout'] == '0s' and kafka['brokers'] is None
    assert kafka['SASLAuth']['SASLOAUTHExpiryMargin'] == 0
    # set on an element that does not exist
    status, body = post(kapacitor, SLACK + '/nosuch', {'set': {'channel': '#x'}})
    assert status == 400
    assert body['error'] == 'failed to override configuration slack/nosuch: unknown options [channel] in section slack'
    # an empty set there stores a useless override, once the list validates (here it does not: two
    # slack elements and one has no workspace name)
    status, body = post(kapacitor, SLACK + '/nosuch', {'set': {}})
    assert (status, body['error']) == (400, 'failed to override configuration slack/nosuch: failed validation: id must not be empty')
    assert post(kapacitor, KAFKA + '/nosuch', {'set': {}}) == (204, None)
    assert kapacitor.json('GET', KAFKA + '/nosuch')[0] == 404


def test_5_readding_an_added_element_drops_the_connection(kapacitor):
    assert post(kapacitor, KAFKA, {'add': {'id': 'k', 'enabled': True, 'brokers': ['b:9092']}}) == (204, None)
    assert run_test(kapacitor, 'kafka', {'cluster': 'k'}) == {'success': True, 'message': ''}
    assert post(kapacitor, SLACK + '/', {'set': {'enabled': True, 'url': 'https://hooks.example/x'}}) == (204, None)
    assert run_test(kapacitor, 'slack') == {'success': True, 'message': ''}
    assert post(kapacitor, SLACK, {'add': {'workspace': 'w'}}) == (204, None)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        kapacitor.request('POST', KAFKA, {'add': {'id': 'k', 'enabled': True, 'brokers': ['b:9092']}})
    # the running kafka service got the file-only config: the added cluster is gone until the next update
    assert run_test(kapacitor, 'kafka', {'cluster': 'k'}) == {'success': False, 'message': 'unknown cluster "k"'}
    # the stored overrides remain
    assert options(kapacitor, KAFKA + '/k')['brokers'] == ['b:9092']
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        kapacitor.request('POST', SLACK, {'add': {'workspace': 'w'}})
    assert run_test(kapacitor, 'slack') == {'success': False, 'message': 'service is not enabled'}
    assert options(kapacitor, SLACK + '/')['url'] is True
    assert post(kapacitor, KAFKA + '/k', {'set': {'batch-size': 10}}) == (204, None)
    assert run_test(kapacitor, 'kafka', {'cluster': 'k'}) == {'success': True, 'message': ''}
    log = [entry for entry in kapacitor.requests() if entry['method'] == 'POST' and entry['path'] == KAFKA]
    assert [entry['status'] for entry in log] == [204, None]


def test_5_readding_a_file_defined_element_is_a_duplicate(start_emulator):
    kapacitor = start_emulator(config={'slack': [{'workspace': 'x', 'default': True}]})
    status, body = post(kapacitor, SLACK, {'add': {'workspace': 'x'}})
    assert status == 400
    assert body['error'] == 'failed to read sections from configuration object: section "slack" has duplicate elements: "x"'


def test_6_file_elements_cannot_be_removed(start_emulator):
    kapacitor = start_emulator(config={'kafka': [{'id': 'main', 'brokers': ['a:9092']}]})
    assert post(kapacitor, KAFKA + '/main', {'set': {'brokers': ['b:9092']}}) == (204, None)
    assert post(kapacitor, KAFKA, {'remove': ['main']}) == (204, None)
    assert options(kapacitor, KAFKA + '/main')['brokers'] == ['a:9092']
    assert post(kapacitor, KAFKA, {'remove': ['unknown']}) == (204, None)
    assert post(kapacitor, KAFKA, {'add': {'id': 'extra'}}) == (204, None)
    assert post(kapacitor, KAFKA, {'remove': ['extra']}) == (204, None)
    assert kapacitor.json('GET', KAFKA + '/extra')[0] == 404


def test_7_delete_reverts_to_the_file_value(start_emulator):
    kapacitor = start_emulator(config={'smtp': {'host': 'mail.example.com'}})
    assert post(kapacitor, SMTP, {'set': {'host': 'other.example.com'}}) == (204, None)
    assert options(kapacitor, SMTP)['host'] == 'other.example.com'
    assert post(kapacitor, SMTP, {'delete': ['host']}) == (204, None)
    assert options(kapacitor, SMTP)['host'] == 'mail.example.com'
    assert post(kapacitor, SMTP, {'delete': ['never-set']}) == (204, None)
    assert post(kapacitor, SLACK, {'add': {'workspace': 'w', 'username': 'bot'}}) == (204, None)
    assert post(kapacitor, SLACK + '/w', {'delete': ['username']}) == (204, None)
    assert options(kapacitor, SLACK + '/w')['username'] == ''
    # set and delete of one option in one body: the delete wins
    assert post(kapacitor, SMTP, {'set': {'port': 2525}, 'delete': ['port']}) == (204, None)
    assert options(kapacitor, SMTP)['port'] == 25


def test_8_element_key_in_set(start_emulator):
    kapacitor = start_emulator(config={'slack': [{'workspace': 'w', 'default': True}]})
    status, body = post(kapacitor, SLACK + '/w', {'set': {'workspace': 'w'}})
    assert status == 400
    assert body['error'] == 'failed to override configuration slack/w: cannot override element key workspace'
    status, body = post(kapacitor, KAFKA + '/default', {'set': {'id': 'default', 'enabled': True}})
    assert (status, body['error']) == (400, 'failed to override configuration kafka/default: cannot override element key id')
    # an element added through the API keeps create=true in its stored override, so its key can be set
    # (and the element then shows up under the new name while its override keeps the old id)
    assert post(kapacitor, SLACK, {'add': {'workspace': 'added'}}) == (204, None)
    assert post(kapacitor, SLACK + '/added', {'set': {'workspace': 'renamed'}}) == (204, None)
    names = [e['options']['workspace'] for e in kapacitor.json('GET', SLACK)[1]['elements']]
    assert names == ['renamed', 'w']


def test_9_lists_null_and_empty(kapacitor):
    assert options(kapacitor, SMTP)['to'] is None
    status, body = post(kapacitor, SMTP, {'set': {'to': None}})
    assert status == 400
    assert body['error'] == 'failed to override configuration smtp/: cannot set option to: wrong kind invalid, expected value of kind slice: false'
    assert post(kapacitor, SMTP, {'set': {'to': []}}) == (204, None)
    assert options(kapacitor, SMTP)['to'] == []
    assert post(kapacitor, SMTP, {'set': {'to': ['b@example.com', 'a@example.com']}}) == (204, None)
    assert options(kapacitor, SMTP)['to'] == ['b@example.com', 'a@example.com']
    assert post(kapacitor, SMTP, {'delete': ['to']}) == (204, None)
    assert options(kapacitor, SMTP)['to'] is None


def test_10_maps_replace_or_merge(start_emulator):
    kapacitor = start_emulator(config={'httppost': [{'endpoint': 'e', 'url': 'http://h', 'headers': {'A': '1', 'B': '2'}}]})
    path = '/kapacitor/v1/config/httppost/e'
    assert post(kapacitor, path, {'set': {'headers': {'C': '3'}}}) == (204, None)
    assert options(kapacitor, path)['headers'] == {'C': '3'}
    zenoss = '/kapacitor/v1/config/zenoss/'
    assert post(kapacitor, zenoss, {'set': {'severity-map': {'critical': 5}}}) == (204, None)
    assert options(kapacitor, zenoss)['severity-map'] == {'ok': 'Clear', 'info': 'Info', 'warning': 'Warning', 'critical': 5}
    status, body = post(kapacitor, zenoss, {'set': {'severity-map': {'fatal': 'x'}}})
    assert status == 400 and body['error'].endswith('Unknown field fatal for SeverityMap')
    assert post(kapacitor, KAFKA + '/default', {'set': {'SASLAuth': {'SASLUsername': 'u'}}}) == (204, None)
    sasl = options(kapacitor, KAFKA + '/default')['SASLAuth']
    assert (sasl['SASLUsername'], sasl['SASLMechanism'], sasl['SASLOAUTHExpiryMargin']) == ('u', '', 10000000000)
    # the merge is onto the file value: a second partial set replaces the first one's stored object
    assert post(kapacitor, KAFKA + '/default', {'set': {'SASLAuth': {'saslmechanism': 'PLAIN'}}}) == (204, None)
    sasl = options(kapacitor, KAFKA + '/default')['SASLAuth']
    assert (sasl['SASLUsername'], sasl['SASLMechanism']) == ('', 'PLAIN')
    status, body = post(kapacitor, KAFKA + '/default', {'set': {'SASLAuth': {'user': 'u'}}})
    assert status == 400 and "'' has invalid keys: user" in body['error']


def test_11_strict_types(kapacitor):
    status, body = post(kapacitor, SMTP, {'set': {'enabled': 'true'}})
    assert status == 400
    assert body['error'] == 'failed to override configuration smtp/: cannot set option enabled: wrong kind string, expected value of kind bool: false'
    status, body = post(kapacitor, SMTP, {'set': {'host': 25}})
    assert body['error'] == 'failed to override configuration smtp/: cannot set option host: wrong kind float64, expected value of kind string: false'
    assert post(kapacitor, SMTP, {'set': {'port': '2525'}}) == (204, None)
    assert options(kapacitor, SMTP)['port'] == 2525
    # a fraction is truncated for the update itself (204), but it is stored as sent and read back as
    # json.Number, which no longer converts to an int: every later read of the config fails
    assert post(kapacitor, '/kapacitor/v1/config/snmptrap/', {'set': {'retries': 3.9}}) == (204, None)
    status, body = kapacitor.json('GET', '/kapacitor/v1/config')
    assert status == 500
    assert body['error'] == ('failed to resolve current config:failed to apply configuration overrides: failed to override '
                             'configuration snmptrap/: cannot set option retries: cannot convert string "3.9" into int')
    assert post(kapacitor, '/kapacitor/v1/config/snmptrap/', {'delete': ['retries']}) == (204, None)
    assert kapacitor.json('GET', '/kapacitor/v1/config')[0] == 200


def test_12_set_on_the_list_section_element_path(start_emulator):
    kapacitor = start_emulator(config={'slack': [{'workspace': 'a', 'default': True}, {'workspace': 'b'}]})
    assert post(kapacitor, SLACK + '/', {'set': {'channel': '#all'}}) == (204, None)
    assert options(kapacitor, SLACK + '/a')['channel'] == '#all'
    assert options(kapacitor, SLACK + '/b')['channel'] == '#all'
    # the list-level validation runs on this path only
    status, body = post(kapacitor, SLACK + '/', {'set': {'global': True}})
    assert status == 400
    assert body['error'] == 'failed to override configuration slack/: failed validation: only the default config may be assigned as global'


def test_13_typos_and_add_with_remove(kapacitor):
    assert post(kapacitor, SMTP, {'sets': {'host': 'typo.example.com'}}) == (204, None)
    assert options(kapacitor, SMTP)['host'] == 'localhost'
    assert post(kapacitor, SLACK, {'add': {'workspace': 'ignored'}, 'remove': ['nothing']}) == (204, None)
    assert kapacitor.json('GET', SLACK + '/ignored')[0] == 404


def test_14_overrides_persist_and_disabling_ignores_them(tmp_path, start_emulator):
    state = str(tmp_path / 'state.json')
    smtp = {'host': 'file.example.com'}
    kapacitor = start_emulator(config={'smtp': smtp}, state_file=state)
    assert post(kapacitor, SMTP, {'set': {'host': 'api.example.com', 'enabled': True, 'from': 'k@example.com'}}) == (204, None)
    kapacitor.restart()
    assert options(kapacitor, SMTP)['host'] == 'api.example.com'
    assert run_test(kapacitor, 'smtp') == {'success': True, 'message': ''}
    kapacitor.stop()
    disabled = start_emulator(config={'smtp': smtp, 'config-override': {'enabled': False}}, state_file=state)
    message = 'config override service is not enabled'
    assert disabled.json('GET', SMTP) == (403, {'error': message, 'message': message})
    assert run_test(disabled, 'smtp') == {'success': False, 'message': 'service is not enabled'}


def test_15_list_rules_not_enforced_except_mqtt(start_emulator):
    kapacitor = start_emulator()
    assert post(kapacitor, SLACK, {'add': {'workspace': 'second', 'global': True}}) == (204, None)
    assert len(kapacitor.json('GET', SLACK)[1]['elements']) == 2
    assert post(kapacitor, '/kapacitor/v1/config/mqtt/default', {'set': {'default': True}}) == (204, None)
    status, body = post(kapacitor, '/kapacitor/v1/config/mqtt', {'add': {'name': 'other', 'default': True}})
    assert status == 500
    assert body['error'] == 'failed to update configuration mqtt/: more than one configuration is marked as the default'
    assert kapacitor.json('GET', '/kapacitor/v1/config/mqtt/other')[0] == 404
