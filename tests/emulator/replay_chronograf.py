# -*- coding: utf-8 -*-
"""Replay Chronograf 1.11.4's handler tests and code-derived cases (as data) on the Chronograf emulator.

fixtures/chronograf.json: `fixtures` (Go tests of server/*_test.go and kv/servers_test.go) and `code_derived_cases`.
Each case runs on its own emulator process, with a Kapacitor emulator behind the proxy where one is needed.
Prints one line per failure, one line per case that cannot be replayed here (and why), and a final
`N passed, N failed`; exits non-zero on any failure.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import chronograf_emulator  # noqa: E402 pylint: disable=wrong-import-position
from harness import ChronografEmulator, Emulator  # noqa: E402 pylint: disable=wrong-import-position

HERE = os.path.dirname(os.path.abspath(__file__))
PLACEHOLDER_INFLUX = 'http://127.0.0.1:9'

# Cases that need what the emulator does not model, with the reason printed by the replay.
NOT_REPLAYED = {
    'kapacitor-rules-get': 'the rules route (TICKscript to rule conversion) is not emulated',
    'routes-index-with-auth': 'needs a configured OAuth provider (login/logout/callback links)',
    'authorized-user/role-matrix': 'needs OAuth session-cookie users with roles',
    'authorized-token/Authorized ok': 'needs a valid OAuth session cookie',
    'create-active-omitted-oauth-cookie': 'needs the organisation-scoped store of OAuth cookie users',
}


# -- superadmin tokens with the stored throwaway key, standard library only

def load_test_key():
    with open(os.path.join(HERE, 'fixtures', 'chronograf-test-key.json'), encoding='utf-8') as handle:
        data = json.load(handle)
    return int(data['n']), int(data['e']), int(data['d'])


def der_integer(value):
    body = value.to_bytes(value.bit_length() // 8 + 1, 'big')
    return b'\x02' + der_length(len(body)) + body


def der_length(length):
    if length < 0x80:
        return bytes([length])
    data = length.to_bytes((length.bit_length() + 7) // 8, 'big')
    return bytes([0x80 | len(data)]) + data


def public_pem(key, label='PUBLIC KEY'):
    """The PKCS#1 RSAPublicKey in a PEM block, labelled as chronoctl gen-keypair does."""
    body = der_integer(key[0]) + der_integer(key[1])
    encoded = base64.b64encode(b'\x30' + der_length(len(body)) + body).decode()
    lines = [encoded[i:i + 64] for i in range(0, len(encoded), 64)]
    return '-----BEGIN %s-----\n%s\n-----END %s-----\n' % (label, '\n'.join(lines), label)


def sign(key, message):
    """RSASSA-PKCS1-v1_5 with SHA-256, standard base64 with padding."""
    modulus, private = key[0], key[2]
    size = (modulus.bit_length() + 7) // 8
    digest_info = chronograf_emulator.SHA256_DIGEST_INFO + hashlib.sha256(message).digest()
    encoded = b'\x00\x01' + b'\xff' * (size - len(digest_info) - 3) + b'\x00' + digest_info
    return base64.b64encode(pow(int.from_bytes(encoded, 'big'), private, modulus).to_bytes(size, 'big')).decode()


class Run:
    """One case: its emulators, its checks and its failure lines."""

    def __init__(self, label, workdir):
        self.label = label
        self.workdir = workdir
        self.failures = []
        self.started = []

    def check(self, condition, text):
        if not condition:
            self.failures.append('%s: %s' % (self.label, text))
        return condition

    def chronograf(self, sources=None, servers=None, args=(), pub_key=None):
        config = {'sources': sources if sources is not None else [{'id': 1, 'name': 'Influx 1', 'url': PLACEHOLDER_INFLUX}],
                  'kapacitors': servers or []}
        extra = list(args)
        if pub_key:
            path = os.path.join(self.workdir, 'chronograf-rsa.pub')
            with open(path, 'w', encoding='utf-8') as handle:
                handle.write(public_pem(pub_key))
            extra += ['--pub-key', path]
        emulator = ChronografEmulator(config, extra_args=extra).start()
        self.started.append(emulator)
        return emulator

    def kapacitor(self):
        emulator = Emulator().start()
        self.started.append(emulator)
        return emulator

    def stop(self):
        for emulator in self.started:
            emulator.stop()


def token_header(chronograf, key, prefix='CHRONOGRAF-SHA256 '):
    nonce = chronograf.request('GET', '/nonce').data
    return {'Authorization': prefix + sign(key, nonce)}


