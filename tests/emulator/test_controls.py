# -*- coding: utf-8 -*-
"""The /_emulator/ test controls: request log, faults, reset."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

import http.client
import time

import pytest

SMTP = '/kapacitor/v1/config/smtp/'


def test_controls_are_off_by_default(start_emulator):
    kapacitor = start_emulator(controls=False)
    assert kapacitor.json('GET', '/_emulator/requests') == (404, {'error': 'Not Found', 'message': 'Not Found'})


def test_request_log(kapacitor):
    kapacitor.request('GET', SMTP + '?x=1&x=2')
    kapacitor.request('POST', SMTP, {'set': {'password': 'secret-in-log'}}, headers={'X-Test': 'yes'})
    kapacitor.request('POST', SMTP, raw=b'not json')
    log = kapacitor.requests()
    assert [(e['method'], e['path'], e['status']) for e in log] == [('GET', SMTP, 200), ('POST', SMTP, 204), ('POST', SMTP, 400)]
    assert log[0]['query'] == {'x': ['1', '2']}
    assert log[1]['body'] == {'set': {'password': 'secret-in-log'}}
    assert log[1]['headers']['X-Test'] == 'yes'
    assert log[2]['body'] == 'not json'
    # control requests are not logged; clearing empties the log
    assert len(kapacitor.requests(kapacitor_only=False)) == 3
    kapacitor.clear_requests()
    assert kapacitor.requests() == []


def test_fault_status(kapacitor):
    kapacitor.add_fault(method='POST', path='/config/smtp', status=500, message='boom', count=1)
    response = kapacitor.request('POST', SMTP, {'set': {'host': 'x'}})
    assert response.status == 500
    assert response.json() == {'error': 'boom', 'message': 'boom'}
    # the fault was used up and the faulted request changed nothing
    assert kapacitor.json('GET', SMTP)[1]['options']['host'] == 'localhost'
    assert kapacitor.request('POST', SMTP, {'set': {'host': 'x'}}).status == 204
    assert [e['status'] for e in kapacitor.requests()] == [500, 200, 204]


def test_fault_method_and_path_filter(kapacitor):
    kapacitor.add_fault(method='GET', path=r'/slack$', status=503)
    assert kapacitor.request('GET', '/kapacitor/v1/config/slack').status == 503
    assert kapacitor.request('GET', '/kapacitor/v1/config/slack/').status == 200
    assert kapacitor.request('POST', '/kapacitor/v1/config/slack', {'remove': ['x']}).status == 204
    kapacitor.clear_faults()
    assert kapacitor.request('GET', '/kapacitor/v1/config/slack').status == 200


def test_fault_delay(kapacitor):
    kapacitor.add_fault(path='/ping', delay=0.5, count=1)
    start = time.time()
    assert kapacitor.request('GET', '/kapacitor/v1/ping').status == 204
    assert time.time() - start >= 0.5
    start = time.time()
    kapacitor.request('GET', '/kapacitor/v1/ping')
    assert time.time() - start < 0.5


def test_fault_delay_beyond_client_timeout(kapacitor):
    kapacitor.add_fault(path='/ping', delay=2, count=1)
    with pytest.raises(TimeoutError):
        kapacitor.request('GET', '/kapacitor/v1/ping', timeout=0.5)


def test_fault_drop(kapacitor):
    kapacitor.add_fault(path='/config', drop=True, count=2)
    for _attempt in range(2):
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            kapacitor.request('GET', SMTP)
    assert kapacitor.request('GET', SMTP).status == 200
    assert [e['status'] for e in kapacitor.requests()] == [None, None, 200]


def test_bad_fault(kapacitor):
    response = kapacitor.request('POST', '/_emulator/faults', {'statuss': 500})
    assert response.status == 400
    assert kapacitor.request('POST', '/_emulator/faults', {'path': '('}).status == 400
    assert kapacitor.request('POST', '/_emulator/faults', {'status': 99}).status == 400
    assert kapacitor.request('POST', '/_emulator/faults', {'count': 0}).status == 400


def test_fault_status_without_body_keeps_the_connection_usable(kapacitor):
    kapacitor.add_fault(path='/config/smtp/', status=204, count=1)
    conn = kapacitor.connection()
    try:
        conn.request('GET', SMTP)
        first = conn.getresponse()
        assert (first.status, first.read()) == (204, b'')
        conn.request('GET', SMTP)
        second = conn.getresponse()
        assert second.status == 200 and b'"host":"localhost"' in second.read()
    finally:
        conn.close()


def test_reset(kapacitor):
    assert kapacitor.request('POST', '/kapacitor/v1/config/slack', {'add': {'workspace': 'w'}}).status == 204
    kapacitor.add_fault(path='/nothing', status=500)
    kapacitor.reset()
    assert kapacitor.requests() == []
    assert kapacitor.json('GET', '/kapacitor/v1/config/slack/w')[0] == 404
    # re-adding is fine again after a reset, and the fault is gone
    assert kapacitor.request('POST', '/kapacitor/v1/config/slack', {'add': {'workspace': 'w'}}).status == 204
    assert kapacitor.request('GET', '/kapacitor/v1/nothing').status == 404
