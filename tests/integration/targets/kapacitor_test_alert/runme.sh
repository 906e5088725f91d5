#!/usr/bin/env bash
# Real ansible-playbook runs of kapacitor_test_alert against a Kapacitor emulator started here
# on a free port. Every run is at -vvv with ANSIBLE_LOG_PATH set; the output is then scanned
# for every secret the playbooks used.
set -euo pipefail

source ../setup_kapacitor_emulator/emulator.sh

work=$EMULATOR_WORK
emulator_start KAPACITOR_URL

export ANSIBLE_LOG_PATH=$work/ansible.log
export ANSIBLE_PIPELINING=true
stdout=$work/stdout.log
start=$SECONDS
for playbook in ${PLAYBOOKS:-test_alert.yml every_handler.yml}; do
  run_playbook "$stdout" -vvv -i inventory.ini -e kapacitor_url="$KAPACITOR_URL" "$playbook"
done

secrets_in vars/secrets.yml | scan_secrets "$stdout" "$ANSIBLE_LOG_PATH"
echo "secret scan: $(grep -c '^  [a-z0-9_]*: "' vars/secrets.yml) secrets, $(wc -c < "$stdout") bytes of output, none leaked"
echo "kapacitor_test_alert integration: $((SECONDS - start)) s"