def send(chronograf, request, headers=None):
    data = None
    if 'body_raw' in request:
        data = request['body_raw'].encode()
    elif 'body' in request:
        data = json.dumps(request['body']).encode()
    return chronograf.request(request['method'], request['path'], raw=data, headers=dict(request.get('headers') or {}, **(headers or {})))


def ordered(data):
    return json.loads(data, object_pairs_hook=list)


def without(pairs, key):
    return [(k, v) for k, v in pairs if k != key]


def store_of(chronograf):
    return chronograf.request('GET', '/_emulator/store').json()


# -- fixtures

def replay_activation(run, fixture):
    chronograf = run.chronograf(sources=[{'id': 1, 'insecureSkipVerify': True}])
    for index, step in enumerate(fixture['steps']):
        name = 'step %d %s %s' % (index, step['request']['method'], step['request']['path'])
        response = send(chronograf, step['request'])
        expected = step['expected']
        run.check(response.status == expected['status_actual_from_code'], '%s: status %s' % (name, response.status))
        for header, value in expected.get('headers_derived', {}).items():
            run.check(response.headers.get(header) == value, '%s: %s is %r' % (name, header, response.headers.get(header)))
        if 'body_derived' in expected:
            run.check(response.json() == expected['body_derived'], '%s: body %s' % (name, response.text))
        if 'state_after' in step:
            stored = dict((s['id'], s) for s in store_of(chronograf)['servers'])
            for row in step['state_after']:
                got = dict((k, stored.get(row['id'], {}).get(k)) for k in row)
                run.check(got == row, '%s: stored %s, expected %s' % (name, got, row))


def replay_proxy_headers(run, fixture):
    kapacitor = run.kapacitor()
    server = dict(fixture['stored_state']['servers'][0], url=kapacitor.url, name='k')
    chronograf = run.chronograf(servers=[server])
    response = send(chronograf, fixture['request'])
    run.check(response.status == fixture['expected']['status'], 'status %s: %s' % (response.status, response.text))
    sent = kapacitor.requests()
    if run.check(len(sent) == 1, 'Kapacitor saw %d requests' % len(sent)):
        for header, value in fixture['expected']['upstream_received_headers'].items():
            got = sent[0]['headers'].get(header, '')
            run.check(got == value, 'Kapacitor received %s: %r, expected %r' % (header, got, value))


def source_from(fixture):
    source = dict(fixture['stored_state']['sources'][0])
    if 'body_raw' in fixture['request']:
        source.update(json.loads(fixture['request']['body_raw'].replace('{influx_url}', PLACEHOLDER_INFLUX)))
    org = fixture['stored_state'].get('default_organization')
    if org and not source.get('organization'):
        source['organization'] = org['id']
    return source


def replay_source_get(run, fixture):
    """GET /sources/:id renders the stored source; a PATCH response is the same rendering without the version probe."""
    source = source_from(fixture)
    chronograf = run.chronograf(sources=[source])
    response = chronograf.request('GET', '/chronograf/v1/sources/%s' % source['id'])
    expected = fixture['expected']
    run.check(response.status == expected['status'], 'status %s' % response.status)
    run.check(response.headers.get('Content-Type') == expected['content_type'], 'Content-Type %r' % response.headers.get('Content-Type'))
    body_exact = expected['body_exact'].replace('{influx_url}', PLACEHOLDER_INFLUX)
    if fixture['handler'] == 'Service.SourcesID':
        run.check(response.text == body_exact, 'body %r' % response.text)
    else:
        run.check(response.text.endswith('\n'), 'no trailing newline')
        got, want = without(ordered(response.text), 'version'), without(ordered(body_exact), 'version')
        run.check(got == want, 'body %s, expected %s (version aside)' % (response.text, body_exact))


def replay_source_shape(run, fixture):
    chronograf = run.chronograf(sources=[fixture['input_source']])
    response = chronograf.request('GET', '/chronograf/v1/sources/%s' % fixture['input_source']['id'])
    got = dict(response.json() or {})
    run.check(got.pop('version', None) == 'Unknown', 'GET has no version Unknown')
    run.check(got == fixture['expected_struct_as_json_derived'], 'body %s' % json.dumps(got))


def replay_source_validation(run, fixture):
    for case in fixture['cases']:
        name = case['name']
        source = dict(case['input']) if case['input'] is not None else None
        err = chronograf_emulator.valid_source_request(source, case['default_org_id'])
        expected = case['expected']
        if 'error' in expected:
            run.check(err == expected['error'], '%s: %r, expected %r' % (name, err, expected['error']))
        elif 'error_prefix' in expected:
            run.check(err == expected['full_message_go_1_14_plus'], '%s: %r' % (name, err))
        else:
            normalized = expected['normalized'] if isinstance(expected['normalized'], dict) else dict(case['input'])
            if not isinstance(expected['normalized'], dict) and 'organization' not in normalized:
                normalized['organization'] = case['default_org_id']
            run.check(err is None and source == normalized, '%s: %r, %r' % (name, err, source))


