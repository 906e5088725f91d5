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
  rc=0
  ansible-playbook -vvv -i inventory.ini -e kapacitor_url="$KAPACITOR_URL" "$playbook" > "$work/run.log" 2>&1 || rc=$?
  cat "$work/run.log" >> "$stdout"
  if [[ $rc != 0 ]]; then
    grep -vE '^(<|Using|Loading|Parsed|Skipping|redirecting|Read vars|    )' "$work/run.log" | tail -60
    echo "ansible-playbook $playbook failed (rc=$rc)" >&2
    exit "$rc"
  fi
  grep -E '^PLAY RECAP' -A1 "$work/run.log"
done

leaks=0
while IFS='|' read -r key secret; do
  for file in "$stdout" "$ANSIBLE_LOG_PATH"; do
    if grep -qF -- "$secret" "$file"; then
      echo "LEAK: secrets.$key appears in $(basename "$file")" >&2
      leaks=$((leaks + 1))
    fi
  done
done < <(sed -n 's/^  \([a-z0-9_]*\): "\(.*\)"$/\1|\2/p' vars/secrets.yml)
[[ $leaks == 0 ]]
echo "secret scan: $(grep -c '^  [a-z0-9_]*: "' vars/secrets.yml) secrets, $(wc -c < "$stdout") bytes of output, none leaked"
echo "kapacitor_test_alert integration: $((SECONDS - start)) s"
