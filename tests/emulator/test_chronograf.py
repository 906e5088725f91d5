# -*- coding: utf-8 -*-
"""The Chronograf emulator as a process: Kapacitor connections, the proxy to a Kapacitor emulator, authentication."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

import base64
import email.utils
import hashlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import CHRONOGRAF_EMULATOR  # noqa: E402 pylint: disable=wrong-import-position

KAPACITORS = '/chronograf/v1/sources/1/kapacitors'
# MD5-crypt hashes written by `openssl passwd -apr1 -salt abcdefgh secret` and `openssl passwd -1 -salt saltsalt 'pa:ss word'`.
APR1_SECRET = '$apr1$abcdefgh$h9FWgUz3n9YxylKLlR5SQ/'
MD5_PA_SS_WORD = '$1$saltsalt$31I8wIB9/AjNDrVEYkMoG0'


def basic(user, password):
    return {'Authorization': 'Basic ' + base64.b64encode(('%s:%s' % (user, password)).encode()).decode()}


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def proxy(kid, kapacitor_path):
    return '%s/%s/proxy?path=%s' % (KAPACITORS, kid, urllib.parse.quote(kapacitor_path, safe=''))


def connect(chronograf, kapacitor, **fields):
    body = dict({'name': 'k', 'url': kapacitor.url}, **fields)
    response = chronograf.request('POST', KAPACITORS, body)
    assert response.status == 201, response.text
    return response.json()['id']


# -- Kapacitor connections

def test_connection_crud_validation_and_ids(start_chronograf):
    chronograf = start_chronograf()
    response = chronograf.request('POST', KAPACITORS, {'NAME': 'first', 'url': 'http://k:9092', 'username': 'u', 'password': 'p'})
    assert response.status == 201
    assert response.headers['Location'] == KAPACITORS + '/1'
    assert response.headers['X-Chronograf-Version'] == '1.11.4'
    assert response.text.endswith('}\n')
    created = response.json()
    assert created == {'id': '1', 'name': 'first', 'url': 'http://k:9092', 'username': 'u', 'insecureSkipVerify': False, 'active': False,
                       'links': {'proxy': KAPACITORS + '/1/proxy', 'self': KAPACITORS + '/1', 'rules': KAPACITORS + '/1/rules',
                                 'tasks': KAPACITORS + '/1/proxy?path=/kapacitor/v1/tasks',
                                 'ping': KAPACITORS + '/1/proxy?path=/kapacitor/v1/ping'}}
    for body, status, message in [
        ({'name': 'k'}, 422, 'name and url required'),
        ({'name': 'k', 'url': 'localhost:9092 '}, 201, None),  # Go reads "localhost" as a scheme
        ({'name': 'k', 'url': 'http://k:9092 '}, 422, 'invalid source URI: parse "http://k:9092 ": invalid port ":9092 " after host'),
        ({'name': 'k', 'url': '//k:9092'}, 422, 'invalid URL; no URL scheme defined'),
        ({'name': 'k', 'url': 'http://k', 'active': 1}, 400, 'Unparsable JSON'),
        ([], 400, 'Unparsable JSON'),
    ]:
        response = chronograf.request('POST', KAPACITORS, body)
        assert response.status == status, (body, response.text)
        if message:
            assert response.text == json.dumps({'code': status, 'message': message}, separators=(',', ':'))
    assert chronograf.request('POST', '/chronograf/v1/sources/7/kapacitors', raw=b'garbage').json() == {'code': 404, 'message': 'ID 7 not found'}
    response = chronograf.request('PATCH', KAPACITORS + '/1', raw=b'{"password": "", "name": null, "url": "https://k:9092"} trailing')
    assert response.status == 200 and response.json()['name'] == 'first' and response.json()['url'] == 'https://k:9092'
    stored = chronograf.request('GET', '/_emulator/store').json()['servers'][0]
    assert stored['password'] == '' and stored['username'] == 'u'
    assert chronograf.request('DELETE', KAPACITORS + '/+1').status == 204
    assert chronograf.request('DELETE', KAPACITORS + '/1').json() == {'code': 404, 'message': 'ID 1 not found'}
    assert chronograf.request('GET', KAPACITORS + '/x').json() == {'code': 422, 'message': 'Error converting ID x'}
    # Ids come from a sequence: never reused.
    assert chronograf.request('POST', KAPACITORS, {'name': 'again', 'url': 'http://k:9092'}).json()['id'] == '3'
    assert [k['id'] for k in chronograf.request('GET', KAPACITORS).json()['kapacitors']] == ['2', '3']
    assert chronograf.request('GET', '/chronograf/v1/sources/9/kapacitors').json() == {'kapacitors': []}


def test_activation_is_per_source(start_chronograf):
    config = {'sources': [{'id': 1, 'name': 'a', 'url': 'http://a:8086', 'default': True}, {'id': 2, 'name': 'b', 'url': 'http://b:8086'}],
              'kapacitors': [{'id': 1, 'srcId': 1, 'name': 'one', 'url': 'http://k:9092', 'active': True},
                             {'id': 2, 'srcId': 2, 'name': 'other source', 'url': 'http://k:9092', 'active': True}]}
    chronograf = start_chronograf(config=config)
    new = chronograf.request('POST', KAPACITORS, {'name': 'two', 'url': 'http://k:9092', 'active': True}).json()
    assert new['id'] == '3' and new['active'] is True
    active = dict((s['id'], s['active']) for s in chronograf.request('GET', '/_emulator/store').json()['servers'])
    assert active == {1: False, 2: True, 3: True}
    chronograf.request('PATCH', KAPACITORS + '/3', {'active': False})
    active = dict((s['id'], s['active']) for s in chronograf.request('GET', '/_emulator/store').json()['servers'])
    assert active == {1: False, 2: True, 3: False}


def test_sources_hide_secrets(start_chronograf):
    chronograf = start_chronograf(config={'sources': [{'id': 4, 'name': 'i', 'url': 'http://i:8086', 'username': 'u', 'password': 'pw',
                                                       'sharedSecret': 's', 'default': True}]})
    sources = chronograf.request('GET', '/chronograf/v1/sources').json()['sources']
    assert [s['id'] for s in sources] == ['4']
    assert 'password' not in sources[0] and 'sharedSecret' not in sources[0] and sources[0]['authentication'] == 'basic'
    assert chronograf.request('GET', '/chronograf/v1/sources/5').json() == {'code': 404, 'message': 'ID 5 not found'}


def test_state_file_survives_restart_and_sigterm(start_chronograf, tmp_path):
    chronograf = start_chronograf(state_file=str(tmp_path / 'state.json'))
    chronograf.request('POST', KAPACITORS, {'name': 'kept', 'url': 'http://k:9092', 'password': 'p'})
    process = chronograf.process
    process.send_signal(signal.SIGTERM)
    assert process.wait(10) == 0
    chronograf.process = None
    chronograf.start()
    assert [k['name'] for k in chronograf.request('GET', KAPACITORS).json()['kapacitors']] == ['kept']
    assert chronograf.request('POST', KAPACITORS, {'name': 'next', 'url': 'http://k:9092'}).json()['id'] == '2'


# -- non-JSON answers and routing

def test_ui_page_405_options_and_redirects(start_chronograf):
    chronograf = start_chronograf()
    for method in ('GET', 'POST', 'DELETE'):
        response = chronograf.request(method, '/chronograf/v1/sources/1/kapacitorz')
        assert response.status == 200 and response.headers['Content-Type'] == 'text/html; charset=utf-8'
        assert '<html' in response.text
    response = chronograf.request('PUT', KAPACITORS + '/1')
    assert response.status == 405 and response.text == 'Method Not Allowed\n'
    assert sorted(response.headers['Allow'].split(', ')) == ['DELETE', 'GET', 'OPTIONS', 'PATCH']
    assert chronograf.request('HEAD', KAPACITORS).status == 405
    response = chronograf.request('OPTIONS', KAPACITORS)
    assert response.status == 200 and response.data == b'' and 'POST' in response.headers['Allow']
    response = chronograf.request('GET', KAPACITORS + '/?x=1')
    assert response.status == 301 and response.headers['Location'] == KAPACITORS + '?x=1'
    response = chronograf.request('POST', '/Chronograf/v1/sources/1/kapacitors', {'name': 'k', 'url': 'http://k'})
    assert response.status == 307 and response.headers['Location'] == KAPACITORS and response.data == b''
    response = chronograf.request('GET', '/ping')
    assert response.status == 200 and response.data == b''


def test_basepath(start_chronograf):
    chronograf = start_chronograf(extra_args=['--basepath', '/cg'])
    response = chronograf.request('GET', '/chronograf/v1/sources')
    assert response.status == 404 and response.text == '404 page not found\n'
    assert response.headers['X-Chronograf-Version'] == '1.11.4'
    assert chronograf.request('GET', '/cg/chronograf/v1/sources').status == 200
    response = chronograf.request('POST', '/cg' + KAPACITORS, {'name': 'k', 'url': 'http://127.0.0.1:1'})
    assert response.headers['Location'] == KAPACITORS + '/1'
    assert response.json()['links']['proxy'] == KAPACITORS + '/1/proxy'
    response = chronograf.request('GET', '/cg' + response.json()['links']['ping'])
    assert response.status == 502
    assert chronograf.request('GET', '/cg/nonce').status == 200
    assert chronograf.request('GET', '/nonce').status == 404
    assert chronograf.request('GET', '/cg/some/page').headers['Content-Type'] == 'text/html; charset=utf-8'
    response = chronograf.request('GET', '/cg/chronograf/v1/')
    assert response.status == 301 and response.headers['Location'] == '/cg/chronograf/v1'
    done = subprocess.run([sys.executable, CHRONOGRAF_EMULATOR, '--listen', '127.0.0.1:0', '--basepath', '/trailing/'],
                          capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 1 and 'invalid basepath' in done.stderr


# -- the proxy

def test_proxy_path_handling_and_headers(start_chronograf, start_emulator):
    kapacitor = start_emulator()
    chronograf = start_chronograf()
    kid = connect(chronograf, kapacitor, username='kap', password='secret')
    response = chronograf.request('GET', proxy(kid, '/kapacitor/v1/config/slack/my%20team?x=1&y=2') + '&outer=dropped',
                                  headers={'Cookie': 'a=b', 'Authorization': 'Bearer t', 'X-Custom': 'kept', 'Connection': 'X-Hop',
                                           'X-Hop': 'removed'})
    assert response.status == 404  # Kapacitor's own answer: no such element
    assert response.headers['X-Kapacitor-Version'] and response.headers['X-Chronograf-Version'] == '1.11.4'
    assert 'error' in response.json()
    seen = kapacitor.requests()[-1]
    assert seen['path'] == '/kapacitor/v1/config/slack/my%20team' and seen['query'] == {'x': ['1'], 'y': ['2']}
    assert seen['headers']['Authorization'] == basic('kap', 'secret')['Authorization']
    assert 'Cookie' not in seen['headers'] and 'X-Hop' not in seen['headers'] and seen['headers']['X-Custom'] == 'kept'
    assert seen['headers']['Host'] == '127.0.0.1:%d' % kapacitor.port
    # Unencoded: '&' splits the inner query and the rest is an outer parameter, dropped.
    chronograf.request('GET', KAPACITORS + '/%s/proxy?path=/kapacitor/v1/service-tests?pattern=s*&offset=2' % kid)
    assert kapacitor.requests()[-1]['query'] == {'pattern': ['s*']}
    response = chronograf.request('POST', proxy(kid, '/kapacitor/v1/config/smtp/'), {'set': {'host': 'mail.example.com'}})
    assert response.status == 204
    response = chronograf.request('GET', proxy(kid, '/kapacitor/v1/config/smtp/'))
    assert response.json()['options']['host'] == 'mail.example.com'
    assert chronograf.request('GET', KAPACITORS + '/%s/proxy' % kid).json() == {'code': 422, 'message': 'path query parameter required'}
    assert chronograf.request('GET', KAPACITORS + '/%s/proxy?path=/a;b' % kid).json()['message'] == 'path query parameter required'
    assert chronograf.request('PUT', proxy(kid, '/kapacitor/v1/ping')).status == 405
    assert chronograf.request('GET', '/chronograf/v1/sources/2/kapacitors/%s/proxy?path=/x' % kid).json() == \
        {'code': 404, 'message': 'ID %s not found' % kid}
    # Without both username and password no Authorization reaches Kapacitor.
    chronograf.request('PATCH', KAPACITORS + '/' + kid, {'password': ''})
    chronograf.request('GET', proxy(kid, '/kapacitor/v1/ping'), headers=basic('outer', 'creds'))
    assert 'Authorization' not in kapacitor.requests()[-1]['headers']


def test_proxy_502_when_kapacitor_is_down(start_chronograf):
    chronograf = start_chronograf()
    for url in ('http://127.0.0.1:%d' % free_port(), 'localhost:9092', 'ftp://127.0.0.1:21'):
        kid = chronograf.request('POST', KAPACITORS, {'name': 'down', 'url': url}).json()['id']
        response = chronograf.request('GET', proxy(kid, '/kapacitor/v1/ping'))
        assert response.status == 502 and response.data == b'', url
        assert response.headers['Content-Length'] == '0' and 'Content-Type' not in response.headers
        assert response.headers['X-Chronograf-Version'] == '1.11.4'


def test_proxy_tls_follows_insecure_skip_verify(start_chronograf, start_emulator, certs):
    kapacitor = start_emulator(tls=(certs['server'], certs['server-key']), ca_file=certs['ca'])
    chronograf = start_chronograf()
    checked = connect(chronograf, kapacitor)
    unchecked = connect(chronograf, kapacitor, insecureSkipVerify=True)
    response = chronograf.request('GET', proxy(checked, '/kapacitor/v1/ping'))
    assert response.status == 502 and response.data == b''  # the throwaway CA is not trusted
    assert chronograf.request('GET', proxy(unchecked, '/kapacitor/v1/ping')).status == 204


def test_faults_and_request_log(start_chronograf, start_emulator):
    kapacitor = start_emulator()
    chronograf = start_chronograf()
    kid = connect(chronograf, kapacitor)
    chronograf.add_fault(path='/proxy$', status=502, count=1)
    response = chronograf.request('GET', proxy(kid, '/kapacitor/v1/ping'))
    assert response.status == 502 and response.data == b''
    assert chronograf.request('GET', proxy(kid, '/kapacitor/v1/ping')).status == 204
    entry = chronograf.requests()[-1]
    assert entry['status'] == 204 and entry['proxied_to']['url'] == kapacitor.url + '/kapacitor/v1/ping'
    chronograf.add_fault(path='/proxy$', drop=True)
    with pytest.raises((http.client.HTTPException, OSError)):
        chronograf.request('GET', proxy(kid, '/kapacitor/v1/ping'))
    chronograf.clear_faults()
    chronograf.add_fault(method='GET', path='/kapacitors$', delay=0.3, status=500, message='boom')
    started = time.time()
    response = chronograf.request('GET', KAPACITORS)
    assert time.time() - started >= 0.3 and response.json() == {'code': 500, 'message': 'boom'}
    chronograf.reset()
    assert chronograf.requests() == [] and chronograf.request('GET', KAPACITORS).json() == {'kapacitors': []}


# -- authentication

def test_htpasswd(start_chronograf, tmp_path):
    path = tmp_path / 'htpasswd'
    sha = '{SHA}' + base64.b64encode(hashlib.sha1(b'sha-pass').digest()).decode()
    path.write_text('# users\nalice:%s\nbob: %s\ncarol:%s\nplain:plain\nbcrypt:$2y$05$abcdefghijklmnopqrstuu\n' % (sha, APR1_SECRET, MD5_PA_SS_WORD))
    chronograf = start_chronograf(extra_args=['--htpasswd', str(path), '--basic-auth-realm', 'Ops'])
    for user, password in (('alice', 'sha-pass'), ('bob', 'secret'), ('carol', 'pa:ss word')):
        assert chronograf.request('GET', KAPACITORS, headers=basic(user, password)).status == 200, user
    for headers in ({}, basic('bob', 'wrong'), basic('plain', 'plain'), basic('nobody', 'x'),
                    {'Authorization': 'basic ' + basic('bob', 'secret')['Authorization'][6:]}):
        response = chronograf.request('GET', '/nonce', headers=headers)
        assert response.status == 401 and response.text == '401 Unauthorized\n', headers
        assert response.headers['Content-Type'] == 'text/plain' and response.headers['WWW-Authenticate'] == 'Basic realm="Ops"'
    # The file is read again when it changes; a malformed or missing file drops the connection.
    path.write_text('bob:%s\n' % sha)
    os.utime(str(path), (time.time() + 5, time.time() + 5))
    assert chronograf.request('GET', '/ping', headers=basic('bob', 'sha-pass')).status == 200
    path.write_text('bob:%s\nextra:field:count\n' % sha)
    os.utime(str(path), (time.time() + 10, time.time() + 10))
    with pytest.raises((http.client.HTTPException, OSError)):
        chronograf.request('GET', '/ping', headers=basic('bob', 'sha-pass'))
    os.remove(str(path))
    with pytest.raises((http.client.HTTPException, OSError)):
        chronograf.request('GET', '/ping', headers=basic('bob', 'sha-pass'))
    assert chronograf.request('GET', '/ping').status == 401  # no credentials: the file is not read


def key_files(tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pkcs1 = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1).decode()
    path = tmp_path / 'chronograf-rsa.pub'
    path.write_text(pkcs1.replace('RSA PUBLIC KEY', 'PUBLIC KEY'))
    spki = tmp_path / 'spki.pub'
    spki.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    labelled = tmp_path / 'labelled.pub'
    labelled.write_text(pkcs1)
    return key, str(path), str(spki), str(labelled)


def signed(chronograf, key, prefix='CHRONOGRAF-SHA256 ', nonce=None):
    nonce = nonce if nonce is not None else chronograf.request('GET', '/nonce').data
    signature = key.sign(nonce, padding.PKCS1v15(), hashes.SHA256())
    return {'Authorization': prefix + base64.b64encode(signature).decode()}


def test_superadmin_token(start_chronograf, tmp_path):
    key, pub = key_files(tmp_path)[:2]
    chronograf = start_chronograf(extra_args=['--pub-key', pub])
    response = chronograf.request('GET', '/nonce')
    assert response.status == 200 and len(response.data) == 36 and response.headers['Content-Type'] == 'text/plain'
    assert response.headers['Expires'].endswith(' UTC')
    headers = signed(chronograf, key)
    assert chronograf.request('GET', KAPACITORS, headers=headers).status == 200
    assert chronograf.request('GET', '/chronograf/v1/config', headers=signed(chronograf, key, prefix='')).status == 200
    assert chronograf.request('GET', '/chronograf/v1/me', headers=headers).json() == {'code': 422, 'message': 'Token not found'}
    bad = signed(chronograf, key, nonce=b'not-the-nonce')
    unpadded = {'Authorization': headers['Authorization'].rstrip('=')}
    for attempt in ({}, bad, {'Authorization': 'Bearer x'}, unpadded if unpadded != headers else bad):
        response = chronograf.request('GET', KAPACITORS, headers=attempt)
        assert response.status == 403 and response.data == b'' and 'Content-Type' not in response.headers
    # Open routes, and unknown API paths that need the token before the UI page.
    assert chronograf.request('GET', '/chronograf/v1/').status == 200
    assert chronograf.request('GET', '/chronograf/v1/sources/1/kapacitorz').status == 403
    assert chronograf.request('GET', '/elsewhere').status == 200
    chronograf.request('POST', '/_emulator/nonce')
    assert chronograf.request('GET', KAPACITORS, headers=headers).status == 403


def test_nonce_expiry(start_chronograf, tmp_path):
    key, pub = key_files(tmp_path)[:2]
    chronograf = start_chronograf(extra_args=['--pub-key', pub, '--nonce-expiration', '1s'])
    first = chronograf.request('GET', '/nonce')
    expires = email.utils.parsedate_to_datetime(first.headers['Expires']).timestamp()
    headers = signed(chronograf, key, nonce=first.data)
    time.sleep(max(0.0, expires - time.time()) + 1.1)  # Expires is cut to the second
    # The old signature fails at once after the rotation; a client fetches a fresh nonce and retries once.
    assert chronograf.request('GET', KAPACITORS, headers=headers).status == 403
    assert chronograf.request('GET', '/nonce').data != first.data
    statuses = [chronograf.request('GET', KAPACITORS, headers=signed(chronograf, key)).status for attempt in range(2)]
    assert 200 in statuses


def test_token_ignored_without_oauth_and_cookie_guard(start_chronograf):
    chronograf = start_chronograf()
    assert chronograf.request('GET', KAPACITORS, headers={'Authorization': 'CHRONOGRAF-SHA256 garbage'}).status == 200
    response = chronograf.request('POST', KAPACITORS, {'name': 'k', 'url': 'http://k'}, headers={'Cookie': 'session=x'})
    assert response.json() == {'code': 403, 'message': 'cross-origin request blocked'}
    origin = {'Cookie': 'session=x', 'Origin': 'http://127.0.0.1:%d' % chronograf.port}
    assert chronograf.request('POST', KAPACITORS, {'name': 'k', 'url': 'http://k'}, headers=origin).status == 201


def test_public_key_forms(tmp_path):
    spki, labelled = key_files(tmp_path)[2:]
    for path, message in ((spki, 'use ParsePKIXPublicKey instead'), (labelled, 'unsupported key type "RSA PUBLIC KEY"')):
        done = subprocess.run([sys.executable, CHRONOGRAF_EMULATOR, '--listen', '127.0.0.1:0', '--pub-key', path],
                              capture_output=True, text=True, timeout=30, check=False)
        assert done.returncode == 1 and 'Unable to set public key' in done.stderr and message in done.stderr