def replay_simple(run, fixture, args=(), key=None):
    chronograf = run.chronograf(args=args, pub_key=key)
    headers = token_header(chronograf, key) if key else None
    response = send(chronograf, fixture['request'], headers)
    expected = fixture['expected']
    run.check(response.status == expected['status'], 'status %s: %s' % (response.status, response.text))
    if 'content_type' in expected:
        run.check(response.headers.get('Content-Type') == expected['content_type'], 'Content-Type %r' % response.headers.get('Content-Type'))
    body = expected.get('body_json', expected.get('body_json_equal', expected.get('body_from_code')))
    if body is not None:
        run.check(response.json() == body, 'body %s' % response.text)


def replay_signature(run, fixture):
    key = load_test_key()
    chronograf = run.chronograf(pub_key=key)
    for prefix in ('', 'CHRONOGRAF-SHA256 '):
        response = chronograf.request('GET', '/chronograf/v1/config', headers=token_header(chronograf, key, prefix))
        run.check(response.status == 200, 'signature with prefix %r: status %s' % (prefix, response.status))


def replay_authorized_user(run, fixture):
    key = load_test_key() if fixture['setup']['useAuth'] else None
    chronograf = run.chronograf(pub_key=key)
    # The route that needs the highest role: a pass means no role was in the way.
    response = chronograf.request('GET', '/chronograf/v1/config', headers=token_header(chronograf, key) if key else None)
    run.check(response.status == 200, 'GET /chronograf/v1/config: status %s' % response.status)
    response = chronograf.request('GET', '/chronograf/v1/sources/1/kapacitors', headers=token_header(chronograf, key) if key else None)
    run.check(response.status == 200, 'raw store: GET kapacitors status %s' % response.status)


def replay_authorized_token(run, fixture):
    case = fixture['cases'][0]
    chronograf = run.chronograf(args=['--oauth'])
    response = chronograf.request('GET', '/chronograf/v1/sources', headers={'Cookie': 'session=not-a-valid-jwt'})
    run.check(response.status == case['expected_status'] and response.data == b'', '%s: %s %r' % (case['name'], response.status, response.data))


def replay_basepath_validation(run, fixture):
    for case in fixture['cases']:
        args = [sys.executable, chronograf_emulator.__file__, '--listen', '127.0.0.1:0', '--basepath', case['basepath']]
        if case['valid']:
            chronograf = run.chronograf(args=['--basepath', case['basepath']] if case['basepath'] else [])
            response = chronograf.request('GET', case['basepath'] + '/ping')
            run.check(response.status == 200, 'basepath %r: /ping status %s' % (case['basepath'], response.status))
        else:
            done = subprocess.run(args, capture_output=True, text=True, timeout=30, check=False)
            run.check(done.returncode == 1 and 'invalid basepath, must follow format "/mybasepath"' in done.stderr,
                      'basepath %r: exit %s %s' % (case['basepath'], done.returncode, done.stderr.strip()))


def replay_server_store(run, fixture):
    chronograf = run.chronograf()
    base = '/chronograf/v1/sources/1/kapacitors'
    first = {'name': 'Of Truth', 'url': 'http://k:9092', 'username': 'u', 'password': 'secret', 'insecureSkipVerify': True,
             'organization': '1337'}
    created = [chronograf.request('POST', base, first).json()['id'], chronograf.request('POST', base, dict(first, name='two')).json()['id']]
    stored = dict((str(s['id']), s) for s in store_of(chronograf)['servers'])
    got = dict((k, stored[created[0]][k]) for k in first)
    run.check(got == first, 'stored %s' % got)
    chronograf.request('PATCH', base + '/' + created[0], {'name': 'Of Lies', 'password': 'other'})
    stored = dict((str(s['id']), s) for s in store_of(chronograf)['servers'])
    run.check(stored[created[0]]['name'] == 'Of Lies' and stored[created[0]]['password'] == 'other', 'update: %s' % stored[created[0]])
    run.check(chronograf.request('DELETE', base + '/' + created[0]).status == 204, 'delete')
    response = chronograf.request('GET', base + '/' + created[0])
    run.check(response.status == 404, 'get after delete: %s' % response.status)
    remaining = [k['id'] for k in chronograf.request('GET', base).json()['kapacitors']]
    run.check(remaining == [created[1]], 'list after delete: %s' % remaining)


