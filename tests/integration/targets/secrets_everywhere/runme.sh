#!/usr/bin/env bash
# No secret in any output: stdout at -vvv --diff, ANSIBLE_LOG_PATH, registered results, the
# exported vars file, and what each module's own Python process sent to the journal (host
# journal-host) or to syslog (host syslog-host), captured by recorders that stand in for
# systemd.journal and syslog.
set -euo pipefail

source ../setup_kapacitor_emulator/emulator.sh

work=$EMULATOR_WORK
python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
emulator_start KAPACITOR_URL

for kind in journal syslog; do
  sed -e "s|@CAPTURE_FILE@|$work/$kind.capture|" -e "s|@CAPTURE_DIR@|$(pwd)/capture/$kind|" -e "s|@PYTHON@|$python|" \
    interpreter.sh > "$work/python-$kind"
  chmod +x "$work/python-$kind"
  : > "$work/$kind.capture"
done
cat > "$work/inventory.ini" <<INI
journal-host ansible_connection=local ansible_python_interpreter=$work/python-journal
syslog-host ansible_connection=local ansible_python_interpreter=$work/python-syslog
INI

export ANSIBLE_LOG_PATH=$work/ansible.log
mkdir -p "$work/results" "$work/export"
stdout=$work/stdout.log
: > "$stdout"
run_playbook "$stdout" -vvv --diff -i "$work/inventory.ini" -e kapacitor_url="$KAPACITOR_URL" \
  -e results_dir="$work/results" -e export_dir="$work/export" everywhere.yml

# Both logging paths of AnsibleModule.log were taken, with the invocation of every module.
for kind in journal syslog; do
  [[ -s $work/$kind.capture ]] || { echo "nothing was sent to the $kind" >&2; exit 1; }
  for module in kapacitor_alert_endpoints kapacitor_alert_endpoint kapacitor_test_alert kapacitor_alert_endpoint_info; do
    grep -qE "ansible-tickstack\.kapacitor\.$module([^_a-z]|$)" "$work/$kind.capture" || { echo "$module sent nothing to the $kind" >&2; exit 1; }
  done
done
grep -q '"MESSAGE": "ansible-tickstack.kapacitor.kapacitor_alert_endpoints Invoked with' "$work/journal.capture"
grep -q 'Invoked with' "$work/syslog.capture"

files=("$stdout" "$ANSIBLE_LOG_PATH" "$work"/results/*.json "$work"/export/*.yml "$work/journal.capture" "$work/syslog.capture")
{
  secrets_in vars/secrets.yml
  # Kapacitor and Go quote a value with a newline as backslash-n; the raw value without it too.
  echo 'newline_quoted=newline-S3CRET-73c\n'
} | scan_secrets "${files[@]}"
echo "secret scan: $(secrets_in vars/secrets.yml | wc -l) secrets in $(cat "${files[@]}" | wc -c) bytes of" \
  "stdout, log, results, export, journal and syslog: none leaked"
