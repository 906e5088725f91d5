#!/usr/bin/env bash
# Real ansible-playbook runs against Kapacitor emulators started here on free ports:
#   plain    http, no auth: every handler's cycle, secrets, bad input, faults
#   secured  https (throwaway CA), auth on (basic and JWT), a kafka element from kapacitor.conf
#   locked   [config-override] enabled = false
# Every run is at -vvv with --diff and ANSIBLE_LOG_PATH set; the output is then scanned for
# every secret the playbooks used.
set -euo pipefail

source ../setup_kapacitor_emulator/emulator.sh

work=$EMULATOR_WORK
emulator_make_cert "$work/tls"
shared_secret="jwt-shared-S3cr3tX8"
kapacitor_password=$(sed -n 's/^  kapacitor_password: "\(.*\)"$/\1/p' vars/secrets.yml)

cat > "$work/secured.conf" <<CONF
[http]
auth-enabled = true
shared-secret = "$shared_secret"

[[emulator.users]]
username = "ansible"
password = "$kapacitor_password"
permissions = ["config"]

[[emulator.users]]
username = "reader"
password = "$kapacitor_password"
permissions = ["api"]

[[kafka]]
id = "fromfile"
enabled = false
brokers = ["kafka.conf.example:9092"]
CONF

cat > "$work/locked.conf" <<CONF
[config-override]
enabled = false
CONF

emulator_start PLAIN_URL
emulator_start SECURED_URL --config "$work/secured.conf" --tls-cert "$work/tls/server.pem" --tls-key "$work/tls/server-key.pem"
emulator_start LOCKED_URL --config "$work/locked.conf"
jwt=$(emulator_token "$shared_secret" ansible)

export ANSIBLE_LOG_PATH=$work/ansible.log
export ANSIBLE_PIPELINING=true
stdout=$work/stdout.log
: > "$stdout"

play() {
  local rc=0
  ansible-playbook -vvv --diff -i inventory.ini \
    -e kapacitor_url="$PLAIN_URL" -e secured_url="$SECURED_URL" -e locked_url="$LOCKED_URL" \
    -e ca_path="$work/tls/ca.pem" -e kapacitor_token="$jwt" "$@" > "$work/run.log" 2>&1 || rc=$?
  cat "$work/run.log" >> "$stdout"
  if [[ $rc != 0 ]]; then
    grep -vE '^(<|Using|Loading|Parsed|Skipping|redirecting|Read vars|    )' "$work/run.log" | tail -60
    echo "ansible-playbook $* failed (rc=$rc)" >&2
    return "$rc"
  fi
  grep -E '^PLAY RECAP' -A2 "$work/run.log"
}

start=$SECONDS
for playbook in ${PLAYBOOKS:-handlers.yml secrets.yml bad_input.yml faults.yml connection.yml}; do
  play "$playbook"
done
KAPACITOR_URL=$SECURED_URL KAPACITOR_USERNAME=ansible KAPACITOR_PASSWORD=$kapacitor_password play env.yml

# No secret may appear anywhere: not at -vvv, not in a diff, not in the log file.
leaks=0
while IFS='=' read -r name secret; do
  [[ -z $secret ]] && continue
  for file in "$stdout" "$ANSIBLE_LOG_PATH"; do
    if grep -qF -- "$secret" "$file"; then
      echo "LEAK: the secret $name appears in $(basename "$file")" >&2
      [[ -n ${KEEP_LEAKS:-} ]] && cp "$file" "$KEEP_LEAKS.$(basename "$file")"
      leaks=$((leaks + 1))
    fi
  done
done < <(sed -n 's/^  \([a-z0-9_]*\): "\(.*\)"$/\1=\2/p' vars/secrets.yml; echo "jwt=$jwt"; echo "shared_secret=$shared_secret")
[[ $leaks == 0 ]]
[[ -s $ANSIBLE_LOG_PATH ]]
echo "secret scan: $(sed -n 's/^  [a-z0-9_]*: "\(.*\)"$/\1/p' vars/secrets.yml | wc -l) secrets + token, $(wc -c < "$stdout") bytes of output, none leaked"
echo "kapacitor_alert_endpoint integration: $((SECONDS - start)) s"
