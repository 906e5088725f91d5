# -*- coding: utf-8 -*-
"""[http] auth-enabled: basic auth, u/p query parameters, bearer JWTs, 401 and 403 as Kapacitor answers."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

import base64
import time

import pytest

from harness import make_token

SECRET = 'shared-secret-for-tests'
USERS = [
    {'username': 'ops', 'password': 'ops-pass', 'permissions': ['config', 'api']},
    {'username': 'configonly', 'password': 'c-pass', 'permissions': ['config']},
    {'username': 'apionly', 'password': 'a-pass', 'permissions': ['api']},
    {'username': 'root', 'password': 'r-pass', 'admin': True},
]
CONFIG = '/kapacitor/v1/config/smtp/'
TESTS = '/kapacitor/v1/service-tests/smtp'


@pytest.fixture
def secured(start_emulator):
    return start_emulator(config={'http': {'auth-enabled': True, 'shared-secret': SECRET}, 'emulator': {'users': USERS}})


def basic(user, password):
    return {'Authorization': 'Basic ' + base64.b64encode(('%s:%s' % (user, password)).encode()).decode()}


def bearer(claims, secret=SECRET, alg='HS256'):
    return {'Authorization': 'Bearer ' + make_token(secret, claims, alg)}


def test_no_credentials(secured):
    response = secured.request('GET', CONFIG)
    assert response.status == 401
    assert response.text == '{"error":"unable to parse authentication credentials","message":"unable to parse authentication credentials"}'
    assert secured.request('GET', '/kapacitor/v1/ping').status == 401


def test_basic_auth(secured):
    assert secured.request('GET', CONFIG, headers=basic('ops', 'ops-pass')).status == 200
    response = secured.request('GET', CONFIG, headers=basic('ops', 'wrong'))
    assert (response.status, response.json()['error']) == (401, 'authorization failed')
    assert secured.request('GET', CONFIG, headers=basic('nobody', 'x')).status == 401
    response = secured.request('GET', CONFIG, headers=basic('', 'x'))
    assert (response.status, response.json()['error']) == (401, 'username required')


def test_query_credentials(secured):
    assert secured.request('GET', CONFIG + '?u=ops&p=ops-pass').status == 200
    assert secured.request('GET', CONFIG + '?u=ops&p=bad').status == 401
    assert secured.request('GET', CONFIG + '?u=ops').status == 401


@pytest.mark.parametrize('alg', ['HS256', 'HS384', 'HS512'])
def test_bearer_valid(secured, alg):
    headers = bearer({'username': 'ops', 'exp': time.time() + 60}, alg=alg)
    assert secured.request('GET', CONFIG, headers=headers).status == 200
    assert secured.request('POST', CONFIG, {'set': {'host': 'mail'}}, headers=headers).status == 204


@pytest.mark.parametrize('claims, secret, message', [
    ({'username': 'ops', 'exp': time.time() - 10}, SECRET, 'invalid token: Token is expired'),
    ({'username': 'ops'}, SECRET, 'token expiration required'),
    ({'username': 'ops', 'exp': 0}, SECRET, 'token expiration required'),
    ({'username': 'ops', 'exp': time.time() + 60}, 'another-secret', 'invalid token: signature is invalid'),
    ({'exp': time.time() + 60}, SECRET, 'username in token must be a string'),
    ({'username': '', 'exp': time.time() + 60}, SECRET, 'token must contain a username'),
    ({'username': 'ghost', 'exp': time.time() + 60}, SECRET, 'retrieving user "ghost" from store: no user exists'),
])
def test_bearer_rejected(secured, claims, secret, message):
    response = secured.request('GET', CONFIG, headers=bearer(claims, secret))
    assert response.status == 401
    assert response.json() == {'error': message, 'message': message}


def test_bearer_prefix_is_case_sensitive(secured):
    token = make_token(SECRET, {'username': 'ops', 'exp': time.time() + 60})
    response = secured.request('GET', CONFIG, headers={'Authorization': 'bearer ' + token})
    assert response.status == 401


def test_permissions(secured):
    # config: /config and /ping only
    assert secured.request('GET', CONFIG, headers=basic('configonly', 'c-pass')).status == 200
    assert secured.request('GET', '/kapacitor/v1/ping', headers=basic('configonly', 'c-pass')).status == 204
    response = secured.request('POST', TESTS, {}, headers=basic('configonly', 'c-pass'))
    assert response.status == 403
    assert response.text == ('{"error":"user configonly does not have \\"write\\" privilege for API endpoint \\"/kapacitor/v1/service-tests/smtp\\"",'
                             '"message":"user configonly does not have \\"write\\" privilege for API endpoint \\"/kapacitor/v1/service-tests/smtp\\""}')
    # api: everything but /config
    assert secured.request('POST', TESTS, {}, headers=basic('apionly', 'a-pass')).status == 200
    response = secured.request('GET', CONFIG, headers=basic('apionly', 'a-pass'))
    assert response.status == 403
    assert response.json()['error'] == 'user apionly does not have "read" privilege for API endpoint "/kapacitor/v1/config/smtp/"'
    # both, and admin
    assert secured.request('POST', TESTS, {}, headers=basic('ops', 'ops-pass')).status == 200
    assert secured.request('GET', CONFIG, headers=basic('root', 'r-pass')).status == 200
    # HEAD needs no privilege once authenticated
    assert secured.request('HEAD', '/kapacitor/v1/ping', headers=basic('apionly', 'a-pass')).status == 204


def test_auth_disabled_ignores_credentials(kapacitor):
    assert kapacitor.request('GET', CONFIG, headers=basic('anyone', 'anything')).status == 200
    assert kapacitor.request('GET', CONFIG, headers={'Authorization': 'Bearer not-a-token'}).status == 200


def test_secrets_reach_only_the_request_log(secured):
    headers = basic('ops', 'ops-pass')
    response = secured.request('POST', CONFIG, {'set': {'password': 'hunter2'}}, headers=headers)
    assert response.status == 204
    assert 'hunter2' not in secured.request('GET', '/kapacitor/v1/config', headers=headers).text
    entry = secured.requests()[0]
    assert entry['body'] == {'set': {'password': 'hunter2'}}
    assert entry['headers']['Authorization'] == headers['Authorization']
