#!/usr/bin/env bash
# The collection's playbooks run as users run them,
#   ansible-playbook tickstack.kapacitor.<playbook> -i inventory -e @vars.yml
# against a Kapacitor emulator, checking what they print and which requests reach Kapacitor.
set -eu -o pipefail

python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
collection=${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/tickstack/kapacitor
work=$(mktemp -d)
trap 'kill "$(cat "$work/pid" 2>/dev/null)" "$(cat "$work/chronograf.pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$work"' EXIT

"$python" "$collection/tests/emulator/kapacitor_emulator.py" --listen 127.0.0.1:0 \
  --port-file "$work/port" --test-controls > "$work/emulator.log" 2>&1 &
echo $! > "$work/pid"
for _ in $(seq 100); do [[ -s $work/port ]] && break; sleep 0.1; done
url=http://127.0.0.1:$(cat "$work/port")

cat > "$work/inventory.yml" <<EOF
kapacitor:
  hosts:
    kap-a:
      ansible_connection: local
      ansible_python_interpreter: $python
      kapacitor_url: $url
staging:
  hosts:
    kap-b:
EOF

step() { printf '\n=== %s\n' "$*"; }
# On failure, the output of the last playbook run and the reason.
fail() { cat "$work/out"; echo "FAILED: $*" >&2; exit 1; }
# play PLAYBOOK ARGS...: runs a playbook of the collection; its output is kept in $work/out.
play() {
  echo "ansible-playbook tickstack.kapacitor.$*"
  ansible-playbook "tickstack.kapacitor.$1" -i "$work/inventory.yml" "${@:2}" > "$work/out" 2>&1
}
recap() { grep -E "^kap-a +: ok=[0-9]+ +changed=$1 +unreachable=0 +failed=0" "$work/out" > /dev/null || fail "expected changed=$1"; }
writes() { "$python" requests.py "$url" writes; }
clear_log() { "$python" requests.py "$url" clear; }
expect_writes() {
  local got
  got=$(writes | sort | tr '\n' ' ')
  [[ $got == "$1" ]] || fail "expected writes [$1], got [$got]"
}

step "check mode predicts changes and writes nothing"
play configure_alert_endpoints -e @endpoints.yml --check || fail "the run failed"
grep -q 'changed: \[kap-a\]' "$work/out" || fail "check mode did not predict the changes"
expect_writes ""

step "first run: one write per endpoint, and by default no test alert"
play configure_alert_endpoints -e @endpoints.yml --diff || fail "the run failed"
recap '[1-9][0-9]*'
expect_writes "/kapacitor/v1/config/kafka /kapacitor/v1/config/slack /kapacitor/v1/config/smtp/ /kapacitor/v1/config/teams/ "
grep -q 'Converge the alert endpoints' "$work/out" || fail "no converge task"
[[ $(grep -c '^TASK \[tickstack.kapacitor.alert_endpoints : Converge the alert endpoints' "$work/out") == 1 ]] ||
  fail "expected one converge task"

step "test_alerts=changed: test alerts through the enabled endpoints that changed, the disabled one named"
"$python" requests.py "$url" reset
clear_log
play configure_alert_endpoints -e @endpoints.yml -e kapacitor_alert_endpoints_test_alerts=changed || fail "the run failed"
expect_writes "/kapacitor/v1/config/kafka /kapacitor/v1/config/slack /kapacitor/v1/config/smtp/ /kapacitor/v1/config/teams/ /kapacitor/v1/service-tests/kafka /kapacitor/v1/service-tests/slack /kapacitor/v1/service-tests/smtp "
grep -q 'no test alert sent through teams (disabled' "$work/out" || fail "the disabled teams endpoint was not named as skipped"

step "second run changes nothing and sends nothing: one read of every endpoint"
clear_log
play configure_alert_endpoints -e @endpoints.yml || fail "the run failed"
recap 0
expect_writes ""
got=$("$python" requests.py "$url" all | tr '\n' ' ')
[[ $got == "GET /kapacitor/v1/config " ]] || fail "expected one GET of every endpoint, got [$got]"

step "an HTTP POST endpoint (no enabled option) is tested too"
clear_log
play configure_alert_endpoints -e '{"kapacitor_alert_endpoints": [{"handler": "httppost", "name": "hook", "config": {"url": "http://127.0.0.1:9/x"}}]}' \
  -e kapacitor_alert_endpoints_test_alerts=changed || true
expect_writes "/kapacitor/v1/config/httppost /kapacitor/v1/service-tests/httppost "
play configure_alert_endpoints -e '{"kapacitor_alert_endpoints": [{"handler": "httppost", "name": "hook", "state": "absent"}]}' || fail "the run failed"
clear_log

step "kapacitor_alert_endpoints_test_alerts=always tests every enabled endpoint listed, changed or not"
clear_log
play configure_alert_endpoints -e @endpoints.yml -e kapacitor_alert_endpoints_test_alerts=always || fail "the run failed"
expect_writes "/kapacitor/v1/service-tests/kafka /kapacitor/v1/service-tests/slack /kapacitor/v1/service-tests/smtp "
clear_log

step "send_test_alerts: the listed endpoints that are enabled"
play send_test_alerts -e @endpoints.yml || fail "the run failed"
expect_writes "/kapacitor/v1/service-tests/kafka /kapacitor/v1/service-tests/slack /kapacitor/v1/service-tests/smtp "

step "send_test_alerts with no list: every enabled endpoint of the server"
clear_log
play send_test_alerts || fail "the run failed"
expect_writes "/kapacitor/v1/service-tests/kafka /kapacitor/v1/service-tests/slack /kapacitor/v1/service-tests/smtp "

step "export writes a vars file without secrets"
clear_log
play export_alert_endpoints -e kapacitor_alert_endpoints_export_dir="$work/export" || fail "the run failed"
export_file=$work/export/kap-a.yml
[[ $(stat -c %a "$export_file") == 600 ]] || fail "export file mode is not 600"
grep -q '^kapacitor_alert_endpoints:' "$export_file" || fail "export has no kapacitor_alert_endpoints"
if grep -E 'secret-(3f9a|7c21)' "$export_file"; then fail "a secret was exported"; fi
grep -q 'slack/ops url' "$export_file" || fail "the export does not list the Slack secret as set"
expect_writes ""

step "the export applied to the same server changes nothing"
play configure_alert_endpoints -e @"$export_file" || fail "the run failed"
recap 0
expect_writes ""

step "update_secrets=always sends the secrets again; no secret reaches the output even at -vvv --diff"
step "(and kapacitor_alert_endpoints_test_alerts=never sends no test alert for those changes)"
play configure_alert_endpoints -e @endpoints.yml -e kapacitor_alert_endpoints_update_secrets=always \
  -e kapacitor_alert_endpoints_test_alerts=never -vvv --diff || fail "the run failed"
recap '[1-9][0-9]*'
if grep -E 'secret-(3f9a|7c21)' "$work/out"; then fail "a secret reached the output"; fi
expect_writes "/kapacitor/v1/config/slack/ops /kapacitor/v1/config/smtp/ "
clear_log

step "Kapacitor refuses the second of three changes, no test alerts: the first is reported changed, the run fails"
"$python" requests.py "$url" reset
"$python" requests.py "$url" fault '{"method": "POST", "path": "/config/smtp/", "status": 500, "message": "refused by the test", "count": 1}'
if play configure_alert_endpoints -e @partial.yml; then fail "the run did not fail"; fi
grep -qE "^kap-a +: ok=[0-9]+ +changed=[1-9][0-9]* +unreachable=0 +failed=1" "$work/out" || fail "the recap does not show the change and the failure"
expect_writes "/kapacitor/v1/config/sensu/ /kapacitor/v1/config/smtp/ "

step "Kapacitor refuses the second of three changes: the first is reported changed and tested, the run fails"
"$python" requests.py "$url" reset
"$python" requests.py "$url" fault '{"method": "POST", "path": "/config/smtp/", "status": 500, "message": "refused by the test", "count": 1}'
if play configure_alert_endpoints -e @partial.yml -e kapacitor_alert_endpoints_test_alerts=changed; then fail "the run did not fail"; fi
grep -qE "^kap-a +: ok=[0-9]+ +changed=[1-9][0-9]* +unreachable=0 +failed=1" "$work/out" || fail "the recap does not show the change and the failure"
grep -q "item 2 (smtp): POST /kapacitor/v1/config/smtp/: HTTP 500: refused by the test" "$work/out" || fail "the failed entry is not named"
grep -q "Written before it: sensu. Not tried: victorops." "$work/out" || fail "written and untried entries are not named"
expect_writes "/kapacitor/v1/config/sensu/ /kapacitor/v1/config/smtp/ /kapacitor/v1/service-tests/sensu "
"$python" requests.py "$url" healthy || fail "Kapacitor's config API does not answer 200 after the failure"
clear_log
play configure_alert_endpoints -e @partial.yml || fail "the rerun failed"
expect_writes "/kapacitor/v1/config/smtp/ /kapacitor/v1/config/victorops/ "
play configure_alert_endpoints -e @partial.yml || fail "the second rerun failed"
recap 0
clear_log

step "two runs add the same new element at the same moment: one wins, the other says what Kapacitor holds"
clear_log
# Each add waits 12 s in the emulator before it is applied (the runs wait up to 60 s for an answer);
# the second run starts once the first's add has arrived, so it reads Kapacitor before that add is
# applied, as a concurrent run would.
"$python" requests.py "$url" fault '{"method": "POST", "path": "/config/slack$", "delay": 12, "count": 2}'
same='{"kapacitor_timeout": 60, "kapacitor_alert_endpoints": [{"handler": "slack", "name": "race", "config": {"enabled": false, "channel": "#race"}}]}'
ansible-playbook tickstack.kapacitor.configure_alert_endpoints -i "$work/inventory.yml" -e "$same" > "$work/race1" 2>&1 &
first=$!
"$python" requests.py "$url" wait-post /kapacitor/v1/config/slack 60 || fail "the first run sent no add"
ansible-playbook tickstack.kapacitor.configure_alert_endpoints -i "$work/inventory.yml" -e "$same" > "$work/race2" 2>&1 &
second=$!
rc1=0 rc2=0
wait "$first" || rc1=$?
wait "$second" || rc2=$?
cat "$work/race1" "$work/race2" > "$work/out"
[[ $((rc1 == 0)) != $((rc2 == 0)) ]] || fail "expected exactly one of the two runs to fail (rc $rc1 and $rc2)"
grep -q "closed the connection without an answer" "$work/out" || fail "the dropped add is not reported"
grep -q "Kapacitor now has slack 'race': it was added at the same moment by another run" "$work/out" ||
  fail "the message does not say what Kapacitor holds"
grep -q "Restart Kapacitor" "$work/out" || fail "the message does not say what to do"
"$python" requests.py "$url" healthy || fail "Kapacitor's config API does not answer 200 after the race"
play configure_alert_endpoints -e "$same" || fail "the rerun failed"
recap 0
clear_log

step "a misspelt option in the last entry stops the run before anything is written"
if play configure_alert_endpoints -e @bad_option.yml; then fail "the run did not fail"; fi
grep -q 'chat_idd' "$work/out" || fail "the error does not name the misspelt option"
expect_writes ""

step "a misspelt test option is refused before anything is written"
clear_log
if play configure_alert_endpoints -e '{"kapacitor_alert_endpoints": [{"handler": "smtp", "config": {"port": 2526}, "test_options": {"subjct": "x"}}]}'; then fail "the run did not fail"; fi
grep -q 'options.subjct: unknown test option for handler smtp' "$work/out" || fail "the error does not name the test option"
expect_writes ""

step "an endpoint listed twice is refused"
if play configure_alert_endpoints -e @duplicate.yml; then fail "the run did not fail"; fi
grep -q "item 2 (slack 'ops'): the same endpoint as item 1" "$work/out" || fail "the error does not name the duplicate"
expect_writes ""

step "a misspelt handler is refused by the argument spec"
if play configure_alert_endpoints -e '{"kapacitor_alert_endpoints": [{"handler": "slak", "name": "x"}]}'; then fail "the run did not fail"; fi
grep -q 'slak' "$work/out" || fail "the error does not name the handler"
expect_writes ""

step "through Chronograf: the Kapacitor is connected first, then the same writes reach it through the proxy"
"$python" "$collection/tests/emulator/chronograf_emulator.py" --listen 127.0.0.1:0 \
  --port-file "$work/chronograf.port" --test-controls > "$work/chronograf.log" 2>&1 &
echo $! > "$work/chronograf.pid"
for _ in $(seq 100); do [[ -s $work/chronograf.port ]] && break; sleep 0.1; done
chronograf=http://127.0.0.1:$(cat "$work/chronograf.port")
"$python" requests.py "$url" reset
clear_log
through=(-e kapacitor_chronograf_url="$chronograf" -e kapacitor_chronograf_register=true)
play configure_alert_endpoints -e @endpoints.yml "${through[@]}" || fail "the run failed"
grep -q 'Connect the Kapacitor to Chronograf' "$work/out" || fail "the Kapacitor was not connected first"
expect_writes "/kapacitor/v1/config/kafka /kapacitor/v1/config/slack /kapacitor/v1/config/smtp/ /kapacitor/v1/config/teams/ "
"$python" requests.py "$chronograf" all | grep -qx "POST /chronograf/v1/sources/1/kapacitors" ||
  fail "no connection was created in Chronograf"
clear_log
play configure_alert_endpoints -e @endpoints.yml "${through[@]}" || fail "the rerun failed"
recap 0
got=$("$python" requests.py "$url" all | tr '\n' ' ')
[[ $got == "GET /kapacitor/v1/config " ]] || fail "expected one GET of every endpoint through Chronograf, got [$got]"
clear_log

step "topic handlers: after the endpoints, one task per server; a rerun reads each topic once and writes nothing"
"$python" requests.py "$url" reset
clear_log
play configure_alert_endpoints -e @topics.yml --diff -vvv || fail "the run failed"
expect_writes "/kapacitor/v1/alerts/topics/cpu/handlers /kapacitor/v1/alerts/topics/cpu/handlers /kapacitor/v1/alerts/topics/disk/handlers /kapacitor/v1/config/slack "
[[ $(grep -c '^TASK \[tickstack.kapacitor.alert_endpoints : Converge the topic handlers' "$work/out") == 1 ]] ||
  fail "expected one topic handlers task"
grep -q '^+++ after: disk/pagerduty-disk' "$work/out" || fail "no diff of the topic handler"
if grep -E 'secret-(3f9a|4b1e)' "$work/out"; then fail "a secret reached the output"; fi
clear_log
play configure_alert_endpoints -e @topics.yml || fail "the rerun failed"
recap 0
got=$("$python" requests.py "$url" all | tr '\n' ' ')
[[ $got == "GET /kapacitor/v1/config GET /kapacitor/v1/alerts/topics/cpu/handlers GET /kapacitor/v1/alerts/topics/disk/handlers " ]] ||
  fail "expected one GET of the endpoints and one per topic, got [$got]"

step "topic handlers: the export writes them next to the endpoints, and applying it changes nothing"
play export_alert_endpoints -e kapacitor_alert_endpoints_export_dir="$work/export-topics" || fail "the export failed"
export_file=$work/export-topics/kap-a.yml
grep -q '^kapacitor_topic_handlers:' "$export_file" || fail "the export has no kapacitor_topic_handlers"
grep -q 'id: pagerduty-disk' "$export_file" || fail "the export lacks a topic handler"
grep -q 'disk/pagerduty-disk routing_key' "$export_file" || fail "the export does not name the handler's secret"
if grep -E 'secret-(3f9a|4b1e)' "$export_file"; then fail "a secret was exported"; fi
clear_log
play configure_alert_endpoints -e @"$export_file" || fail "applying the export failed"
recap 0
expect_writes ""

step "topic handlers: purge removes the unlisted handlers of the listed topics only"
clear_log
play configure_alert_endpoints -e @topics.yml -e kapacitor_topic_handlers_purge=true \
  -e '{"kapacitor_topic_handlers": [{"topic": "cpu", "id": "slack-cpu", "kind": "slack", "options": {"workspace": "ops", "channel": "#cpu-alerts"}, "match": "changed()"}]}' ||
  fail "the purge failed"
expect_writes "/kapacitor/v1/alerts/topics/cpu/handlers/log-cpu "
got=$("$python" requests.py "$url" all | grep DELETE | tr '\n' ' ')
[[ $got == "DELETE /kapacitor/v1/alerts/topics/cpu/handlers/log-cpu " ]] || fail "expected the DELETE of one handler, got [$got]"
clear_log

step "the playbooks run on the group kapacitor, or on the group named by kapacitor_hosts"
hosts_of() {
  play "$@" --list-hosts > /dev/null || fail "the run failed"
  grep -oE 'kap-[ab]' "$work/out" | sort -u | tr '\n' ' '
}
for playbook in configure_alert_endpoints send_test_alerts export_alert_endpoints; do
  [[ $(hosts_of "$playbook") == "kap-a " ]] || fail "$playbook does not target the group kapacitor"
  [[ $(hosts_of "$playbook" -e kapacitor_hosts=staging) == "kap-b " ]] || fail "$playbook ignores kapacitor_hosts"
done

echo "all playbook checks passed"