FIXTURES = [
    (re.compile(r'^kapacitor-activation-sequence$'), replay_activation),
    (re.compile(r'^proxy-auth-headers/'), replay_proxy_headers),
    (re.compile(r'^source-get-by-id$|^source-patch/'), replay_source_get),
    (re.compile(r'^source-response-shape/'), replay_source_shape),
    (re.compile(r'^source-validation$'), replay_source_validation),
    (re.compile(r'^me-no-auth$|^config-get$'), replay_simple),
    (re.compile(r'^me-oauth-empty-principal$'), lambda run, f: replay_simple(run, f, key=load_test_key())),
    (re.compile(r'^routes-index$'), lambda run, f: replay_simple(run, f, args=['--status-feed-url', ''])),
    (re.compile(r'^routes-index-external-links$'),
     lambda run, f: replay_simple(run, f, args=['--status-feed-url', 'http://pineapple.life/feed.json', '--custom-link', 'cubeapple:https://cube.apple'])),
    (re.compile(r'^superadmin-signature-valid$'), replay_signature),
    (re.compile(r'^authorized-user/(Use-superadmin-token|Not-using-auth)$'), replay_authorized_user),
    (re.compile(r'^authorized-token$'), replay_authorized_token),
    (re.compile(r'^basepath-validation$'), replay_basepath_validation),
    (re.compile(r'^kv-server-store$'), replay_server_store),
]


# -- code-derived cases

def case_state(case, kapacitor_url):
    state = case.get('state_before') or {}
    sources = [{'id': s, 'name': 'Influx %s' % s, 'url': PLACEHOLDER_INFLUX} for s in state.get('sources', [1])]
    rows = state.get('servers')
    if rows is None:
        rows = [{'id': 1, 'srcId': 1, 'name': 'k', 'url': 'http://k:9092'}]
    servers = []
    for row in rows:
        row = dict(row)
        if kapacitor_url and row.get('url') == 'http://k:9092':
            row['url'] = kapacitor_url
        servers.append(row)
    return sources, servers


def case_flags(case, run):
    mode = case.get('auth_mode', '') + ' ' + case.get('server_config', '')
    key = None
    args = []
    if '--htpasswd' in mode:
        path = os.path.join(run.workdir, 'htpasswd')
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write('admin:{SHA}' + base64.b64encode(hashlib.sha1(b'secret').digest()).decode() + '\n')
        args += ['--htpasswd', path]
    if '--pub-key' in mode:
        key = load_test_key()
    elif mode.strip().startswith('OAuth'):
        args.append('--oauth')
    match = re.search(r'--basepath (\S+)', mode)
    if match:
        args += ['--basepath', match.group(1)]
    return args, key


