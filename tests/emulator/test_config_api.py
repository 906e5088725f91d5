# -*- coding: utf-8 -*-
"""Status codes and error bodies of the config API (api.md section 2)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

import pytest

CONFIG = '/kapacitor/v1/config'


def error(kapacitor, method, path, body=None, raw=None):
    response = kapacitor.request(method, path, body, raw=raw)
    payload = response.json()
    assert payload['error'] == payload['message']
    return response.status, payload['error']


def test_get_errors(kapacitor):
    assert error(kapacitor, 'GET', CONFIG + '/') == (400, "section not specified, do you have an extra trailing '/'?")
    assert error(kapacitor, 'GET', CONFIG + '/nosuch') == (404, 'unknown section: nosuch')
    assert error(kapacitor, 'GET', CONFIG + '/slack/nosuch') == (404, 'unknown section/element: slack/nosuch')
    assert error(kapacitor, 'GET', CONFIG + '/smtp/x') == (404, 'unknown section/element: smtp/x')
    response = kapacitor.request('GET', CONFIG + '/nosuch')
    assert response.text.startswith('{\n    "error": "unknown section: nosuch",\n')
    assert response.headers['Content-Type'] == 'application/json; charset=utf-8'


PREFIX = 'failed to apply update: invalid update action: '


@pytest.mark.parametrize('path, body, raw, status, message', [
    (CONFIG + '/smtp/', None, b'', 400, 'failed to decode JSON:EOF'),
    (CONFIG + '/smtp/', None, b'{"set": ', 400, 'failed to decode JSON:unexpected EOF'),
    (CONFIG + '/smtp/', None, b'[1]', 400, 'failed to decode JSON:json: cannot unmarshal array into Go value of type config.updateAction'),
    (CONFIG + '/smtp/', {'set': []}, None, 400,
     'failed to decode JSON:json: cannot unmarshal array into Go struct field updateAction.set of type map[string]interface {}'),
    (CONFIG + '/smtp/', {'delete': [1]}, None, 400,
     'failed to decode JSON:json: cannot unmarshal number into Go struct field updateAction.delete of type string'),
    (CONFIG + '/', {'set': {'a': 1}}, None, 400, PREFIX + 'must provide section name'),
    (CONFIG + '/smtp/', {'set': {'host': 'h'}, 'remove': ['x']}, None, 400,
     PREFIX + 'cannot provide both set/delete and add/remove actions in the same update'),
    (CONFIG + '/slack/x', {'add': {'workspace': 'y'}}, None, 400,
     PREFIX + 'must not provide an element name when adding an a new override'),
    (CONFIG + '/slack/x', {'remove': ['x']}, None, 400, PREFIX + 'must not provide element when removing an override'),
    (CONFIG + '/slack/a.b', {'set': {'channel': 'c'}}, None, 400, PREFIX + 'invalid element name "a.b"'),
    (CONFIG + '/smtp', {'add': {'host': 'x'}}, None, 400, 'failed to apply update: section "smtp" is not a list, cannot add new element'),
    (CONFIG + '/slack', {'add': {'channel': 'x'}}, None, 400, 'failed to apply update: missing key "workspace" in "add" map'),
    (CONFIG + '/slack', {'add': {'workspace': 5}}, None, 400, 'failed to apply update: expected "workspace" key to be a string, got float64'),
    (CONFIG + '/nosuch', {'add': {'id': 'x'}}, None, 400, 'failed to apply update: unknown section "nosuch"'),
    (CONFIG + '/nosuch/', {'set': {'a': 1}}, None, 400, 'failed to override configuration nosuch/: unknown options [a] in section nosuch'),
    (CONFIG + '/smtp/', {'set': {'hots': 'x', 'prot': 1}}, None, 400,
     'failed to override configuration smtp/: unknown options [hots prot] in section smtp'),
    (CONFIG + '/alerta/', {'set': {'enabled': True}}, None, 400, 'failed to override configuration alerta/: failed validation: must specify url'),
    (CONFIG + '/smtp/', {'set': {'port': 0}}, None, 400, 'failed to override configuration smtp/: failed validation: invalid port 0'),
    (CONFIG + '/zenoss/', {'set': {'url': ''}}, None, 400,
     'failed to override configuration zenoss/: failed validation: invalid url "": parse "": empty url'),
    (CONFIG + '/httppost', {'add': {'endpoint': 'e'}}, None, 400, 'failed to override configuration httppost/: failed validation: must specify url'),
    (CONFIG + '/kafka', {'add': {'id': 'k', 'enabled': True}}, None, 400,
     'failed to override configuration kafka/: failed validation: no brokers specified, must provide at least one broker URL'),
    (CONFIG + '/kafka/default', {'set': {'enabled': True, 'brokers': ['b'], 'SASLAuth': {'SASLMechanism': 'MD5'}}}, None, 400,
     'failed to override configuration kafka/default: failed validation: invalid sasl-mechanism'),
    (CONFIG + '/mqtt', {'add': {'name': ''}}, None, 400, 'failed to override configuration mqtt/: failed validation: must specify a name for the mqtt broker'),
])
def test_update_errors(kapacitor, path, body, raw, status, message):
    assert error(kapacitor, 'POST', path, body, raw) == (status, message)


def test_failed_update_changes_nothing(kapacitor):
    before = kapacitor.json('GET', CONFIG)[1]
    assert kapacitor.request('POST', CONFIG + '/smtp/', {'set': {'host': 'h', 'port': 'x'}}).status == 400
    assert kapacitor.json('GET', CONFIG)[1] == before


def test_elements_sorted_and_linked(kapacitor):
    for name in ('zeta', 'alpha', 'Mid'):
        assert kapacitor.request('POST', CONFIG + '/kafka', {'add': {'id': name}}).status == 204
    elements = kapacitor.json('GET', CONFIG + '/kafka')[1]['elements']
    assert [e['link']['href'] for e in elements] == [CONFIG + '/kafka/' + n for n in ('Mid', 'alpha', 'default', 'zeta')]


def test_add_with_dotted_name_cannot_be_set_but_removed(kapacitor):
    assert kapacitor.request('POST', CONFIG + '/kafka', {'add': {'id': 'a.b'}}).status == 204
    assert kapacitor.json('GET', CONFIG + '/kafka/a.b')[0] == 200
    assert kapacitor.request('POST', CONFIG + '/kafka/a.b', {'set': {'batch-size': 1}}).status == 400
    assert kapacitor.request('POST', CONFIG + '/kafka', {'remove': ['a.b']}).status == 204
    assert kapacitor.json('GET', CONFIG + '/kafka/a.b')[0] == 404
