#!/usr/bin/env bash
# Real ansible-playbook runs of the topic handler modules against a Kapacitor emulator started
# here on a free port: every kind's cycle, handlers made by hand, bad input, Kapacitor's
# refusals and faults, secrets. Every run is at -vvv with --diff and ANSIBLE_LOG_PATH set; the
# output is then scanned for every secret the playbooks used.
set -euo pipefail

source ../setup_kapacitor_emulator/emulator.sh

work=$EMULATOR_WORK
# Kapacitor builds a kafka handler only for a cluster that its kafka service runs: an enabled one.
cat > "$work/kapacitor.conf" <<CONF
[[kafka]]
id = "default"
enabled = true
brokers = ["127.0.0.1:9"]
CONF
emulator_start KAPACITOR_URL --config "$work/kapacitor.conf"

export ANSIBLE_LOG_PATH=$work/ansible.log
export ANSIBLE_PIPELINING=true
stdout=$work/stdout.log
: > "$stdout"

start=$SECONDS
for playbook in ${PLAYBOOKS:-kinds.yml handmade.yml bad_input.yml faults.yml secrets.yml}; do
  run_playbook "$stdout" -vvv --diff -i inventory.ini -e kapacitor_url="$KAPACITOR_URL" "$playbook"
done

# No secret may appear anywhere: not at -vvv, not in a diff, not in the log file.
secrets_in vars/secrets.yml | scan_secrets "$stdout" "$ANSIBLE_LOG_PATH"
[[ -s $ANSIBLE_LOG_PATH ]]
echo "secret scan: $(secrets_in vars/secrets.yml | wc -l) secrets, $(wc -c < "$stdout") bytes of output, none leaked"
echo "kapacitor_topic_handler integration: $((SECONDS - start)) s"