def replay_case(run, case):
    expected = case['expected']
    kapacitor = run.kapacitor() if 'upstream_request' in expected else None
    sources, servers = case_state(case, kapacitor.url if kapacitor else None)
    args, key = case_flags(case, run)
    chronograf = run.chronograf(sources=sources, servers=servers, args=args, pub_key=key)
    headers = dict(case['request'].get('headers') or {})
    if key is not None or headers.get('Authorization') == 'CHRONOGRAF-SHA256 <sig>':
        headers.update(token_header(chronograf, key or load_test_key()))
    request = dict(case['request'], headers=headers)
    response = send(chronograf, request)
    if 'status' in expected:
        run.check(response.status == expected['status'], 'status %s, expected %s: %s' % (response.status, expected['status'], response.text))
    if 'body' in expected:
        run.check(response.json() == expected['body'] if response.data else False, 'body %r, expected %s' % (response.text, json.dumps(expected['body'])))
        if response.status >= 400:
            run.check(not response.text.endswith('\n'), 'error body ends with a newline')
        elif 'body_note' in expected:
            run.check(response.text.endswith('\n'), 'body has no trailing newline')
    if 'body_raw' in expected:
        if case['id'] == 'nonce':
            run.check(re.match(r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', response.text), 'nonce %r' % response.text)
        else:
            run.check(response.text == expected['body_raw'], 'body %r, expected %r' % (response.text, expected['body_raw']))
            if expected['body_raw'] == '' and 'no Content-Type' in expected.get('note', ''):
                run.check('Content-Type' not in response.headers, 'has a Content-Type')
    for header, value in expected.get('headers', {}).items():
        got = response.headers.get(header)
        if header == 'Expires':
            run.check(got and re.match(r'^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d UTC$', got), 'Expires %r' % got)
        else:
            run.check(got == value, '%s is %r, expected %r' % (header, got, value))
    if 'state_after' in expected:
        active = dict((s['id'], s['active']) for s in store_of(chronograf)['servers'])
        run.check(active == {1: False, 2: True, 3: True}, 'active after: %s' % active)
    if kapacitor is not None:
        check_upstream(run, case, kapacitor, response)


def check_upstream(run, case, kapacitor, response):
    seen = kapacitor.requests()
    if not run.check(len(seen) == 1, 'Kapacitor saw %d requests' % len(seen)):
        return
    got = seen[0]
    want = re.match(r'^(\w+) http://k:9092(\S*)', case['expected']['upstream_request'])
    path, query = want.group(2).partition('?')[::2]
    run.check(got['method'] == want.group(1) and got['path'] == path, 'upstream %s %s' % (got['method'], got['path']))
    wanted_query = dict((pair.partition('=')[0], [pair.partition('=')[2]]) for pair in query.split('&') if pair)
    run.check(got['query'] == wanted_query, 'upstream query %s, expected %s' % (got['query'], wanted_query))
    if case['id'] != 'proxy-post-body':
        return
    headers = got['headers']
    run.check(got['body'] == case['request']['body'], 'upstream body %r' % (got['body'],))
    run.check(headers.get('Content-Length') == str(len(json.dumps(case['request']['body']))), 'Content-Length %r' % headers.get('Content-Length'))
    run.check(headers.get('Content-Type') == 'application/json', 'Content-Type %r' % headers.get('Content-Type'))
    run.check(headers.get('Host') == '127.0.0.1:%d' % kapacitor.port, 'Host %r' % headers.get('Host'))
    run.check(headers.get('Authorization') == 'Basic ' + base64.b64encode(b'u:p').decode(), 'Authorization %r' % headers.get('Authorization'))
    run.check(headers.get('X-Requested-With') == 'XMLHttpRequest', 'X-Requested-With %r' % headers.get('X-Requested-With'))
    run.check(headers.get('X-Forwarded-For') == '127.0.0.1', 'X-Forwarded-For %r' % headers.get('X-Forwarded-For'))
    for header in ('X-Kapacitor-Version', 'Request-Id'):
        run.check(header in response.headers, 'Kapacitor header %s not passed back' % header)
    for header, value in (('X-Chronograf-Version', chronograf_emulator.VERSION), ('X-Frame-Options', 'SAMEORIGIN'),
                          ('Cross-Origin-Resource-Policy', 'same-origin')):
        run.check(response.headers.get(header) == value, '%s is %r' % (header, response.headers.get(header)))


def run_one(label, function, *args):
    workdir = tempfile.mkdtemp(prefix='chronograf-replay-')
    run = Run(label, workdir)
    try:
        function(run, *args)
    except Exception as exc:  # pylint: disable=broad-except
        run.failures.append('%s: %s: %s' % (label, type(exc).__name__, exc))
    finally:
        run.stop()
        for name in os.listdir(workdir):
            os.remove(os.path.join(workdir, name))
        os.rmdir(workdir)
    return run.failures


def replay_all():
    """Return (passed, failure lines, not-replayed lines)."""
    with open(os.path.join(HERE, 'fixtures', 'chronograf.json'), encoding='utf-8') as handle:
        data = json.load(handle)
    passed, failures, skipped = 0, [], []
    for fixture in data['fixtures']:
        if fixture['id'] in NOT_REPLAYED:
            skipped.append('fixture %s: %s' % (fixture['id'], NOT_REPLAYED[fixture['id']]))
            continue
        function = next((f for pattern, f in FIXTURES if pattern.search(fixture['id'])), None)
        if function is None:
            failures.append('fixture %s: no replay for it' % fixture['id'])
            continue
        bad = run_one('fixture ' + fixture['id'], function, fixture)
        failures += bad
        passed += 0 if bad else 1
    skipped += ['fixture %s: %s' % (name, reason) for name, reason in NOT_REPLAYED.items() if name.startswith('authorized-token/')]
    for case in data['code_derived_cases']:
        if case['id'] in NOT_REPLAYED:
            skipped.append('case %s: %s' % (case['id'], NOT_REPLAYED[case['id']]))
            continue
        bad = run_one('case ' + case['id'], replay_case, case)
        failures += bad
        passed += 0 if bad else 1
    return passed, failures, skipped


def main():
    passed, failures, not_replayed = replay_all()
    lines = ['NOT REPLAYED ' + line for line in not_replayed] + ['FAIL ' + line for line in failures]
    print('\n'.join(lines + ['%d passed, %d failed' % (passed, len(failures))]))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
